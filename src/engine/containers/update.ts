/**
 * `docker update`: new limits for a container, running or not. The record's HostConfig takes the fields the
 * request sets (as dockerd, a field left at zero keeps its value), is checked like a create, and a running
 * container's cgroup is rewritten by the runtime's update at once.
 */
import {conflict, invalidArgument, systemError} from '../errors.js';
import {checkHostConfig, cgroupResources, type ResourceConfig} from '../runtime/resources.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';
import {emit, type ContainerContext} from './context.js';
import {checkRestartPolicy} from './restart-policy.js';

/** The request body's fields this engine applies (Docker's UpdateConfig, less the block-I/O device lists). */
export type UpdateRequest = Pick<ResourceConfig, 'Memory' | 'MemorySwap' | 'MemoryReservation' | 'NanoCpus' | 'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'CpusetCpus' | 'CpusetMems' | 'PidsLimit' | 'BlkioWeight'> & {
  RestartPolicy?: {Name: string; MaximumRetryCount?: number};
};

const numeric = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'BlkioWeight'] as const;

/** The HostConfig the update leads to; throws Docker's 400s, and its 409 for a memory limit above the swap limit. */
export function updatedHostConfig(current: HostConfig, req: UpdateRequest, id: string): HostConfig {
  // As dockerd: the request's own values are checked first, then against what the container has.
  checkHostConfig(req as HostConfig);
  // dockerd compares a new memory limit with the swap limit kept (0, none, for a container made without limits,
  // -1 for unlimited swap) unless the request sets the swap limit too.
  if ((req.Memory ?? 0) > 0 && !(req.MemorySwap ?? 0) && req.Memory! > Number(current.MemorySwap ?? 0)) {
    throw conflict(`Cannot update container ${id}: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time`);
  }
  const next: Record<string, unknown> = {...current};
  for (const key of numeric) {
    const value = req[key];
    if (value === undefined || value === null || value === 0) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(`${key}: expected a number`);
    next[key] = value;
  }
  // --cpus replaces a period and quota given before, and the other way round; both in one request stay, and the
  // check below refuses them as a create would.
  const nano = (req.NanoCpus ?? 0) > 0;
  const periodic = (req.CpuPeriod ?? 0) > 0 || (req.CpuQuota ?? 0) > 0;
  if (nano && !periodic) next.CpuPeriod = next.CpuQuota = 0;
  if (periodic && !nano) next.NanoCpus = 0;
  if (req.CpusetCpus) next.CpusetCpus = req.CpusetCpus;
  if (req.CpusetMems) next.CpusetMems = req.CpusetMems;
  if (req.PidsLimit !== undefined && req.PidsLimit !== null && req.PidsLimit !== 0) next.PidsLimit = req.PidsLimit > 0 ? req.PidsLimit : 0;
  if (req.RestartPolicy?.Name !== undefined && req.RestartPolicy.Name !== '') next.RestartPolicy = req.RestartPolicy;
  checkHostConfig(next as HostConfig);
  checkRestartPolicy(next as HostConfig);
  return next as HostConfig;
}

/** The new limits for a running container's cgroup, as the runtime's linux.resources. */
export function runtimeResources(c: ContainerRecord, req: UpdateRequest): object {
  const resources = cgroupResources(c.HostConfig);
  // --pids-limit -1 (or 0 with a limit set before): back to no limit, which runc writes as "max".
  if (req.PidsLimit !== undefined && req.PidsLimit !== null && req.PidsLimit < 0) resources.pids = {limit: -1};
  return resources;
}

/** The `update` verb: new limits in the record, and in the cgroup at once when it runs. */
export async function update(ctx: ContainerContext, ref: string, req: UpdateRequest): Promise<string[]> {
  const c = ctx.store.get(ref);
  const before = c.HostConfig;
  c.HostConfig = updatedHostConfig(c.HostConfig, req, c.ID);
  if (c.State.Running) {
    try {
      await ctx.runtime.update(c.ID, runtimeResources(c, req));
    } catch (error) {
      c.HostConfig = before;
      throw systemError(`Cannot update container ${c.ID}: ${(error as Error).message}`);
    }
  }
  ctx.store.save(c);
  emit(ctx, c, 'update');
  return [];
}
