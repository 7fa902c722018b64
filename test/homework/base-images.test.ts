/**
 * A course's own homework definition (--homework FILE) that allows a base image: the busybox image is made from
 * the package's recipe and loaded into the sandbox once, kept between students, and a submission FROM an image
 * the homework does not allow fails its build with the engine's reason.
 */
import test from 'ava';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileSlug} from '../../src/lab/roster/slug.js';
import {runLab} from '../helpers/cli.js';
import {busyboxGreeting} from './busybox-greeting.js';

const homework = busyboxGreeting('week3', 3);

/** oclif wraps long errors over lines that start with " › ". */
const flat = (text: string) => text.replace(/\s*\n\s*›?\s*/g, ' ');

function course(): {dir: string; file: string; subs: string} {
  const dir = mkdtempSync(join(tmpdir(), 'lab-homework-course-'));
  const file = join(dir, 'homework.json');
  writeFileSync(file, JSON.stringify(homework, null, 2));
  const subs = join(dir, 'submissions');
  const student = (id: string, dockerfile: string) => {
    mkdirSync(join(subs, id), {recursive: true});
    writeFileSync(join(subs, id, 'Dockerfile'), dockerfile);
  };
  student('ann', 'FROM busybox\nRUN echo "hi from busybox" > /greeting\nCMD ["cat", "/greeting"]\n');
  student('ben', 'FROM busybox\nCMD ["echo", "hi from busybox"]\n');
  // An image neither the homework's recipes nor any registry the sandbox can reach has (a closed loopback port).
  student('cid-debian', 'FROM 127.0.0.1:1/debian:bookworm\nCMD ["echo", "hi from busybox"]\n');
  return {dir, file, subs};
}

test('a base image from the recipes is loaded once, kept between students, and only it is there', async (t) => {
  // A private engine, the busybox image made and loaded, three students built and run: given 4 minutes.
  t.timeout(6 * 60_000, 'grading the three submissions ran past 6 minutes');
  const c = course();
  t.teardown(() => rmSync(c.dir, {recursive: true, force: true}));
  const out = join(c.dir, 'grades');
  const r = await runLab(['homework', 'check', c.subs, '--homework', c.file, '--out', out, '--json'], {}, 240_000);
  t.is(r.code, 0, r.stderr);
  t.is((r.stderr.match(/image busybox: loading into the sandbox/g) ?? []).length, 1);
  const report = JSON.parse(r.stdout) as {lab: string; students: Array<{student: string; score: number; checks: Array<{id: string; pass: boolean; observed: string}>}>};
  t.is(report.lab, 'week3');
  const score = (s: string) => report.students.find((x) => x.student === s)!;
  // ann builds second-to-none and ben after her: the base image survived the clean-up between them.
  t.is(score('ann').score, 3, JSON.stringify(score('ann').checks));
  t.is(score('ben').score, 3, JSON.stringify(score('ben').checks));
  t.is(score('cid-debian').score, 0);
  t.regex(score('cid-debian').checks.find((x) => x.id === 'builds')!.observed, /Dockerfile:1: .*127\.0\.0\.1:1.*connection refused/);
  const annFile = (report.students.find((x) => x.student === 'ann') as {file?: string}).file!;
  t.true(annFile.startsWith(join(out, fileSlug('ann'), 'week3-homework') + '/'), annFile);
  t.like(JSON.parse(readFileSync(annFile, 'utf8')), {score: 3, extra_data: {lab: 'week3', provider: 'sandbox'}});
});

test('an image the recipes cannot make, and a homework file that is not there, are named', async (t) => {
  const c = course();
  t.teardown(() => rmSync(c.dir, {recursive: true, force: true}));
  writeFileSync(c.file, JSON.stringify({...homework, images: ['busybox', 'centos']}));
  const bad = await runLab(['homework', 'check', c.subs, '--homework', c.file]);
  t.not(bad.code, 0);
  t.regex(flat(bad.stderr), /homework\.json: at \/images\/1: no image recipe "centos" \(there are: .*busybox/);
  const missing = await runLab(['homework', 'check', c.subs, '--homework', join(c.dir, 'nope.json')]);
  t.not(missing.code, 0);
  t.regex(flat(missing.stderr), /cannot read the homework definition .*nope\.json: ENOENT/);
  const both = await runLab(['homework', 'check', c.subs]);
  t.not(both.code, 0);
  t.regex(both.stderr, /--lab|--homework/);
});
