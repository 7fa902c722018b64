/**
 * The lab VMs this machine knows, whichever provider runs them: the qemu provider's records (<state>/lab/vms) and
 * the libvirt provider's (<state>/lab/libvirt-vms). Commands that take a VM name (`lab ssh NAME`) find it here
 * instead of asking each provider in turn.
 */
import {listLibvirtRecords, readLibvirtRecord} from '../../vm/libvirt/record.js';
import {domainState} from '../../vm/libvirt/virsh.js';
import {listVms} from '../../vm/machine/lifecycle.js';
import {checkVmName, readVmRecord} from '../../vm/record.js';

export interface KnownMachine {
  provider: 'qemu' | 'libvirt';
  name: string;
  workdir: string;
}

/** The VM of that name: the qemu provider's first, as before libvirt existed; undefined when neither has one. */
export async function findMachine(name: string): Promise<KnownMachine | undefined> {
  try {
    checkVmName(name);
  } catch {
    return undefined;
  }
  const qemu = await readVmRecord(name);
  if (qemu) return {provider: 'qemu', name, workdir: qemu.workdir};
  const libvirt = await readLibvirtRecord(name);
  if (libvirt) return {provider: 'libvirt', name, workdir: libvirt.workdir};
  return undefined;
}

/** The only running VM or, among several (or none running), the one started last, over both providers. */
export async function latestMachine(): Promise<KnownMachine | undefined> {
  const qemu = (await listVms()).map((v) => ({
    machine: {provider: 'qemu' as const, name: v.record.name, workdir: v.record.workdir},
    running: v.state === 'running',
    at: v.record.startedAt ?? v.record.createdAt,
  }));
  const libvirt = await Promise.all(
    (await listLibvirtRecords()).map(async (r) => ({
      machine: {provider: 'libvirt' as const, name: r.name, workdir: r.workdir},
      // A host that cannot be reached counts as not running rather than failing the whole look-up.
      running: (await domainState(r.host.uri, r.domain).catch(() => undefined)) === 'running',
      at: r.startedAt ?? r.createdAt,
    })),
  );
  const all = [...qemu, ...libvirt];
  const running = all.filter((m) => m.running);
  const pool = running.length > 0 ? running : all;
  pool.sort((a, b) => b.at.localeCompare(a.at));
  return pool[0]?.machine;
}
