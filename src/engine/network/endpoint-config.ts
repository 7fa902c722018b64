/**
 * A container's membership of networks as the client asked for it (NetworkingConfig at create, the body of
 * /networks/{id}/connect): checked against the network with dockerd's words, then kept as sent.
 */
import {invalidArgument, forbidden} from '../errors.js';
import type {HostConfig} from '../model/container.js';
import type {EndpointConfig} from '../model/network-settings.js';
import type {NetworkRecord} from './networks.js';
import {contains, ipToInt, parseCidr} from './subnet.js';

/** The network NetworkMode names ("default" is the bridge), or undefined for container:<id>. */
export function modeNetwork(hc: HostConfig | undefined): string | undefined {
  const m = hc?.NetworkMode || 'default';
  if (m.startsWith('container:')) return undefined;
  return m === 'default' ? 'bridge' : m;
}

const isUserNetwork = (n: NetworkRecord) => n.Driver === 'bridge' && n.Name !== 'bridge';

/** dockerd's checks of one endpoint's settings against its network (daemon/container_operations.go's words). */
export function checkEndpointConfig(net: NetworkRecord, cfg: EndpointConfig): void {
  const ip = cfg.IPAMConfig?.IPv4Address ?? '';
  const hasIp = ip !== '' || (cfg.IPAMConfig?.IPv6Address ?? '') !== '';
  if (hasIp && !isUserNetwork(net)) throw invalidArgument('user specified IP address is supported on user defined networks only');
  if ((cfg.Aliases?.length ?? 0) > 0 && !isUserNetwork(net)) throw invalidArgument('network-scoped alias is supported only for containers in user defined networks');
  if (hasIp && !net.UserSubnet) throw invalidArgument('user specified IP address is supported only when connecting to networks with user configured subnets');
  if (ip) {
    let n: number;
    try {
      n = ipToInt(ip);
    } catch {
      throw invalidArgument(`invalid IPv4 address: ${ip}`);
    }
    if (!contains(parseCidr(net.Subnet!).subnet, n)) throw forbidden(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
  }
  const mac = cfg.MacAddress ?? '';
  if (mac && !/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(mac)) throw invalidArgument(`invalid MAC address: ${mac}`);
}

/** The endpoints a new container asks for: its NetworkMode's network first, then the others it names. */
export function initialEndpoints(hc: HostConfig | undefined, requested: Record<string, EndpointConfig | null> | undefined, find: (ref: string) => NetworkRecord | undefined): Record<string, EndpointConfig> {
  const out: Record<string, EndpointConfig> = {};
  const mode = modeNetwork(hc);
  // The CLI names the default network "default", as NetworkMode does.
  const entries = Object.entries(requested ?? {}).map(([ref, cfg]) => [ref === 'default' ? 'bridge' : ref, cfg] as const);
  if (mode === undefined) {
    if (entries.length > 0) throw invalidArgument('conflicting options: container type network can\'t be used with links. This would result in undefined behavior');
    return out;
  }
  const key = (ref: string) => find(ref)?.Name ?? ref;
  const modeNet = find(mode);
  // An unknown network is reported at start, as dockerd does: a 404 from create would make the CLI pull the image.
  if (!modeNet) return {[mode]: {...(entries.find(([ref]) => ref === mode)?.[1] ?? {})}};
  // Several networks at create, as dockerd takes them since API 1.44 (`docker run --network a --network b`).
  out[modeNet.Name] = {};
  for (const [ref, cfg] of entries) {
    const net = find(ref);
    if (net && cfg) checkEndpointConfig(net, cfg);
    out[key(ref)] = {...(cfg ?? {})};
  }
  return out;
}
