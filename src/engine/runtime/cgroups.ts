/**
 * Finding and reading a container's cgroup files. runc puts each container at cgroupsPath /docker/<id>:
 * under every v1 controller's mount (/sys/fs/cgroup/memory/docker/<id>, ...) on a v1 or hybrid host, or
 * at /sys/fs/cgroup/docker/<id> on a pure v2 host. Reads never throw: a missing file reads as undefined.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {cgroupMode} from '../util/cgroup-mode.js';

export type Controller = 'memory' | 'cpu' | 'cpuacct' | 'pids' | 'blkio' | 'freezer';

export interface ContainerCgroup {
  version: 1 | 2;
  /** The directory holding a controller's files for this container (v2: the same dir for all). */
  dir(controller: Controller): string | undefined;
}

/** v1 controller → where its hierarchy is mounted ("cpu,cpuacct" co-mounts give both the same dir). */
export function v1Mounts(mountinfo?: string): Map<string, string> {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      text = '';
    }
  }
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fsType, , superOptions = ''] = line.slice(sep + 3).split(' ');
    if (fsType !== 'cgroup') continue;
    const mountPoint = line.slice(0, sep).split(' ')[4];
    for (const opt of superOptions.split(',')) if (!out.has(opt)) out.set(opt, mountPoint);
  }
  return out;
}

/**
 * Where the cgroup `path` can exist, in every hierarchy: on a v2 host the one tree; on a v1 or hybrid host each
 * v1 hierarchy and also the hybrid host's v2 one ("unified"), where runc makes a container's cgroups as well.
 * What removes a cgroup it made must look in all of them, or the empty directories pile up.
 */
export function cgroupDirsOf(path: string, mountinfo?: string): string[] {
  if (cgroupMode() === 'v2') return [join('/sys/fs/cgroup', path)];
  let text = mountinfo;
  try {
    text ??= readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    text = '';
  }
  const unified = text.split('\n').filter((l) => l.includes(' - cgroup2 ')).map((l) => l.split(' ')[4]);
  return [...new Set([...v1Mounts(text).values(), ...unified])].map((m) => join(m, path));
}

export function containerCgroup(id: string, cgroupsPath = `/docker/${id}`): ContainerCgroup {
  if (cgroupMode() === 'v2') return {version: 2, dir: () => join('/sys/fs/cgroup', cgroupsPath)};
  const mounts = v1Mounts();
  return {version: 1, dir: (controller) => (mounts.has(controller) ? join(mounts.get(controller)!, cgroupsPath) : undefined)};
}

export function readCgroupFile(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
}

/** A file holding one number; "max" (v2's "no limit") reads as undefined. */
export function readNumber(dir: string | undefined, file: string): number | undefined {
  const text = readCgroupFile(dir, file)?.trim();
  if (text === undefined || text === '' || text === 'max') return undefined;
  const n = Number(text.split(/\s+/)[0]);
  return Number.isFinite(n) ? n : undefined;
}

/** `key value` lines (memory.stat, cpu.stat, memory.events, oom_control) as a map. */
export function readKeyed(dir: string | undefined, file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (readCgroupFile(dir, file) ?? '').split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^\d+$/.test(value)) out[key] = Number(value);
  }
  return out;
}

/**
 * How many times the kernel's OOM killer killed a process of this container. Read at exit, before
 * `runc delete` removes the cgroup: v1 counts in memory.oom_control, v2 in memory.events.
 */
export function oomKillCount(cg: ContainerCgroup): number {
  const dir = cg.dir('memory');
  return cg.version === 2 ? (readKeyed(dir, 'memory.events').oom_kill ?? 0) : (readKeyed(dir, 'memory.oom_control').oom_kill ?? 0);
}

/** Whether the kernel can limit swap (Docker's "SwapLimit"); without it a memory+swap limit would fail in runc. */
export function swapLimitSupported(): boolean {
  if (cgroupMode() !== 'v2') {
    const memory = v1Mounts().get('memory');
    return memory !== undefined && existsSync(join(memory, 'memory.memsw.limit_in_bytes'));
  }
  // The root cgroup has no memory.swap.max of its own; any child that has one shows the kernel supports it.
  try {
    return readdirSync('/sys/fs/cgroup', {withFileTypes: true}).some((d) => d.isDirectory() && existsSync(join('/sys/fs/cgroup', d.name, 'memory.swap.max')));
  } catch {
    return false;
  }
}
