/**
 * A VM for every student of the roster on the department's libvirt hosts: `lab class start` places each on the
 * host with the most free memory (counting the VMs placed before it), uploads the image to every host that will
 * run one, and starts them a few at a time; status, stop and destroy act on the roster's VMs wherever they run.
 */
import type {VmImage} from '../../vm/build/index.js';
import {type HostPool, hostsByFreeMemory, type LibvirtHost, pickHost} from '../../vm/libvirt/hosts.js';
import {destroyLibvirtVm, libvirtVmStatus, startLibvirtVm, stopLibvirtVm} from '../../vm/libvirt/machine.js';
import {type LibvirtVmRecord, readLibvirtRecord} from '../../vm/libvirt/record.js';
import {ensureImageVolumes} from '../../vm/libvirt/storage.js';
import {hostUuid} from '../../vm/libvirt/virsh.js';
import {fileSlug} from '../roster/slug.js';
import type {Roster, RosterStudent} from '../roster/types.js';

/** The VM name of a student: the roster's vm column, else "class-" and the slug of the id. */
export function classVmName(student: RosterStudent): string {
  return (student.vm ?? `class-${fileSlug(student.id)}`).toLowerCase();
}

export interface ClassProgress {
  (done: number, total: number, item: string, ok: boolean, detail: string): void;
}

export interface ClassVm {
  student: string;
  vm: string;
  host?: string;
  /** How the student logs in: ssh -p PORT root@ADDRESS, with the host key pinned by knownHosts. */
  ssh?: {address: string; port: number; knownHosts: string; fingerprint: string};
  state: string;
  readySeconds?: number;
  error?: string;
}

export interface StartClassOptions {
  roster: Roster;
  hosts: HostPool;
  image: VmImage;
  /** VMs started at once (default 4): the hosts boot in parallel, and each boot is CPU-bound under TCG. */
  concurrency?: number;
  waitForEngine?: boolean;
  onProgress?: ClassProgress;
  onMessage?: (message: string) => void;
}

function describe(student: RosterStudent, record: LibvirtVmRecord | undefined, state: string, error?: string): ClassVm {
  const out: ClassVm = {student: student.id, vm: classVmName(student), state};
  if (record) {
    out.host = record.host.name;
    const token = record.sshPort === 22 ? record.host.address : `[${record.host.address}]:${record.sshPort}`;
    out.ssh = {address: record.host.address, port: record.sshPort, knownHosts: `${token} ${record.hostKey}`, fingerprint: record.hostKeyFingerprint};
    if (record.readyMs !== undefined) out.readySeconds = Math.round(record.readyMs / 100) / 10;
  }
  if (error) out.error = error;
  return out;
}

/** Where each student's VM goes: the host it already is on, else the one with most free memory left. */
export async function placeClass(students: RosterStudent[], hosts: HostPool, memoryMiB: number): Promise<Map<string, LibvirtHost>> {
  const memory = await hostsByFreeMemory(hosts.hosts);
  const pending = new Map<string, number>();
  const placement = new Map<string, LibvirtHost>();
  for (const student of students) {
    const existing = await readLibvirtRecord(classVmName(student));
    const host = existing?.host ?? pickHost(memory, pending);
    if (!existing) pending.set(host.name, (pending.get(host.name) ?? 0) + memoryMiB * 2 ** 20);
    placement.set(student.id, host);
  }
  return placement;
}

/** Runs `work` over items, `limit` at a time, in order of the list. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({length: Math.max(1, Math.min(limit, items.length))}, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export async function startClass(opts: StartClassOptions): Promise<ClassVm[]> {
  const {roster, hosts, image} = opts;
  const memoryMiB = hosts.vm.memoryMiB ?? image.machine.memoryMiB;
  const placement = await placeClass(roster.students, hosts, memoryMiB);
  // Each host that gets a VM gets the image first, once, before VMs race for it.
  // Two entries may be the same libvirtd (its URI and qemu+ssh to itself): those upload one after the other.
  const used = [...new Map([...placement.values()].map((h) => [h.name, h])).values()];
  const byDaemon = new Map<string, LibvirtHost[]>();
  for (const [i, uuid] of (await Promise.all(used.map((h) => hostUuid(h.uri)))).entries()) byDaemon.set(uuid, [...(byDaemon.get(uuid) ?? []), used[i]!]);
  await Promise.all(
    [...byDaemon.values()].map(async (same) => {
      for (const h of same) await ensureImageVolumes(h.uri, h.pool, image, opts.onMessage);
    }),
  );
  const results = new Map<string, ClassVm>();
  let done = 0;
  await eachLimited(roster.students, opts.concurrency ?? 4, async (student) => {
    const host = placement.get(student.id)!;
    let result: ClassVm;
    try {
      const started = await startLibvirtVm(classVmName(student), {
        host,
        image,
        memoryMiB: hosts.vm.memoryMiB,
        cpus: hosts.vm.cpus,
        authorizedKeys: student.sshKey ? [student.sshKey] : [],
        student: student.id,
        waitForEngine: opts.waitForEngine,
      });
      result = describe(student, started.record, started.engine === 'failed' ? 'running, engine failed' : 'running');
    } catch (error) {
      result = describe(student, await readLibvirtRecord(classVmName(student)), 'failed', (error as Error).message);
    }
    results.set(student.id, result);
    done++;
    opts.onProgress?.(done, roster.students.length, `${student.id} (${result.vm} on ${host.name})`, result.state !== 'failed', result.error ?? result.state);
  });
  return roster.students.map((s) => results.get(s.id)!);
}

export async function classStatus(roster: Roster): Promise<ClassVm[]> {
  return Promise.all(
    roster.students.map(async (student) => {
      const record = await readLibvirtRecord(classVmName(student));
      if (!record) return describe(student, undefined, 'none');
      return describe(student, record, (await libvirtVmStatus(record)).state);
    }),
  );
}

/** Stops (keeping the disks) or destroys (nothing left) every VM of the roster; the others are untouched. */
export async function endClass(roster: Roster, how: 'stop' | 'destroy', onProgress?: ClassProgress): Promise<ClassVm[]> {
  const out: ClassVm[] = [];
  let done = 0;
  await eachLimited(roster.students, 8, async (student) => {
    const name = classVmName(student);
    const record = await readLibvirtRecord(name);
    let result: ClassVm;
    try {
      if (!record) result = describe(student, undefined, 'none');
      else if (how === 'stop') result = describe(student, record, (await stopLibvirtVm(name)) === 'stopped' ? 'shut off' : 'was not running');
      else result = describe(student, record, (await destroyLibvirtVm(name)) ? 'destroyed' : 'none');
    } catch (error) {
      result = describe(student, record, 'failed', (error as Error).message);
    }
    out.push(result);
    done++;
    onProgress?.(done, roster.students.length, student.id, result.state !== 'failed', result.error ?? result.state);
  });
  const order = new Map(roster.students.map((s, i) => [s.id, i]));
  return out.sort((a, b) => order.get(a.student)! - order.get(b.student)!);
}

