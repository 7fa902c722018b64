/** `docker network create | rm | prune`: user bridge networks, each its own Linux bridge (br-<id12>) and subnet. */
import {conflict, forbidden, invalidArgument, notFound} from '../errors.js';
import {BridgeError, freeSubnet, removeBridge, ensureBridge, takenSubnets} from './bridge.js';
import {bridgeNameOption, checkDriverOptions, mtuOf} from './driver-options.js';
import {ipBatch} from './ip.js';
import type {NetworkManager} from './manager.js';
import {builtinNames, newId, type NetworkRecord} from './networks.js';
import {contains, formatSubnet, intToIp, ipToInt, overlaps, parseCidr, type Subnet} from './subnet.js';

export interface NetworkCreateRequest {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  IPAM?: {Driver?: string; Options?: Record<string, string> | null; Config?: Array<{Subnet?: string; Gateway?: string; IPRange?: string; AuxiliaryAddresses?: Record<string, string> | null}> | null} | null;
  Attachable?: boolean;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  EnableIPv6?: boolean;
}

function ourSubnets(mgr: NetworkManager): Subnet[] {
  return mgr.networks.all().flatMap((n) => (n.Subnet ? [parseCidr(n.Subnet).subnet] : []));
}

function cidr(text: string, what: string): Subnet {
  try {
    return parseCidr(text).subnet;
  } catch {
    // docker 28's words (its API checks the IPAM before the network driver sees it).
    throw invalidArgument(`invalid ${what} ${text}: invalid CIDR block notation`);
  }
}

function checkAddress(subnet: Subnet, address: string, what: string): void {
  let n: number;
  try {
    n = ipToInt(address);
  } catch {
    throw invalidArgument(`invalid ${what} ${address}: expected an IPv4 address`);
  }
  if (!contains(subnet, n) || n === subnet.base) throw invalidArgument(`${what} ${address} is not a host address in subnet ${formatSubnet(subnet)}`);
}

export async function createNetwork(mgr: NetworkManager, req: NetworkCreateRequest): Promise<NetworkRecord> {
  const name = req.Name ?? '';
  // dockerd 20.10 takes any non-empty name; only the built-in names and names in use are refused.
  if (name === '') throw invalidArgument('invalid name: ');
  if (builtinNames.includes(name)) throw forbidden(`${name} is a pre-defined network and cannot be created`);
  if (mgr.networks.byName(name)) throw conflict(`network with name ${name} already exists`);
  const driver = req.Driver || 'bridge';
  if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found: this engine makes bridge networks only`);
  const ipamDriver = req.IPAM?.Driver || 'default';
  if (ipamDriver !== 'default') throw notFound(`plugin "${ipamDriver}" not found`);
  const configs = (req.IPAM?.Config ?? []).filter((c) => !c.Subnet || !c.Subnet.includes(':'));
  // No IPv6 pool is configured on this engine, so an IPv6 network without its own IPv6 subnet is refused as dockerd refuses it.
  if (req.EnableIPv6) {
    const v6 = (req.IPAM?.Config ?? []).some((c) => c.Subnet?.includes(':'));
    if (!v6) throw forbidden('could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network');
    throw invalidArgument('IPv6 subnets are not supported by this engine: create the network without --ipv6');
  }
  if (configs.length > 1) throw invalidArgument('a network here has one IPv4 subnet; give at most one --subnet');
  const want = configs[0];
  let subnet: Subnet;
  if (want?.Subnet) {
    subnet = cidr(want.Subnet, 'subnet');
    if (subnet.prefix > 30) throw invalidArgument(`subnet ${want.Subnet} is too small for containers (at most /30)`);
    const clash = [...ourSubnets(mgr), ...(await takenSubnets())].find((s) => overlaps(s, subnet));
    if (clash) throw forbidden(`Pool overlaps with other one on this address space: ${formatSubnet(subnet)} overlaps ${formatSubnet(clash)}`);
  } else {
    if (want?.Gateway || want?.IPRange || want?.AuxiliaryAddresses) throw invalidArgument('a --gateway, --ip-range or --aux-address needs a --subnet');
    subnet = await freeSubnet(ourSubnets(mgr), undefined, mgr.config.pools);
  }
  let gateway = want?.Gateway || intToIp(subnet.base + 1);
  checkAddress(subnet, gateway, 'gateway');
  let range: Subnet | undefined;
  if (want?.IPRange) {
    range = cidr(want.IPRange, 'ip-range');
    if (range.prefix < subnet.prefix || !contains(subnet, range.base)) throw invalidArgument(`Invalid range ${want.IPRange} for ${formatSubnet(subnet)}`);
  }
  const aux = want?.AuxiliaryAddresses ?? {};
  for (const [k, v] of Object.entries(aux)) checkAddress(subnet, v, `auxiliary address ${k}`);
  const id = newId();
  const options = req.Options ?? {};
  checkDriverOptions(options);
  const bridge = options[bridgeNameOption] ?? `br-${id.slice(0, 12)}`;
  if (mgr.networks.all().some((n) => n.Bridge === bridge)) throw conflict(`bridge ${bridge} is already used by another network`);
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureBridge(bridge, {bip: `${gateway}/${subnet.prefix}`});
      const mtu = mtuOf(options);
      if (mtu) await ipBatch([`link set dev ${bridge} mtu ${mtu}`]);
      break;
    } catch (error) {
      // A subnet chosen here can be taken by another engine on the host between the choice and the bridge: choose again.
      if (want?.Subnet || attempt >= 5 || !(error instanceof BridgeError) || !/overlaps the host's route/.test(error.message)) throw error;
      subnet = await freeSubnet([...ourSubnets(mgr), subnet], undefined, mgr.config.pools);
      gateway = intToIp(subnet.base + 1);
    }
  }
  const net: NetworkRecord = {
    Name: name, Id: id, Created: new Date().toISOString(), Driver: 'bridge', Bridge: bridge, Subnet: formatSubnet(subnet), Gateway: gateway,
    UserSubnet: Boolean(want?.Subnet), UserGateway: Boolean(want?.Gateway), IPRange: range && formatSubnet(range), AuxiliaryAddresses: aux,
    Internal: Boolean(req.Internal), Attachable: Boolean(req.Attachable), Labels: req.Labels ?? {}, Options: options,
  };
  mgr.networks.add(net);
  return net;
}

export async function removeNetwork(mgr: NetworkManager, ref: string): Promise<void> {
  const net = mgr.networks.get(ref);
  if (builtinNames.includes(net.Name)) throw forbidden(`${net.Name} is a pre-defined network and cannot be removed`);
  const users = mgr.endpointsOn(net.Id);
  if (users.length > 0) throw forbidden(`error while removing network: network ${net.Name} id ${net.Id} has active endpoints (${users.map((u) => u.slice(0, 12)).join(', ')})`);
  if (net.Bridge) await removeBridge(net.Bridge);
  mgr.ipam.drop({Id: net.Id, Bridge: net.Bridge ?? '', Subnet: net.Subnet ?? '', Gateway: net.Gateway ?? ''});
  mgr.networks.delete(net.Id);
}

/** Removes user networks without running containers; returns their names. */
export async function pruneNetworks(mgr: NetworkManager, keep: (n: NetworkRecord) => boolean = () => false): Promise<string[]> {
  const removed: string[] = [];
  for (const n of mgr.networks.all()) {
    if (builtinNames.includes(n.Name) || keep(n) || mgr.endpointsOn(n.Id).length > 0) continue;
    await removeNetwork(mgr, n.Id);
    removed.push(n.Name);
  }
  return removed;
}
