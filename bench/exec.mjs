#!/usr/bin/env node
// `docker exec CONTAINER true` latency into a running `busybox sleep 600` container: labd against the real
// dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios of medians.
// Run by hand as root after `npm run build`:  node bench/exec.mjs [--runs 21] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {runBench} from './lib/bench.mjs';
import {BUSYBOX, busyboxArchive, loadBusybox} from './lib/busybox.mjs';
import {childTraceOptions} from './lib/child-trace.mjs';
import {daemonSelfCpu as daemonCpu} from './lib/daemon-usage.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {checkPrerequisites, logFileOf, startEngines} from './lib/engines.mjs';
import {traceExecs, traceLines} from './lib/exec-trace.mjs';
import {hostInfo, readLoad} from './lib/host.mjs';
import {parseOptions} from './lib/options.mjs';
import {hostBusySeconds, log, run} from './lib/proc.mjs';
import {finishLabdProfile, profileReport} from './lib/profile.mjs';
import {allRunsLine, failureLines, goalText, table, finish} from './lib/report.mjs';
import {RunError, interleaved} from './lib/runs.mjs';
import {openScratch, session} from './lib/session.mjs';
import {median, pairedRatio, stats} from './lib/stats.mjs';

const GOAL = 0.5;

const usage = `Usage: node bench/exec.mjs [options]

  --runs N          timed \`docker exec CONTAINER true\` per engine, interleaved (default 21, at least 15)
  --warmup N        untimed execs per engine first (default 3)
  --echo-runs N     timed \`docker exec CONTAINER echo hi\` per engine, output checked (default 5)
  --floor-runs N    \`runc exec CONTAINER true\` straight into each engine's container, the runtime's own share
                    of an exec, which both engines pay (default 9; 0: none)
  --trace           also run execs through an API-relaying socket (and, for labd, with its child processes
                    timed) and print where an exec's time goes, request by request
  --trace-runs N    traced execs per engine (default 7)
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --cpu-prof        run labd under \`node --cpu-prof\` and print its hottest functions during the timed execs
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

const opts = parseOptions('exec', usage, {runs: 21, warmup: 3, minRuns: 15, extra: {
  'echo-runs': {type: 'string', default: '5'},
  'floor-runs': {type: 'string', default: '9'},
  trace: {type: 'boolean', default: false},
  'trace-runs': {type: 'string', default: '7'},
}});
const echoRuns = opts.int('echo-runs', true);
const floorRuns = opts.int('floor-runs', true);
const traceRuns = opts.int('trace-runs');

/** One `docker exec`: wall-clock of the whole CLI command; the daemon's CPU and the machine's meanwhile. */
async function timedExec(engine, command, expect, host) {
  const args = ['exec', engine.container, ...command];
  const cpu0 = daemonCpu(engine);
  const host0 = hostBusySeconds();
  const r = await docker(engine, args, {host});
  const cpuMs = (daemonCpu(engine) - cpu0) * 1000;
  const hostMs = (hostBusySeconds() - host0) * 1000;
  if (r.code !== 0) throw new RunError(`docker ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  if (r.stdout !== expect) throw new RunError(`docker ${args.join(' ')} printed ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(expect)}`);
  return {ms: r.ms, cpuMs, hostMs, startMs: r.startMs, endMs: r.endMs};
}

// ---------------------------------------------------------------------------------------------------------------
// The runtime's floor: runc exec straight into the container
// ---------------------------------------------------------------------------------------------------------------

/** The runc root that holds container `id`: labd's below its exec-root, containerd's runc shim's under /run. */
function runcRootOf(id) {
  const candidates = [join(session.dir, 'labd', 'run', 'runc'), '/run/containerd/runc/bench', join(session.dir, 'dockerd', 'docker-exec', 'runtime-runc', 'bench')];
  return candidates.find((r) => existsSync(join(r, id, 'state.json')));
}

async function runcFloor(engines) {
  const out = {};
  for (const e of engines) {
    const rootDir = runcRootOf(e.container);
    if (!rootDir) {
      log(`${e.name}: cannot find the runc root of container ${e.container.slice(0, 12)}; no runc exec floor`);
      continue;
    }
    const times = [];
    for (let i = 0; i < floorRuns + 1; i++) {
      const r = await run('runc', ['--root', rootDir, 'exec', e.container, 'true']);
      if (r.code !== 0) throw new Error(`runc --root ${rootDir} exec ${e.container.slice(0, 12)} true exited ${r.code}: ${r.stderr.trim()}`);
      if (i > 0) times.push(r.ms);
    }
    out[e.name] = {root: rootDir, median: median(times), all: times};
    log(`${e.name.padEnd(7)} runc exec ... true straight into the container: median ${median(times).toFixed(1)} ms (${rootDir})`);
  }
  return out;
}


async function main() {
  checkPrerequisites();
  const image = await busyboxArchive();
  openScratch(opts.dir);
  log(`scratch dir ${session.dir}`);
  // With --trace, labd's child processes are timed from inside it by a preloaded module (its code unchanged).
  const trace = opts.trace ? childTraceOptions() : undefined;
  const engines = await startEngines(opts.engineNames, {cpuProf: opts['cpu-prof'], labdNodeArgs: trace?.labdNodeArgs, labdEnv: trace?.labdEnv});
  for (const e of engines) if (e.name === 'labd') e.childTrace = trace?.file;
  const imageIds = {};
  for (const e of engines) {
    imageIds[e.name] = await loadBusybox(e, image);
    e.container = (await mustDocker(e, ['run', '-d', '--network', 'none', BUSYBOX, 'sleep', '600'])).stdout.trim();
    const state = (await mustDocker(e, ['inspect', '-f', '{{.State.Status}}', e.container])).stdout.trim();
    if (state !== 'running') throw new Error(`${e.name}: container ${e.container.slice(0, 12)} is ${state}, not running (see ${logFileOf(e)})`);
    // It must work before anything is timed.
    const r = await docker(e, ['exec', e.container, 'true']);
    if (r.code !== 0) throw new Error(`${e.name}: docker exec ${e.container.slice(0, 12)} true exited ${r.code}: ${(r.stderr || r.stdout).trim()}\n(see ${logFileOf(e)})`);
    log(`${e.name.padEnd(7)} container ${e.container.slice(0, 12)} runs sleep 600; docker exec ... true works (${r.ms.toFixed(0)} ms)`);
  }

  const load = readLoad();
  const describe = (m) => `${m.ms.toFixed(1)} ms (daemon CPU ${m.cpuMs.toFixed(0)} ms, machine CPU ${m.hostMs.toFixed(0)} ms)`;
  const execs = await interleaved(engines, {
    warmup: opts.warmup, runs: opts.runs, what: 'exec true', phase: 'exec',
    step: (e) => timedExec(e, ['true'], ''), describe,
  });
  const echoes = echoRuns > 0
    ? await interleaved(engines, {warmup: 0, runs: echoRuns, what: 'exec echo hi', step: (e) => timedExec(e, ['echo', 'hi'], 'hi\n'), describe})
    : undefined;

  const floor = floorRuns > 0 ? await runcFloor(engines) : {};
  const traced = opts.trace ? await traceExecs(engines, traceRuns, (e, host) => timedExec(e, ['true'], '', host)) : undefined;

  const results = {};
  for (const e of engines) {
    const m = execs[e.name];
    if (!m.runs.some(Boolean)) throw new Error(`${e.name}: no exec succeeded`);
    const state = (await mustDocker(e, ['inspect', '-f', '{{.State.Status}} {{len .ExecIDs}}', e.container])).stdout.trim();
    results[e.name] = {
      version: e.version, ...e.info, imageId: imageIds[e.name], containerAfter: state,
      exec: stats(m.runs, 'ms'), daemonCpu: stats(m.runs, 'cpuMs'), machineCpu: stats(m.runs, 'hostMs'),
      all: m.runs.map((r) => r?.ms ?? null),
      echo: echoes ? stats(echoes[e.name].runs, 'ms') : undefined,
      runcExecFloor: floor[e.name],
      failures: [...m.failures, ...(echoes?.[e.name].failures ?? [])],
    };
  }
  const profiles = opts['cpu-prof'] ? await finishLabdProfile(engines, ['exec']) : undefined;

  const report = {
    command: 'docker exec CONTAINER true', container: `docker run -d --network none ${BUSYBOX} sleep 600`,
    runs: opts.runs, warmup: opts.warmup, echoRuns,
    host: {...(await hostInfo()), loadAtStart: load},
    engines: results, ratios: {}, goal: GOAL,
  };
  if (results.labd && results.dockerd) {
    const l = results.labd;
    const d = results.dockerd;
    report.ratios = {
      exec: l.exec.median / d.exec.median,
      execPaired: pairedRatio(execs.labd.runs, execs.dockerd.runs, 'ms'),
      execMin: l.exec.min / d.exec.min,
      execP90: l.exec.p90 / d.exec.p90,
      daemonCpu: l.daemonCpu.median / d.daemonCpu.median,
      machineCpu: l.machineCpu.median / d.machineCpu.median,
      echo: l.echo && d.echo ? l.echo.median / d.echo.median : undefined,
    };
    report.meetsGoal = report.ratios.exec <= GOAL;
  }
  if (traced) report.trace = traced;
  if (profiles) report.labdProfile = profiles;
  return finish('exec', report, results, opts.json, () => lines(report));
}

function lines(report) {
  const {engines: r, ratios} = report;
  const names = Object.keys(r);
  const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const rows = [
    ['', ...names],
    ['server version', ...names.map((n) => r[n].version)],
    ['cgroup driver / runtime', ...names.map((n) => `${r[n].cgroupDriver} v${r[n].cgroupVersion} / ${r[n].runtime}`)],
    [`docker exec true (${report.runs} runs)`, ...names.map(() => '')],
    ['  median', ...names.map((n) => ms(r[n].exec.median))],
    ['  min', ...names.map((n) => ms(r[n].exec.min))],
    ['  p90', ...names.map((n) => ms(r[n].exec.p90))],
    ['  max', ...names.map((n) => ms(r[n].exec.max))],
    ['  daemon CPU per exec', ...names.map((n) => ms(r[n].daemonCpu.median))],
    ['  machine CPU per exec', ...names.map((n) => ms(r[n].machineCpu.median))],
    [`docker exec echo hi (${report.echoRuns} runs)`, ...names.map((n) => (r[n].echo ? `${ms(r[n].echo.median)}, printed hi` : '-'))],
    ['container afterwards (status, running execs)', ...names.map((n) => r[n].containerAfter)],
    ['runc exec true straight into it (floor)', ...names.map((n) => ms(r[n].runcExecFloor?.median))],
  ];
  const out = [''];
  out.push(`command: ${report.command}, into ${report.container}; wall-clock of the whole CLI command, ${report.warmup} warm-up execs each, then interleaved`);
  out.push(`host: ${report.host.cores} cores, node ${report.host.node}, ${report.host.docker}, load average at start ${report.host.loadAtStart}`);
  out.push('');
  out.push(...table(rows));
  out.push('');
  out.push(allRunsLine('all execs (ms, x: failed)', names, (n) => r[n].all));
  out.push(...failureLines(r, 'exec(s)'));
  if (ratios.exec !== undefined) {
    out.push('');
    out.push(`exec latency labd/dockerd = ${ratios.exec.toFixed(2)}x   (${goalText('<=', report.goal, report.meetsGoal)}; ` +
      `median of per-run ratios ${ratios.execPaired.toFixed(2)}x, min ${ratios.execMin.toFixed(2)}x, p90 ${ratios.execP90.toFixed(2)}x)`);
    if (ratios.echo !== undefined) out.push(`exec echo hi labd/dockerd = ${ratios.echo.toFixed(2)}x`);
    out.push(`daemon CPU   labd/dockerd = ${ratios.daemonCpu.toFixed(2)}x   (the daemons' own CPU: dockerd with its containerd; shims and runc not included)`);
    out.push(`machine CPU  labd/dockerd = ${ratios.machineCpu.toFixed(2)}x   (all processes, the CLI included; noisy on a shared machine)`);
  }
  if (report.trace) out.push(...traceLines(report.trace));
  out.push(...profileReport(report.labdProfile));
  return out;
}

await runBench('exec', main);
