// What build.mjs, exec.mjs and port-throughput.mjs share: their options, starting both engines, the course's
// busybox image, interleaved warm-up and timed runs, medians and ratios, labd's CPU profile over the timed
// runs, and the cleanup of containers and of whatever a daemon left running.
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {cleanup, cleanupOnSignals, docker, engineDist, mustDocker, outDir, root, session, startDockerd, startLabd} from './engines.mjs';
import {monotonicUs, newestProfile, profileLines, summarizeProfile} from './profile.mjs';
import {cmdline, log, median, must, quantile, run, terminate} from './proc.mjs';

export const BUSYBOX = 'busybox:latest';

/**
 * Parses the command line: the options every compare bench has (--runs, --warmup, --engines, --dir, --cpu-prof,
 * --json, --help) plus `extra` (parseArgs option specs). Exits 2 with `usage` on a bad option. `minRuns` is
 * the fewest timed runs per engine allowed.
 */
export function parseOptions(name, usage, {runs, warmup, minRuns = 1, extra = {}}) {
  let values;
  try {
    values = parseArgs({
      options: {
        runs: {type: 'string', default: String(runs)},
        warmup: {type: 'string', default: String(warmup)},
        engines: {type: 'string', default: 'labd,dockerd'},
        dir: {type: 'string'},
        'cpu-prof': {type: 'boolean', default: false},
        json: {type: 'boolean', default: false},
        help: {type: 'boolean', short: 'h', default: false},
        ...extra,
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const fail = (message) => {
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  };
  const int = (key, zeroOk = false) => {
    const n = Number(values[key]);
    if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) fail(`--${key}: "${values[key]}" is not a ${zeroOk ? 'non-negative' : 'positive'} integer`);
    return n;
  };
  const opts = {...values, fail, int, runs: int('runs'), warmup: int('warmup', true)};
  if (opts.runs < minRuns) fail(`--runs: at least ${minRuns} runs per engine`);
  opts.engineNames = values.engines.split(',').map((s) => s.trim()).filter(Boolean);
  if (opts.engineNames.length === 0) fail('--engines: name at least one engine');
  for (const e of opts.engineNames) if (!['labd', 'dockerd'].includes(e)) fail(`--engines: unknown engine "${e}"`);
  return opts;
}

/** Root and a built dist/ are needed by every engine bench. */
export function checkPrerequisites() {
  if (process.getuid?.() !== 0) throw new Error('run this as root: both engines mount filesystems and run containers');
  if (!existsSync(join(engineDist(), 'daemon', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
}

/**
 * Starts the engines named in `names` (dockerd first, with `dockerdArgs` appended to its command line; labd
 * under `node --cpu-prof` with `cpuProf`, straight under node with `labdNodeArgs` and `labdEnv`) and returns
 * them, labd first. Each gets `version` and `info`.
 */
export async function startEngines(names, {cpuProf = false, dockerdArgs = [], labdNodeArgs = [], labdEnv} = {}) {
  const engines = [];
  const describe = async (e) => {
    e.version = (await mustDocker(e, ['version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})'])).stdout.trim();
    const info = (await mustDocker(e, ['info', '--format', '{{.CgroupDriver}} {{.CgroupVersion}} {{.DefaultRuntime}} {{.Driver}}'])).stdout.trim().split(' ');
    e.info = {cgroupDriver: info[0], cgroupVersion: info[1], runtime: info[2], storage: info[3]};
  };
  if (names.includes('dockerd')) {
    log(`starting dockerd${dockerdArgs.length ? ` (also ${dockerdArgs.join(' ')})` : ''} ...`);
    const e = await startDockerd(session.dir, {extraArgs: dockerdArgs});
    session.engines.push(e);
    engines.push(e);
    await describe(e);
    log(`dockerd ${e.version} up, pid ${e.pid}, containerd pid ${e.containerdPid}; ${e.info.cgroupDriver} v${e.info.cgroupVersion}, ${e.info.runtime}, ${e.info.storage}`);
  }
  if (names.includes('labd')) {
    log(`starting labd${cpuProf ? ' under --cpu-prof' : ''}${labdNodeArgs.length ? ` with node ${labdNodeArgs.join(' ')}` : ''} ...`);
    const e = await startLabd(session.dir, {cpuProf: cpuProf ? join(outDir, 'prof') : undefined, nodeArgs: labdNodeArgs, env: labdEnv});
    session.engines.push(e);
    engines.push(e);
    await describe(e);
    log(`labd ${e.version} up, pid ${e.pid}`);
  }
  return engines.sort((a, b) => (a.name === 'labd' ? -1 : b.name === 'labd' ? 1 : 0));
}

export const logFileOf = (e) => e.logFile ?? (e.runDir && join(e.runDir, 'labd.log'));

/** The course's busybox image as a docker-save archive: `lab image build busybox` (cached after the first build). */
export async function busyboxArchive() {
  const r = await must(process.execPath, [join(root, 'bin', 'run.js'), 'image', 'build', 'busybox', '--json']);
  const info = JSON.parse(r.stdout);
  if (!info.path || !existsSync(info.path)) throw new Error(`lab image build busybox gave no archive: ${r.stdout.trim()}`);
  log(`busybox archive ${info.path} (${(statSync(info.path).size / 1e6).toFixed(1)} MB)`);
  return info;
}

/** `docker load` of the busybox archive; both engines must give the image the ID the archive says. */
export async function loadBusybox(engine, image) {
  const r = await mustDocker(engine, ['load', '-i', image.path]);
  if (!r.stdout.includes(`Loaded image: ${BUSYBOX}`)) throw new Error(`${engine.name}: docker load did not load ${BUSYBOX}: ${r.stdout.trim()}`);
  const id = (await mustDocker(engine, ['image', 'inspect', '--format', '{{.Id}}', BUSYBOX])).stdout.trim();
  if (image.imageId && id !== image.imageId) throw new Error(`${engine.name} gives ${BUSYBOX} the ID ${id}, expected ${image.imageId}`);
  return id;
}

/** A timed step that failed (non-zero exit, wrong output): logged and counted, the bench goes on. */
export class RunError extends Error {}

/**
 * Warm-up runs, then timed runs, alternating between the engines (labd, dockerd, labd, ...) so that drift on
 * the machine hits both alike. `step(engine, {timed, index})` returns an object of measures (numbers) or throws
 * a RunError; `describe(measures)` makes its progress line. With --cpu-prof and a `phase`, every timed step of
 * labd is a window of the profile under that phase (without, `step` can note finer windows itself). Returns per engine {runs: [measures | null], failures}.
 */
export async function interleaved(engines, {warmup, runs, what, step, describe, phase}) {
  const out = Object.fromEntries(engines.map((e) => [e.name, {runs: [], failures: []}]));
  for (let i = -warmup; i < runs; i++) {
    for (const e of engines) {
      const timed = i >= 0;
      const label = timed ? `${what} ${i + 1}/${runs}` : `warm-up ${what} ${i + warmup + 1}/${warmup}`;
      const from = monotonicUs();
      let measures = null;
      try {
        measures = await step(e, {timed, index: i});
      } catch (error) {
        if (!(error instanceof RunError)) throw error;
        out[e.name].failures.push({what: label, error: error.message});
        log(`${e.name.padEnd(7)} ${label} FAILED: ${error.message}`);
        if (out[e.name].failures.length > Math.max(3, runs / 2)) throw new Error(`${e.name}: too many failed runs (${out[e.name].failures.length})`);
      }
      if (timed) {
        if (phase) e.windows?.push({phase, from, to: monotonicUs()});
        out[e.name].runs.push(measures);
      }
      if (measures) log(`${e.name.padEnd(7)} ${label}: ${describe(measures)}`);
    }
  }
  return out;
}

/** median, min, p90, max and n of one measure over the runs that succeeded. */
export function stats(runs, key) {
  const values = runs.filter(Boolean).map((r) => r[key]).filter((v) => typeof v === 'number');
  if (values.length === 0) return undefined;
  return {median: median(values), min: Math.min(...values), p90: quantile(values, 0.9), max: Math.max(...values), n: values.length, all: values};
}

/** Median of the per-run ratios labd/dockerd: run i of each engine saw the same machine. */
export function pairedRatio(labdRuns, dockerdRuns, key) {
  const ratios = [];
  for (let i = 0; i < Math.min(labdRuns.length, dockerdRuns.length); i++) {
    const l = labdRuns[i]?.[key];
    const d = dockerdRuns[i]?.[key];
    if (typeof l === 'number' && typeof d === 'number' && d > 0) ratios.push(l / d);
  }
  return ratios.length ? median(ratios) : undefined;
}

/** Fixed-width columns; the first row is the header. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c] ?? '').length)));
  const line = (row) => row.map((cell, c) => String(cell ?? '').padEnd(widths[c])).join('   ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.slice(1).map(line)];
}

export const hostInfo = async () => ({cores: cpus().length, node: process.version, docker: (await run('docker', ['--version'])).stdout.trim(), load: readLoad()});

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/**
 * CPU seconds a process has used itself, without its reaped children: labd reaps the shims it started (and
 * with them the CPU of their runc), while containerd's shims are not dockerd's or containerd's children.
 */
export function selfCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / clockTicks;
  } catch {
    return 0;
  }
}

/** The 1, 5 and 15 minute load averages: other work on the machine inflates every number. */
export function readLoad() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return undefined;
  }
}

/** Containers of every engine still there, removed before the daemons stop. */
export async function removeAllContainers() {
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
function runcRoots(dir, depth = 5) {
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

/**
 * After the daemons stopped: containers runc still knows below the scratch dir are deleted, and shims whose
 * command line names the scratch dir are ended.
 */
export async function reapLeftovers() {
  if (!session.dir || !existsSync(session.dir)) return;
  for (const rootDir of runcRoots(session.dir)) {
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

/**
 * With --cpu-prof: labd's containers are removed, labd is stopped (the profile is written when it exits) and
 * its profile is summarised over the windows of each of `phases`. Returns the summaries (or undefined).
 */
export async function finishLabdProfile(engines, phases) {
  const labd = engines.find((e) => e.name === 'labd');
  if (!labd?.profDir) return undefined;
  const ps = await docker(labd, ['ps', '-aq']);
  const ids = ps.stdout.trim().split('\n').filter(Boolean);
  if (ids.length > 0) await docker(labd, ['rm', '-f', ...ids]);
  await labd.stop();
  session.engines = session.engines.filter((e) => e !== labd);
  const file = newestProfile(labd.profDir, labd.profStart);
  if (!file) {
    log('no CPU profile was written (did labd exit cleanly?)');
    return undefined;
  }
  return phases.map((phase) => summarizeProfile(file, labd.windows, phase));
}

export function profileReport(profiles) {
  const out = [];
  for (const p of profiles ?? []) {
    out.push('');
    out.push(...profileLines(p, {unit: 'ms', note: 'timed runs only'}));
  }
  return out;
}

/** The daemons' logs outlive the scratch dir when a run fails: bench/out/<bench>-<engine>.log. */
function keepLogs(bench) {
  for (const e of session.engines) {
    const file = logFileOf(e);
    if (!file || !existsSync(file)) continue;
    const kept = join(outDir, `${bench}-${e.name}.log`);
    try {
      copyFileSync(file, kept);
      log(`${e.name}'s log: ${kept}`);
    } catch {
      // nothing to keep
    }
  }
}

/** Writes the report as bench/out/<bench>-last.json, and prints it (JSON, or the text `lines`). */
export function emit(bench, report, json, lines) {
  writeFileSync(join(outDir, `${bench}-last.json`), JSON.stringify(report, null, 2) + '\n');
  if (json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(lines().join('\n') + '\n');
}

/**
 * Runs `main` with cleanup on failure, on Ctrl-C and at the end: containers removed, daemons stopped, leftovers
 * reaped, scratch dir unmounted and removed. `main` resolves false when some runs failed (exit status 1).
 */
export async function runBench(bench, main) {
  cleanupOnSignals();
  session.beforeStop.push(removeAllContainers);
  session.afterStop.push(reapLeftovers);
  let exitCode = 0;
  try {
    if (!(await main())) exitCode = 1;
  } catch (error) {
    // After a signal, whatever was running fails because its daemon went away: not worth reporting.
    if (!session.interrupted) {
      log(`failed: ${error.stack ?? error}`);
      keepLogs(bench);
    }
    exitCode = 1;
  } finally {
    await cleanup();
  }
  process.exitCode = exitCode;
}
