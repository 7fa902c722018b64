#!/usr/bin/env node
// Grading spread over `lab worker`s through the BullMQ queue: --count (500) generated submissions of lab 26's
// homework graded by `lab homework check --queue` with 1, 2 and 4 workers on this machine (each its own process
// and sandbox engine, --concurrency 1), against a redis-server of the bench's own on a free loopback port. Prints
// the wall time, submissions per minute, the speed-up over one worker and the speed-up per worker. Run by hand, as
// root, after npm run build. The VM half of the class bench is bench/class.mjs.
import {execFileSync, spawn} from 'node:child_process';
import {appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
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
const count = Number(arg('--count', 500));
const workerCounts = arg('--workers', '1,2,4').split(',').map(Number);
const concurrency = Number(arg('--concurrency', 1));

const hello = '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n';
const scratch = 'FROM scratch\nCOPY hello /hello\nENTRYPOINT ["/hello"]\n';

/** Lab 26's homework: right ones (most), dynamic, broken and sourceless; each binary made distinct per student. */
function makeSubmissions(dir) {
  writeFileSync(join(dir, '.hello.c'), hello);
  execFileSync('gcc', ['-static', '-O0', '-o', join(dir, '.static'), join(dir, '.hello.c')]);
  execFileSync('gcc', ['-O0', '-o', join(dir, '.dynamic'), join(dir, '.hello.c')]);
  const kinds = ['good', 'good', 'dynamic', 'good', 'broken', 'good', 'no-source', 'good'];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const id = `s${String(i).padStart(3, '0')}-${kind}`;
    const d = join(dir, id);
    mkdirSync(d);
    if (kind !== 'no-source') writeFileSync(join(d, 'hello.c'), `/* ${id} */\n${hello}`);
    copyFileSync(join(dir, kind === 'dynamic' ? '.dynamic' : '.static'), join(d, 'hello'));
    appendFileSync(join(d, 'hello'), `\n${id}\n`);
    writeFileSync(join(d, 'Dockerfile'), kind === 'broken' ? 'FROM scratch\nCOPY hello /hello\nCOPY helo.txt /x\nENTRYPOINT ["/hello"]\n' : scratch);
  }
  for (const f of ['.hello.c', '.static', '.dynamic']) rmSync(join(dir, f));
}

const freePort = () => new Promise((res, rej) => {
  const s = createServer();
  s.once('error', rej);
  s.listen(0, '127.0.0.1', () => {
    const {port} = s.address();
    s.close(() => res(port));
  });
});

async function startRedis(dir) {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {stdio: 'ignore'});
  for (let i = 0; i < 100; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping'], {stdio: ['ignore', 'pipe', 'ignore']}).toString().trim() === 'PONG') break;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {url: `redis://127.0.0.1:${port}`, child};
}

/** N `lab worker` processes, each connected before it is returned. */
async function startWorkers(url, n) {
  return Promise.all(Array.from({length: n}, () => new Promise((res, rej) => {
    const child = spawn(process.execPath, [lab, 'worker', '--redis', url, '--concurrency', String(concurrency)], {stdio: ['ignore', 'ignore', 'pipe']});
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      if (/ worker \S+ on /.test(log)) res(child);
    });
    child.on('exit', (code) => rej(new Error(`lab worker exited ${code}: ${log}`)));
  })));
}

async function stopWorkers(workers) {
  await Promise.all(workers.map((w) => new Promise((res) => {
    if (w.exitCode !== null) return res();
    w.removeAllListeners('exit');
    w.on('exit', res);
    w.kill('SIGTERM');
  })));
}

function check(url, subs, out, label) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [lab, 'homework', 'check', subs, '--lab', '26', '--out', out, '--queue', url, '--json'], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      const done = /(\d+)\/(\d+) checked\n/.exec(String(d));
      if (done) process.stderr.write(`\r  ${label}: ${done[1]}/${done[2]} checked`);
    });
    child.on('close', (code) => {
      process.stderr.write('\n');
      if (code !== 0) return rej(new Error(`lab homework check --queue exited ${code}:\n${stderr.slice(-2000)}`));
      res({seconds: Number(process.hrtime.bigint() - t0) / 1e9, report: JSON.parse(stdout)});
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'lab-bench-class-workers-'));
let redis;
let workers = [];
const cleanup = async () => {
  await stopWorkers(workers);
  redis?.child.kill('SIGTERM');
  rmSync(dir, {recursive: true, force: true});
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
try {
  const subs = join(dir, 'submissions');
  mkdirSync(subs);
  makeSubmissions(subs);
  redis = await startRedis(dir);
  console.log(`${count} submissions of lab 26's homework; workers ${workerCounts.join(', ')} (each --concurrency ${concurrency}); ${cpus().length} cores, load ${readLoad()}`);
  const rows = [];
  for (const n of workerCounts) {
    workers = await startWorkers(redis.url, n);
    // The sandbox engines start with each worker's first job: that start is part of the run, as for a teacher.
    const {seconds, report} = await check(redis.url, subs, join(dir, `out-${n}`), `${n} worker(s)`);
    await stopWorkers(workers);
    workers = [];
    rows.push({n, seconds, scores: report.students.map((s) => `${s.student}=${s.score}`).sort().join(), students: new Map(report.students.map((s) => [s.student, s]))});
    console.log(`${n} worker(s): ${seconds.toFixed(1)} s, ${((count / seconds) * 60).toFixed(1)} submissions/min; load ${readLoad()}`);
  }
  const base = rows.find((r) => r.n === Math.min(...workerCounts));
  for (const r of rows) {
    if (r === base) continue;
    const speedUp = base.seconds / r.seconds;
    console.log(`${r.n} workers vs ${base.n}: speed-up ${speedUp.toFixed(2)}x, ${(speedUp / (r.n / base.n)).toFixed(2)} of linear per added worker`);
    if (r.scores === base.scores) continue;
    // Under heavy load a program can miss the homework's run time limit: the difference is shown, check by check.
    console.log(`WARNING: ${r.n} workers graded differently from ${base.n}:`);
    for (const [id, s] of r.students) {
      const b = base.students.get(id);
      if (b?.score === s.score) continue;
      const failed = (x) => x?.checks.filter((c) => !c.pass).map((c) => `${c.id} (${c.observed.slice(0, 120)})`).join('; ') || 'none failed';
      console.log(`  ${id}: ${b?.score} with ${base.n}, failed: ${failed(b)}\n  ${' '.repeat(id.length)}  ${s.score} with ${r.n}, failed: ${failed(s)}`);
    }
  }
} finally {
  await cleanup();
}
