/**
 * Homework graded by test cases, end to end: the built CLI, two students at a time in one private engine, the
 * real docker CLI, gcc, zip and tar. Partial credit, checks that survive a failed build, archives, LMS names,
 * Unicode ids, a reported size limit, flags, and a skipped student failing the run.
 */
import test from 'ava';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cgroupDirsOf} from '../../src/engine/runtime/cgroups.js';
import {runLab} from '../helpers/cli.js';
import {caseHomework, makeCaseSubmissions} from './cases-fixtures.js';

interface Test {name: string; score: number; max_score: number; status: string; output: string}
interface Results {score: number; tests: Test[]; extra_data: {student: string; maxScore: number; flags: string[]}}

test('test cases earn partial credit; a failed build spares the source checks; archives, LMS names, flags and skips', async (t) => {
  t.timeout(5 * 60_000, 'grading the eight submissions ran past 5 minutes');
  const subs = makeCaseSubmissions();
  const out = mkdtempSync(join(tmpdir(), 'lab-homework-out-'));
  const def = join(out, '..', `${out.split('/').pop()}-homework.json`);
  writeFileSync(def, JSON.stringify(caseHomework));
  t.teardown(() => {
    for (const p of [subs, out, def]) rmSync(p, {recursive: true, force: true});
  });
  const r = await runLab(['homework', 'check', subs, '--homework', def, '--out', out, '--jobs', '2'], {}, 240_000);
  // One student could not be graded: the run says so and fails.
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /1 submission\(s\) SKIPPED, not graded: tab\tname \(a student id with control characters\)/);
  t.regex(r.stderr, /checking 8 submission\(s\), 2 at a time/);

  const byStudent = new Map<string, Results>();
  // The store: a folder per student, one per assignment, one file per attempt.
  for (const slug of readdirSync(out)) {
    const files = readdirSync(join(out, slug, 'greet-homework'));
    t.is(files.length, 1);
    const res = JSON.parse(readFileSync(join(out, slug, 'greet-homework', files[0]), 'utf8')) as Results;
    byStudent.set(res.extra_data.student, res);
  }
  t.deepEqual([...byStudent.keys()].sort(), ['Bořek Štěpánek', 'ada', 'antonín.dvořák', 'carol', 'dave', 'erin', 'frank', 'grace']);
  const results = (s: string) => byStudent.get(s)!;
  const check = (s: string, id: string) => results(s).tests.find((x) => x.name.endsWith(`— ${id}`))!;

  for (const s of ['ada', 'antonín.dvořák', 'carol']) t.is(results(s).score, 7, `${s}: ${JSON.stringify(results(s).tests.map((x) => x.output))}`);
  t.regex(check('ada', 'cases').output, /✓ no input\n✓ an argument\n✓ from stdin\n✓ too many arguments/);
  // The Unicode id is kept as given; its folder's name is derived from it.
  t.true(readdirSync(out).some((f) => /^antonin\.dvorak-[0-9a-f]{8}$/.test(f)));

  // Moodle's folder name gives the student; a program that ignores its input earns 3 of the 4 cases.
  t.like(check('Bořek Štěpánek', 'cases'), {score: 3, max_score: 4, status: 'failed'});
  t.regex(check('Bořek Štěpánek', 'cases').output, /✗ from stdin: printed "Hello, World!\\n", expected output matching \/\^Hello, Bob!\$\/m/);
  t.is(results('Bořek Štěpánek').score, 6);

  // A build that fails: the source and the submission are still judged; the cases say why they were not.
  t.like(check('dave', 'source'), {status: 'passed', score: 1});
  t.like(check('dave', 'submission'), {status: 'passed', score: 1}, check('dave', 'submission').output);
  t.regex(check('dave', 'cases').output, /not evaluated: the image did not build \(Dockerfile:3: COPY failed: .*missing\.txt/);
  t.is(results('dave').score, 2);

  // The 300 MB file: left out with its size and the limit, and the failed COPY says so.
  t.regex(check('erin', 'submission').output, /data\.bin: 300\.0 MiB, over the limit of 4096 KiB per file, left out/);
  t.regex(check('erin', 'builds').output, /the build failed: Dockerfile:3: COPY failed: .*data\.bin.*; left out of the submission: data\.bin: 300\.0 MiB, over the limit of 4096 KiB per file/);
  t.regex(check('erin', 'cases').output, /not evaluated: .*left out of the submission: data\.bin: 300\.0 MiB/);

  // A busybox renamed echo: no C source, flagged as prebuilt.
  t.like(check('frank', 'source'), {status: 'failed', score: 0});
  t.deepEqual(results('frank').extra_data.flags, ['echo is a prebuilt program not built from the submitted source: the submission holds no C source at all']);
  // Ada's binary in Grace's submission: both flagged, each naming the other.
  t.regex(results('grace').extra_data.flags.join('\n'), /^greet is byte for byte the binary ada handed in too, though their sources differ/);
  t.regex(results('ada').extra_data.flags.join('\n'), /^greet is byte for byte the binary grace handed in too, though their sources differ/);
  t.deepEqual(results('carol').extra_data.flags, []);
  t.regex(r.stdout, /Flagged for review \(3\):/);

  // The sandbox is gone, cgroups and all.
  const sandbox = /starting a private engine in (\S+)/.exec(r.stderr)![1];
  t.false(existsSync(sandbox));
  t.deepEqual(cgroupDirsOf(/under the cgroup (\S+)/.exec(r.stderr)![1]).filter((d) => existsSync(d)), []);

  // The teacher's gradebook reads the partial scores and the Unicode ids.
  const gb = await runLab(['grades', out, '--json']);
  t.is(gb.code, 0, gb.stderr);
  const book = JSON.parse(gb.stdout) as {students: Array<{student: string; total: number}>};
  t.like(book.students.find((s) => s.student === 'Bořek Štěpánek'), {total: 6});
});
