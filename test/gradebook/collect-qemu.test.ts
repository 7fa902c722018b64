/**
 * Collection with the qemu provider (the default one). First, without a VM: a student whose VM is not running,
 * or who has none in the roster, is reported on its own, never fatal. Then with one real VM (the cached lab
 * image; one VM only, it is slow under TCG): the student starts lab 26 with `lab start`, does one step inside it,
 * and the teacher's `lab grades collect --provider qemu`
 * reads the VM itself, stores a signed result with its evidence, and the Moodle import carries that grade as
 * collected. Skipped with LAB_SKIP_VM=1.
 */
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {collectClass} from '../../src/lab/app/collect-class.js';
import {checkSignature, teacherKey} from '../../src/lab/gradebook/signing.js';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {shellJoin} from '../../src/vm/ssh/quote.js';
import {runLab} from '../helpers/cli.js';
import {when} from '../helpers/needs.js';

const vmTest = when({'LAB_SKIP_VM=1': process.env.LAB_SKIP_VM !== '1'}, test.serial);

test.serial('qemu collection: a VM that is not running and a student with no vm are each reported, never fatal', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lab-collect-qemu-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const saved = {config: process.env.XDG_CONFIG_HOME, state: process.env.XDG_STATE_HOME};
  process.env.XDG_CONFIG_HOME = join(dir, 'config');
  process.env.XDG_STATE_HOME = join(dir, 'state');
  t.teardown(() => {
    process.env.XDG_CONFIG_HOME = saved.config;
    process.env.XDG_STATE_HOME = saved.state;
  });
  const outcomes = await collectClass([{id: 'jana', name: 'Jana', vm: 'lab26-jana'}, {id: 'petr', name: 'Petr'}], '26', {provider: 'qemu'}, join(dir, 'store'), 2, () => undefined);
  t.deepEqual(outcomes.map((o) => [o.student, o.ok, o.error]), [
    ['jana', false, 'no running qemu VM named lab26-jana known here (lab vm ls lists them)'],
    ['petr', false, 'no vm for this student in the roster (needed with --provider qemu)'],
  ]);
});

interface Stored {
  score: number;
  tests: {name: string; status: string; extra_data?: {evidence?: unknown}}[];
  extra_data: {student: string; provider: string; source: string; kind: string};
}

vmTest('qemu collection: a student\'s real VM is checked by the teacher, the result signed with evidence and exported to Moodle', async (t) => {
  t.timeout(45 * 60_000, 'one VM: start, a step inside, collection and destroy took more than 45 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'teachers-collect-qemu-'));
  const env = {XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config'), LAB_PROVIDER: ''};
  t.teardown(async () => {
    await runLab(['vm', 'destroy', 'lab26'], env, 300_000).catch(() => undefined);
    rmSync(dir, {recursive: true, force: true});
  });
  const run = async (args: string[], timeoutMs = 900_000) => {
    const r = await runLab(args, env, timeoutMs);
    if (r.code !== 0) throw new Error(`lab ${args.join(' ')} exited ${r.code}: ${(r.stdout + r.stderr).trim().slice(-1500)}`);
    return r;
  };
  let started = performance.now();
  await run(['start', '26', '--lang', 'en']);
  t.log(`lab start 26 (VM): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const sessionFile = join(dir, 'state', 'lab', 'sessions', '26.json');
  const session = JSON.parse(readFileSync(sessionFile, 'utf8')) as {workdir: string};
  // The student builds the dynamic binary of step 1 inside the VM, and nothing else.
  await run(['ssh', 'lab26', '--', `cd ${shellJoin([session.workdir])} && gcc -o hello_not_static hello.c`], 420_000);
  writeFileSync(join(dir, 'participants.csv'), 'id,name,email,username,vm\nantonín.dvořák,Antonín Dvořák,dvorak@example.edu,advorak,lab26\n');
  const roster = join(dir, 'roster.json');
  await run(['class', 'import', join(dir, 'participants.csv'), '--out', roster], 60_000);
  const store = join(dir, 'store');
  started = performance.now();
  const collected = await run(['grades', 'collect', '--lab', '26', '--roster', roster, '--provider', 'qemu', '--store', store], 900_000);
  t.log(`lab grades collect --provider qemu: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  t.regex(collected.stdout, /1 of 1 collected/);

  const files = readdirSync(join(store, fileSlug('antonín.dvořák'), '26'));
  t.is(files.length, 1);
  const result = JSON.parse(readFileSync(join(store, fileSlug('antonín.dvořák'), '26', files[0]), 'utf8')) as Stored;
  t.like(result.extra_data, {student: 'antonín.dvořák', provider: 'qemu', source: 'collected', kind: 'lab'});
  process.env.XDG_CONFIG_HOME = env.XDG_CONFIG_HOME;
  t.true(checkSignature(result as never, teacherKey(false)).valid, 'signed with the teacher\'s key');
  const passed = result.tests.filter((x) => x.status === 'passed').map((x) => x.name.replace(/^.* — /, ''));
  t.deepEqual(passed, ['binary'], 'only what the VM shows: the one step done inside it');
  t.truthy(result.tests.find((x) => x.status === 'passed')!.extra_data?.evidence, 'the passed check carries its evidence');

  const moodle = await run(['grades', store, '--roster', roster, '--format', 'moodle', '--out', join(dir, 'moodle.csv')], 60_000);
  t.regex(moodle.stdout, /all signed/);
  const csv = readFileSync(join(dir, 'moodle.csv'), 'utf8');
  t.true(csv.split(/\r?\n/).includes(`dvorak@example.edu,advorak,,Antonín Dvořák,${result.score}`), csv);
  await run(['vm', 'destroy', 'lab26'], 300_000);
});
