/**
 * `docker stats`: one sample of a container's cgroup counters (memory, CPU, pids, block I/O) and of its
 * network interfaces, in the JSON shape the docker CLI computes its columns from. CPU% is the container's
 * CPU time between two samples over the host's (from /proc/stat), times the number of CPUs; MEM USAGE is
 * usage minus inactive file cache; LIMIT is the memory limit, or the host's memory when there is none.
 */
import {readFileSync} from 'node:fs';
import {cpus, totalmem} from 'node:os';
import {containerCgroup, readCgroupFile, readKeyed, readNumber, type ContainerCgroup} from '../runtime/cgroups.js';
import type {ContainerRecord} from '../model/container.js';

export interface CpuStats {
  cpu_usage: {total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number};
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: {periods: number; throttled_periods: number; throttled_time: number};
}

interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** dockerd's eight block I/O lists; null where the cgroup version has no such counter. */
export interface BlkioStats {
  io_service_bytes_recursive: BlkioEntry[] | null;
  io_serviced_recursive: BlkioEntry[] | null;
  io_queue_recursive: BlkioEntry[] | null;
  io_service_time_recursive: BlkioEntry[] | null;
  io_wait_time_recursive: BlkioEntry[] | null;
  io_merged_recursive: BlkioEntry[] | null;
  io_time_recursive: BlkioEntry[] | null;
  sectors_recursive: BlkioEntry[] | null;
}

const noBlkio = (): BlkioStats => ({
  io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null,
  io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null,
});

export interface StatsJson {
  name: string;
  id: string;
  read: string;
  preread: string;
  pids_stats: {current?: number; limit?: number};
  blkio_stats: BlkioStats;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: {usage?: number; max_usage?: number; failcnt?: number; limit?: number; stats?: Record<string, number>};
  networks?: Record<string, Record<string, number>>;
}

const zeroTime = '0001-01-01T00:00:00Z';
const userHz = 100;

export function emptyCpu(): CpuStats {
  return {cpu_usage: {total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0}, throttling_data: {periods: 0, throttled_periods: 0, throttled_time: 0}};
}

/** A stopped container's sample: names only, every counter zero (what Docker answers). */
export function emptyStats(c: ContainerRecord): StatsJson {
  return {
    name: c.Name, id: c.ID, read: zeroTime, preread: zeroTime, pids_stats: {}, blkio_stats: noBlkio(),
    num_procs: 0, storage_stats: {}, cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {},
  };
}

/** All CPU time the host has spent, in nanoseconds: user through softirq of /proc/stat's first line. */
export function systemCpuUsage(procStat?: string): number {
  const text = procStat ?? readFileSync('/proc/stat', 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((sum, v) => sum + Number(v), 0);
  return (ticks * 1e9) / userHz;
}

function cpuStats(cg: ContainerCgroup): CpuStats {
  const out = emptyCpu();
  if (cg.version === 2) {
    const s = readKeyed(cg.dir('cpu'), 'cpu.stat');
    out.cpu_usage = {total_usage: (s.usage_usec ?? 0) * 1000, usage_in_kernelmode: (s.system_usec ?? 0) * 1000, usage_in_usermode: (s.user_usec ?? 0) * 1000};
    out.throttling_data = {periods: s.nr_periods ?? 0, throttled_periods: s.nr_throttled ?? 0, throttled_time: (s.throttled_usec ?? 0) * 1000};
  } else {
    const acct = cg.dir('cpuacct');
    const ticks = readKeyed(acct, 'cpuacct.stat');
    const percpu = (readCgroupFile(acct, 'cpuacct.usage_percpu') ?? '').trim().split(/\s+/).filter(Boolean).map(Number);
    out.cpu_usage = {
      total_usage: readNumber(acct, 'cpuacct.usage') ?? 0,
      ...(percpu.length > 0 ? {percpu_usage: percpu} : {}),
      usage_in_kernelmode: ((ticks.system ?? 0) * 1e9) / userHz,
      usage_in_usermode: ((ticks.user ?? 0) * 1e9) / userHz,
    };
    const s = readKeyed(cg.dir('cpu'), 'cpu.stat');
    out.throttling_data = {periods: s.nr_periods ?? 0, throttled_periods: s.nr_throttled ?? 0, throttled_time: s.throttled_time ?? 0};
  }
  out.system_cpu_usage = systemCpuUsage();
  out.online_cpus = cpus().length;
  return out;
}

function memoryStats(cg: ContainerCgroup): StatsJson['memory_stats'] {
  const dir = cg.dir('memory');
  const stats = readKeyed(dir, 'memory.stat');
  // No limit reads as "max" (v2) or as a huge number (v1): the CLI then shows the host's memory.
  const capped = (limit: number | undefined) => (limit === undefined || limit > totalmem() ? totalmem() : limit);
  if (cg.version === 2) return {usage: readNumber(dir, 'memory.current') ?? 0, limit: capped(readNumber(dir, 'memory.max')), stats};
  return {
    usage: readNumber(dir, 'memory.usage_in_bytes') ?? 0,
    max_usage: readNumber(dir, 'memory.max_usage_in_bytes') ?? 0,
    failcnt: readNumber(dir, 'memory.failcnt') ?? 0,
    limit: capped(readNumber(dir, 'memory.limit_in_bytes')),
    stats,
  };
}

function blkioStats(cg: ContainerCgroup): BlkioStats {
  const device = (d: string) => d.split(':').map(Number) as [number, number];
  if (cg.version === 2) {
    // As dockerd on cgroup v2: bytes read and written from io.stat, the other lists unsupported (null).
    const out: BlkioEntry[] = [];
    for (const line of (readCgroupFile(cg.dir('blkio'), 'io.stat') ?? '').split('\n').filter(Boolean)) {
      const [dev, ...fields] = line.split(/\s+/);
      const [major, minor] = device(dev);
      const kv = Object.fromEntries(fields.map((f) => f.split('=')));
      out.push({major, minor, op: 'read', value: Number(kv.rbytes ?? 0)}, {major, minor, op: 'write', value: Number(kv.wbytes ?? 0)});
    }
    return {...noBlkio(), io_service_bytes_recursive: out.length > 0 ? out : null};
  }
  // cgroup v1, as dockerd reads it: every list present ([] when empty), ops as the kernel writes them ("Read",
  // "Total"); without the CFQ scheduler's files the two throttle counters stand in for bytes and operations.
  const list = (file: string): BlkioEntry[] => {
    const out: BlkioEntry[] = [];
    for (const line of (readCgroupFile(cg.dir('blkio'), file) ?? '').split('\n')) {
      const [dev, op, value] = line.trim().split(/\s+/);
      if (!dev?.includes(':') || value === undefined) continue;
      const [major, minor] = device(dev);
      out.push({major, minor, op: op!, value: Number(value)});
    }
    return out;
  };
  const cfq = list('blkio.io_serviced_recursive').length > 0;
  return {
    io_service_bytes_recursive: list(cfq ? 'blkio.io_service_bytes_recursive' : 'blkio.throttle.io_service_bytes_recursive'),
    io_serviced_recursive: list(cfq ? 'blkio.io_serviced_recursive' : 'blkio.throttle.io_serviced_recursive'),
    io_queue_recursive: list('blkio.io_queued_recursive'),
    io_service_time_recursive: list('blkio.io_service_time_recursive'),
    io_wait_time_recursive: list('blkio.io_wait_time_recursive'),
    io_merged_recursive: list('blkio.io_merged_recursive'),
    io_time_recursive: list('blkio.time_recursive'),
    sectors_recursive: list('blkio.sectors_recursive'),
  };
}

/** The container's interfaces but loopback, from /proc/<pid>/net/dev, which shows its network namespace. */
function networkStats(pid: number): StatsJson['networks'] {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
  } catch {
    return undefined;
  }
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    out[name.trim()] = {rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11]};
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function sampleStats(c: ContainerRecord, previous?: StatsJson, cg: ContainerCgroup = containerCgroup(c.ID, c.CgroupsPath)): StatsJson {
  if (!c.State.Running) return emptyStats(c);
  const pidsDir = cg.dir('pids');
  const limit = readNumber(pidsDir, 'pids.max');
  const networks = networkStats(c.State.Pid);
  return {
    name: c.Name,
    id: c.ID,
    read: new Date().toISOString(),
    preread: previous?.read ?? zeroTime,
    pids_stats: {current: readNumber(pidsDir, 'pids.current') ?? 0, ...(limit !== undefined ? {limit} : {})},
    blkio_stats: blkioStats(cg),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(cg),
    precpu_stats: previous?.cpu_stats ?? emptyCpu(),
    memory_stats: memoryStats(cg),
    ...(networks ? {networks} : {}),
  };
}
