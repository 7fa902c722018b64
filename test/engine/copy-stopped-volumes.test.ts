/**
 * The archive API (`docker cp`, HEAD/GET/PUT /containers/{id}/archive) on a stopped container sees its volumes and
 * binds, as dockerd's does; a directory that is a symlink inside the container is followed inside the container's
 * root (into a volume, too), never out of it; a read-only volume refuses with dockerd's words.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {apiRequest} from '../helpers/api-request.js';
import {makeTar} from '../helpers/archive.js';
import {bothEngines} from '../helpers/both-engines.js';
import {when} from '../helpers/needs.js';
import {needsDockerd} from '../helpers/reference-dockerd.js';

const engines = bothEngines(test);
let dir: string;
test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lab-cp-vol-'));
});
test.after.always(() => dir && rmSync(dir, {recursive: true, force: true}));

interface Engineish {
  socket: string;
  docker(args: string[], input?: Buffer | string): Promise<{code: number; stdout: string; stderr: string}>;
}

async function scenario(engine: Engineish, tag: string) {
  const bind = join(dir, `bind-${tag}`);
  const roBind = join(dir, `ro-${tag}`);
  for (const d of [bind, roBind]) {
    rmSync(d, {recursive: true, force: true});
    writeFileSync(`${d}.keep`, '');
  }
  const {mkdirSync} = await import('node:fs');
  mkdirSync(bind);
  mkdirSync(roBind);
  writeFileSync(join(bind, 'b.txt'), 'bound\n');
  const hostProbe = join(dir, 'escape');
  const run = await engine.docker([
    'run', '--network', 'none', '--name', 'cp', '-v', 'vol:/vol', '-v', `${bind}:/bnd`, '-v', `${roBind}:/ro:ro`, 'busybox', 'sh', '-c',
    `echo invol > /vol/v.txt; ln -s /vol /data; mkdir -p /real/dir ${dir}; ln -s /real/dir /link; ln -s ${dir} /abs; ln -s ../../../../../../../../${dir.slice(1)} /rel`,
  ]);
  if (run.code !== 0) throw new Error(run.stderr);
  const c = 'cp';
  const read = async (path: string) => {
    const r = await apiRequest(engine.socket, 'GET', `/v1.41/containers/${c}/archive?path=${encodeURIComponent(path)}`);
    return r.status === 200 ? r.body.slice(512).replace(/\0.*$/s, '') : `${r.status} ${(r.json as {message?: string})?.message}`;
  };
  const put = async (path: string, name: string) => {
    const r = await apiRequest(engine.socket, 'PUT', `/v1.41/containers/${c}/archive?path=${encodeURIComponent(path)}`, {body: await makeTar([{name, content: `${name}\n`}]), contentType: 'application/x-tar'});
    return r.status === 200 ? 200 : `${r.status} ${(r.json as {message?: string})?.message}`;
  };
  const head = await apiRequest(engine.socket, 'HEAD', `/v1.41/containers/${c}/archive?path=/vol/v.txt`);
  const result = {
    volumeFile: await read('/vol/v.txt'),
    bindFile: await read('/bnd/b.txt'),
    headStatus: head.status,
    putVolume: await put('/vol/', 'into-vol.txt'),
    putThroughLink: await put('/data/', 'through-link.txt'),
    putLinkedDir: await put('/link/', 'linked.txt'),
    putAbsoluteLink: await put('/abs/', 'escape'),
    putRelativeLink: await put('/rel/', 'escape'),
    putReadOnly: await put('/ro/', 'nope.txt'),
    putBind: await put('/bnd/', 'into-bind.txt'),
  };
  const inVolume = (await engine.docker(['run', '--rm', '--network', 'none', '-v', 'vol:/vol', 'busybox', 'ls', '/vol'])).stdout.split('\n').filter(Boolean);
  const inContainer = {
    linked: await read('/real/dir/linked.txt'),
    absolute: await read(`${dir}/escape`),
  };
  const host = {escaped: existsSync(hostProbe), bindGot: readFileSync(join(bind, 'into-bind.txt'), 'utf8'), roEmpty: !existsSync(join(roBind, 'nope.txt'))};
  await engine.docker(['rm', c]);
  await engine.docker(['volume', 'rm', 'vol']);
  return {result, inVolume, inContainer, host};
}

when(needsDockerd, test)('a stopped container\'s volumes and binds through the archive API, as on dockerd', async (t) => {
  const reference = await scenario(engines.dockerd, 'ref');
  const labd = await scenario(engines.labd, 'lab');
  t.deepEqual(labd, reference);
  t.is(labd.result.volumeFile, 'invol\n');
  t.is(labd.result.bindFile, 'bound\n');
  t.is(labd.result.putReadOnly, '500 mounted volume is marked read-only');
  t.deepEqual(labd.inVolume, ['into-vol.txt', 'through-link.txt', 'v.txt']);
  t.is(labd.inContainer.linked, 'linked.txt\n');
  t.is(labd.inContainer.absolute, 'escape\n', 'a link to a host path is the same path inside the container');
  t.false(labd.host.escaped, 'nothing written outside the container');
});
