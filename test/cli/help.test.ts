import test from 'ava';
import {runLab} from '../helpers/cli.js';

test('lab --help lists the commands', async (t) => {
  const r = await runLab(['--help']);
  t.is(r.code, 0, r.stderr);
  for (const command of ['doctor', 'engine']) t.regex(r.stdout, new RegExp(`\\b${command}\\b`));
});

test('lab engine --help lists start, stop, status and env', async (t) => {
  const r = await runLab(['engine', '--help']);
  t.is(r.code, 0, r.stderr);
  for (const sub of ['engine start', 'engine stop', 'engine status', 'engine env']) t.true(r.stdout.includes(sub), sub);
});

test('an unknown command is one clear error', async (t) => {
  const r = await runLab(['frobnicate']);
  t.not(r.code, 0);
  t.regex(r.stderr, /frobnicate/);
});

test('every command file is registered for the bundled CLI, and each one answers --help', async (t) => {
  const {readdirSync} = await import('node:fs');
  const {join, relative} = await import('node:path');
  const {COMMANDS} = await import('../../src/cli/commands-index.js');
  const dir = new URL('../../src/cli/commands', import.meta.url).pathname;
  const files = (readdirSync(dir, {recursive: true}) as string[]).filter((f) => f.endsWith('.ts')).map((f) => relative(dir, join(dir, f)).slice(0, -3).replaceAll('/', ':'));
  t.deepEqual(Object.keys(COMMANDS).sort(), files.sort());
  const r = await runLab(['stop', '--help']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /power its VM off/);
});
