/**
 * The engine's networks, kept in <data-root>/network/networks.json: the three every Docker engine has
 * (bridge, host, none; their IDs are made once and kept) and the user's own bridge networks.
 */
import {randomBytes} from '../util/random.js';
import {mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {invalidArgument, notFound} from '../errors.js';
import {writeFileAtomic} from '../util/fs-atomic.js';

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Driver: 'bridge' | 'host' | 'null';
  /** Bridge networks: the Linux bridge device, the subnet and the gateway address on the bridge. */
  Bridge?: string;
  Subnet?: string;
  Gateway?: string;
  /** The subnet was given by the user (only then may containers ask for a fixed address on it). */
  UserSubnet?: boolean;
  UserGateway?: boolean;
  /** IPAM: the part of the subnet addresses are handed out from, and addresses kept out of use by name. */
  IPRange?: string;
  AuxiliaryAddresses?: Record<string, string>;
  Internal?: boolean;
  Attachable?: boolean;
  Labels: Record<string, string>;
  Options: Record<string, string>;
}

export const isUserNetwork = (n: Pick<NetworkRecord, 'Driver' | 'Name'>) => n.Driver === 'bridge' && n.Name !== 'bridge';

export const builtinNames = ['bridge', 'host', 'none'];

export const newId = () => randomBytes(32).toString('hex');

export class NetworkStore {
  private readonly file: string;
  private readonly byId = new Map<string, NetworkRecord>();

  constructor(dataRoot: string) {
    const dir = join(dataRoot, 'network');
    mkdirSync(dir, {recursive: true, mode: 0o700});
    this.file = join(dir, 'networks.json');
    let saved: NetworkRecord[] = [];
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8')) as NetworkRecord[];
    } catch {
      // first start, or a file cut short: the built-in networks are made again below
    }
    for (const n of saved) this.byId.set(n.Id, n);
    const now = new Date().toISOString();
    for (const [Name, Driver] of [['bridge', 'bridge'], ['host', 'host'], ['none', 'null']] as const) {
      if (!this.byName(Name)) this.byId.set(newId(), {Name, Id: '', Created: now, Driver, Labels: {}, Options: {}});
    }
    for (const [id, n] of this.byId) n.Id = id;
    this.save();
  }

  save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.all(), null, 1));
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()].sort((a, b) => a.Created.localeCompare(b.Created) || a.Name.localeCompare(b.Name));
  }

  byName(name: string): NetworkRecord | undefined {
    return this.all().find((n) => n.Name === name);
  }

  /** Docker's lookup: full ID, exact name, then a unique ID prefix. */
  find(ref: string): NetworkRecord | undefined {
    const exact = this.byId.get(ref) ?? this.byName(ref);
    if (exact) return exact;
    if (!/^[a-f0-9]+$/.test(ref)) return undefined;
    const matches = [...this.byId.values()].filter((n) => n.Id.startsWith(ref));
    if (matches.length > 1) throw invalidArgument(`network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`);
    return matches[0];
  }

  get(ref: string): NetworkRecord {
    const n = this.find(ref);
    if (!n) throw notFound(`network ${ref} not found`);
    return n;
  }

  add(n: NetworkRecord): void {
    this.byId.set(n.Id, n);
    this.save();
  }

  delete(id: string): void {
    this.byId.delete(id);
    this.save();
  }
}
