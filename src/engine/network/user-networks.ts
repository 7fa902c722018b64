/** `docker network create | rm | prune`: user bridge networks, each its own Linux bridge (br-<id12>) and subnet. */
import {conflict, forbidden, invalidArgument, notFound} from '../errors.js';
import {freeSubnet, removeBridge, ensureBridge, takenSubnets} from './bridge.js';
import type {NetworkManager} from './manager.js';
import {builtinNames, newId, type NetworkRecord} from './networks.js';
import {contains, formatSubnet, intToIp, ipToInt, overlaps, parseCidr, type Subnet} from './subnet.js';

export interface NetworkCreateRequest {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  IPAM?: {Driver?: string; Config?: Array<{Subnet?: string; Gateway?: string; IPRange?: string}> | null} | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  EnableIPv6?: boolean;
}

function ourSubnets(mgr: NetworkManager): Subnet[] {
  return mgr.networks.all().flatMap((n) => (n.Subnet ? [parseCidr(n.Subnet).subnet] : []));
}

export async function createNetwork(mgr: NetworkManager, req: NetworkCreateRequest): Promise<NetworkRecord> {
  const name = req.Name ?? '';
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw invalidArgument(`invalid network name "${name}": use letters, digits, "_", "." and "-", starting with a letter or digit`);
  if (builtinNames.includes(name)) throw forbidden(`${name} is a pre-defined network and cannot be created`);
  if (mgr.networks.byName(name)) throw conflict(`network with name ${name} already exists`);
  const driver = req.Driver || 'bridge';
  if (driver !== 'bridge') throw notFound(`plugin "${driver}" not found: this engine makes bridge networks only`);
  if (req.EnableIPv6) throw invalidArgument('IPv6 networks are not supported by this engine');
  const configs = req.IPAM?.Config ?? [];
  if (configs.length > 1) throw invalidArgument('a network here has one subnet; give at most one --subnet');
  const want = configs[0];
  let subnet: Subnet;
  if (want?.Subnet) {
    subnet = parseCidr(want.Subnet).subnet;
    if (subnet.prefix > 30) throw invalidArgument(`subnet ${want.Subnet} is too small for containers (at most /30)`);
    const clash = [...ourSubnets(mgr), ...(await takenSubnets())].find((s) => overlaps(s, subnet));
    if (clash) throw forbidden(`Pool overlaps with other one on this address space: ${formatSubnet(subnet)} overlaps ${formatSubnet(clash)}`);
  } else {
    if (want?.Gateway) throw invalidArgument('a --gateway needs a --subnet');
    subnet = await freeSubnet(ourSubnets(mgr));
  }
  const gateway = want?.Gateway ?? intToIp(subnet.base + 1);
  if (!contains(subnet, ipToInt(gateway)) || ipToInt(gateway) === subnet.base) throw invalidArgument(`gateway ${gateway} is not a host address in subnet ${formatSubnet(subnet)}`);
  const id = newId();
  const options = req.Options ?? {};
  const bridge = options['com.docker.network.bridge.name'] ?? `br-${id.slice(0, 12)}`;
  if (mgr.networks.all().some((n) => n.Bridge === bridge)) throw conflict(`bridge ${bridge} is already used by another network`);
  await ensureBridge(bridge, {bip: `${gateway}/${subnet.prefix}`});
  const net: NetworkRecord = {
    Name: name, Id: id, Created: new Date().toISOString(), Driver: 'bridge', Bridge: bridge, Subnet: formatSubnet(subnet), Gateway: gateway,
    Internal: Boolean(req.Internal), Labels: req.Labels ?? {}, Options: options,
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
