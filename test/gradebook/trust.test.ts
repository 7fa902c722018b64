/**
 * Results students cannot forge: collected and sandbox results signed with the teacher's key, a student's own file
 * never overriding them, a forged claim flagged in every format, an edited file caught.
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {renderCsv} from '../../src/lab/gradebook/csv.js';
import {renderHtml} from '../../src/lab/gradebook/html.js';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {prairieLearnFiles} from '../../src/lab/gradebook/prairielearn.js';
import {canonicalJson, checkSignature, signResult, teacherKey} from '../../src/lab/gradebook/signing.js';
import {parseResults} from '../../src/lab/gradebook/validate.js';
import {allChecks26, maxScore26, results26} from './fixtures.js';

const config = mkdtempSync(join(tmpdir(), 'lab-teacher-'));
process.env.XDG_CONFIG_HOME = config;
test.after.always(() => rmSync(config, {recursive: true, force: true}));

/** A homework result as the sandbox writes it (provider sandbox), before signing. */
function homework(student: string, score: 0 | 10, at = '2025-03-05T10:00:00.000Z') {
  return {
    score,
    tests: [{name: '1. builds — builds', score, max_score: 10, status: score ? 'passed' : 'failed', output: score ? 'built' : 'observed: nothing'}],
    extra_data: {lab: '26', student, provider: 'sandbox', submittedAt: at, maxScore: 10},
  } as const;
}

const sub = (file: string, results: unknown) => ({file, results: JSON.parse(JSON.stringify(results))});

test('the key is made on first use, mode 0600, and the same key is used after', (t) => {
  t.is(teacherKey(false), undefined);
  const key = teacherKey()!;
  t.true(key.created);
  t.is(key.path, join(config, 'lab', 'grading-key.pem'));
  t.is(statSync(key.path).mode & 0o777, 0o600);
  const again = teacherKey()!;
  t.false(again.created);
  t.is(again.publicKeyText, key.publicKeyText);
  t.regex(key.publicKeyText, /^[A-Za-z0-9+/]{43}=$/);
});

test('canonical form: key order does not matter, content does', (t) => {
  t.is(canonicalJson({b: 1, a: [{d: 2, c: 'x'}]}), '{"a":[{"c":"x","d":2}],"b":1}');
  const signed = signResult(homework('alice', 0), 'sandbox', {kind: 'homework'});
  const reordered = JSON.parse(JSON.stringify({signature: signed.signature, extra_data: signed.extra_data, tests: signed.tests, score: signed.score}));
  t.deepEqual(checkSignature(reordered, teacherKey(false)), {valid: true});
  // The file as written to disk and read back validates and verifies.
  t.notThrows(() => parseResults('x', JSON.stringify(signed, null, 2)));
});

test('a signed sandbox grade of 0 is not replaced by a newer student file with 10 for the same lab', (t) => {
  const sandbox = sub('teacher/alice-26-results.json', signResult(homework('alice', 0), 'sandbox', {kind: 'homework'}));
  // The student copies the sandbox file, sets full marks and claims the sandbox, with a later date.
  const forged = sub('inbox/alice/lab26-results.json', {...homework('alice', 10, '2025-03-06T10:00:00.000Z'), extra_data: {...homework('alice', 10).extra_data, submittedAt: '2025-03-06T10:00:00.000Z', kind: 'homework', source: 'sandbox'}});
  const gb = buildGradebook([forged, sandbox], [], {key: teacherKey(false)});
  const row = gb.students.find((s) => s.student === 'alice')!;
  const grade = row.labs['26-homework'];
  t.is(grade.score, 0);
  t.is(grade.trust, 'sandbox');
  t.is(grade.attempts, 2);
  t.true(gb.warnings.some((w) => /UNVERIFIED: claims to be sandbox, but no signature/.test(w)));
  t.true(gb.warnings.some((w) => /alice, 26-homework: 1 self-submitted or unverified attempt\(s\) left out/.test(w)));
});

test('the lab and its homework are separate assignments: a student\'s lab file never replaces the sandbox grade', (t) => {
  const sandbox = sub('t/bob-26-results.json', signResult(homework('bob', 0), 'sandbox', {kind: 'homework'}));
  const own = sub('s/bob/lab26-results.json', results26('bob', allChecks26, '2025-03-09T10:00:00.000Z'));
  const gb = buildGradebook([own, sandbox], [], {key: teacherKey(false)});
  t.deepEqual(gb.labs.map((l) => l.id), ['26', '26-homework']);
  const row = gb.students[0];
  t.is(row.labs['26-homework'].score, 0);
  t.is(row.labs['26-homework'].trust, 'sandbox');
  t.is(row.labs['26'].score, maxScore26);
  t.is(row.labs['26'].trust, 'self-submitted');
  t.is(row.source, 'self-submitted');
});

test('a claim of "collected" without a valid signature is flagged in CSV, HTML, JSON and PrairieLearn, never trusted', (t) => {
  const signed = signResult(results26('carol', allChecks26.slice(0, 1)), 'collected');
  // Carol edits her signed file to full marks, keeping the sums right: the signature no longer matches.
  const edited = results26('carol', allChecks26);
  const tampered = sub('c/carol-results.json', {...edited, extra_data: {...edited.extra_data, source: 'collected'}, signature: signed.signature});
  // Dave writes a file claiming to be collected, with no signature at all.
  const dave = results26('dave', allChecks26);
  const unsigned = sub('d/dave-results.json', {...dave, extra_data: {...dave.extra_data, source: 'collected'}});
  const gb = buildGradebook([tampered, unsigned], [], {key: teacherKey(false)});
  t.is(gb.source, 'unverified');
  const [carol, daveRow] = gb.students;
  t.is(carol.labs['26'].trust, 'unverified');
  t.regex(carol.labs['26'].problem!, /the file was changed after it was signed/);
  t.is(daveRow.labs['26'].problem, 'claims to be collected, but no signature');
  t.true(carol.flagged && daveRow.flagged);
  const csv = renderCsv(gb).split('\r\n');
  t.true(csv[1].endsWith(',unverified,"UNVERIFIED 26: claims to be collected, but the signature does not match the content: the file was changed after it was signed"'), csv[1]);
  t.regex(csv[2], /,unverified,"UNVERIFIED 26: claims to be collected, but no signature"$/);
  const html = renderHtml(gb);
  t.is(html.match(/<tr class="flagged"/g)?.length, 2);
  t.regex(html, /UNVERIFIED: claims to be collected, but no signature/);
  const json = JSON.parse(JSON.stringify(gb)) as typeof gb;
  t.is(json.students[1].labs['26'].trust, 'unverified');
  for (const r of prairieLearnFiles(gb).values()) t.is(r.source, 'unverified');
});

test('a signature made with another key is not this teacher\'s', (t) => {
  const mine = signResult(results26('erin', []), 'collected');
  const otherConfig = mkdtempSync(join(tmpdir(), 'lab-other-'));
  process.env.XDG_CONFIG_HOME = otherConfig;
  let theirs;
  try {
    theirs = signResult(results26('erin', allChecks26), 'collected');
  } finally {
    process.env.XDG_CONFIG_HOME = config;
    rmSync(otherConfig, {recursive: true, force: true});
  }
  t.deepEqual(checkSignature(mine, teacherKey(false)), {valid: true});
  t.deepEqual(checkSignature(theirs, teacherKey(false)), {valid: false, reason: 'signed with a key that is not this teacher\'s'});
});

test('a hand-edited self-submitted file with full marks is caught by its sums or its per-check statuses', (t) => {
  const r = results26('frank', []);
  const sumsOnly = {...r, score: maxScore26};
  t.throws(() => parseResults('f.json', JSON.stringify(sumsOnly)), {message: /\$\.score: expected the sum of tests\[\]\.score/});
  const scoresToo = {...r, score: maxScore26, tests: r.tests.map((x) => ({...x, score: x.max_score}))};
  t.throws(() => parseResults('f.json', JSON.stringify(scoresToo)), {message: /\$\.tests\[0\]\.score: expected less than max_score \(\d+\) for a failed check/});
});
