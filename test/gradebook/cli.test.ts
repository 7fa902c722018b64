/** `lab grades` as a teacher runs it: the built CLI over a directory of results files. Needs `npm run build`. */
import {readdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {runLab} from '../helpers/cli.js';
import {allChecks26, maxScore26, results26, tempDir, writeJson} from './fixtures.js';

test('lab grades: csv on stdout, a bad file stops it, --skip-invalid, html, prairielearn and --json', async (t) => {
  // Six runs of the lab CLI, a few seconds each; on a busy machine they have taken 40 s together.
  t.timeout(3 * 60_000, 'six runs of lab grades took more than 3 minutes');
  const dir = tempDir();
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const subs = join(dir, 'subs');
  writeJson(join(subs, 'alice', 'lab26-results.json'), results26('alice', allChecks26.slice(0, 3)));
  writeJson(join(subs, 'bob', 'lab26-results.json'), results26('bob', allChecks26, '2025-03-02T10:00:00.000Z'));
  writeJson(join(subs, 'bob', 'first-results.json'), results26('bob', [], '2025-03-01T10:00:00.000Z'));
  const bad = writeJson(join(subs, 'eve-results.json'), {...results26('eve', []), extra_data: {lab: '26', student: 'eve', provider: 'local', submittedAt: 'yesterday', maxScore: maxScore26}});

  const stop = await runLab(['grades', subs], {}, 60_000);
  t.is(stop.code, 1, stop.stderr);
  t.true(stop.stderr.replace(/\s*›\s*/g, ' ').includes(`${bad}: $.extra_data.submittedAt: expected a date and time in ISO 8601`), stop.stderr);
  t.is(stop.stdout, '');

  const csv = await runLab(['grades', subs, '--skip-invalid'], {}, 60_000);
  t.is(csv.code, 0, csv.stderr);
  t.is(csv.stdout, `student,name,26,26 max,26 source,total,source,flags\r\nalice,,3,${maxScore26},self-submitted,3,self-submitted,\r\nbob,,${maxScore26},${maxScore26},self-submitted,${maxScore26},self-submitted,\r\n`);
  t.regex(csv.stderr, /left out/);

  const html = await runLab(['grades', subs, '--skip-invalid', '--format', 'html', '--out', join(dir, 'grades.html')], {}, 60_000);
  t.is(html.code, 0, html.stderr);
  t.regex(readFileSync(join(dir, 'grades.html'), 'utf8'), /<summary>alice — 3 of /);

  const pl = await runLab(['grades', subs, '--skip-invalid', '-f', 'prairielearn', '-o', join(dir, 'pl')], {}, 60_000);
  t.is(pl.code, 0, pl.stderr);
  t.deepEqual(readdirSync(join(dir, 'pl')).sort(), [`${fileSlug('alice')}-26.json`, `${fileSlug('bob')}-26.json`]);
  t.is(JSON.parse(readFileSync(join(dir, 'pl', `${fileSlug('bob')}-26.json`), 'utf8')).score, 1);

  const json = await runLab(['grades', subs, '--skip-invalid', '--json'], {}, 60_000);
  t.is(json.code, 0, json.stderr);
  const gb = JSON.parse(json.stdout) as {source: string; students: {student: string; total: number}[]; skipped: {file: string}[]};
  t.is(gb.source, 'self-submitted');
  t.deepEqual(gb.students.map((s) => [s.student, s.total]), [['alice', 3], ['bob', maxScore26]]);
  t.deepEqual(gb.skipped.map((s) => s.file), [bad]);

  const help = await runLab(['grades', '--help'], {}, 60_000);
  t.is(help.code, 0, help.stderr);
  t.regex(help.stdout, /self-submitted/);
  t.regex(help.stdout, /unverified/);
  t.regex(help.stdout, /lab\s+check/);
});
