#!/usr/bin/env node
// `docker exec CONTAINER true` latency into a running `busybox sleep 600` container: labd against the real
// dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios of medians.
// Run by hand as root after `npm run build`:  node bench/exec.mjs [--runs 21] [--json] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {startApiTrace} from './lib/api-trace.mjs';
import {openScratch, docker, mustDocker, session} from './lib/engines.mjs';
import {
  BUSYBOX, RunError, busyboxArchive, checkPrerequisites, emit, finishLabdProfile, hostInfo, interleaved, loadBusybox, logFileOf,
  pairedRatio, parseOptions, profileReport, readLoad, runBench, selfCpuSeconds, startEngines, stats, table,
} from './lib/compare.mjs';
import {hostBusySeconds, log, median, run, sleep} from './lib/proc.mjs';

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

// The daemons' own CPU: labd's reaped shims (and their runc exec) are left out, as containerd's shims are.
const daemonCpu = (engine) => Object.values(engine.pids()).reduce((s, pid) => s + selfCpuSeconds(pid), 0);

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

// ---------------------------------------------------------------------------------------------------------------
// --trace: where an exec's time goes
// ---------------------------------------------------------------------------------------------------------------

const CHILD_TRACE = 'labd-children.jsonl';

/** One traced exec's points in time (ms after the CLI was spawned) and its phases. */
function execTimeline(r, requests, children) {
  const rel = (t) => (t === undefined ? undefined : t - r.startMs);
  const reqs = requests.filter((q) => q.sent >= r.startMs && q.sent <= r.endMs);
  const find = (re) => reqs.find((q) => re.test(`${q.method} ${q.path}`));
  const ping = find(/^(HEAD|GET) \/(v[\d.]+\/)?_ping/);
  const create = find(/^POST \/v[\d.]+\/containers\/[^/]+\/exec/);
  const start = find(/^POST \/v[\d.]+\/exec\/[0-9a-f]+\/start/);
  const inspect = find(/^GET \/v[\d.]+\/exec\/[0-9a-f]+\/json/);
  const marks = {
    'CLI spawned': 0,
    'first request sent': rel(reqs[0]?.sent),
    'ping answered': rel(ping?.head),
    'exec create sent': rel(create?.sent),
    'exec create answered': rel(create?.head),
    'exec start sent': rel(start?.sent),
    'exec start answered (101)': rel(start?.head),
    'output over (stream closed)': rel(start?.closed),
    'exec inspect sent': rel(inspect?.sent),
    'exec inspect answered': rel(inspect?.head),
    'CLI exited': r.endMs - r.startMs,
  };
  const shim = children.find((c) => c.what === 'labd-shim' && c.start >= r.startMs && c.start <= r.endMs);
  if (shim) {
    marks['labd-shim spawned'] = rel(shim.start);
    marks['labd-shim ready (runc exec done)'] = rel(shim.firstOutput);
    if (shim.exit <= r.endMs) marks['labd-shim exited'] = rel(shim.exit);
  }
  const d = (a, b) => (marks[a] === undefined || marks[b] === undefined ? undefined : marks[b] - marks[a]);
  const phases = {
    'CLI start-up, to its first request': d('CLI spawned', 'first request sent'),
    'ping': d('first request sent', 'ping answered'),
    'exec create': d('exec create sent', 'exec create answered'),
    'CLI between create and start': d('exec create answered', 'exec start sent'),
    'start: request to 101': d('exec start sent', 'exec start answered (101)'),
    'start: 101 to output over (process runs and exits)': d('exec start answered (101)', 'output over (stream closed)'),
    'output over to inspect sent': d('output over (stream closed)', 'exec inspect sent'),
    'inspect (exit code)': d('exec inspect sent', 'exec inspect answered'),
    'inspect answered to CLI exit': d('exec inspect answered', 'CLI exited'),
  };
  if (shim) {
    phases['labd: start request to labd-shim spawned'] = d('exec start sent', 'labd-shim spawned');
    phases['labd: labd-shim spawned to ready (runc exec)'] = d('labd-shim spawned', 'labd-shim ready (runc exec done)');
    phases['labd: labd-shim ready to output over'] = d('labd-shim ready (runc exec done)', 'output over (stream closed)');
  }
  return {marks, phases};
}

async function traceExecs(engines) {
  const tracers = new Map();
  for (const e of engines) tracers.set(e, {api: await startApiTrace(e, join(e.dir, 'trace.sock')), timelines: []});
  try {
    for (let i = -1; i < traceRuns; i++) {
      for (const e of engines) {
        const t = tracers.get(e);
        let r;
        try {
          r = await timedExec(e, ['true'], '', t.api.host);
        } catch (error) {
          if (!(error instanceof RunError)) throw error;
          log(`${e.name.padEnd(7)} traced exec FAILED: ${error.message}`);
          continue;
        }
        if (i < 0) continue; // the first one through the relay is a warm-up
        await sleep(20); // the last child exits are written
        const children = e.childTrace && existsSync(e.childTrace) ? readFileSync(e.childTrace, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
        t.timelines.push(execTimeline(r, t.api.requests, children));
        log(`${e.name.padEnd(7)} traced exec ${i + 1}/${traceRuns}: ${r.ms.toFixed(1)} ms`);
      }
    }
  } finally {
    for (const t of tracers.values()) await t.api.close();
  }
  const out = {};
  for (const [e, t] of tracers) {
    if (t.timelines.length === 0) continue;
    const med = (key) => {
      const names = [...new Set(t.timelines.flatMap((x) => Object.keys(x[key])))];
      return Object.fromEntries(names.map((n) => {
        const values = t.timelines.map((x) => x[key][n]).filter((v) => v !== undefined);
        return [n, values.length ? median(values) : undefined];
      }));
    };
    out[e.name] = {runs: t.timelines.length, marks: med('marks'), phases: med('phases')};
  }
  return out;
}

async function main() {
  checkPrerequisites();
  const image = await busyboxArchive();
  openScratch(opts.dir);
  log(`scratch dir ${session.dir}`);
  // With --trace, labd's child processes are timed from inside it by a preloaded module (its code unchanged).
  const childTrace = opts.trace ? join(session.dir, CHILD_TRACE) : undefined;
  const engines = await startEngines(opts.engineNames, {
    cpuProf: opts['cpu-prof'],
    labdNodeArgs: childTrace ? ['--import', new URL('./lib/labd-child-trace.mjs', import.meta.url).href] : [],
    labdEnv: childTrace ? {...process.env, LAB_BENCH_CHILD_TRACE: childTrace} : undefined,
  });
  for (const e of engines) if (e.name === 'labd') e.childTrace = childTrace;
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
  const trace = opts.trace ? await traceExecs(engines) : undefined;

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
  if (trace) report.trace = trace;
  if (profiles) report.labdProfile = profiles;
  report.failedRuns = Object.values(results).reduce((n, r) => n + r.failures.length, 0);
  emit('exec', report, opts.json, () => lines(report));
  return report.failedRuns === 0;
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
  out.push(`all execs (ms, x: failed): ${names.map((n) => `${n} ${r[n].all.map((v) => (v === null ? 'x' : v.toFixed(0))).join(' ')}`).join(' | ')}`);
  for (const n of names) {
    if (r[n].failures.length === 0) continue;
    out.push('');
    out.push(`${n}: ${r[n].failures.length} FAILED exec(s), left out of the numbers above:`);
    for (const f of r[n].failures) out.push(`  ${f.what}: ${f.error}`);
  }
  if (ratios.exec !== undefined) {
    out.push('');
    out.push(`exec latency labd/dockerd = ${ratios.exec.toFixed(2)}x   (goal <= ${report.goal.toFixed(2)}: ${report.meetsGoal ? 'met' : 'NOT met'}; ` +
      `median of per-run ratios ${ratios.execPaired.toFixed(2)}x, min ${ratios.execMin.toFixed(2)}x, p90 ${ratios.execP90.toFixed(2)}x)`);
    if (ratios.echo !== undefined) out.push(`exec echo hi labd/dockerd = ${ratios.echo.toFixed(2)}x`);
    out.push(`daemon CPU   labd/dockerd = ${ratios.daemonCpu.toFixed(2)}x   (the daemons' own CPU: dockerd with its containerd; shims and runc not included)`);
    out.push(`machine CPU  labd/dockerd = ${ratios.machineCpu.toFixed(2)}x   (all processes, the CLI included; noisy on a shared machine)`);
  }
  if (report.trace) {
    const t = report.trace;
    const tn = Object.keys(t);
    const f = (v) => (v === undefined ? '-' : v.toFixed(1));
    for (const key of ['marks', 'phases']) {
      const labels = [...new Set(tn.flatMap((n) => Object.keys(t[n][key])))];
      if (key === 'marks') labels.sort((a, b) => Math.min(...tn.map((n) => t[n].marks[a] ?? Infinity)) - Math.min(...tn.map((n) => t[n].marks[b] ?? Infinity)));
      out.push('');
      out.push(key === 'marks'
        ? `where an exec's time goes (median of ${t[tn[0]].runs} traced execs each, ms after the CLI was spawned; through a relaying socket, so a little slower)`
        : 'phases (ms)');
      out.push(...table([['', ...tn], ...labels.map((l) => [l, ...tn.map((n) => f(t[n][key][l]))])]));
    }
  }
  out.push(...profileReport(report.labdProfile));
  return out;
}

await runBench('exec', main);
