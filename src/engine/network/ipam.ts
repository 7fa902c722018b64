/**
 * Address management for bridge networks: the lowest free host address after the gateway, as Docker hands
 * them out (172.17.0.2, .3, ...). Allocations persist in <data-root>/network/ipam/<network id>.json, so a
 * daemon restart keeps running containers' addresses.
 *
 * Two engines may share one bridge (tests start many). Each address in use on a bridge is also claimed in a
 * host-wide lease file, /run/labd/ipam/<bridge>/<address>, created with O_EXCL so only one engine gets it.
 * A lease whose engine no longer records that allocation (crash, deleted data-root) is stale and reused.
 */
import {randomBytes} from '../util/random.js';
import {existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {hosts, intToIp, parseCidr, size} from './subnet.js';

export interface IpamNetwork {
  Id: string;
  Bridge: string;
  Subnet: string;
  Gateway: string;
  /** Dynamic addresses come from here only (--ip-range); fixed ones may be anywhere in the subnet. */
  IPRange?: string;
  /** Addresses never handed out (--aux-address). */
  Reserved?: string[];
}

interface Lease {
  dataRoot: string;
  owner: string;
}

type Allocations = Record<string, string>;

export class IpamError extends Error {
  override name = 'IpamError';
}

export class Ipam {
  private readonly dir: string;

  constructor(
    private readonly dataRoot: string,
    private readonly leaseRoot = '/run/labd/ipam',
  ) {
    this.dir = join(dataRoot, 'network', 'ipam');
    mkdirSync(this.dir, {recursive: true, mode: 0o700});
  }

  private file(netId: string): string {
    return join(this.dir, `${netId}.json`);
  }

  /** Address → owner (a container ID) for one network. */
  allocations(netId: string): Allocations {
    try {
      return JSON.parse(readFileSync(this.file(netId), 'utf8')) as Allocations;
    } catch {
      return {};
    }
  }

  private save(netId: string, a: Allocations): void {
    if (Object.keys(a).length === 0) rmSync(this.file(netId), {force: true});
    else writeFileAtomic(this.file(netId), JSON.stringify(a, null, 1));
  }

  private leaseDir(net: IpamNetwork): string {
    return join(this.leaseRoot, net.Bridge);
  }

  /** True when the lease was taken (or already ours). */
  private claim(net: IpamNetwork, address: string, owner: string): boolean {
    const dir = this.leaseDir(net);
    mkdirSync(dir, {recursive: true, mode: 0o700});
    const path = join(dir, address);
    const mine = JSON.stringify({dataRoot: this.dataRoot, owner} satisfies Lease);
    try {
      writeFileSync(path, mine, {flag: 'wx'});
      return true;
    } catch {
      // Held already: by us, by another live engine, or left behind.
    }
    let lease: Lease | undefined;
    try {
      lease = JSON.parse(readFileSync(path, 'utf8')) as Lease;
    } catch {
      lease = undefined;
    }
    // An unreadable lease may be one being written this instant: only an old one counts as debris.
    if (!lease && Date.now() - statMtime(path) < 5000) return false;
    if (lease && lease.dataRoot === this.dataRoot && lease.owner === owner) return true;
    if (lease && stillAllocated(lease, address)) return false;
    // Take over a stale lease by renaming it away (atomic: one engine wins), then claim as usual.
    const grave = `${path}.${randomBytes(4).toString('hex')}.stale`;
    try {
      renameSync(path, grave);
    } catch {
      return false;
    }
    const moved = readFileSync(grave, 'utf8');
    rmSync(grave, {force: true});
    if (lease && moved !== JSON.stringify(lease)) {
      // A fresh lease was renamed in the meantime: give it back.
      try {
        writeFileSync(path, moved, {flag: 'wx'});
      } catch {
        // its place was taken again; that engine's record still protects the address
      }
      return false;
    }
    try {
      writeFileSync(path, mine, {flag: 'wx'});
      return true;
    } catch {
      return false;
    }
  }

  private unclaim(net: IpamNetwork, address: string, owner: string): void {
    const path = join(this.leaseDir(net), address);
    try {
      const lease = JSON.parse(readFileSync(path, 'utf8')) as Lease;
      if (lease.dataRoot === this.dataRoot && lease.owner === owner) rmSync(path, {force: true});
    } catch {
      // no lease: nothing to release
    }
  }

  /**
   * The owner's address on this network: `wanted` when given (refused when another owner holds it), else the
   * one it holds, else the lowest free one in the range.
   */
  allocate(net: IpamNetwork, owner: string, wanted?: string): string {
    const a = this.allocations(net.Id);
    if (wanted) {
      if (a[wanted] === owner && this.claim(net, wanted, owner)) return wanted;
      const taken = (a[wanted] !== undefined && a[wanted] !== owner) || wanted === net.Gateway || (net.Reserved ?? []).includes(wanted);
      if (!taken) {
        for (const [address, o] of Object.entries(a)) if (o === owner) this.releaseOne(net, a, address, owner);
        a[wanted] = owner;
        this.save(net.Id, a);
        if (this.claim(net, wanted, owner)) return wanted;
        delete a[wanted];
        this.save(net.Id, a);
      }
      throw new IpamError('Address already in use');
    }
    const held = Object.entries(a).find(([, o]) => o === owner)?.[0];
    if (held && this.claim(net, held, owner)) return held;
    const reserved = new Set(net.Reserved ?? []);
    for (const n of candidates(net)) {
      const address = intToIp(n);
      if (address === net.Gateway || reserved.has(address) || a[address] !== undefined) continue;
      // Recorded before the lease is taken, so another engine never judges the fresh lease stale.
      a[address] = owner;
      this.save(net.Id, a);
      if (this.claim(net, address, owner)) return address;
      delete a[address];
      this.save(net.Id, a);
    }
    throw new IpamError(`no free address is left in network subnet ${net.IPRange ?? net.Subnet}`);
  }

  private releaseOne(net: IpamNetwork, a: Allocations, address: string, owner: string): void {
    delete a[address];
    this.save(net.Id, a);
    this.unclaim(net, address, owner);
  }

  release(net: IpamNetwork, owner: string): void {
    const a = this.allocations(net.Id);
    for (const [address, o] of Object.entries(a)) {
      if (o !== owner) continue;
      delete a[address];
      this.save(net.Id, a);
      this.unclaim(net, address, owner);
    }
  }

  /** After a restart: drop allocations whose owner is not kept; renew the leases of those that are. */
  reconcile(net: IpamNetwork, keep: (owner: string) => boolean): string[] {
    const a = this.allocations(net.Id);
    const dropped: string[] = [];
    for (const [address, owner] of Object.entries(a)) {
      if (keep(owner)) {
        this.claim(net, address, owner);
        continue;
      }
      delete a[address];
      this.unclaim(net, address, owner);
      dropped.push(address);
    }
    this.save(net.Id, a);
    return dropped;
  }

  /** Everything of a removed network. */
  drop(net: IpamNetwork): void {
    for (const [address, owner] of Object.entries(this.allocations(net.Id))) this.unclaim(net, address, owner);
    rmSync(this.file(net.Id), {force: true});
    try {
      rmdirSync(this.leaseDir(net));
    } catch {
      // another engine still holds leases on a bridge of that name
    }
  }
}

/** Dynamic addresses: the subnet's hosts, or every address of the range that is a host of the subnet. */
function* candidates(net: IpamNetwork): Generator<number> {
  const {subnet} = parseCidr(net.Subnet);
  if (!net.IPRange) return yield* hosts(subnet);
  const range = parseCidr(net.IPRange).subnet;
  const last = subnet.base + size(subnet) - 1;
  for (let i = 0; i < size(range); i++) {
    const n = range.base + i;
    if (n !== subnet.base && n !== last) yield n;
  }
}

function statMtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Whether the engine named in a lease still records that address as allocated. */
function stillAllocated(lease: Lease, address: string): boolean {
  const dir = join(lease.dataRoot, 'network', 'ipam');
  if (!existsSync(dir)) return false;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    try {
      const a = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Allocations;
      if (a[address] === lease.owner) return true;
    } catch {
      // unreadable: judge by the other files
    }
  }
  return false;
}
