#!/usr/bin/env node
// `lab start 26` with the default provider (qemu), the VM image already built: the command's wall time to "ready",
// median of N runs, each in a fresh state dir (its VM destroyed after). Resumed from the image's warm state (the
// default) and, with --boot, booted as well (LAB_VM_RESUME=off). Compared with the goal of issue 18: ≤ 20 s under TCG.
// Run by hand as root after `npm run build` and `lab vm build`:
//   sudo node bench/lab-start.mjs [--runs 3] [--boot] [--lab 26] [--json]
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const {values: opts} = parseArgs({options: {runs: {type: 'string', default: '3'}, boot: {type: 'boolean', default: false}, lab: {type: 'string', default: '26'}, json: {type: 'boolean', default: false}}});
const GOAL_S = 20;
const lab = join(root, 'bin', 'run.js');
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function once(mode) {
  const state = mkdtempSync(join(tmpdir(), 'lab-bench-start-'));
  const env = {...process.env, XDG_STATE_HOME: state, LAB_VM_RESUME: mode === 'boot' ? 'off' : 'on'};
  const load = loadavg()[0];
  const started = performance.now();
  const r = spawnSync(process.execPath, [lab, 'start', opts.lab, '--lang', 'en'], {env, encoding: 'utf8'});
  const seconds = (performance.now() - started) / 1000;
  spawnSync(process.execPath, [lab, 'destroy', opts.lab], {env});
  rmSync(state, {recursive: true, force: true});
  if (r.status !== 0) throw new Error(`lab start ${opts.lab} failed (${mode}): ${r.stderr.slice(-800)}`);
  const how = /is up in [\d.]+s(, resumed)?/.exec(r.stderr)?.[0] ?? '?';
  log(`  ${mode}: ${seconds.toFixed(1)} s (${how}; load average ${load.toFixed(1)})`);
  return seconds;
}

const modes = opts.boot ? ['resume', 'boot'] : ['resume'];
const results = {};
for (const mode of modes) {
  log(`lab start ${opts.lab}, ${mode}, ${opts.runs} runs:`);
  const times = [];
  for (let i = 0; i < Number(opts.runs); i++) times.push(once(mode));
  results[mode] = {runs: times, median: median(times)};
}
const summary = {lab: opts.lab, goalSeconds: GOAL_S, ...results, ratioToGoal: results.resume.median / GOAL_S, ...(results.boot ? {bootOverResume: results.boot.median / results.resume.median} : {})};
if (opts.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
else {
  console.log(`lab start ${opts.lab} (resumed): median ${results.resume.median.toFixed(1)} s = ${summary.ratioToGoal.toFixed(2)} × the ${GOAL_S} s goal`);
  if (results.boot) console.log(`booted instead: median ${results.boot.median.toFixed(1)} s = ${summary.bootOverResume.toFixed(2)} × the resumed start`);
}
