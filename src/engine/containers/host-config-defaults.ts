/**
 * The HostConfig fields dockerd fills in at create, so inspect shows them as it does: the runtime, the shared
 * memory size, the IPC and cgroup namespace modes, the masked and read-only /proc paths the runtime applies,
 * the "no limit" values (-1 swappiness, a pids limit of 0 or less) stored as null, and Go's zero values of the
 * fields a sparse body leaves out.
 */
import type {HostConfig} from '../model/container.js';
import {maskedPaths, readonlyPaths} from '../runtime/oci-spec.js';
import {cgroupMode} from '../util/cgroup-mode.js';

const defaultShmSize = 64 * 1024 * 1024;

/**
 * Go's zero values of the HostConfig fields that are never left out of dockerd's JSON: a body that omits them
 * (Compose 1.29 sends a sparse one) still gets them, as dockerd's decoding into its struct gives them.
 */
const goZeroValues: Record<string, unknown> = {
  Binds: null, ContainerIDFile: '', NetworkMode: 'default', PortBindings: null, AutoRemove: false, VolumeDriver: '', VolumesFrom: null,
  CapAdd: null, CapDrop: null, Dns: null, DnsOptions: null, DnsSearch: null, ExtraHosts: null, GroupAdd: null, Cgroup: '', Links: null,
  OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '',
  Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null, BlkioDeviceReadBps: null,
  BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0,
  MemorySwap: 0, MemorySwappiness: null, OomKillDisable: false, PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0,
  IOMaximumBandwidth: 0,
};

export function withHostConfigDefaults(given: HostConfig): HostConfig {
  const h = {...given} as HostConfig & Record<string, unknown>;
  for (const [key, zero] of Object.entries(goZeroValues)) if (h[key] === undefined) h[key] = zero;
  h.RestartPolicy ??= {Name: '', MaximumRetryCount: 0};
  h.ConsoleSize ??= [0, 0];
  // dockerd keeps links in its own graph and shows them from there: none is null, not [].
  if (Array.isArray(h.Links) && h.Links.length === 0) h.Links = null;
  h.Runtime = typeof h.Runtime === 'string' && h.Runtime ? h.Runtime : 'runc';
  h.KernelMemory ??= 0;
  h.KernelMemoryTCP ??= 0;
  if (!h.ShmSize) h.ShmSize = defaultShmSize;
  if (!h.IpcMode) h.IpcMode = 'private';
  // Each container has a cgroup namespace of its own only on a cgroup v2 host (see runtime/oci-spec.ts).
  if (!h.CgroupnsMode) h.CgroupnsMode = cgroupMode() === 'v2' ? 'private' : 'host';
  if (!h.Privileged) {
    h.MaskedPaths ??= [...maskedPaths];
    h.ReadonlyPaths ??= [...readonlyPaths];
  }
  // dockerd's default swap: as much again as the memory limit, kept as memory+swap.
  const memory = typeof h.Memory === 'number' ? h.Memory : 0;
  if (memory > 0 && !h.MemorySwap) h.MemorySwap = memory * 2;
  if (h.MemorySwappiness === -1) h.MemorySwappiness = null;
  if (typeof h.PidsLimit === 'number' && h.PidsLimit <= 0) h.PidsLimit = null;
  return h;
}
