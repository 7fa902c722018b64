/**
 * The Linux bridge a network's containers plug into, with the gateway address on it (docker0: 172.17.0.1/16).
 * A bridge the engine made carries the link alias "labd", so a bridge of a real dockerd is never taken over,
 * while a second labd on the same host can share one of ours (addresses stay apart: see ipam.ts).
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {addresses, ip, ipBatch, linkInfo, links, routes} from './ip.js';
import {formatSubnet, intToIp, overlaps, parseCidr, type Subnet} from './subnet.js';

export const bridgeAlias = 'labd';

export class BridgeError extends Error {
  override name = 'BridgeError';
}

/** A pool of subnets: each `size`-long prefix inside `base`. */
export interface AddressPool {
  base: string;
  size: number;
}

/** Docker's local pools: 172.17-31.0.0/16, then 192.168.0.0/16 cut into /20s. */
const dockerPools: AddressPool[] = [{base: '172.17.0.0/16', size: 16}, {base: '172.18.0.0/15', size: 16}, {base: '172.20.0.0/14', size: 16}, {base: '172.24.0.0/14', size: 16}, {base: '172.28.0.0/14', size: 16}, {base: '192.168.0.0/16', size: 20}];

function* candidateSubnets(pools: AddressPool[]): Generator<Subnet> {
  for (const pool of pools) {
    const {base, prefix} = parseCidr(pool.base).subnet;
    const step = 2 ** (32 - pool.size);
    for (let at = base; at < base + 2 ** (32 - prefix); at += step) yield {base: at, prefix: pool.size};
  }
}

/** Subnets the host already routes (except through `ownBridge`), which a new network must not overlap. */
export async function takenSubnets(ownBridge?: string): Promise<Subnet[]> {
  const list = await routes();
  return list.filter((r) => r.dev !== ownBridge).map((r) => parseCidr(r.dst).subnet);
}

/** The first subnet of the pools (daemon.json's, else Docker's) that neither `avoid` nor the host's routes overlap. */
export async function freeSubnet(avoid: Subnet[], ownBridge?: string, pools?: AddressPool[]): Promise<Subnet> {
  const taken = [...avoid, ...(await takenSubnets(ownBridge))];
  for (const s of candidateSubnets(pools ?? dockerPools)) if (!taken.some((t) => overlaps(s, t))) return s;
  const where = pools ? `the daemon.json "default-address-pools" (${pools.map((p) => `${p.base} in /${p.size}s`).join(', ')})` : '172.17.0.0/12 or 192.168.0.0/16';
  throw new BridgeError(`could not find an available, non-overlapping IPv4 address pool: no free subnet is left in ${where} for a bridge network; remove some networks, or add a pool in daemon.json`);
}

/** docker0 unless something not ours (a real Docker) holds that name; then lab0, lab1... */
export async function defaultBridgeName(): Promise<string> {
  for (const name of ['docker0', 'lab0', 'lab1', 'lab2', 'lab3']) {
    let info = await linkInfo(name);
    // Another engine may be between creating the bridge and naming it ours: look once more.
    if (info && info.ifalias !== bridgeAlias) {
      await new Promise((r) => setTimeout(r, 200));
      info = await linkInfo(name);
    }
    if (!info || info.ifalias === bridgeAlias) return name;
  }
  throw new BridgeError('docker0 and lab0-lab3 all belong to other software: name a bridge with "bridge" in daemon.json');
}

export interface BridgeAddress {
  subnet: string;
  gateway: string;
  prefix: number;
}

/**
 * Makes sure the bridge exists, is up and has its gateway address. `bip` (daemon.json) wins; otherwise an
 * existing bridge keeps its address, and a new one gets the first subnet that clashes with no host route.
 */
export async function ensureBridge(name: string, opts: {bip?: string; avoid?: Subnet[]; pools?: AddressPool[]}): Promise<BridgeAddress> {
  try {
    return await setUpBridge(name, opts);
  } catch (error) {
    // Two engines starting together race to make the same bridge; the loser finds it made and only checks it.
    if (error instanceof BridgeError) throw error;
    await new Promise((r) => setTimeout(r, 100));
    return await setUpBridge(name, opts);
  }
}

async function setUpBridge(name: string, opts: {bip?: string; avoid?: Subnet[]; pools?: AddressPool[]}): Promise<BridgeAddress> {
  if (name.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new BridgeError(`"${name}" cannot be a network device name (at most 15 letters, digits, "_", "." or "-")`);
  const info = await linkInfo(name);
  if (info && info.linkinfo?.info_kind !== 'bridge') throw new BridgeError(`the host's ${name} is not a bridge (it is a ${info.linkinfo?.info_kind ?? 'plain'} device); choose another "bridge" in daemon.json`);
  const current = info ? await addresses(name) : [];
  let wanted: string;
  if (opts.bip) {
    const {subnet, address} = parseCidr(opts.bip);
    if (address === subnet.base) throw new BridgeError(`bip ${opts.bip} is the network address itself; give the gateway's address, e.g. ${intToIp(subnet.base + 1)}/${subnet.prefix}`);
    wanted = opts.bip;
  } else if (current.length > 0) {
    wanted = current[0];
  } else {
    const s = await freeSubnet(opts.avoid ?? [], name, opts.pools);
    wanted = `${intToIp(s.base + 1)}/${s.prefix}`;
  }
  const {subnet, address} = parseCidr(wanted);
  const lines: string[] = [];
  if (!info) lines.push(`link add ${name} type bridge`, `link set ${name} alias ${bridgeAlias}`);
  if (!current.includes(wanted)) {
    if (current.length > 0) {
      const ports = (await links()).filter((l) => l.master === name);
      if (ports.length > 0) throw new BridgeError(`bridge ${name} has address ${current.join(', ')} and ${ports.length} container(s) attached; cannot change it to ${wanted} (stop those containers, or use another "bridge")`);
      lines.push(`addr flush dev ${name}`);
    }
    const clash = (await takenSubnets(name)).find((t) => overlaps(t, subnet));
    if (clash) throw new BridgeError(`bridge ${name}: subnet ${formatSubnet(subnet)} overlaps the host's route to ${formatSubnet(clash)}; choose another "bip" in daemon.json`);
    lines.push(`addr add ${wanted} dev ${name}`);
  }
  lines.push(`link set ${name} up`);
  await ipBatch(lines);
  return {subnet: formatSubnet(subnet), gateway: intToIp(address), prefix: subnet.prefix};
}

export async function removeBridge(name: string): Promise<void> {
  const info = await linkInfo(name);
  if (info && info.ifalias === bridgeAlias) await ip('link', 'del', name);
}

/** Routing between the bridge and the host's other interfaces needs forwarding on, as dockerd turns it on. */
export function enableForwarding(): void {
  const path = '/proc/sys/net/ipv4/ip_forward';
  try {
    if (readFileSync(path, 'utf8').trim() !== '1') writeFileSync(path, '1');
  } catch {
    // A read-only /proc/sys (inside some sandboxes): containers still reach each other and the host.
  }
}
