/**
 * A process's resource limits as the kernel holds them: /proc/<pid>/cgroup names its cgroup in each hierarchy,
 * and the controller files there say the limits — v1 (memory.limit_in_bytes, cpu.cfs_quota_us, pids.max under
 * each controller's mount, as on a v1 or hybrid host) or v2 (memory.max, cpu.max, pids.max in one directory).
 */
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {CgroupLimits} from '../../../graders/snapshot.js';
import {v1Mounts} from '../../engine/runtime/cgroups.js';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const number = (text: string | undefined) => (text === undefined || text === 'max' || text === '' ? null : Number(text));

export function cgroupLimits(pid: number): CgroupLimits | undefined {
  const lines = read(`/proc/${pid}/cgroup`)?.split('\n') ?? [];
  if (lines.length === 0) return undefined;
  const mountinfo = read('/proc/self/mountinfo') ?? '';
  const files: Record<string, string> = {};
  const take = (path: string) => {
    const text = read(path);
    if (text !== undefined) files[path] = text;
    return text;
  };
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const line of lines) {
    const [, controllers, path] = line.match(/^\d+:([^:]*):(.*)$/) ?? [];
    if (path === undefined) continue;
    if (controllers === '') unified = path;
    for (const c of controllers.split(',')) if (c) v1.set(c, path);
  }
  const mounts = v1Mounts(mountinfo);
  if (v1.has('memory') && mounts.has('memory')) {
    const dir = (c: string) => join(mounts.get(c) ?? '/nonexistent', v1.get(c) ?? '/');
    const memory = number(take(join(dir('memory'), 'memory.limit_in_bytes')));
    const quota = number(take(join(dir('cpu'), 'cpu.cfs_quota_us')));
    const period = number(take(join(dir('cpu'), 'cpu.cfs_period_us')));
    return {
      version: 1,
      // v1 says "no limit" with the largest page-aligned number, and "no quota" with -1.
      memory: memory !== null && memory < 2 ** 62 ? memory : null,
      cpu: quota !== null && quota > 0 && period ? {quota, period} : null,
      pids: number(take(join(dir('pids'), 'pids.max'))),
      oomKills: Number(/oom_kill (\d+)/.exec(take(join(dir('memory'), 'memory.oom_control')) ?? '')?.[1] ?? 0),
      files,
    };
  }
  if (unified === undefined) return undefined;
  const root = mountinfo.split('\n').find((l) => l.includes(' - cgroup2 '))?.split(' ')[4] ?? '/sys/fs/cgroup';
  const dir = join(root, unified);
  const [quota, period] = (take(join(dir, 'cpu.max')) ?? 'max').split(/\s+/);
  return {
    version: 2,
    memory: number(take(join(dir, 'memory.max'))),
    cpu: quota !== 'max' && period ? {quota: Number(quota), period: Number(period)} : null,
    pids: number(take(join(dir, 'pids.max'))),
    oomKills: Number(/oom_kill (\d+)/.exec(take(join(dir, 'memory.events')) ?? '')?.[1] ?? 0),
    files,
  };
}
