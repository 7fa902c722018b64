#!/usr/bin/env node
// `docker run --rm --network none busybox true` latency and the memory a running container costs: labd against
// the real dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios.
// Run by hand as root after `npm run build`:  node bench/container-run.mjs [--runs 15] [--json] [--trace] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {runBench} from './lib/bench.mjs';
import {BUSYBOX as IMAGE, busyboxArchive, loadBusybox} from './lib/busybox.mjs';
import {childTraceOptions} from './lib/child-trace.mjs';
import {containerMemory} from './lib/container-memory.mjs';
import {docker, mustDocker} from './lib/docker-cli.mjs';
import {checkPrerequisites, logFileOf, startEngines} from './lib/engines.mjs';
import {hostInfo, load1} from './lib/host.mjs';
import {parseOptions} from './lib/options.mjs';
import {hostBusySeconds, log} from './lib/proc.mjs';
import {finishLabdProfile, monotonicUs, profileLines} from './lib/profile.mjs';
import {allRunsLine, failureLines, goalText, table, finish} from './lib/report.mjs';
import {RunError, attempt} from './lib/runs.mjs';
import {traceLines, traceRuns} from './lib/run-trace.mjs';
import {openScratch, session} from './lib/session.mjs';
import {median, spread as stats} from './lib/stats.mjs';

const GOAL = 0.35;
const RUN = ['run', '--rm', '--network', 'none', IMAGE];

const usage = `Usage: node bench/container-run.mjs [options]

  --runs N          timed \`docker run --rm\` per engine, interleaved (default 15, at least 9)
  --warmup N        untimed runs per engine first (default 2)
  --echo-runs N     timed \`docker run --rm ... echo hi\` per engine, output checked (default 5)
  --containers N    containers kept running for the memory measurement (default 5)
  --settle S        seconds to wait before each memory reading (default 3)
  --engines LIST    labd,dockerd (default both; ratios need both)
  --dir PATH        parent directory for the engines' scratch dirs (default: the OS temp dir)
  --trace           also run each engine through an API-relaying socket, follow its events and (labd) its
                    child processes, and print where a run's time goes, phase by phase
  --trace-runs N    traced runs per engine (default 7)
  --cpu-prof        run labd under \`node --cpu-prof\` and print its hottest functions during the timed runs
  --json            print the results as JSON on stdout (progress still goes to stderr)
  -h, --help        this text
`;

const opts = parseOptions('container-run', usage, {
  runs: 15, warmup: 2, minRuns: 9, minRunsWhy: 'or the p90 means nothing',
  extra: {
    'echo-runs': {type: 'string', default: '5'},
    containers: {type: 'string', default: '5'},
    settle: {type: 'string', default: '3'},
    trace: {type: 'boolean', default: false},
    'trace-runs': {type: 'string', default: '7'},
  },
});
const {runs, warmup} = opts;
const echoRuns = opts.int('echo-runs');
const containersN = opts.int('containers');
const traceRunsN = opts.int('trace-runs');
const settleSeconds = opts.seconds('settle');

/** One `docker run --rm`: wall-clock of the whole CLI command, and the machine's busy CPU meanwhile. */
async function timedRun(engine, command, {host, expect = '', profiled = false} = {}) {
  const cpu0 = hostBusySeconds();
  const from = monotonicUs();
  const r = await docker(engine, [...RUN, ...command], {host});
  // With --cpu-prof, the timed runs' spans of monotonic time (the clock V8 stamps samples with).
  if (profiled) engine.windows?.push({phase: 'run', from, to: monotonicUs()});
  const cpuMs = (hostBusySeconds() - cpu0) * 1000;
  if (r.code !== 0) throw new RunError(`docker ${[...RUN, ...command].join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim()}`);
  if (r.stdout !== expect) throw new RunError(`docker run ... ${command.join(' ')} printed ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(expect)}`);
  return {ms: r.ms, cpuMs, startMs: r.startMs, endMs: r.endMs};
}

/** `docker run --rm` must leave nothing behind; what a failed run left is removed (and counted as a failure). */
async function checkNoContainers(engine, failures) {
  const left = (await mustDocker(engine, ['ps', '-aq'])).stdout.trim();
  if (!left) return;
  const ids = left.split('\n');
  if (!failures) throw new Error(`${engine.name}: containers left after docker run --rm: ${ids.join(' ')}`);
  failures.push({what: 'cleanup', error: `${ids.length} container(s) left after docker run --rm: ${ids.join(' ')}`});
  log(`${engine.name.padEnd(7)} ${ids.length} container(s) left after docker run --rm; removing them`);
  await docker(engine, ['rm', '-f', ...ids]);
}

async function main() {
  checkPrerequisites();
  const loadBefore = load1();
  const image = await busyboxArchive();
  openScratch(opts.dir);
  log(`scratch dir ${session.dir}`);
  const trace = opts.trace ? childTraceOptions() : undefined;
  const engines = await startEngines(opts.engineNames, {
    cpuProf: opts['cpu-prof'],
    labdNodeArgs: trace?.labdNodeArgs, labdEnv: trace?.labdEnv, labdNote: trace && 'with its child processes traced',
  });
  for (const e of engines) if (e.name === 'labd') e.childTrace = trace?.file;

  const results = {};
  const tryRun = (e, what, command, options) => attempt(e, what, results[e.name].failures, runs, () => timedRun(e, command, options));
  for (const e of engines) {
    const imageId = await loadBusybox(e, image);
    const {cgroupDriver, cgroupVersion, runtime, storage: driver} = e.info;
    results[e.name] = {version: e.version, cgroupDriver, cgroupVersion, runtime, driver, imageId, all: [], runs: [], cpu: [], echo: [], failures: []};
    // It must work before anything is timed.
    const r = await docker(e, [...RUN, 'true']);
    if (r.code !== 0) throw new Error(`${e.name}: docker ${RUN.join(' ')} true exited ${r.code}: ${(r.stderr || r.stdout).trim()}\n(see ${logFileOf(e)})`);
    await checkNoContainers(e);
    log(`${e.name.padEnd(7)} loaded ${IMAGE} (${imageId.slice(7, 19)}); docker run --rm --network none ${IMAGE} true works (${r.ms.toFixed(0)} ms)`);
  }

  for (let i = 0; i < warmup; i++) {
    for (const e of engines) {
      const r = await tryRun(e, `warm-up run ${i + 1}`, ['true']);
      if (r) log(`${e.name.padEnd(7)} warm-up run ${r.ms.toFixed(1)} ms`);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const e of engines) {
      const r = await tryRun(e, `run ${i + 1}`, ['true'], {profiled: true});
      results[e.name].all.push(r?.ms ?? null);
      if (!r) continue;
      results[e.name].runs.push(r.ms);
      results[e.name].cpu.push(r.cpuMs);
      log(`${e.name.padEnd(7)} run ${i + 1}/${runs}: ${r.ms.toFixed(1)} ms (machine CPU ${r.cpuMs.toFixed(0)} ms)`);
    }
  }
  for (let i = 0; i < echoRuns; i++) {
    for (const e of engines) {
      const r = await tryRun(e, `echo hi ${i + 1}`, ['echo', 'hi'], {expect: 'hi\n'});
      if (!r) continue;
      results[e.name].echo.push(r.ms);
      log(`${e.name.padEnd(7)} echo hi ${i + 1}/${echoRuns}: ${r.ms.toFixed(1)} ms, printed "hi"`);
    }
  }
  for (const e of engines) {
    const r = results[e.name];
    await checkNoContainers(e, r.failures);
    if (r.runs.length === 0 || r.echo.length === 0) throw new Error(`${e.name}: no run succeeded`);
    r.run = stats(r.runs);
    r.cpuMedianMs = median(r.cpu);
    r.echoStats = stats(r.echo);
  }

  let traced;
  if (opts.trace) {
    log(`tracing ${traceRunsN} runs per engine through a relaying socket ...`);
    traced = await traceRuns(engines, traceRunsN, tryRun);
  }

  for (const e of engines) {
    log(`${e.name.padEnd(7)} memory: ${containersN} containers running sleep 300 ...`);
    results[e.name].memory = await containerMemory(e, {count: containersN, settleSeconds});
    await checkNoContainers(e);
    const m = results[e.name].memory;
    log(`${e.name.padEnd(7)} ${(m.perContainerKiB / 1024).toFixed(2)} MiB per container (shims ${(m.shimRssKiB / 1024).toFixed(1)} MiB RSS, daemon growth ${(m.daemonGrowthKiB / 1024).toFixed(1)} MiB)`);
  }
  // The profile is written when labd exits.
  const labdProfile = opts['cpu-prof'] ? (await finishLabdProfile(engines, ['run']))?.[0] : undefined;

  const hostNow = await hostInfo();
  delete hostNow.load;
  const report = {
    image: {archive: image.path, imageId: image.imageId, tag: IMAGE},
    command: `docker ${RUN.join(' ')} true`,
    runs, warmup, echoRuns, settleSeconds,
    // The 1-minute load average before and after: how busy the machine was besides the bench.
    host: {...hostNow, loadavg: [loadBefore, load1()]},
    engines: results,
    ratios: {},
    goal: GOAL,
  };
  if (results.labd && results.dockerd) {
    const l = results.labd;
    const d = results.dockerd;
    report.ratios = {
      runLatency: l.run.median / d.run.median,
      // Runs alternate between the engines: run i of each saw the same machine.
      runLatencyPaired: median(l.all.map((ms, i) => (ms === null || d.all[i] === null ? null : ms / d.all[i])).filter((x) => x !== null)),
      runLatencyMin: l.run.min / d.run.min,
      runLatencyP90: l.run.p90 / d.run.p90,
      echoLatency: l.echoStats.median / d.echoStats.median,
      machineCpu: l.cpuMedianMs / d.cpuMedianMs,
      memoryPerContainer: l.memory.perContainerKiB / d.memory.perContainerKiB,
    };
    report.meetsGoal = report.ratios.runLatency <= GOAL;
  }
  if (traced && Object.keys(traced).length > 0) report.trace = traced;
  if (labdProfile) report.labdProfile = labdProfile;
  return finish('container-run', report, results, opts.json, () => reportLines(report));
}

function reportLines(report) {
  const {engines: r, ratios} = report;
  const names = Object.keys(r);
  const ms = (v) => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const mib = (kib) => (kib === undefined ? '-' : `${(kib / 1024).toFixed(2)} MiB`);
  const rows = [
    ['', ...names],
    ['server version', ...names.map((n) => r[n].version)],
    ['cgroup driver / runtime', ...names.map((n) => `${r[n].cgroupDriver} v${r[n].cgroupVersion} / ${r[n].runtime}`)],
    [`docker run --rm true (${report.runs} runs)`, ...names.map(() => '')],
    ['  median', ...names.map((n) => ms(r[n].run.median))],
    ['  min', ...names.map((n) => ms(r[n].run.min))],
    ['  p90', ...names.map((n) => ms(r[n].run.p90))],
    ['  max', ...names.map((n) => ms(r[n].run.max))],
    ['  machine CPU per run', ...names.map((n) => ms(r[n].cpuMedianMs))],
    [`docker run --rm echo hi (${report.echoRuns} runs)`, ...names.map((n) => `${ms(r[n].echoStats.median)}, printed hi`)],
    [`memory, ${r[names[0]].memory.containers} x sleep 300`, ...names.map(() => '')],
    ['  per container (shim RSS + daemon growth) / N', ...names.map((n) => mib(r[n].memory.perContainerKiB))],
    ['  shim RSS per container', ...names.map((n) => mib(r[n].memory.shimRssKiB / r[n].memory.containers))],
    ['  daemon growth per container', ...names.map((n) => mib(r[n].memory.daemonGrowthKiB / r[n].memory.containers))],
    ['  shim RSS, each', ...names.map((n) => r[n].memory.shims.map((s) => (s.rssKiB / 1024).toFixed(1)).join(' ') + ' MiB')],
    ['  shim PSS, sum', ...names.map((n) => mib(r[n].memory.shimPssKiB))],
    ['  shim process', ...names.map((n) => [...new Set(r[n].memory.shims.map((s) => s.name))].join(', '))],
    ['  daemon RSS before -> after', ...names.map((n) => `${mib(r[n].memory.daemonBefore.total)} -> ${mib(r[n].memory.daemonAfter.total)}`)],
    ['  per container with shim PSS', ...names.map((n) => mib(r[n].memory.perContainerPssKiB))],
  ];
  const out = [''];
  out.push(`command: ${report.command}; wall-clock of the whole CLI command, ${report.warmup} warm-up runs each, then interleaved`);
  out.push(`host: ${report.host.cores} cores, load average ${report.host.loadavg.map((l) => l.toFixed(1)).join(' -> ')}, node ${report.host.node}, ${report.host.docker}`);
  out.push('');
  out.push(...table(rows));
  out.push('');
  out.push(allRunsLine('all runs (ms, x: failed)', names, (n) => r[n].all));
  out.push(...failureLines(r, 'run(s)'));
  if (ratios.runLatency !== undefined) {
    out.push('');
    out.push(`run latency labd/dockerd = ${ratios.runLatency.toFixed(2)}x   (${goalText('<=', report.goal, report.meetsGoal)}; ` +
      `median of per-run ratios ${ratios.runLatencyPaired.toFixed(2)}x, min ${ratios.runLatencyMin.toFixed(2)}x, p90 ${ratios.runLatencyP90.toFixed(2)}x)`);
    out.push(`echo hi     labd/dockerd = ${ratios.echoLatency.toFixed(2)}x`);
    out.push(`machine CPU labd/dockerd = ${ratios.machineCpu.toFixed(2)}x   (all processes, the CLI included; noisy on a shared machine)`);
    out.push(`memory per container labd/dockerd = ${ratios.memoryPerContainer.toFixed(2)}x`);
    const shrank = names.filter((n) => r[n].memory.daemonGrowthKiB < 0);
    if (shrank.length) out.push(`  (${shrank.join(', ')}: the daemon's RSS went down while the containers started, a garbage collection; counted as no growth)`);
  }
  if (report.trace) out.push(...traceLines(report.trace));
  if (report.labdProfile) {
    out.push('');
    out.push(...profileLines(report.labdProfile, {unit: 'ms', note: 'timed runs only'}));
  }
  return out;
}

await runBench('container-run', main);
