/**
 * The seed 001 moment: a dynamically linked hello in a FROM scratch image fails and the error says why;
 * the statically linked one prints "Hello, 123". Images are made with `docker import` (the builder comes later).
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {makeTar} from '../helpers/archive.js';
import {readFileSync} from 'node:fs';

let engine: TestEngine;
let dir: string;
const helloC = '#include <stdio.h>\n\nint main(int argc, char **argv) {\n    printf("Hello, %s\\n", argv[1]);\n    return 0;\n}\n';

test.before(async () => {
  engine = await startTestEngine();
  dir = mkdtempSync(join(tmpdir(), 'lab-seed001-'));
  writeFileSync(join(dir, 'hello.c'), helloC);
  execFileSync('gcc', ['-o', join(dir, 'hello_not_static'), join(dir, 'hello.c')]);
  execFileSync('gcc', ['-static', '-o', join(dir, 'hello'), join(dir, 'hello.c')]);
});
test.after.always(async () => {
  await engine?.stop();
  rmSync(dir, {recursive: true, force: true});
});

async function importScratch(binary: string, tag: string) {
  const tar = await makeTar([{name: 'hello', content: readFileSync(join(dir, binary)), mode: 0o755}]);
  const r = await engine.docker(['import', '--change', 'ENTRYPOINT ["./hello"]', '-', tag], tar);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

test('dynamic hello in scratch fails with Docker\'s own words (the lab asks why); static hello prints Hello, 123', async (t) => {
  await importScratch('hello_not_static', 'hello:dynamic');
  const fail = await engine.docker(['run', 'hello:dynamic', '123']);
  t.is(fail.code, 127);
  t.regex(fail.stderr, /exec \/?\.?\/?hello: no such file or directory/);
  // The answer to the lab's question is not handed over by the engine.
  t.notRegex(fail.stderr, /dynamically linked|ld-linux|gcc -static/);
  const ps = await engine.docker(['ps', '-a', '--format', '{{.Image}} {{.Status}}']);
  t.regex(ps.stdout, /hello:dynamic (Created|Exited \(127\))/);

  const id = await importScratch('hello', 'hello:static');
  t.regex(id, /^sha256:[a-f0-9]{64}$/);
  const ok = await engine.docker(['run', '--rm', 'hello:static', '123']);
  t.is(ok.code, 0, ok.stderr);
  t.is(ok.stdout, 'Hello, 123\n');
  const images = await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}']);
  t.deepEqual(images.stdout.trim().split('\n').sort(), ['hello:dynamic', 'hello:static']);
});
