#!/usr/bin/env node
// `lab homework check` of lab 26 on 120 generated submissions: wall time one after another (--jobs 1) and with
// --jobs N (default: the cores), and the submissions checked per minute. Run by hand, as root, after npm run build.
import {execFileSync, spawn} from 'node:child_process';
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {readLoad} from './lib/host.mjs';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const lab = join(root, 'bin', 'run.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const count = Number(arg('--count', 120));
const jobsList = arg('--jobs', `1,${cpus().length}`).split(',').map(Number);

const hello = (greeting) => `#include <stdio.h>\nint main(void) { puts("${greeting}"); return 0; }\n`;
const scratch = (program) => `FROM scratch\nCOPY ${program} /${program}\nENTRYPOINT ["/${program}"]\n`;

/** The mix of issue 17: right, dynamic, broken, archived, oversized, prebuilt, copied, LMS-named, and 15 endless loops in 120. */
function makeSubmissions(dir) {
  const built = new Map();
  // Each kind is compiled once; students of a kind differ by their source's text (a comment), as classmates' do.
  const program = (kind, source, args) => {
    if (!built.has(kind)) {
      const src = join(dir, `.${kind}.c`);
      writeFileSync(src, source);
      execFileSync('gcc', [...args, '-O0', '-o', join(dir, `.${kind}`), src]);
      built.set(kind, join(dir, `.${kind}`));
    }
    return built.get(kind);
  };
  const kinds = [];
  for (let i = 0; i < count; i++) {
    const loop = i % 8 === 7;
    kinds.push(loop ? 'loop' : ['good', 'good', 'dynamic', 'broken', 'zip', 'targz', 'big', 'busybox', 'moodle', 'good'][i % 10]);
  }
  kinds.forEach((kind, i) => {
    const id = kind === 'moodle' ? `Študentka Nováková ${i}_${1000 + i}_assignsubmission_file_` : `s${String(i).padStart(3, '0')}-${kind}`;
    const d = join(dir, kind === 'zip' || kind === 'targz' ? `.src-${i}` : id);
    mkdirSync(d);
    const source = kind === 'loop' ? 'int main(void) { for (;;) {} }\n' : hello('Hello, World!');
    writeFileSync(join(d, 'hello.c'), `/* student ${i} */\n${source}`);
    if (kind === 'busybox') {
      copyFileSync('/bin/busybox', join(d, 'echo'));
      writeFileSync(join(d, 'Dockerfile'), 'FROM scratch\nCOPY echo /echo\nENTRYPOINT ["/echo", "Hello, World!"]\n');
      return;
    }
    copyFileSync(program(kind === 'loop' ? 'loop' : kind === 'dynamic' ? 'dynamic' : 'static', source, kind === 'dynamic' ? [] : ['-static']), join(d, 'hello'));
    writeFileSync(join(d, 'Dockerfile'), kind === 'broken' ? 'FROM scratch\nCOPY hello /hello\nCOPY helo.txt /x\nENTRYPOINT ["/hello"]\n'
      : kind === 'big' ? 'FROM scratch\nCOPY hello /hello\nCOPY data.bin /data.bin\nENTRYPOINT ["/hello"]\n' : scratch('hello'));
    if (kind === 'big') {
      writeFileSync(join(d, 'data.bin'), '');
      truncateSync(join(d, 'data.bin'), 300 * 1024 * 1024);
    }
    if (kind === 'zip') execFileSync('zip', ['-qr', join(dir, `${id}.zip`), '.'], {cwd: d});
    if (kind === 'targz') execFileSync('tar', ['-czf', join(dir, `${id}.tar.gz`), '-C', d, '.']);
    if (kind === 'zip' || kind === 'targz') rmSync(d, {recursive: true});
  });
  for (const f of built.values()) rmSync(f);
  return kinds;
}

function check(subs, out, jobs) {
  return new Promise((resolveRun, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [lab, 'homework', 'check', subs, '--lab', '26', '--out', out, '--jobs', String(jobs), '--json'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
    let stdout = '';
    let stderr = '';
    // Where the seconds go: each progress line stamped as it arrives (ms since the start).
    const stamped = [];
    let partial = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const at = Number(process.hrtime.bigint() - t0) / 1e6;
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const line of lines) stamped.push({at, line});
      const done = /(\d+)\/(\d+) checked\n$/.exec(String(d));
      if (done) process.stderr.write(`\r  --jobs ${jobs}: ${done[1]}/${done[2]} checked`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      process.stderr.write('\n');
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`lab homework check --jobs ${jobs} exited ${code}:\n${stderr.slice(-2000)}`));
      resolveRun({seconds, report: JSON.parse(stdout), phases: phases(stamped)});
    });
  });
}

/**
 * From the stamped progress lines: until the first student starts (engine start, base images), and per student
 * the mean time from its start to "building" (copy or unpack), to "running" (build and image read), to its score
 * (runs and checks), and the tail after the last score (clean-up, shared-binary flags, results stored).
 */
function phases(stamped) {
  const firstStudent = stamped.find((s) => /\[1\/\d+\]/.test(s.line))?.at ?? 0;
  const per = new Map();
  for (const {at, line} of stamped) {
    const m = /^› (.+?): (\[\d+\/\d+\]|building|running|\d+(?:\.\d+)?\/\d+ )/.exec(line);
    if (!m) continue;
    const p = per.get(m[1]) ?? {};
    const key = m[2].startsWith('[') ? 'start' : m[2] === 'building' ? 'build' : m[2] === 'running' ? 'run' : 'done';
    p[key] ??= at;
    per.set(m[1], p);
  }
  const mean = (f) => {
    const xs = [...per.values()].map(f).filter((x) => Number.isFinite(x));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length / 1000 : NaN;
  };
  const lastDone = Math.max(...[...per.values()].map((p) => p.done ?? 0));
  const end = stamped.at(-1)?.at ?? lastDone;
  return {
    setup: firstStudent / 1000,
    copy: mean((p) => p.build - p.start),
    build: mean((p) => p.run - p.build),
    run: mean((p) => p.done - p.run),
    student: mean((p) => p.done - p.start),
    tail: (end - lastDone) / 1000,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'lab-bench-homework-'));
process.on('SIGINT', () => {
  rmSync(dir, {recursive: true, force: true});
  process.exit(130);
});
try {
  const subs = join(dir, 'submissions');
  mkdirSync(subs);
  const kinds = makeSubmissions(subs);
  const mix = Object.entries(kinds.reduce((m, k) => ({...m, [k]: (m[k] ?? 0) + 1}), {})).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(`${count} submissions: ${mix}; ${cpus().length} cores, load ${readLoad()}`);
  const rows = [];
  for (const jobs of jobsList) {
    const {seconds, report, phases: p} = await check(subs, join(dir, `out-${jobs}`), jobs);
    const scores = report.students.map((s) => `${s.student}=${s.score}`).sort();
    rows.push({jobs, seconds, perMinute: (count / seconds) * 60, scores, report, flagged: report.students.filter((s) => s.flags.length).length});
    console.log(`--jobs ${jobs}: ${seconds.toFixed(1)} s, ${((count / seconds) * 60).toFixed(1)} submissions/min, ${rows.at(-1).flagged} flagged; load ${readLoad()}`);
    const f = (x) => x.toFixed(2);
    console.log(`  setup (engine, base images) ${f(p.setup)} s; per student (mean): copy/unpack ${f(p.copy)} s, build ${f(p.build)} s, run and checks ${f(p.run)} s, in all ${f(p.student)} s; after the last ${f(p.tail)} s`);
  }
  const base = rows.find((r) => r.jobs === 1);
  for (const r of rows) {
    if (r !== base && base) console.log(`speed-up --jobs ${r.jobs} vs one after another: ${(base.seconds / r.seconds).toFixed(2)}x (goal >= 2x the 117 s measured before: ${(117 / r.seconds).toFixed(2)}x)`);
    if (base && r.scores.join() !== base.scores.join()) {
      // A grade that depends on --jobs is a defect (a limit hit only under contention): name each one and why.
      const before = new Map(base.report.students.map((x) => [x.student, x.score]));
      const differ = r.report.students.filter((x) => before.get(x.student) !== x.score);
      console.log(`WARNING: --jobs ${r.jobs} graded ${differ.length} student(s) differently from --jobs 1:`);
      for (const x of differ) console.log(`  ${x.student}: ${x.score} (--jobs 1: ${before.get(x.student)}); ${x.checks.filter((c) => !c.pass).map((c) => `${c.id}: ${c.observed.slice(0, 160)}`).join('; ')}`);
    }
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
