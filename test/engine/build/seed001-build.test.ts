/**
 * Seed 001's practical with `docker build`: the dynamically linked hello COPYed into a FROM scratch image fails
 * to run and says why; the static one prints "Hello, 123"; an unchanged rebuild comes from the cache.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

let engine: TestEngine;
let project: string;
const helloC = [
  '#include <stdio.h>',
  '',
  'int main(int argc, char ** argv) {',
  '    if(argc == 1) {',
  '    printf("Enter the string!\\n");',
  '}',
  '    else {',
  '    printf("Hello, %s\\n", argv[1]);',
  '}',
  '    return 0;',
  '}',
  '',
].join('\n');

test.before(async () => {
  engine = await startTestEngine();
  project = mkdtempSync(join(tmpdir(), 'lab-project-'));
  writeFileSync(join(project, 'hello.c'), helloC);
  execFileSync('gcc', ['-o', 'hello_not_static', 'hello.c'], {cwd: project});
  execFileSync('gcc', ['-o', 'hello', '-static', 'hello.c'], {cwd: project});
});
test.after.always(async () => {
  await engine?.stop();
  rmSync(project, {recursive: true, force: true});
});

const dockerfile = (binary: string) => writeFileSync(join(project, 'Dockerfile'), `FROM scratch\nCOPY ${binary} /hello\nENTRYPOINT ["./hello"]\n`);

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await f();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

test.serial('docker build -t hello . on FROM scratch, as in the seed', async (t) => {
  dockerfile('hello_not_static');
  const [build, coldMs] = await timed(() => engine.docker(['build', '-t', 'hello', project]));
  t.is(build.code, 0, build.stderr);
  t.regex(build.stdout, /Step 1\/3 : FROM scratch\n ---> \nStep 2\/3 : COPY hello_not_static \/hello\n ---> [a-f0-9]{12}\nStep 3\/3 : ENTRYPOINT \["\.\/hello"\]\n ---> ([a-f0-9]{12})\n/);
  t.regex(build.stdout, /Successfully built [a-f0-9]{12}\nSuccessfully tagged hello:latest\n$/);
  t.log(`cold build: ${coldMs.toFixed(0)} ms`);

  const images = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}']);
  t.regex(images.stdout, /^hello:latest \d+(\.\d+)?kB$/m);

  const run = await engine.docker(['run', 'hello', '123']);
  t.is(run.code, 127);
  t.regex(run.stderr, /exec \/hello: no such file or directory/);
  t.notRegex(run.stderr, /dynamically linked/, 'the why is the lab\'s question');
  const ps = await engine.docker(['ps', '-a', '--format', '{{.Image}} {{.Command}}']);
  t.regex(ps.stdout, /^hello "\.\/hello 123"$/m);

  const [again, cachedMs] = await timed(() => engine.docker(['build', '-t', 'hello', project]));
  t.is(again.code, 0, again.stderr);
  t.is(again.stdout.match(/ ---> Using cache\n/g)?.length, 2, again.stdout);
  t.is(again.stdout.match(/Successfully built ([a-f0-9]{12})/)![1], build.stdout.match(/Successfully built ([a-f0-9]{12})/)![1]);
  t.log(`cached build: ${cachedMs.toFixed(0)} ms`);
});

test.serial('the static hello rebuilt from the changed Dockerfile prints Hello, 123', async (t) => {
  dockerfile('hello');
  const build = await engine.docker(['build', '-t', 'hello', project]);
  t.is(build.code, 0, build.stderr);
  t.notRegex(build.stdout, /Using cache/, 'the COPY sources changed, so nothing after FROM is cached');
  const run = await engine.docker(['run', '--rm', 'hello', '123']);
  t.is(run.code, 0, run.stderr);
  t.is(run.stdout, 'Hello, 123\n');
  const noArg = await engine.docker(['run', '--rm', 'hello']);
  t.is(noArg.stdout, 'Enter the string!\n');

  // Touching the file changes its mtime, not its content: the cache still holds.
  execFileSync('touch', [join(project, 'hello')]);
  const again = await engine.docker(['build', '-t', 'hello', project]);
  t.is(again.stdout.match(/Using cache/g)?.length, 2, again.stdout);
  const noCache = await engine.docker(['build', '--no-cache', '-t', 'hello', project]);
  t.is(noCache.code, 0, noCache.stderr);
  t.notRegex(noCache.stdout, /Using cache/);
});

test.serial('a COPY of a file that is not in the context fails naming the Dockerfile line', async (t) => {
  writeFileSync(join(project, 'Dockerfile'), 'FROM scratch\n\nCOPY missing /hello\n');
  const build = await engine.docker(['build', '-t', 'broken', project]);
  t.is(build.code, 1);
  t.regex(build.stderr, /Dockerfile:3: COPY failed: file not found in build context or excluded by \.dockerignore: stat missing: file does not exist/);
  const images = await engine.docker(['images', '-q', 'broken']);
  t.is(images.stdout, '');
});
