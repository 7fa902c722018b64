/**
 * `docker run` limits and extras → the OCI config: linux.resources (memory, CPU, pids, block I/O — runc
 * writes the cgroup files, v1 or v2), process.rlimits (--ulimit), --oom-score-adj, --sysctl, --group-add,
 * --device and a privileged container's host devices. Checked at create with Docker's messages.
 */
import {readFileSync} from 'node:fs';
import {cpus} from 'node:os';
import {invalidArgument} from '../errors.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';
import {cgroupMode} from '../util/cgroup-mode.js';
import {normalizeCgroupParent} from './cgroup-parent.js';
import {swapLimitSupported} from './cgroups.js';
import {hostDevices, mappedDevices, type DeviceMapping, type OciDevice} from './devices.js';
import {knownCapabilities} from './oci-spec.js';
import {resolveInRoot} from '../util/rootfs-path.js';
import {parseSecurityOpt, SecurityOptError} from './security-opt.js';

interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

/** The HostConfig fields this file reads, as the API sends them. */
export interface ResourceConfig {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  MemorySwappiness?: number | null;
  OomKillDisable?: boolean | null;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  BlkioWeight?: number;
  Ulimits?: Ulimit[] | null;
  OomScoreAdj?: number;
  Sysctls?: Record<string, string> | null;
  Devices?: DeviceMapping[] | null;
  GroupAdd?: string[] | null;
}

interface SpecParts {
  process: {rlimits?: Array<{type: string; soft: number; hard: number}>; oomScoreAdj?: number; user: {additionalGids?: number[]}};
  linux: {
    resources: {devices?: Array<{allow: boolean; type?: string; major?: number; minor?: number; access?: string}>; [key: string]: unknown};
    devices?: OciDevice[];
    sysctl?: Record<string, string>;
  };
}

const MB = 1024 * 1024;
const rlimitNames = ['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

function checkCapabilities(field: 'CapAdd' | 'CapDrop', names: string[] | null | undefined): void {
  const known = new Set(knownCapabilities());
  for (const name of names ?? []) {
    const upper = name.toUpperCase();
    if (upper === 'ALL') continue;
    const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!known.has(cap)) throw invalidArgument(`invalid ${field}: unknown capability: "${cap}"`);
  }
}

/** Docker's create-time checks of limits, capabilities, ulimits and devices. */
export function checkHostConfig(hostConfig: HostConfig, hostCpus = cpus().length): void {
  const h = hostConfig as HostConfig & ResourceConfig;
  if (typeof h.CgroupParent === 'string' && h.CgroupParent !== '') {
    try {
      normalizeCgroupParent(h.CgroupParent, 'invalid --cgroup-parent');
    } catch (error) {
      throw invalidArgument((error as Error).message);
    }
  }
  const memory = h.Memory ?? 0;
  const swap = h.MemorySwap ?? 0;
  const reservation = h.MemoryReservation ?? 0;
  // dockerd refuses any limit but 0 below the minimum: a negative one too.
  if (memory !== 0 && memory < 6 * MB) throw invalidArgument('Minimum memory limit allowed is 6MB');
  if (swap > 0 && memory === 0) throw invalidArgument('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < memory) throw invalidArgument('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (reservation !== 0 && reservation < 6 * MB) throw invalidArgument('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > memory) throw invalidArgument('Minimum memory limit can not be less than memory reservation limit, see usage');
  const swappiness = h.MemorySwappiness;
  if (swappiness !== undefined && swappiness !== null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw invalidArgument(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  const nano = h.NanoCpus ?? 0;
  if (nano > 0 && (h.CpuPeriod ?? 0) > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (h.CpuQuota ?? 0) > 0) throw invalidArgument('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  if (nano < 0 || nano > hostCpus * 1e9) throw invalidArgument(`Range of CPUs is from 0.01 to ${hostCpus}.00, as there are only ${hostCpus} CPUs available`);
  const period = h.CpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000)) throw invalidArgument('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  if ((h.CpuQuota ?? 0) > 0 && h.CpuQuota! < 1000) throw invalidArgument('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const blkio = h.BlkioWeight ?? 0;
  if (blkio > 0 && (blkio < 10 || blkio > 1000)) throw invalidArgument('Range of blkio weight is from 10 to 1000');
  const oomAdj = h.OomScoreAdj ?? 0;
  if (oomAdj < -1000 || oomAdj > 1000) throw invalidArgument(`Invalid value ${oomAdj}, range for oom score adj is [-1000, 1000]`);
  for (const u of h.Ulimits ?? []) {
    if (!rlimitNames.includes(u.Name)) throw invalidArgument(`invalid ulimit type: ${u.Name}`);
    if (u.Soft < 0 || u.Hard < 0) throw invalidArgument(`ulimit ${u.Name}: unlimited (-1) is not supported by this lab engine; give a number`);
    if (u.Soft > u.Hard) throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
  checkCapabilities('CapAdd', h.CapAdd);
  checkCapabilities('CapDrop', h.CapDrop);
  try {
    parseSecurityOpt(h.SecurityOpt);
  } catch (error) {
    if (error instanceof SecurityOptError) throw invalidArgument(error.message);
    throw error;
  }
  if ((h.Devices ?? []).length > 0) mappedDevices(h.Devices!);
}

function memoryOf(h: ResourceConfig, v1: boolean): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  const limit = h.Memory ?? 0;
  if (limit > 0) {
    out.limit = limit;
    // Docker: swap unset means as much swap as memory, so memory+swap (what OCI's `swap` counts) is twice the limit.
    if (swapLimitSupported()) out.swap = (h.MemorySwap ?? 0) === 0 ? limit * 2 : h.MemorySwap;
  }
  if ((h.MemoryReservation ?? 0) > 0) out.reservation = h.MemoryReservation;
  // Both exist only in cgroup v1; Docker ignores them (with a warning) on v2.
  if (v1 && h.MemorySwappiness !== undefined && h.MemorySwappiness !== null && h.MemorySwappiness >= 0) out.swappiness = h.MemorySwappiness;
  if (v1 && h.OomKillDisable) out.disableOOMKiller = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

function cpuOf(h: ResourceConfig): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if ((h.CpuShares ?? 0) > 0) out.shares = h.CpuShares;
  if ((h.NanoCpus ?? 0) > 0) {
    // --cpus 1.5 → 150 ms of CPU time in every 100 ms period.
    out.period = 100_000;
    out.quota = Math.round((h.NanoCpus! * 100_000) / 1e9);
  } else {
    if ((h.CpuPeriod ?? 0) > 0) out.period = h.CpuPeriod;
    if ((h.CpuQuota ?? 0) > 0) out.quota = h.CpuQuota;
  }
  if (h.CpusetCpus) out.cpus = h.CpusetCpus;
  if (h.CpusetMems) out.mems = h.CpusetMems;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `--group-add` names are looked up in the container's /etc/group, numbers taken as they are. */
function extraGroups(rootfs: string, names: string[]): number[] {
  let groups: string[][] = [];
  try {
    groups = readFileSync(resolveInRoot(rootfs, '/etc/group'), 'utf8').split('\n').map((l) => l.split(':'));
  } catch {
    // no /etc/group: only numeric groups can be added
  }
  return names.map((name) => {
    if (/^\d+$/.test(name)) return Number(name);
    const entry = groups.find((g) => g[0] === name);
    if (!entry) throw invalidArgument(`Unable to find group ${name}: no matching entries in group file`);
    return Number(entry[2]);
  });
}

/** The cgroup part of linux.resources for a HostConfig: what `runc update` can change on a running container. */
export function cgroupResources(hostConfig: HostConfig): Record<string, unknown> {
  const h = hostConfig as HostConfig & ResourceConfig;
  const r: Record<string, unknown> = {};
  const memory = memoryOf(h, cgroupMode() !== 'v2');
  if (memory) r.memory = memory;
  const cpu = cpuOf(h);
  if (cpu) r.cpu = cpu;
  if ((h.PidsLimit ?? 0) > 0) r.pids = {limit: h.PidsLimit};
  if ((h.BlkioWeight ?? 0) > 0) r.blockIO = {weight: h.BlkioWeight};
  return r;
}

export function applyResources(spec: SpecParts, c: ContainerRecord, rootfs: string): void {
  const h = c.HostConfig as HostConfig & ResourceConfig;
  const v1 = cgroupMode() !== 'v2';
  const r = spec.linux.resources;
  const memory = memoryOf(h, v1);
  if (memory) r.memory = memory;
  const cpu = cpuOf(h);
  if (cpu) r.cpu = cpu;
  if ((h.PidsLimit ?? 0) > 0) r.pids = {limit: h.PidsLimit};
  if ((h.BlkioWeight ?? 0) > 0) r.blockIO = {weight: h.BlkioWeight};
  if ((h.Ulimits ?? []).length > 0) spec.process.rlimits = h.Ulimits!.map((u) => ({type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft, hard: u.Hard}));
  if (h.OomScoreAdj) spec.process.oomScoreAdj = h.OomScoreAdj;
  if (h.Sysctls && Object.keys(h.Sysctls).length > 0) spec.linux.sysctl = {...h.Sysctls};
  if ((h.GroupAdd ?? []).length > 0) {
    const gids = new Set([...(spec.process.user.additionalGids ?? []), ...extraGroups(rootfs, h.GroupAdd!)]);
    spec.process.user.additionalGids = [...gids];
  }
  const devices: OciDevice[] = h.Privileged ? hostDevices() : [];
  if ((h.Devices ?? []).length > 0) {
    const mapped = mappedDevices(h.Devices!);
    devices.push(...mapped.devices.filter((d) => !devices.some((e) => e.path === d.path)));
    if (!h.Privileged) r.devices = [...(r.devices ?? []), ...mapped.rules];
  }
  if (devices.length > 0) spec.linux.devices = devices;
}
