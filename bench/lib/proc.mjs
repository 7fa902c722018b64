// Processes and /proc for the benches: running commands with their wall-clock time, waiting for and ending
// processes, and reading memory and CPU use.
import {spawn, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';

export const log = (message) => process.stderr.write(`[bench] ${message}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs a command to completion; resolves with its exit code, output and wall-clock milliseconds. */
export function run(cmd, args, {env = process.env, input} = {}) {
  return new Promise((resolveRun, rejectRun) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', rejectRun);
    if (input !== undefined) child.stdin.end(input);
    child.on('close', (code, signal) => {
      const t1 = process.hrtime.bigint();
      const ms = Number(t1 - t0) / 1e6;
      // startMs/endMs: monotonic clock (CLOCK_MONOTONIC, shared by every process on the machine), in ms.
      resolveRun({code: code ?? (signal ? 128 : 1), signal, ms, startMs: Number(t0) / 1e6, endMs: Number(t1) / 1e6, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString()});
    });
  });
}

export async function must(cmd, args, options) {
  const r = await run(cmd, args, options);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  return r;
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

export function readPid(path) {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function waitGone(pid, ms) {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  return !alive(pid);
}

export async function terminate(pid, ms = 20_000) {
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await waitGone(pid, ms))) {
    log(`pid ${pid} ignored SIGTERM for ${ms / 1000}s; killing it`);
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 5000);
  }
}

/** One field of /proc/<pid>/status (e.g. VmRSS, PPid, Name) as text, or undefined when the process is gone. */
export function procStatus(pid, field) {
  if (!pid) return undefined;
  try {
    const m = new RegExp(`^${field}:\\s+(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? m[1].trim() : undefined;
  } catch {
    return undefined;
  }
}

export function rssKiB(pid) {
  const text = procStatus(pid, 'VmRSS');
  const m = text && /^(\d+)\s+kB/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Proportional set size: resident pages, each shared one divided among the processes that map it. */
export function pssKiB(pid) {
  if (!pid) return undefined;
  try {
    const m = /^Pss:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** CPU seconds a process has used, its reaped children (dockerd's untar helpers, labd's mknod) included. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / clockTicks;
  } catch {
    return 0;
  }
}

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

/** CPU seconds the whole machine has been busy (every process, every core), from /proc/stat. */
export function hostBusySeconds() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / clockTicks;
}

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir) {
  const points = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const point = line.split(' ')[4];
    if (!point) continue;
    const decoded = point.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
    if (decoded === dir || decoded.startsWith(`${dir}/`)) points.push(decoded);
  }
  return points.sort((a, b) => b.length - a.length);
}

export async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${ms / 1000}s`);
    await sleep(200);
  }
}

export function tail(path, lines = 5) {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
