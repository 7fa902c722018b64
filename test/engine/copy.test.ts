/**
 * `docker cp` through the stock docker CLI, both ways, on running and stopped containers — and never outside the
 * container: its own symlinks pointing at host paths, and hostile archives sent straight to the API, reach
 * only the container's files (checked on the host side).
 */
import {chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync} from 'node:fs';
import {request} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {makeTar} from '../helpers/archive.js';
import {busyboxEngine} from '../helpers/busybox-engine.js';

const engine = busyboxEngine(test);
let host: string;
let secretDir: string;

test.before(() => {
  host = mkdtempSync(join(tmpdir(), 'lab-cp-'));
  // What a container must never reach: a host directory and a file in it.
  secretDir = mkdtempSync(join(tmpdir(), 'lab-cp-secret-'));
  writeFileSync(join(secretDir, 'secret.txt'), 'HOST SECRET\n');
});
test.after.always(() => {
  for (const d of [host, secretDir]) if (d) rmSync(d, {recursive: true, force: true});
});

const sh = (name: string, script: string) => engine.docker(['exec', name, 'sh', '-c', script]);

test.serial('files and directories both ways with a running container; owners are root unless -a', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'box', 'busybox', 'sleep', '600'])).code, 0);
  const id = (await engine.docker(['inspect', '-f', '{{.Id}}', 'box'])).stdout.trim();

  const out = await engine.docker(['cp', 'box:/etc/hostname', join(host, 'hostname')]);
  t.is(out.code, 0, out.stderr);
  t.is(readFileSync(join(host, 'hostname'), 'utf8'), `${id.slice(0, 12)}\n`);

  writeFileSync(join(host, 'note.txt'), 'from the host\n');
  chownSync(join(host, 'note.txt'), 1234, 1234);
  t.is((await engine.docker(['cp', join(host, 'note.txt'), 'box:/tmp/'])).code, 0);
  t.is((await sh('box', 'cat /tmp/note.txt; stat -c %u:%g /tmp/note.txt')).stdout, 'from the host\n0:0\n');
  t.is((await engine.docker(['cp', '-a', join(host, 'note.txt'), 'box:/tmp/kept.txt'])).code, 0);
  t.is((await sh('box', 'stat -c %u:%g /tmp/kept.txt')).stdout, '1234:1234\n');

  mkdirSync(join(host, 'tree', 'sub'), {recursive: true});
  writeFileSync(join(host, 'tree', 'sub', 'leaf'), 'leaf\n');
  // Into an existing directory the folder goes inside it; to a new name it becomes that name, as with cp -r.
  t.is((await engine.docker(['cp', join(host, 'tree'), 'box:/tmp'])).code, 0);
  t.is((await sh('box', 'cat /tmp/tree/sub/leaf')).stdout, 'leaf\n');
  t.is((await engine.docker(['cp', join(host, 'tree'), 'box:/renamed'])).code, 0);
  t.is((await sh('box', 'cat /renamed/sub/leaf')).stdout, 'leaf\n');
  t.is((await engine.docker(['cp', 'box:/tmp/tree/.', join(host, 'contents')])).code, 0);
  t.deepEqual(readdirSync(join(host, 'contents')), ['sub']);
  t.is((await sh('box', 'mkdir -p /made/deep && echo made > /made/deep/file && ln -s deep/file /made/link')).code, 0);
  const back = await engine.docker(['cp', 'box:/made', join(host, 'made')]);
  t.is(back.code, 0, back.stderr);
  t.is(readFileSync(join(host, 'made', 'deep', 'file'), 'utf8'), 'made\n');
  t.is(readlinkSync(join(host, 'made', 'link')), 'deep/file', 'a symlink comes back as a symlink');

  const missing = await engine.docker(['cp', 'box:/nope', host]);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /Could not find the file \/nope in container box/);
});

test.serial('a stopped container: copy in before it starts, and out after it ended', async (t) => {
  t.is((await engine.docker(['create', '--name', 'stopped', 'busybox', 'sh', '-c', 'cat /greeting; echo done > /result'])).code, 0);
  writeFileSync(join(host, 'greeting'), 'hello before start\n');
  const into = await engine.docker(['cp', join(host, 'greeting'), 'stopped:/greeting']);
  t.is(into.code, 0, into.stderr);
  const run = await engine.docker(['start', '-a', 'stopped']);
  t.is(run.stdout, 'hello before start\n');
  const out = await engine.docker(['cp', 'stopped:/result', join(host, 'result')]);
  t.is(out.code, 0, out.stderr);
  t.is(readFileSync(join(host, 'result'), 'utf8'), 'done\n');
  const merged = JSON.parse((await engine.docker(['inspect', 'stopped'])).stdout)[0].GraphDriver.Data.MergedDir;
  t.false(readFileSync('/proc/mounts', 'utf8').includes(merged), 'the root mounted for the copy was unmounted again');
});

test.serial('a running container\'s volumes are where docker cp puts files, as the container sees them', async (t) => {
  const volume = join(host, 'volume');
  mkdirSync(volume);
  t.is((await engine.docker(['run', '-d', '--name', 'with-volume', '-v', `${volume}:/data`, 'busybox', 'sleep', '600'])).code, 0);
  t.is((await engine.docker(['cp', join(host, 'greeting'), 'with-volume:/data/'])).code, 0);
  t.is(readFileSync(join(volume, 'greeting'), 'utf8'), 'hello before start\n');
});

test.serial('the container\'s symlinks to host paths lead only into the container', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'evil', 'busybox', 'sleep', '600'])).code, 0);
  const setup = await sh('evil', `ln -s ${secretDir}/secret.txt /leak && ln -s ${secretDir} /drop && ln -s / /root-link`);
  t.is(setup.code, 0, setup.stderr);

  // Out: the link itself, never the host file it names.
  const link = await engine.docker(['cp', 'evil:/leak', join(host, 'leak')]);
  t.is(link.code, 0, link.stderr);
  t.true(lstatSync(join(host, 'leak')).isSymbolicLink());
  const follow = await engine.docker(['cp', '-L', 'evil:/leak', join(host, 'leak-followed')]);
  t.not(follow.code, 0, 'the link\'s target does not exist inside the container');
  t.false(existsSync(join(host, 'leak-followed')));
  const through = await engine.docker(['cp', `evil:/root-link${secretDir}/secret.txt`, join(host, 'through')]);
  t.not(through.code, 0);
  t.false(existsSync(join(host, 'through')));

  // In: through a link to a host directory, the file lands (if anywhere) inside the container.
  writeFileSync(join(host, 'payload'), 'written by docker cp\n');
  await engine.docker(['cp', join(host, 'payload'), 'evil:/drop/payload']);
  await engine.docker(['cp', join(host, 'payload'), `evil:/root-link${secretDir}/`]);
  t.deepEqual(readdirSync(secretDir), ['secret.txt'], 'nothing was written into the host directory');
});

function putArchive(container: string, path: string, body: Buffer): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = request({socketPath: engine.socket, method: 'PUT', path: `/v1.50/containers/${container}/archive?path=${encodeURIComponent(path)}`, headers: {'Content-Type': 'application/x-tar'}}, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({status: res.statusCode ?? 0, text}));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test.serial('hostile archives sent to the API cannot write outside the container', async (t) => {
  const archives = [
    await makeTar([{name: `../../../../../../${secretDir.slice(1)}/dotdot.txt`, content: 'x'}]),
    await makeTar([{name: `${secretDir}/absolute.txt`, content: 'x'}]),
    await makeTar([{name: 'jump', type: 'symlink', linkname: secretDir}, {name: 'jump/through-link.txt', content: 'x'}]),
    await makeTar([{name: 'hard', type: 'link', linkname: `${secretDir}/secret.txt`}]),
  ];
  for (const archive of archives) await putArchive('evil', '/tmp', archive);
  t.deepEqual(readdirSync(secretDir), ['secret.txt']);
  t.is(readFileSync(join(secretDir, 'secret.txt'), 'utf8'), 'HOST SECRET\n');
  const notDir = await putArchive('evil', '/etc/hostname', await makeTar([{name: 'x', content: 'x'}]));
  t.is(notDir.status, 400);
  t.regex(notDir.text, /extraction point is not a directory/);
});

test.serial('docker export gives the root file system alone, and docker import makes an image of it', async (t) => {
  t.is((await sh('box', 'echo exported > /marker')).code, 0);
  const file = join(host, 'box.tar');
  const exp = await engine.docker(['export', '-o', file, 'box']);
  t.is(exp.code, 0, exp.stderr);
  const list = (await import('node:child_process')).execFileSync('tar', ['-tf', file]).toString().split('\n');
  t.true(list.includes('./marker'));
  t.true(list.includes('./bin/busybox'));
  t.false(list.some((n) => n.startsWith('./proc/') && n !== './proc/'), 'the kernel\'s /proc is not in it');
  const imp = await engine.docker(['import', file, 'flat:latest']);
  t.is(imp.code, 0, imp.stderr);
  const run = await engine.docker(['run', '--rm', 'flat', 'cat', '/marker']);
  t.is(run.stdout, 'exported\n');
  t.is(JSON.parse((await engine.docker(['image', 'inspect', 'flat'])).stdout)[0].RootFS.Layers.length, 1, 'one layer: the image is flattened');
});
