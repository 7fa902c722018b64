#!/usr/bin/env node
// `lab check` on a lab 26 session: the median wall time of the whole command (goal < 1 s).
// Run by hand after `lab start 26` and the lab's solve scripts (or `node bench/lab-check.mjs --solve`).
import {spawnSync} from 'node:child_process';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const lab = join(root, 'bin', 'run.js');
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 9);

if (process.argv.includes('--solve')) {
  const status = JSON.parse(spawnSync(process.execPath, [lab, 'status', '--json'], {encoding: 'utf8'}).stdout);
  for (const script of ['01-compile-dynamic', '02-scratch-dynamic', '03-static', '04-compile-in-scratch', '05-load-debian', '06-chmod', '07-restart', '08-mywc']) {
    spawnSync('sh', [join(root, 'exercises/26/solve', `${script}.sh`)], {cwd: status.workdir, stdio: 'ignore', env: {...process.env, LAB_EXERCISE_DIR: join(root, 'exercises/26')}});
  }
}

const times = [];
let last;
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [lab, 'check', '--json'], {encoding: 'utf8'});
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  last = JSON.parse(r.stdout);
}
times.sort((a, b) => a - b);
console.log(`lab check: median ${times[Math.floor(runs / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms over ${runs} runs`);
console.log(`score ${last.score}/${last.maxScore}; ratio to the 1 s goal: ${(times[Math.floor(runs / 2)] / 1000).toFixed(2)}x`);
