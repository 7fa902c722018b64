/**
 * `docker build` on busybox through the stock CLI: RUN in containers on the engine, layers and history,
 * ENV and CMD, the cache, multi-stage COPY --from, ADD of a tar, --chown, -q, -f, --target, build args,
 * and a failing RUN that fails the build and leaves no container behind.
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

let engine: TestEngine;
const dirs: string[] = [];

test.before(async () => {
  engine = await startTestEngine();
  const bb = await busyboxArchive('docker');
  const load = await engine.docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.stop();
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

/** A context dir with these files (a string is a file's content). */
function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-build-ctx-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true});
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const noContainersLeft = async () => (await engine.docker(['ps', '-aq'])).stdout.trim();

test.serial('FROM busybox, RUN, ENV, COPY, CMD: run, history and env as in Docker', async (t) => {
  const dir = context({Dockerfile: 'FROM busybox\nRUN echo a > /a\nENV X=1\nCOPY . /src\nCMD ["cat","/a"]\n', 'notes.txt': 'notes\n'});
  const build = await engine.docker(['build', '-t', 'img', dir]);
  t.is(build.code, 0, build.stderr);
  t.regex(build.stdout, /Step 2\/5 : RUN echo a > \/a\n ---> Running in ([a-f0-9]{12})\n ---> Removed intermediate container \1\n ---> [a-f0-9]{12}\n/);
  t.regex(build.stdout, /Successfully tagged img:latest/);
  t.is(await noContainersLeft(), '', 'the RUN container was removed');

  const run = await engine.docker(['run', '--rm', 'img']);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'a\n');
  t.is((await engine.docker(['run', '--rm', 'img', 'sh', '-c', 'echo $X'])).stdout, '1\n');
  t.is((await engine.docker(['run', '--rm', 'img', 'cat', '/src/notes.txt'])).stdout, 'notes\n');

  const history = await engine.docker(['history', '--no-trunc', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}', 'img']);
  const rows = history.stdout.trim().split('\n').map((r) => r.split('|'));
  t.deepEqual(rows.slice(0, 4).map((r) => r[1]), [
    '/bin/sh -c #(nop)  CMD ["cat" "/a"]',
    rows[1]![1]!,
    '/bin/sh -c #(nop)  ENV X=1',
    '/bin/sh -c echo a > /a',
  ]);
  t.regex(rows[1]![1]!, /^\/bin\/sh -c #\(nop\) COPY dir:[a-f0-9]{64} in \/src $/);
  t.true(rows.slice(0, 4).every((r) => /^sha256:[a-f0-9]{64}$/.test(r[0]!)), 'built steps show their image IDs');
  t.is(rows.at(-1)![0], (await engine.docker(['images', '--no-trunc', '-q', 'busybox'])).stdout.trim());
  const all = await engine.docker(['images', '-a', '-q']);
  t.is(all.stdout.trim().split('\n').length, 5, 'busybox, three intermediates (RUN, ENV, COPY) and img');

  const inspect = JSON.parse((await engine.docker(['image', 'inspect', 'img'])).stdout)[0];
  t.is(inspect.RootFS.Layers.length, 3, 'busybox + RUN + COPY; ENV and CMD add no layer');
  t.deepEqual(inspect.Config.Cmd, ['cat', '/a']);
  t.true(inspect.Config.Env.includes('X=1'));

  const again = await engine.docker(['build', '-t', 'img', dir]);
  t.is(again.stdout.match(/Using cache/g)?.length, 4, again.stdout);
  t.notRegex(again.stdout, /Running in/);
});

test.serial('RUN exit 3 fails the build with Docker\'s message; the CLI exits 1; no container is left', async (t) => {
  const dir = context({Dockerfile: 'FROM busybox\nRUN echo before; echo warn >&2\nRUN exit 3\nRUN echo never\n'});
  const build = await engine.docker(['build', '-t', 'bad', dir]);
  t.is(build.code, 1);
  t.regex(build.stdout, /before\nwarn\n/);
  t.regex(build.stderr, /Dockerfile:3: The command '\/bin\/sh -c exit 3' returned a non-zero code: 3/);
  t.notRegex(build.stdout, /never/);
  t.is(await noContainersLeft(), '');
  t.is((await engine.docker(['images', '-q', 'bad'])).stdout, '');
});

test.serial('multi-stage: COPY --from a named stage; --target stops at a stage', async (t) => {
  const dir = context({
    Dockerfile: [
      'ARG GREETING=hi',
      'FROM busybox AS build',
      'ARG GREETING',
      'WORKDIR /work',
      'RUN echo "$GREETING from build" > out.txt',
      'FROM busybox',
      'COPY --from=build /work/out.txt /result.txt',
      'CMD ["cat", "/result.txt"]',
      '',
    ].join('\n'),
  });
  const build = await engine.docker(['build', '--build-arg', 'GREETING=hello', '-t', 'multi', dir]);
  t.is(build.code, 0, build.stderr);
  t.regex(build.stdout, /Step 1\/8 : ARG GREETING=hi\nStep 2\/8 : FROM busybox AS build\n/);
  t.is((await engine.docker(['run', '--rm', 'multi'])).stdout, 'hello from build\n');
  const history = await engine.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'multi']);
  t.notRegex(history.stdout, /RUN|GREETING/, 'the final image has only its own stage');

  const target = await engine.docker(['build', '--target', 'build', '-q', dir]);
  t.is(target.code, 0, target.stderr);
  const id = target.stdout.trim();
  t.regex(id, /^sha256:[a-f0-9]{64}$/, '-q prints only the ID');
  t.is((await engine.docker(['run', '--rm', id, 'cat', '/work/out.txt'])).stdout, 'hi from build\n');

  const missing = await engine.docker(['build', '--target', 'nope', dir]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /failed to reach build target nope/);
});

test.serial('ADD extracts a local tar; --chown and --chmod use the image\'s users; -f names another Dockerfile', async (t) => {
  const dir = context({'payload/a/one.txt': 'one\n', 'payload/two.txt': 'two\n', 'conf.txt': 'conf\n'});
  execFileSync('tar', ['czf', join(dir, 'payload.tgz'), '-C', dir, 'payload']);
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'Dockerfile.dev'), [
    'FROM busybox',
    'ADD payload.tgz /opt/',
    'COPY --chown=nobody:nogroup --chmod=640 conf.txt /etc/app/',
    'COPY payload/*.txt /glob/',
    'USER nobody',
    'CMD ["sh", "-c", "cat /opt/payload/a/one.txt; stat -c \'%U %G %a\' /etc/app/conf.txt; ls /glob; id -un"]',
    '',
  ].join('\n'));
  const build = await engine.docker(['build', '-f', join(dir, 'build', 'Dockerfile.dev'), '-t', 'addimg', dir]);
  t.is(build.code, 0, build.stderr);
  const run = await engine.docker(['run', '--rm', 'addimg']);
  t.is(run.stdout, 'one\nnobody nogroup 640\ntwo.txt\nnobody\n', run.stderr);

  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY --chown=nosuchuser conf.txt /x\n');
  const chown = await engine.docker(['build', dir]);
  t.is(chown.code, 1);
  t.regex(chown.stderr, /Dockerfile:2: COPY --chown=nosuchuser: .*no such user: nosuchuser/);

  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nADD https://example.com/file.tar.gz /x\n');
  const url = await engine.docker(['build', dir]);
  t.regex(url.stderr, /Dockerfile:2: ADD from a URL is not supported: this lab engine has no network/);

  // A registry that is not there: the FROM line's error names it, as dockerd's does.
  writeFileSync(join(dir, 'Dockerfile'), 'FROM 127.0.0.1:1/nosuchimage\n');
  const unreachable = await engine.docker(['build', dir]);
  t.regex(unreachable.stderr, /Dockerfile:1: Get "http:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused/);
});

test.serial('a context symlink to a host file is resolved inside the context and stays a symlink in the image', async (t) => {
  const dir = context({Dockerfile: 'FROM busybox\nCOPY link /x\n', 'real.txt': 'real\n'});
  symlinkSync('/etc/shadow', join(dir, 'link'));
  symlinkSync('real.txt', join(dir, 'rel'));
  const refused = await engine.docker(['build', dir]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /Dockerfile:2: COPY failed: file not found in build context .*stat link: file does not exist \(link is a symlink to \/etc\/shadow/);

  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY rel /x\nCOPY . /ctx\n');
  const build = await engine.docker(['build', '-t', 'links', dir]);
  t.is(build.code, 0, build.stderr);
  t.is((await engine.docker(['run', '--rm', 'links', 'cat', '/x'])).stdout, 'real\n', 'a link inside the context is followed');
  t.is((await engine.docker(['run', '--rm', 'links', 'readlink', '/ctx/link'])).stdout, '/etc/shadow\n', 'copied as a symlink, not as the file');
  const inImage = await engine.docker(['run', '--rm', 'links', 'cat', '/ctx/link']);
  const busyboxShadow = await engine.docker(['run', '--rm', 'busybox', 'cat', '/etc/shadow']);
  t.is(inImage.stdout, busyboxShadow.stdout, 'in a container the link names the image\'s own /etc/shadow');
  t.not(inImage.stdout, readFileSync('/etc/shadow', 'utf8'));
});

test('docker build --memory limits RUN steps: a step that outgrows it is killed and fails the build', async (t) => {
  // busybox's `head -c` into a variable holds the bytes in memory; 64 MiB cannot fit in a 16 MiB container.
  const dir = context({Dockerfile: 'FROM busybox\nRUN cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes\nRUN x="$(head -c 67108864 /dev/zero | tr "\\0" a)"; echo survived\n'});
  const build = await engine.docker(['build', '--memory', '16m', '--memory-swap', '16m', '-t', 'limited', dir]);
  t.not(build.code, 0, build.stdout);
  t.regex(build.stdout, /\n16777216\n/, 'the first RUN sees the 16 MiB limit in its cgroup');
  t.notRegex(build.stdout, /^survived$/m);
  t.regex(build.stdout + build.stderr, /returned a non-zero code: 137/);
  t.is(await noContainersLeft(), '');
  const bad = await engine.docker(['build', '--cpu-shares', 'x', dir]);
  t.not(bad.code, 0);
});
