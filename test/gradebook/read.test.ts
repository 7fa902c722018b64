/** Reading results files: directories searched, bad files named with the JSON path, --skip-invalid, sums checked. */
import {rmSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {findResultsFiles} from '../../src/lab/gradebook/find.js';
import {loadGradebook} from '../../src/lab/gradebook/render.js';
import {parseResults} from '../../src/lab/gradebook/validate.js';
import {allChecks26, results26, tempDir, writeJson} from './fixtures.js';

test('a file lab submit wrote is valid as it is', (t) => {
  const r = results26('alice', allChecks26.slice(0, 3));
  t.notThrows(() => parseResults('x.json', JSON.stringify(r)));
});

test('a directory is searched recursively for *results.json, and nothing else', (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const a = writeJson(join(dir, 'alice', 'lab26-results.json'), results26('alice', []));
  const b = writeJson(join(dir, 'deep', 'er', 'results.json'), results26('bob', []));
  writeJson(join(dir, 'notes.json'), {});
  writeJson(join(dir, 'results.json.bak'), {});
  t.deepEqual(findResultsFiles([dir]), [a, b].sort());
  t.throws(() => findResultsFiles([join(dir, 'missing')]), {message: /missing: no such file or directory/});
});

test('a schema error names the file, the JSON path and what was expected', (t) => {
  const r = results26('alice', []) as unknown as {tests: {score: unknown}[]};
  r.tests[2].score = 'ten';
  const e = t.throws(() => parseResults('/subs/alice-results.json', JSON.stringify(r)));
  t.is(e!.message, '/subs/alice-results.json: $.tests[2].score: expected a number of points, 0 or more, found "ten"');
  const missing = results26('alice', []) as unknown as {extra_data: Record<string, unknown>};
  delete missing.extra_data.submittedAt;
  const m = t.throws(() => parseResults('/subs/a.json', JSON.stringify(missing)));
  t.regex(m!.message, /^\/subs\/a\.json: \$\.extra_data\.submittedAt: missing; expected a date and time in ISO 8601/);
  const j = t.throws(() => parseResults('/subs/b.json', '{\n  "score": 1,\n}'));
  t.regex(j!.message, /^\/subs\/b\.json: invalid JSON at line 3/);
});

test('an edited score that no longer matches its checks is caught', (t) => {
  const r = results26('mallory', []);
  r.score = r.extra_data.maxScore;
  const e = t.throws(() => parseResults('m.json', JSON.stringify(r)));
  t.regex(e!.message, /^m\.json: \$\.score: expected the sum of tests\[\]\.score \(0\), found \d+/);
  const over = results26('mallory', []);
  over.tests[0].score = over.tests[0].max_score + 5;
  t.regex(t.throws(() => parseResults('m.json', JSON.stringify(over)))!.message, /\$\.tests\[0\]\.score: expected at most max_score/);
});

test('one bad file stops the run; --skip-invalid grades the rest and says what it left out', (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  writeJson(join(dir, 'alice-results.json'), results26('alice', allChecks26));
  const bad = writeJson(join(dir, 'bob-results.json'), {score: 1, tests: [], extra_data: {}});
  const e = t.throws(() => loadGradebook([dir]));
  t.true(e!.message.includes(`${bad}: $.tests: expected a list of at least one check, found an empty list`), e!.message);
  t.regex(e!.message, /--skip-invalid/);
  const gb = loadGradebook([dir], {skipInvalid: true});
  t.deepEqual(gb.students.map((s) => s.student), ['alice']);
  t.is(gb.skipped.length, 1);
  t.is(gb.skipped[0].file, bad);
  t.true(gb.warnings.some((w) => w.startsWith(`left out: ${bad}: `)));
});
