/**
 * The teacher's way from a Moodle participants export to a Moodle grade import, with the built CLI: the grading
 * key, the roster, students who forgot --student, a signed sandbox grade, a forged one, and the import files.
 * Needs `npm run build`.
 */
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {signResult} from '../../src/lab/gradebook/signing.js';
import {runLab} from '../helpers/cli.js';
import {allChecks26, maxScore26, results26, writeJson} from './fixtures.js';

const moodleExport = '\uFEFF"First name","Last name",Username,"ID number","Email address",Roles\r\n' +
  'Antonín,Dvořák,antonín.dvořák,4411,ad@uni.example,Student\r\n' +
  'Jan,Novák,jnovak,4412,jn@uni.example,Student\r\n' +
  'Zoë,Ångström,zoe,4413,zoe@uni.example,Student\r\n' +
  'Petr,Nikdo,pnikdo,4414,pn@uni.example,Student\r\n';

function homework(student: string, score: 0 | 10) {
  return {
    score,
    tests: [{name: '1. builds — builds', score, max_score: 10, status: score ? 'passed' : 'failed', output: score ? 'built' : 'observed: nothing'}],
    extra_data: {lab: '26', student, provider: 'sandbox', submittedAt: '2025-03-05T10:00:00.000Z', maxScore: 10},
  };
}

test('Moodle export → roster → signed and self-submitted results → Moodle and Canvas import files', async (t) => {
  t.timeout(3 * 60_000, 'six runs of the lab CLI took more than 3 minutes');
  const dir = mkdtempSync(join(tmpdir(), 'lab-teacher-flow-'));
  t.teardown(() => rmSync(dir, {recursive: true, force: true}));
  const env = {XDG_CONFIG_HOME: join(dir, 'config')};

  const key = await runLab(['grades', 'key', '--json'], env, 60_000);
  t.is(key.code, 0, key.stderr);
  const info = JSON.parse(key.stdout) as {path: string; publicKey: string; created: boolean};
  t.is(info.path, join(dir, 'config', 'lab', 'grading-key.pem'));
  t.true(info.created);
  t.is(statSync(info.path).mode & 0o777, 0o600);

  writeFileSync(join(dir, 'participants.csv'), moodleExport);
  const imported = await runLab(['class', 'import', join(dir, 'participants.csv'), '--out', join(dir, 'roster.json')], env, 60_000);
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stdout, /4 students from a moodle export/);

  // The sandbox's grade for Antonín, signed with the teacher's key (as lab homework check writes it).
  process.env.XDG_CONFIG_HOME = env.XDG_CONFIG_HOME;
  writeJson(join(dir, 'results', 'sandbox', 'antonín.dvořák-26-results.json'), signResult(homework('antonín.dvořák', 0), 'sandbox', {kind: 'homework'}));
  // Antonín's own lab file, and a forged homework file claiming the sandbox with full marks.
  writeJson(join(dir, 'results', 'inbox', 'a', 'lab26-results.json'), results26('antonín.dvořák', allChecks26.slice(0, 2)));
  writeJson(join(dir, 'results', 'inbox', 'a', 'hw-results.json'), {...homework('antonín.dvořák', 10), extra_data: {...homework('antonín.dvořák', 10).extra_data, submittedAt: '2025-03-06T10:00:00.000Z', source: 'sandbox', kind: 'homework'}});
  // Jan and Zoë forgot --student: both submitted as "student", from their Moodle download folders.
  writeJson(join(dir, 'results', 'inbox', 'Jan Novák_4412_assignsubmission_file_', 'lab26-results.json'), results26('student', allChecks26));
  writeJson(join(dir, 'results', 'inbox', 'Zoë Ångström_4413_assignsubmission_file_', 'lab26-results.json'), results26('student', []));
  // A forged homework file for Zoë, claiming the sandbox with no signature.
  writeJson(join(dir, 'results', 'inbox', 'z', 'hw-results.json'), {...homework('zoe', 10), extra_data: {...homework('zoe', 10).extra_data, source: 'sandbox', kind: 'homework'}});

  const roster = join(dir, 'roster.json');
  const csv = await runLab(['grades', join(dir, 'results'), '--roster', roster, '--bom'], env, 60_000);
  t.is(csv.code, 0, csv.stderr);
  // A homework's columns say when it was handed in and when it was checked (these files give no check time).
  t.true(csv.stdout.startsWith('\uFEFFstudent,name,26,26 max,26 source,26-homework,26-homework max,26-homework source,26-homework handed in,26-homework checked,total,source,flags\r\n'));
  const rows = csv.stdout.slice(1).split('\r\n');
  t.is(rows[1], `antonín.dvořák,Antonín Dvořák,2,${maxScore26},self-submitted,0,10,sandbox,2025-03-05T10:00:00.000Z,,2,self-submitted,`);
  t.is(rows[2], `jnovak,Jan Novák,${maxScore26},${maxScore26},self-submitted,,10,none,,,${maxScore26},self-submitted,`);
  t.is(rows[3], `pnikdo,Petr Nikdo,,${maxScore26},none,,10,none,,,0,none,`);
  t.is(rows[4], `zoe,Zoë Ångström,0,${maxScore26},self-submitted,10,10,unverified,2025-03-05T10:00:00.000Z,,10,unverified,"UNVERIFIED 26-homework: claims to be sandbox, but no signature"`);
  t.regex(csv.stderr.replace(/\s*›\s*/g, ' '), /submitted as "student" \(no --student given\); counted for jnovak, after its folder/);

  const moodle = await runLab(['grades', join(dir, 'results'), '--roster', roster, '--format', 'moodle', '--bom', '--out', join(dir, 'moodle.csv')], env, 60_000);
  t.is(moodle.code, 0, moodle.stderr);
  const moodleCsv = readFileSync(join(dir, 'moodle.csv'), 'utf8');
  t.is(moodleCsv, '\uFEFFEmail address,Username,ID number,Full name,Lab 26,Lab 26 homework\r\n' +
    'ad@uni.example,antonín.dvořák,4411,Antonín Dvořák,2,0\r\n' +
    `jn@uni.example,jnovak,4412,Jan Novák,${maxScore26},\r\n` +
    'zoe@uni.example,zoe,4413,Zoë Ångström,0,\r\n' +
    'pn@uni.example,pnikdo,4414,Petr Nikdo,,\r\n');
  t.regex(moodle.stderr.replace(/\s*›\s*/g, ' '), /zoe, 26-homework: left empty: claims to be sandbox, but no signature/);

  const canvas = await runLab(['grades', join(dir, 'results'), '--roster', roster, '--format', 'canvas'], env, 60_000);
  t.is(canvas.code, 0, canvas.stderr);
  t.is(canvas.stdout.split('\r\n').slice(0, 3).join('\n'), `Student,ID,SIS User ID,SIS Login ID,Section,Lab 26,Lab 26 homework\nPoints Possible,,,,,${maxScore26},10\nAntonín Dvořák,,4411,antonín.dvořák,,2,0`);

  const noRoster = await runLab(['grades', join(dir, 'results'), '--format', 'moodle'], env, 60_000);
  t.is(noRoster.code, 1);
  t.regex(noRoster.stderr, /give the roster with --roster/);

  const html = await runLab(['grades', join(dir, 'results'), '--roster', roster, '--format', 'html', '--out', join(dir, 'g.html')], env, 60_000);
  t.is(html.code, 0, html.stderr);
  const page = readFileSync(join(dir, 'g.html'), 'utf8');
  t.regex(page, /<tr class="flagged" data-source="unverified" data-search="zoe [^"]*"><td><a href="#student-\d+">zoe<\/a>/);
  t.regex(page, /<span class="trust trust-sandbox">sandbox<\/span>/);
});
