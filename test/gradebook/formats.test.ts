/** The output formats: CSV (columns, quoting, formula guard), HTML (escaping), PrairieLearn (fields, 0..1 score). */
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {csvCell, renderCsv} from '../../src/lab/gradebook/csv.js';
import {renderHtml} from '../../src/lab/gradebook/html.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {prairieLearnFiles, writePrairieLearn} from '../../src/lab/gradebook/prairielearn.js';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {allChecks26, maxScore26, results26, tempDir} from './fixtures.js';

function labArch(student: string, score: number) {
  return {
    score,
    tests: [{name: 'overlay mounted', score, max_score: 2, status: score === 2 ? 'passed' : 'failed', output: 'no overlay'}],
    extra_data: {lab: 'arch', student, provider: 'qemu', submittedAt: '2025-03-03T10:00:00.000Z', maxScore: 2},
  } as ReturnType<typeof results26>;
}

test('csv: a row per student, each lab\'s score and max, the total; a missing lab is empty', (t) => {
  const gb = buildGradebook([
    {file: 'a', results: results26('alice', allChecks26)},
    {file: 'b', results: labArch('alice', 2)},
    {file: 'c', results: labArch('bob', 0)},
  ]);
  const lines = renderCsv(gb).split('\r\n');
  t.is(lines[0], 'student,name,26,26 max,26 source,arch,arch max,arch source,total,source,flags');
  t.is(lines[1], `alice,,${maxScore26},${maxScore26},self-submitted,2,2,self-submitted,${maxScore26 + 2},self-submitted,`);
  t.is(lines[2], `bob,,,${maxScore26},none,0,2,self-submitted,0,self-submitted,`);
  t.is(lines[3], '');
  t.is(lines.length, 4);
});

test('csv: RFC 4180 quoting, and cells a spreadsheet would run as formulas start with a quote', (t) => {
  t.is(csvCell('plain'), 'plain');
  t.is(csvCell('Smith, Jo'), '"Smith, Jo"');
  t.is(csvCell('say "hi"'), '"say ""hi"""');
  t.is(csvCell('two\nlines'), '"two\nlines"');
  t.is(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
  for (const start of ['+1', '-1', '@SUM(A1)', '\tx']) t.is(csvCell(start), `'${start}`);
  t.is(csvCell(12.5), '12.5');
  const gb = buildGradebook([{file: 'e', results: results26('=cmd|"/c calc"!A1', [])}]);
  t.is(renderCsv(gb).split('\r\n')[1].split(',')[0], '"\'=cmd|""/c calc""!A1"');
});

test('html: a student name with a script tag, and check output, come out escaped', (t) => {
  const gb = buildGradebook([
    {file: 'x', results: results26('<script>alert(1)</script>', [], undefined, '<img src=x onerror="alert(2)"> & more')},
    {file: 'y', results: labArch('bob', 2)},
  ]);
  const html = renderHtml(gb);
  // The page's one script is its own, allowed by its hash; the student's never runs.
  t.is(html.match(/<script>/g)?.length, 1);
  t.false(html.includes('<script>alert'));
  t.regex(html, /script-src 'sha256-[A-Za-z0-9+/]{43}='/);
  t.false(html.includes('<img'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.true(html.includes('&lt;img src&#x3D;x onerror&#x3D;&quot;alert(2)&quot;&gt; &amp; more'));
  t.regex(html, /Content-Security-Policy/);
  t.notRegex(html, /<link|src="http|href="http/);
  t.regex(html, /self-submitted/);
  t.regex(html, /bob: no failed checks\./);
});

test('prairielearn: a file per student and lab with gradable, a 0..1 score, a message and the tests', (t) => {
  const passed = allChecks26.slice(0, 2);
  const gb = buildGradebook([{file: 'a', results: results26('alice', passed)}, {file: 'b', results: labArch('bob', 2)}]);
  const files = prairieLearnFiles(gb);
  const [aliceFile, bobFile] = [`${fileSlug('alice')}-26.json`, `${fileSlug('bob')}-arch.json`];
  t.deepEqual([...files.keys()].sort(), [aliceFile, bobFile]);
  const alice = files.get(aliceFile)!;
  t.is(alice.student, 'alice');
  t.is(alice.assignment, '26');
  t.is(alice.source, 'self-submitted');
  t.true(alice.gradable);
  t.true(alice.score > 0 && alice.score < 1);
  t.is(alice.score, gb.students[0].total / maxScore26);
  t.regex(alice.message, /self-submitted/);
  t.is(alice.tests.length, allChecks26.length);
  for (const test of alice.tests) t.deepEqual(Object.keys(test).sort(), ['max_points', 'message', 'name', 'output', 'points']);
  t.is(alice.tests.filter((x) => x.message === 'passed').length, 2);
  t.is(files.get(bobFile)!.score, 1);
  const dir = tempDir();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  writePrairieLearn(join(dir, 'out'), gb);
  t.deepEqual(readdirSync(join(dir, 'out')).sort(), [aliceFile, bobFile]);
  t.deepEqual(JSON.parse(readFileSync(join(dir, 'out', aliceFile), 'utf8')), alice);
});

test('prairielearn: ids with diacritics or slashes give safe, distinct file names, and each file carries the id as given', (t) => {
  t.regex(fileSlug('../../etc/passwd'), /^etc_passwd-[0-9a-f]{8}$/);
  t.regex(fileSlug('.hidden'), /^hidden-[0-9a-f]{8}$/);
  t.regex(fileSlug('antonín.dvořák'), /^antonin\.dvorak-[0-9a-f]{8}$/);
  t.regex(fileSlug('王小明'), /^[0-9a-f]{8}$/);
  const ids = ['a/b', 'a b', 'Novák Jan', 'Nováková Jana', 'antonín.dvořák'];
  const gb = buildGradebook(ids.map((id, i) => ({file: `f${i}`, results: results26(id, [])})));
  const files = prairieLearnFiles(gb);
  t.is(files.size, ids.length);
  for (const name of files.keys()) t.regex(name, /^[a-z0-9._-]+-26\.json$/);
  t.deepEqual([...files.values()].map((r) => r.student).sort(), [...ids].sort());
});
