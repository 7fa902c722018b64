import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {LocalProvider} from '../../src/lab/providers/local.js';

test('the local provider runs argv directly, with input, cwd, env, timeout and shell-like exit codes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-local-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const env = await new LocalProvider().start({name: 'here', workdir: join(dir, 'lab26')});
  t.is(env.provider, 'local');
  t.true((await stat(join(dir, 'lab26'))).isDirectory());
  t.deepEqual(await env.exec(['printf', '%s|', 'a b', '$HOME', "it's"]), {code: 0, stdout: "a b|$HOME|it's|", stderr: ''});
  t.is((await env.exec(['cat'], {input: 'piped'})).stdout, 'piped');
  t.is((await env.exec(['sh', '-c', 'echo "$PWD $X"; exit 4'], {cwd: dir, env: {X: 'y'}})).stdout, `${dir} y\n`);
  t.is((await env.exec(['sh', '-c', 'exit 4'])).code, 4);
  t.is((await env.exec(['/no/such/program'])).code, 127);
  const slow = await env.exec(['sleep', '30'], {timeoutMs: 200});
  t.is(slow.code, 137);
  t.regex(slow.stderr, /killed after 200 ms/);
});

test('the local provider writes files with parents and an exact mode, and reads them back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-local-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const env = (await new LocalProvider().connect('here'))!;
  const file = join(dir, 'a/b/c.sh');
  await env.writeFile(file, '#!/bin/sh\n', 0o750);
  t.is((await stat(file)).mode & 0o777, 0o750);
  t.is(String(await env.readFile(file)), '#!/bin/sh\n');
  await env.writeFile(file, Buffer.from('again'), 0o600);
  t.is((await stat(file)).mode & 0o777, 0o600);
  t.is(await readFile(file, 'utf8'), 'again');
  await t.throwsAsync(env.readFile(join(dir, 'missing')), {code: 'ENOENT'});
});
