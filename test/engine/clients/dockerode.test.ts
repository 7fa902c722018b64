/**
 * Node's dockerode drives labd as an application would — the image is loaded, not pulled — and what it is told
 * is checked against the kernel where the kernel can say: the container's process, its cgroup limit, its
 * namespaces, its address, the volume's directory, the network's bridge.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, readlinkSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough, type Readable} from 'node:stream';
import test from 'ava';
import Docker from 'dockerode';
import tar from 'tar-stream';
import {v1Mounts} from '../../../src/engine/runtime/cgroups.js';
import {busyboxEngine} from '../../helpers/busybox-engine.js';
import {when} from '../../helpers/needs.js';
import {isRoot} from '../../helpers/needs.js';

const engine = busyboxEngine(test);
const serial = when({'needs root': isRoot}, test.serial);
const docker = () => new Docker({socketPath: engine.socket});

/** Everything a stream gives, as text. */
async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A multiplexed stream split by dockerode's own demuxStream into stdout and stderr. */
async function demux(d: Docker, stream: Readable | NodeJS.ReadWriteStream): Promise<{stdout: string; stderr: string}> {
  const out = new PassThrough();
  const err = new PassThrough();
  d.modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve) => stream.on('end', resolve));
  const texts = Promise.all([collect(out), collect(err)]);
  await ended;
  out.end();
  err.end();
  const [stdout, stderr] = await texts;
  return {stdout, stderr};
}

/** The memory limit the kernel holds for a process's cgroup, in bytes. */
function kernelMemoryLimit(pid: number): number {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  if (v1) return Number(readFileSync(join(v1Mounts().get('memory')!, v1.split(':')[2]!, 'memory.limit_in_bytes'), 'utf8'));
  const path = lines.find((l) => l.startsWith('0::'))!.slice(3);
  return Number(readFileSync(join('/sys/fs/cgroup', path, 'memory.max'), 'utf8'));
}

serial('ping and version answer as the Engine API', async (t) => {
  const d = docker();
  t.is(String(await d.ping()), 'OK');
  const version = await d.version();
  t.is(version.Os, 'linux');
  t.regex(version.ApiVersion, /^1\.\d+$/);
});

serial('create, attach, start, wait and logs: the output split by stream, the exit code kept', async (t) => {
  const d = docker();
  const c = await d.createContainer({Image: 'busybox', name: 'dockerode-run', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3']});
  const stream = await c.attach({stream: true, stdout: true, stderr: true});
  const output = demux(d, stream);
  await c.start();
  t.deepEqual(await c.wait(), {StatusCode: 3, Error: null});
  t.deepEqual(await output, {stdout: 'out\n', stderr: 'err\n'});
  const info = await c.inspect();
  t.is(info.State.Status, 'exited');
  t.is(info.State.ExitCode, 3);
  t.is(info.Name, '/dockerode-run');
  // Without follow dockerode hands the multiplexed log as one buffer: demultiplexed, it is the same output.
  const logs = (await c.logs({stdout: true, stderr: true, follow: false})) as unknown as Buffer;
  const logStream = new PassThrough();
  const split = demux(d, logStream);
  logStream.end(logs);
  t.deepEqual(await split, {stdout: 'out\n', stderr: 'err\n'});
  await c.remove();
  await t.throwsAsync(c.inspect(), {message: /No such container/});
});

serial('a running container is the kernel\'s process, in its own namespaces, under the memory limit asked for', async (t) => {
  const d = docker();
  const c = await d.createContainer({Image: 'busybox', name: 'dockerode-live', Cmd: ['sleep', '1000'], HostConfig: {Memory: 64 * 1024 * 1024}});
  await c.start();
  const {State} = await c.inspect();
  t.true(State.Running);
  t.regex(readFileSync(`/proc/${State.Pid}/cmdline`, 'utf8'), /^sleep\0/);
  t.is(kernelMemoryLimit(State.Pid), 64 * 1024 * 1024);
  t.not(readlinkSync(`/proc/${State.Pid}/ns/pid`), readlinkSync('/proc/self/ns/pid'));

  // exec, its output demultiplexed with dockerode's demuxStream; the namespace it reports is the kernel's.
  const exec = await c.exec({Cmd: ['sh', '-c', 'readlink /proc/self/ns/pid; echo oops >&2; exit 5'], AttachStdout: true, AttachStderr: true});
  const stream = await exec.start({hijack: true, stdin: false});
  const {stdout, stderr} = await demux(d, stream);
  t.is(stdout.trim(), readlinkSync(`/proc/${State.Pid}/ns/pid`));
  t.is(stderr, 'oops\n');
  const done = await exec.inspect();
  t.false(done.Running);
  t.is(done.ExitCode, 5);

  const listed = await d.listContainers({filters: {name: ['dockerode-live']}});
  t.deepEqual(listed.map((x) => [x.Names, x.State]), [[['/dockerode-live'], 'running']]);
  t.is((await d.listContainers({all: true, filters: {status: ['exited'], name: ['dockerode-live']}})).length, 0);

  await c.kill();
  t.is((await c.wait()).StatusCode, 137);
  t.false(existsSync(`/proc/${State.Pid}`), 'the process is gone');
  await c.remove();
});

serial('volumes: created, written through a container, seen on the host, removed', async (t) => {
  const d = docker();
  await d.createVolume({Name: 'dockerode-vol', Labels: {course: 'c1'}});
  const {Name, Labels, Mountpoint} = await d.getVolume('dockerode-vol').inspect();
  t.deepEqual([Name, Labels], ['dockerode-vol', {course: 'c1'}]);
  t.true(existsSync(Mountpoint));
  const c = await d.createContainer({Image: 'busybox', Cmd: ['sh', '-c', 'echo kept > /data/f'], HostConfig: {Binds: ['dockerode-vol:/data']}});
  await c.start();
  t.is((await c.wait()).StatusCode, 0);
  t.is(readFileSync(join(Mountpoint, 'f'), 'utf8'), 'kept\n');
  const {Volumes} = await d.listVolumes({filters: {label: ['course=c1']}});
  t.deepEqual(Volumes.map((v) => v.Name), ['dockerode-vol']);
  await t.throwsAsync(d.getVolume('dockerode-vol').remove(), {message: /volume is in use/});
  await c.remove();
  await d.getVolume('dockerode-vol').remove();
  t.false(existsSync(Mountpoint));
});

serial('networks: a bridge on the host, the container\'s address in its namespace, removed with the network', async (t) => {
  const d = docker();
  const prefix = `10.${16 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`;
  const network = await d.createNetwork({Name: 'dockerode-net', IPAM: {Config: [{Subnet: `${prefix}.0/24`}]}});
  const info = await network.inspect();
  const bridge = `br-${info.Id.slice(0, 12)}`;
  t.notThrows(() => execFileSync('ip', ['link', 'show', bridge], {stdio: 'pipe'}), `bridge ${bridge} exists`);
  const c = await d.createContainer({Image: 'busybox', Cmd: ['sleep', '1000'], HostConfig: {NetworkMode: 'dockerode-net'}});
  await c.start();
  const {NetworkSettings, State} = await c.inspect();
  const address = NetworkSettings.Networks['dockerode-net']!.IPAddress;
  t.true(address.startsWith(`${prefix}.`), address);
  const inside = execFileSync('nsenter', ['-t', String(State.Pid), '-n', 'ip', '-4', '-o', 'addr'], {encoding: 'utf8'});
  t.true(inside.includes(`${address}/24`), inside);
  t.deepEqual((await d.listNetworks({filters: {name: ['dockerode-net']}})).map((n) => n.Name), ['dockerode-net']);
  await t.throwsAsync(network.remove(), {message: /has active endpoints/});
  await c.remove({force: true});
  await network.remove();
  t.throws(() => execFileSync('ip', ['link', 'show', bridge], {stdio: 'pipe'}), undefined, 'the bridge is gone');
});

serial('events: a container\'s life, since and until', async (t) => {
  const d = docker();
  const since = Math.floor(Date.now() / 1000) - 1;
  const c = await d.createContainer({Image: 'busybox', name: 'dockerode-ev', Cmd: ['true']});
  await c.start();
  await c.wait();
  await c.remove();
  const stream = await d.getEvents({since, until: Math.floor(Date.now() / 1000) + 1, filters: {container: ['dockerode-ev']}});
  const events = (await collect(stream)).trim().split('\n').map((l) => JSON.parse(l) as {Type: string; Action: string; Actor: {Attributes: Record<string, string>}});
  t.deepEqual(events.map((e) => e.Action), ['create', 'start', 'die', 'destroy']);
  t.true(events.every((e) => e.Type === 'container' && e.Actor.Attributes.name === 'dockerode-ev'));
});

serial('getImage().get(): a docker save archive of the loaded image', async (t) => {
  const d = docker();
  const image = d.getImage('busybox');
  const {Id} = await image.inspect();
  const archive = await image.get();
  const files = new Map<string, string>();
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on('data', (b: Buffer) => chunks.push(b));
    body.on('end', () => {
      if (header.name.endsWith('.json')) files.set(header.name, Buffer.concat(chunks).toString('utf8'));
      next();
    });
  });
  const finished = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  archive.pipe(extract);
  await finished;
  const manifest = JSON.parse(files.get('manifest.json')!) as Array<{Config: string; RepoTags: string[]}>;
  t.deepEqual(manifest[0]!.RepoTags, ['busybox:latest']);
  t.is(`sha256:${manifest[0]!.Config.replace(/^blobs\/sha256\/|\.json$/g, '')}`, Id, 'the config in the archive is the image\'s');
});

serial('errors reach the application with dockerd\'s status codes and messages', async (t) => {
  const d = docker();
  const missing = await t.throwsAsync<Error & {statusCode: number; json: {message: string}}>(d.getContainer('nope').inspect());
  t.is(missing?.statusCode, 404);
  t.is(missing?.json.message, 'No such container: nope');
  const noImage = await t.throwsAsync<Error & {statusCode: number; json: {message: string}}>(d.createContainer({Image: 'nope'}));
  t.is(noImage?.statusCode, 404);
  t.is(noImage?.json.message, 'No such image: nope:latest');
  const c = await d.createContainer({Image: 'busybox', name: 'dockerode-busy', Cmd: ['sleep', '1000']});
  await c.start();
  const running = await t.throwsAsync<Error & {statusCode: number; json: {message: string}}>(c.remove());
  t.is(running?.statusCode, 409);
  t.regex(running?.json.message ?? '', /container is running: stop the container before removing or force remove/);
  const taken = await t.throwsAsync<Error & {statusCode: number; json: {message: string}}>(d.createContainer({Image: 'busybox', name: 'dockerode-busy'}));
  t.is(taken?.statusCode, 409);
  const bad = await t.throwsAsync<Error & {statusCode: number; json: {message: string}}>(d.createContainer({Image: 'busybox', HostConfig: {Memory: 1}}));
  t.is(bad?.statusCode, 400);
  t.is(bad?.json.message, 'Minimum memory limit allowed is 6MB');
  await c.remove({force: true});
});
