/**
 * The HostConfig fields dockerd fills in at create, so inspect shows them as it does: the runtime, the shared
 * memory size, the IPC and cgroup namespace modes, the masked and read-only /proc paths the runtime applies,
 * and the "no limit" values (-1 swappiness, a pids limit of 0 or less) stored as null.
 */
import type {HostConfig} from '../model/container.js';
import {maskedPaths, readonlyPaths} from '../runtime/oci-spec.js';
import {cgroupMode} from '../util/cgroup-mode.js';

const defaultShmSize = 64 * 1024 * 1024;

export function withHostConfigDefaults(given: HostConfig): HostConfig {
  const h = {...given} as HostConfig & Record<string, unknown>;
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
  if (h.MemorySwappiness === -1) h.MemorySwappiness = null;
  if (typeof h.PidsLimit === 'number' && h.PidsLimit <= 0) h.PidsLimit = null;
  return h;
}
