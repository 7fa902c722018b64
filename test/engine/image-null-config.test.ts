/**
 * Any image runs: configs with null or missing fields (as `docker import` and other tools write them) run and
 * inspect as on dockerd, whose Go types read a null or a missing key as the field's zero value.
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {makeImageArchive} from '../helpers/archive.js';
import {busyboxArchive} from '../helpers/busybox.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';
import {when} from '../helpers/needs.js';
import {needsDockerd, startReferenceDockerd} from '../helpers/reference-dockerd.js';

const engine = busyboxEngine(test);
const defaultPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Go's container.Config with every field at its zero value, as dockerd shows an image's empty config. */
const emptyGoConfig = {
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: null, Cmd: null, Image: '', Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: null,
};

const allNull = {Env: null, Cmd: null, Entrypoint: null, ExposedPorts: null, Volumes: null, Labels: null, WorkingDir: null, User: null, Healthcheck: null, OnBuild: null};

/** Images whose configs have nulls, no keys at all, or no config: tag → the config part of the image config. */
const variants: Record<string, Record<string, unknown>> = {
  'nulls:1': {config: allNull, container_config: allNull},
  'missing:1': {config: {}},
  'noconfig:1': {config: undefined},
};

interface Engineish {
  socket: string;
  dir: string;
  docker(args: string[], input?: Buffer | string): Promise<{code: number; stdout: string; stderr: string}>;
}

/** The busybox root filesystem as a tar, exported from a container of the engine's busybox image. */
async function exportRootfs(e: Engineish): Promise<Buffer> {
  const file = join(e.dir, 'busybox-rootfs.tar');
  await e.docker(['rm', '-f', 'nulls-export']);
  if ((await e.docker(['create', '--name', 'nulls-export', 'busybox', 'true'])).code !== 0) throw new Error('create failed');
  const r = await e.docker(['export', '-o', file, 'nulls-export']);
  if (r.code !== 0) throw new Error(r.stderr);
  await e.docker(['rm', 'nulls-export']);
  return readFileSync(file);
}

const inspectImage = async (e: Engineish, name: string) => {
  const a = await apiRequest(e.socket, 'GET', `/v1.41/images/${name}/json`);
  const j = a.json as Record<string, unknown>;
  return {status: a.status, Config: j.Config, ContainerConfig: j.ContainerConfig, Comment: j.Comment};
};

/** Everything a user sees of the images: inspect, a run, and the container's inspected config. */
async function observe(e: Engineish, rootfs: Buffer) {
  const out: Record<string, unknown> = {};
  const imported = await e.docker(['import', '-', 'imported:1'], rootfs);
  if (imported.code !== 0) throw new Error(imported.stderr);
  for (const [tag, parts] of Object.entries(variants)) {
    const {archive} = await makeImageArchive({layers: [rootfs], repoTags: [tag], config: parts});
    const load = await e.docker(['load'], archive);
    if (load.code !== 0) throw new Error(`${tag}: ${load.stderr}`);
  }
  for (const tag of ['imported:1', ...Object.keys(variants)]) {
    const run = await e.docker(['run', '--rm', tag, 'sh', '-c', 'echo "$PATH"; pwd; id -u']);
    const noCmd = await e.docker(['create', tag]);
    const created = await e.docker(['create', '--name', 'nulls-c', tag, 'sh']);
    const container = await apiRequest(e.socket, 'GET', '/v1.41/containers/nulls-c/json');
    // A container that could not be created has no Config: the assertions on `created` say why.
    const {Hostname: _h, ...config} = (container.json as {Config?: Record<string, unknown>}).Config ?? {};
    await e.docker(['rm', '-f', 'nulls-c']);
    out[tag] = {
      image: await inspectImage(e, tag),
      run: {code: run.code, stdout: run.stdout, stderr: run.stderr},
      withoutCommand: {code: noCmd.code, stderr: noCmd.stderr.split('\n')[0]},
      created: created.code === 0 ? 0 : created.stderr.trim(),
      containerConfig: config,
    };
  }
  return out;
}

test.serial('imported and hand-made images with null or missing config fields run, and inspect in Go\'s shape', async (t) => {
  const seen = (await observe(engine, await exportRootfs(engine))) as Record<string, {image: Record<string, unknown>; run: {code: number; stdout: string; stderr: string}; withoutCommand: {code: number; stderr: string}; created: number; containerConfig: Record<string, unknown>}>;
  for (const [tag, s] of Object.entries(seen)) {
    t.is(s.run.code, 0, `${tag} runs: ${s.run.stderr}`);
    t.is(s.run.stdout, `${defaultPath}\n/\n0\n`, `${tag}: the default PATH, / and root`);
    t.not(s.withoutCommand.code, 0, `${tag}: no command to run`);
    t.regex(s.withoutCommand.stderr, /No command specified/);
    t.is(s.created, 0, tag);
    // dockerd's quirk, kept: an image without any config gives its containers an empty Volumes map.
    t.like(s.containerConfig, {Env: null, Cmd: ['sh'], Entrypoint: null, Volumes: tag === 'noconfig:1' ? {} : null, WorkingDir: '', User: '', OnBuild: null, Labels: {}, Image: tag}, tag);
    t.false('Healthcheck' in s.containerConfig, tag);
    t.false('ExposedPorts' in s.containerConfig, tag);
  }
  t.deepEqual(seen['imported:1'].image, {status: 200, Config: emptyGoConfig, ContainerConfig: emptyGoConfig, Comment: 'Imported from -'});
  t.deepEqual(seen['nulls:1'].image, {status: 200, Config: emptyGoConfig, ContainerConfig: emptyGoConfig, Comment: ''});
  t.deepEqual(seen['missing:1'].image, {status: 200, Config: emptyGoConfig, ContainerConfig: emptyGoConfig, Comment: ''});
  t.deepEqual(seen['noconfig:1'].image, {status: 200, Config: null, ContainerConfig: emptyGoConfig, Comment: ''});
});

when(needsDockerd, test.serial)('dockerd shows and runs the same images the same way', async (t) => {
  const rootfs = await exportRootfs(engine);
  const ours = await observe(engine, rootfs);
  const dockerd = await startReferenceDockerd();
  try {
    const load = await dockerd.docker(['load', '-i', (await busyboxArchive('docker')).path]);
    t.is(load.code, 0, load.stderr);
    const theirs = await observe(dockerd, rootfs);
    t.deepEqual(ours, theirs);
  } finally {
    await dockerd.stop();
  }
});
