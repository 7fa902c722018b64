#!/usr/bin/env node
// `docker run --rm --network none busybox true` latency and the memory a running container costs: labd against
// the real dockerd (Debian's docker.io), both driven by the same docker CLI, reported as ratios.
// Run by hand as root after `npm run build`:  node bench/container-run.mjs [--runs 15] [--json] [--trace] [--cpu-prof]
// See bench/README.md for what is measured and how to read it.
import {copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {cpus, loadavg} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {followEvents, startApiTrace} from './lib/api-trace.mjs';
import {cleanup, cleanupOnSignals, docker, engineDist, mustDocker, openScratch, outDir, root, session, startDockerd, startLabd} from './lib/engines.mjs';
import {monotonicUs, newestProfile, profileLines, summarizeProfile} from './lib/profile.mjs';
import {cmdline, hostBusySeconds, log, median, must, procStatus, pssKiB, quantile, rssKiB, run, sleep, terminate} from './lib/proc.mjs';

const GOAL = 0.35;
const IMAGE = 'busybox:latest';
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

let opts;
try {
  opts = parseArgs({
    options: {
      runs: {type: 'string', default: '15'},
      warmup: {type: 'string', default: '2'},
      'echo-runs': {type: 'string', default: '5'},
      containers: {type: 'string', default: '5'},
      settle: {type: 'string', default: '3'},
      engines: {type: 'string', default: 'labd,dockerd'},
      dir: {type: 'string'},
      trace: {type: 'boolean', default: false},
      'trace-runs': {type: 'string', default: '7'},
      'cpu-prof': {type: 'boolean', default: false},
      json: {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false},
    },
  }).values;
} catch (error) {
  process.stderr.write(`${error.message}\n\n${usage}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const runs = positiveInt('runs', opts.runs);
if (runs < 9) fail('--runs: at least 9 runs per engine, or the p90 means nothing');
const warmup = positiveInt('warmup', opts.warmup, true);
const echoRuns = positiveInt('echo-runs', opts['echo-runs']);
const containersN = positiveInt('containers', opts.containers);
const traceRuns = positiveInt('trace-runs', opts['trace-runs']);
const settleSeconds = Number(opts.settle);
if (!(settleSeconds >= 0)) fail(`--settle: "${opts.settle}" is not a number of seconds`);
const engineNames = opts.engines.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of engineNames) if (!['labd', 'dockerd'].includes(name)) fail(`--engines: unknown engine "${name}"`);

function positiveInt(name, text, zeroOk = false) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) fail(`--${name}: "${text}" is not a ${zeroOk ? 'non-negative' : 'positive'} integer`);
  return n;
}

function fail(message) {
  process.stderr.write(`container-run: ${message}\n`);
  process.exit(2);
}

const stats = (values) => ({median: median(values), min: Math.min(...values), p90: quantile(values, 0.9), max: Math.max(...values)});

// ---------------------------------------------------------------------------------------------------------------
// The image
// ---------------------------------------------------------------------------------------------------------------

/** The course's busybox image as a docker-save archive: `lab image build busybox` (cached after the first build). */
async function busyboxArchive() {
  const r = await must(process.execPath, [join(root, 'bin', 'run.js'), 'image', 'build', 'busybox', '--json']);
  const info = JSON.parse(r.stdout);
  if (!info.path || !existsSync(info.path)) throw new Error(`lab image build busybox gave no archive: ${r.stdout.trim()}`);
  return info;
}

async function loadImage(engine, image) {
  const r = await mustDocker(engine, ['load', '-i', image.path]);
  if (!r.stdout.includes(`Loaded image: ${IMAGE}`)) throw new Error(`${engine.name}: docker load did not load ${IMAGE}: ${r.stdout.trim()}`);
  const id = (await mustDocker(engine, ['image', 'inspect', '--format', '{{.Id}}', IMAGE])).stdout.trim();
  if (image.imageId && id !== image.imageId) throw new Error(`${engine.name} gives ${IMAGE} the ID ${id}, expected ${image.imageId}`);
  return id;
}

// ---------------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------------

/** A `docker run` that exited non-zero or printed something else than expected. */
class RunError extends Error {}

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

/**
 * A run that may fail: a failure is logged and kept in `failures` (the bench goes on and exits 1 at the end),
 * and gives undefined. Other errors (the daemon gone, say) end the bench.
 */
async function attempt(engine, what, failures, fn) {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    failures.push({what, error: error.message});
    log(`${engine.name.padEnd(7)} ${what} FAILED: ${error.message}`);
    if (failures.length > Math.max(3, runs / 2)) throw new Error(`${engine.name}: too many failed runs (${failures.length})`);
    return undefined;
  }
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

// ---------------------------------------------------------------------------------------------------------------
// Memory per running container
// ---------------------------------------------------------------------------------------------------------------

function daemonRss(engine) {
  const out = {};
  for (const [name, pid] of Object.entries(engine.pids())) {
    const kib = rssKiB(pid);
    if (kib !== undefined) out[name] = kib;
  }
  out.total = Object.values(out).reduce((a, b) => a + b, 0);
  return out;
}

/**
 * N `docker run -d ... sleep 300`; then per container the process that holds it (the parent of its init, a
 * labd-shim or a containerd-shim-runc-v2) and the daemons' RSS growth. Removes the containers again.
 */
async function containerMemory(engine) {
  await sleep(settleSeconds * 1000);
  const before = daemonRss(engine);
  const ids = [];
  try {
    for (let i = 0; i < containersN; i++) {
      const r = await mustDocker(engine, ['run', '-d', '--network', 'none', IMAGE, 'sleep', '300']);
      ids.push(r.stdout.trim());
    }
    await sleep(settleSeconds * 1000);
    const shims = [];
    for (const id of ids) {
      const state = (await mustDocker(engine, ['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', id])).stdout.trim().split(' ');
      if (state[0] !== 'running') throw new Error(`${engine.name}: container ${id.slice(0, 12)} is ${state[0]}, not running`);
      const pid = Number(state[1]);
      const shimPid = Number(procStatus(pid, 'PPid'));
      const name = procStatus(shimPid, 'Name');
      const rss = rssKiB(shimPid);
      if (!shimPid || rss === undefined) throw new Error(`${engine.name}: cannot read the parent of container ${id.slice(0, 12)}'s process ${pid}`);
      shims.push({container: id.slice(0, 12), pid, shimPid, name, rssKiB: rss, pssKiB: pssKiB(shimPid), initRssKiB: rssKiB(pid)});
    }
    const expected = engine.name === 'labd' ? /^labd-shim/ : /^containerd-shim/;
    for (const s of shims) if (!expected.test(s.name)) log(`warning: ${engine.name}: container ${s.container}'s parent is ${s.name} (pid ${s.shimPid}), not the expected shim`);
    const distinct = [...new Map(shims.map((s) => [s.shimPid, s])).values()];
    const after = daemonRss(engine);
    const shimRssKiB = distinct.reduce((a, s) => a + s.rssKiB, 0);
    const shimPssKiB = distinct.reduce((a, s) => a + (s.pssKiB ?? 0), 0);
    const growthKiB = after.total - before.total;
    // A garbage collection between the readings can make the daemon's RSS go down: that counts as no growth.
    const counted = Math.max(0, growthKiB);
    return {
      containers: containersN,
      daemonBefore: before,
      daemonAfter: after,
      shims,
      shimRssKiB,
      shimPssKiB,
      daemonGrowthKiB: growthKiB,
      perContainerKiB: (shimRssKiB + counted) / containersN,
      perContainerPssKiB: (shimPssKiB + counted) / containersN,
    };
  } finally {
    if (ids.length > 0) {
      const r = await docker(engine, ['rm', '-f', ...ids]);
      if (r.code !== 0) log(`${engine.name}: docker rm -f: ${(r.stderr || r.stdout).trim()}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cleanup of containers (before the daemons stop) and of anything the daemons left running
// ---------------------------------------------------------------------------------------------------------------

async function removeAllContainers() {
  for (const engine of session.engines) {
    const ps = await docker(engine, ['ps', '-aq']);
    const ids = ps.stdout.trim().split('\n').filter(Boolean);
    if (ps.code === 0 && ids.length > 0) {
      log(`${engine.name}: removing ${ids.length} container(s) left over`);
      await docker(engine, ['rm', '-f', ...ids]);
    }
  }
}

/** runc roots below `dir`: directories whose subdirectories hold a state.json. */
function runcRoots(dir, depth = 3) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const sub = join(dir, e.name);
    if (existsSync(join(sub, 'state.json'))) {
      if (!found.includes(dir)) found.push(dir);
    } else if (depth > 0) {
      found.push(...runcRoots(sub, depth - 1));
    }
  }
  return found;
}

/** After the daemons stopped: containers still known to runc under the scratch dir, and shims still serving them. */
async function reapLeftovers() {
  if (!session.dir || !existsSync(session.dir)) return;
  // The engines' exec roots: labd's runc root is <exec-root>/runc, dockerd's <exec-root>/runtime-runc/<namespace>.
  const execRoots = [join(session.dir, 'labd', 'run'), join(session.dir, 'dockerd', 'docker-exec')];
  for (const rootDir of execRoots.flatMap((d) => runcRoots(d))) {
    for (const id of readdirSync(rootDir)) {
      if (!existsSync(join(rootDir, id, 'state.json'))) continue;
      log(`runc container ${id.slice(0, 12)} outlived its daemon; deleting it`);
      await run('runc', ['--root', rootDir, 'delete', '--force', id]);
    }
  }
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid || pid === process.pid) continue;
    const args = cmdline(pid);
    if (!args || !/shim/.test(args[0] ?? '') || !args.some((a) => a.includes(session.dir))) continue;
    log(`shim ${pid} (${args[0]}) outlived its daemon; ending it`);
    await terminate(pid, 5000);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tracing (--trace): where a run's time goes
// ---------------------------------------------------------------------------------------------------------------

/**
 * One run's timeline, in ms from the CLI's start: its API requests (from the relaying socket), the engine's
 * container events, and for labd the child processes the daemon ran.
 */
function runTimeline(run, requests, events, children) {
  const inRun = (t) => t >= run.startMs && t <= run.endMs + 5;
  const rel = (t) => (t === undefined ? undefined : t - run.startMs);
  const reqs = requests.filter((r) => inRun(r.sent));
  const find = (re) => reqs.find((r) => re.test(`${r.method} ${r.path}`));
  const ping = find(/^(HEAD|GET) \/(v[\d.]+\/)?_ping/);
  const create = find(/^POST \/v[\d.]+\/containers\/create/);
  const attach = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/attach/);
  const wait = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/wait/);
  const start = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/start/);
  const id = create?.id ?? /containers\/([0-9a-f]{64})\//.exec(start?.path ?? '')?.[1];
  const ev = (action) => events.find((e) => (e.Type === 'container' || e.status) && (e.Action ?? e.status) === action && (e.Actor?.ID ?? e.id) === id);
  const at = (e) => (e ? rel(e.at) : undefined);
  const marks = {
    'CLI spawned': 0,
    'first request (ping) sent': rel(reqs[0]?.sent),
    'ping answered': rel(ping?.head),
    'create sent': rel(create?.sent),
    'create answered': rel(create?.head),
    'attach sent': rel(attach?.sent),
    'attach answered (101)': rel(attach?.head),
    'wait sent': rel(wait?.sent),
    'wait headers': rel(wait?.head),
    'start sent': rel(start?.sent),
    'event start': at(ev('start')),
    'start answered': rel(start?.head),
    'event die': at(ev('die')),
    'event destroy': at(ev('destroy')),
    'wait answered (exit code)': rel(wait?.last),
    'attach output ended': rel(attach?.closed),
    'CLI exited': run.endMs - run.startMs,
  };
  const d = (a, b) => (a === undefined || b === undefined ? undefined : b - a);
  const phases = {
    'CLI start-up, to its first request': d(0, marks['first request (ping) sent']),
    'ping': d(marks['first request (ping) sent'], marks['ping answered']),
    'create': d(marks['create sent'], marks['create answered']),
    'CLI between create and start': d(marks['create answered'], marks['start sent']),
    '  attach (request to 101)': d(marks['attach sent'], marks['attach answered (101)']),
    '  wait (request to headers)': d(marks['wait sent'], marks['wait headers']),
    'start (request to answer)': d(marks['start sent'], marks['start answered']),
    'start answered to die event (run, exit, runtime cleanup)': d(marks['start answered'], marks['event die']),
    'die to destroy event (removal)': d(marks['event die'], marks['event destroy']),
    'destroy event to wait answered': d(marks['event destroy'], marks['wait answered (exit code)']),
    'wait answered to CLI exit': d(marks['wait answered (exit code)'], marks['CLI exited']),
  };
  const procs = children
    .filter((c) => c.start >= run.startMs && c.start <= run.endMs)
    .map((c) => ({
      what: c.what,
      start: rel(c.start),
      ready: rel(c.firstOutput),
      exit: rel(c.exit),
      ms: c.exit - c.start,
      readyMs: c.firstOutput === undefined ? undefined : c.firstOutput - c.start,
    }));
  // Every point in time of the run, labelled; the k-th process of a kind is told apart by its number.
  const points = Object.entries(marks).filter(([, t]) => t !== undefined).map(([label, t]) => ({label, t}));
  const seen = new Map();
  for (const p of procs) {
    const k = (seen.get(p.what) ?? 0) + 1;
    seen.set(p.what, k);
    const name = `${p.what}${k > 1 ? ` #${k}` : ''}`;
    points.push({label: `${name}: spawned`, t: p.start});
    if (p.ready !== undefined) points.push({label: `${name}: ready`, t: p.ready});
    if (p.exit !== undefined && p.exit <= run.endMs - run.startMs) points.push({label: `${name}: exited`, t: p.exit});
  }
  return {id, marks, phases, procs, points, requests: reqs.map((r) => ({method: r.method, path: r.path.replace(/[0-9a-f]{64}/, '<id>'), sent: rel(r.sent), head: rel(r.head), last: rel(r.last), closed: rel(r.closed), status: r.status}))};
}

/** Median of each mark and phase over the traced runs; for labd, the median child processes in order. */
function summarizeTrace(timelines) {
  const medians = (key) => {
    const names = Object.keys(timelines[0][key]);
    return Object.fromEntries(names.map((n) => {
      const values = timelines.map((t) => t[key][n]).filter((v) => v !== undefined);
      return [n, values.length ? median(values) : undefined];
    }));
  };
  // Child processes: the k-th occurrence of each kind in every run, matched up across runs.
  const groups = new Map();
  for (const t of timelines) {
    const seen = new Map();
    for (const p of t.procs) {
      const k = seen.get(p.what) ?? 0;
      seen.set(p.what, k + 1);
      const key = `${p.what}#${k}`;
      if (!groups.has(key)) groups.set(key, {what: p.what, n: k, runs: []});
      groups.get(key).runs.push(p);
    }
  }
  const procs = [...groups.values()].map((g) => ({
    what: g.what,
    occurrence: g.n + 1,
    runs: g.runs.length,
    start: median(g.runs.map((p) => p.start)),
    ms: median(g.runs.map((p) => p.ms)),
    readyMs: g.runs[0].readyMs === undefined ? undefined : median(g.runs.map((p) => p.readyMs ?? 0)),
  })).sort((a, b) => a.start - b.start);
  // The waterfall: the points in the order of their median times; each step is the median over the runs of
  // that run's own time from the point before (robust to one slow run, unlike a difference of medians).
  const times = new Map();
  for (const t of timelines) for (const p of t.points) times.set(p.label, [...(times.get(p.label) ?? []), p.t]);
  const order = [...times].map(([label, ts]) => ({label, t: median(ts), runs: ts.length})).sort((a, b) => a.t - b.t);
  const steps = new Map(order.map((p) => [p.label, []]));
  for (const t of timelines) {
    const at = new Map(t.points.map((p) => [p.label, p.t]));
    let previous = 0;
    for (const {label} of order) {
      if (!at.has(label)) continue;
      steps.get(label).push(at.get(label) - previous);
      previous = at.get(label);
    }
  }
  const waterfall = order.map((p) => ({...p, step: median(steps.get(p.label))}));
  return {runs: timelines.length, marks: medians('marks'), phases: medians('phases'), procs, waterfall};
}

async function traceRunsFor(engines, results) {
  const tracers = new Map();
  for (const e of engines) {
    tracers.set(e, {
      api: await startApiTrace(e, join(e.dir, 'trace.sock')),
      events: await followEvents(e),
      timelines: [],
    });
  }
  try {
    // One warm-up through the relay, which must pass the output through, then the traced runs, interleaved.
    for (const e of engines) await attempt(e, 'traced echo hi', results[e.name].failures, () => timedRun(e, ['echo', 'hi'], {host: tracers.get(e).api.host, expect: 'hi\n'}));
    for (let i = 0; i < traceRuns; i++) {
      for (const e of engines) {
        const t = tracers.get(e);
        const r = await attempt(e, `traced run ${i + 1}`, results[e.name].failures, () => timedRun(e, ['true'], {host: t.api.host}));
        if (!r) continue;
        await sleep(20); // the last events and child exits arrive
        t.timelines.push(runTimeline(r, t.api.requests, t.events.events, e.childTrace ? readChildTrace(e.childTrace) : []));
        log(`${e.name.padEnd(7)} traced run ${i + 1}/${traceRuns}: ${r.ms.toFixed(1)} ms`);
      }
    }
  } finally {
    for (const t of tracers.values()) {
      t.events.close();
      await t.api.close();
    }
  }
  const traced = engines.filter((e) => tracers.get(e).timelines.length > 0);
  return Object.fromEntries(traced.map((e) => {
    const t = tracers.get(e);
    return [e.name, {...summarizeTrace(t.timelines), timelines: t.timelines}];
  }));
}

function readChildTrace(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (process.getuid?.() !== 0) throw new Error('run this as root: both engines mount filesystems and run containers');
  if (!existsSync(join(engineDist(), 'daemon', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const loadBefore = loadavg();
  const image = await busyboxArchive();
  log(`busybox archive ${image.path} (${(statSync(image.path).size / 1e6).toFixed(1)} MB)`);

  openScratch(opts.dir);
  session.beforeStop.push(removeAllContainers);
  session.afterStop.push(reapLeftovers);
  log(`scratch dir ${session.dir}`);

  const engines = [];
  if (engineNames.includes('dockerd')) {
    log('starting dockerd ...');
    const e = await startDockerd(session.dir);
    session.engines.push(e);
    engines.push(e);
    e.version = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
    const info = (await mustDocker(e, ['info', '--format', '{{.CgroupDriver}} {{.CgroupVersion}} {{.DefaultRuntime}} {{.Driver}}'])).stdout.trim().split(' ');
    [e.cgroupDriver, e.cgroupVersion, e.runtime, e.driver] = info;
    log(`dockerd ${e.version} up, pid ${e.pid}, containerd pid ${e.containerdPid}; cgroup driver ${e.cgroupDriver} (v${e.cgroupVersion}), runtime ${e.runtime}, storage ${e.driver}`);
  }
  if (engineNames.includes('labd')) {
    const nodeArgs = [];
    let env;
    if (opts.trace) {
      // Its child processes, timed from inside the daemon by a preloaded module (the daemon's code is unchanged).
      nodeArgs.push('--import', new URL('./lib/labd-child-trace.mjs', import.meta.url).href);
      env = {...process.env, LAB_BENCH_CHILD_TRACE: join(session.dir, 'labd-children.jsonl')};
    }
    log(`starting labd${opts['cpu-prof'] ? ' under --cpu-prof' : ''}${opts.trace ? ' with its child processes traced' : ''} ...`);
    const e = await startLabd(session.dir, {cpuProf: opts['cpu-prof'] ? join(outDir, 'prof') : undefined, nodeArgs, env});
    if (env) e.childTrace = env.LAB_BENCH_CHILD_TRACE;
    session.engines.push(e);
    engines.push(e);
    e.version = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
    const info = (await mustDocker(e, ['info', '--format', '{{.CgroupDriver}} {{.CgroupVersion}} {{.DefaultRuntime}} {{.Driver}}'])).stdout.trim().split(' ');
    [e.cgroupDriver, e.cgroupVersion, e.runtime, e.driver] = info;
    log(`labd ${e.version} up, pid ${e.pid}`);
  }
  engines.sort((a, b) => (a.name === 'labd' ? -1 : b.name === 'labd' ? 1 : 0));

  const results = {};
  for (const e of engines) {
    const imageId = await loadImage(e, image);
    results[e.name] = {version: e.version, cgroupDriver: e.cgroupDriver, cgroupVersion: e.cgroupVersion, runtime: e.runtime, driver: e.driver, imageId, all: [], runs: [], cpu: [], echo: [], failures: []};
    // It must work before anything is timed.
    const r = await docker(e, [...RUN, 'true']);
    if (r.code !== 0) throw new Error(`${e.name}: docker ${RUN.join(' ')} true exited ${r.code}: ${(r.stderr || r.stdout).trim()}\n(see ${e.logFile ?? join(e.runDir, 'labd.log')})`);
    await checkNoContainers(e);
    log(`${e.name.padEnd(7)} loaded ${IMAGE} (${imageId.slice(7, 19)}); docker run --rm --network none ${IMAGE} true works (${r.ms.toFixed(0)} ms)`);
  }

  for (let i = 0; i < warmup; i++) {
    for (const e of engines) {
      const r = await attempt(e, `warm-up run ${i + 1}`, results[e.name].failures, () => timedRun(e, ['true']));
      if (r) log(`${e.name.padEnd(7)} warm-up run ${r.ms.toFixed(1)} ms`);
    }
  }
  for (let i = 0; i < runs; i++) {
    for (const e of engines) {
      const r = await attempt(e, `run ${i + 1}`, results[e.name].failures, () => timedRun(e, ['true'], {profiled: true}));
      results[e.name].all.push(r?.ms ?? null);
      if (!r) continue;
      results[e.name].runs.push(r.ms);
      results[e.name].cpu.push(r.cpuMs);
      log(`${e.name.padEnd(7)} run ${i + 1}/${runs}: ${r.ms.toFixed(1)} ms (machine CPU ${r.cpuMs.toFixed(0)} ms)`);
    }
  }
  for (let i = 0; i < echoRuns; i++) {
    for (const e of engines) {
      const r = await attempt(e, `echo hi ${i + 1}`, results[e.name].failures, () => timedRun(e, ['echo', 'hi'], {expect: 'hi\n'}));
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

  let trace;
  if (opts.trace) {
    log(`tracing ${traceRuns} runs per engine through a relaying socket ...`);
    trace = await traceRunsFor(engines, results);
  }

  for (const e of engines) {
    log(`${e.name.padEnd(7)} memory: ${containersN} containers running sleep 300 ...`);
    results[e.name].memory = await containerMemory(e);
    await checkNoContainers(e);
    const m = results[e.name].memory;
    log(`${e.name.padEnd(7)} ${(m.perContainerKiB / 1024).toFixed(2)} MiB per container (shims ${(m.shimRssKiB / 1024).toFixed(1)} MiB RSS, daemon growth ${(m.daemonGrowthKiB / 1024).toFixed(1)} MiB)`);
  }

  let labdProfile;
  const labd = engines.find((e) => e.name === 'labd');
  if (opts['cpu-prof'] && labd) {
    // The profile is written when labd exits.
    await labd.stop();
    session.engines = session.engines.filter((e) => e !== labd);
    const file = newestProfile(labd.profDir, labd.profStart);
    if (file) labdProfile = summarizeProfile(file, labd.windows, 'run');
    else log('no CPU profile was written (did labd exit cleanly?)');
  }

  const report = {
    image: {archive: image.path, imageId: image.imageId, tag: IMAGE},
    command: `docker ${RUN.join(' ')} true`,
    runs, warmup, echoRuns, settleSeconds,
    host: {
      cores: cpus().length, node: process.version, docker: (await run('docker', ['--version'])).stdout.trim(),
      // The 1-minute load average before and after: how busy the machine was besides the bench.
      loadavg: [loadBefore[0], loadavg()[0]],
    },
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
  if (trace && Object.keys(trace).length > 0) report.trace = trace;
  if (labdProfile) report.labdProfile = labdProfile;
  report.failedRuns = Object.values(results).reduce((n, r) => n + r.failures.length, 0);
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
  writeFileSync(join(outDir, 'container-run-last.json'), JSON.stringify(report, null, 2) + '\n');
  return report.failedRuns === 0;
}

function printReport(report) {
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
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  const line = (row) => row.map((cell, c) => String(cell).padEnd(widths[c])).join('   ').trimEnd();
  const out = [''];
  out.push(`command: ${report.command}; wall-clock of the whole CLI command, ${report.warmup} warm-up runs each, then interleaved`);
  out.push(`host: ${report.host.cores} cores, load average ${report.host.loadavg.map((l) => l.toFixed(1)).join(' -> ')}, node ${report.host.node}, ${report.host.docker}`);
  out.push('');
  out.push(line(rows[0]));
  out.push(widths.map((w) => '-'.repeat(w)).join('   '));
  for (const row of rows.slice(1)) out.push(line(row));
  out.push('');
  out.push(`all runs (ms, x: failed): ${names.map((n) => `${n} ${r[n].all.map((v) => (v === null ? 'x' : v.toFixed(0))).join(' ')}`).join(' | ')}`);
  for (const n of names) {
    if (r[n].failures.length === 0) continue;
    out.push('');
    out.push(`${n}: ${r[n].failures.length} FAILED run(s), left out of the numbers above:`);
    for (const f of r[n].failures) out.push(`  ${f.what}: ${f.error}`);
  }
  if (ratios.runLatency !== undefined) {
    out.push('');
    out.push(`run latency labd/dockerd = ${ratios.runLatency.toFixed(2)}x   (goal <= ${report.goal.toFixed(2)}: ${report.meetsGoal ? 'met' : 'NOT met'}; ` +
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
  process.stdout.write(out.join('\n') + '\n');
}

function traceLines(trace) {
  const names = Object.keys(trace);
  const f = (v) => (v === undefined ? '-' : v.toFixed(1));
  const out = ['', `where a run's time goes (median of ${trace[names[0]].runs} traced runs each, ms; requests seen at a relaying socket, so a little slower)`];
  const table = (title, key) => {
    const labels = Object.keys(trace[names[0]][key]);
    const w = Math.max(title.length, ...labels.map((l) => l.length));
    out.push('');
    out.push(`${title.padEnd(w)}   ${names.map((n) => n.padStart(8)).join('   ')}`);
    for (const l of labels) out.push(`${l.padEnd(w)}   ${names.map((n) => f(trace[n][key][l]).padStart(8)).join('   ')}`);
  };
  table('timeline (ms after the CLI was spawned)', 'marks');
  table('phase (ms)', 'phases');
  for (const n of names) {
    out.push('');
    out.push(`${n}, waterfall (median time of each point after the CLI was spawned; step: median time since the point before):`);
    for (const p of trace[n].waterfall) {
      const partial = p.runs < trace[n].runs ? `  (in ${p.runs} of ${trace[n].runs} runs)` : '';
      out.push(`  ${f(p.t).padStart(7)} ms  ${`${p.step < 0 ? '' : '+'}${f(p.step)}`.padStart(7)}  ${p.label}${partial}`);
    }
  }
  if (trace.labd?.procs.length) {
    out.push('');
    out.push('labd child processes in a run (median start after the CLI was spawned, median duration; labd-shim: until its ready line):');
    for (const p of trace.labd.procs) {
      const dur = p.readyMs !== undefined ? `${f(p.readyMs)} ms to ready` : `${f(p.ms)} ms`;
      out.push(`  +${f(p.start).padStart(7)} ms  ${`${p.what}${p.occurrence > 1 ? ` (#${p.occurrence})` : ''}`.padEnd(22)} ${dur}${p.runs < trace.labd.runs ? `  (in ${p.runs} of ${trace.labd.runs} runs)` : ''}`);
    }
  }
  return out;
}

/** The daemons' logs outlive the scratch dir when a run fails: bench/out/container-run-<engine>.log. */
function keepLogs() {
  for (const e of session.engines) {
    const file = e.logFile ?? (e.runDir && join(e.runDir, 'labd.log'));
    if (!file || !existsSync(file)) continue;
    const kept = join(outDir, `container-run-${e.name}.log`);
    try {
      copyFileSync(file, kept);
      log(`${e.name}'s log: ${kept}`);
    } catch {
      // nothing to keep
    }
  }
}

cleanupOnSignals();
let exitCode = 0;
try {
  // Failed runs are reported with the numbers, and make the exit status 1.
  if (!(await main())) exitCode = 1;
} catch (error) {
  // After a signal, whatever was running fails because its daemon went away: not worth reporting.
  if (!session.interrupted) {
    log(`failed: ${error.stack ?? error}`);
    keepLogs();
  }
  exitCode = 1;
} finally {
  await cleanup();
}
process.exitCode = exitCode;
