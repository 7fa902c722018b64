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
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const done = /(\d+)\/(\d+) checked\n$/.exec(String(d));
      if (done) process.stderr.write(`\r  --jobs ${jobs}: ${done[1]}/${done[2]} checked`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      process.stderr.write('\n');
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) return reject(new Error(`lab homework check --jobs ${jobs} exited ${code}:\n${stderr.slice(-2000)}`));
      resolveRun({seconds, report: JSON.parse(stdout)});
    });
  });
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
    const {seconds, report} = await check(subs, join(dir, `out-${jobs}`), jobs);
    const scores = report.students.map((s) => `${s.student}=${s.score}`).sort();
    rows.push({jobs, seconds, perMinute: (count / seconds) * 60, scores, flagged: report.students.filter((s) => s.flags.length).length});
    console.log(`--jobs ${jobs}: ${seconds.toFixed(1)} s, ${((count / seconds) * 60).toFixed(1)} submissions/min, ${rows.at(-1).flagged} flagged; load ${readLoad()}`);
  }
  const base = rows.find((r) => r.jobs === 1);
  for (const r of rows) {
    if (r !== base && base) console.log(`speed-up --jobs ${r.jobs} vs one after another: ${(base.seconds / r.seconds).toFixed(2)}x (goal >= 2x the 117 s measured before: ${(117 / r.seconds).toFixed(2)}x)`);
    if (base && r.scores.join() !== base.scores.join()) console.log(`WARNING: --jobs ${r.jobs} graded differently from --jobs 1`);
  }
} finally {
  rmSync(dir, {recursive: true, force: true});
}
