/**
 * Networking as the API shows it: a container's NetworkSettings (inspect, ps), `docker network inspect`,
 * and the few things other parts of the engine read from it (config.json's netns, /etc/hosts).
 */
import type {ContainerRecord} from '../model/container.js';
import type {NetworkRecord} from './networks.js';
import {portSummary} from './ports.js';
import type {EndpointSettings, NetworkSettings, PortMap} from '../model/network-settings.js';

export interface Attachment {
  endpointId: string;
  ip?: string;
  prefix?: number;
  gateway?: string;
  mac?: string;
}

export function endpointSettings(networkId: string, a?: Attachment): EndpointSettings {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: a?.mac ?? '', DriverOpts: null, GwPriority: 0,
    NetworkID: networkId, EndpointID: a?.endpointId ?? '', Gateway: a?.gateway ?? '', IPAddress: a?.ip ?? '',
    IPPrefixLen: a?.prefix ?? 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** Settings of a container on a network. Docker repeats the default bridge's address at the top level. */
export function networkSettings(net: NetworkRecord | undefined, a: Attachment | undefined, extra: {sandboxId?: string; sandboxKey?: string; ports?: PortMap} = {}): NetworkSettings {
  const top = net?.Name === 'bridge' && a ? a : undefined;
  return {
    Bridge: '', SandboxID: extra.sandboxId ?? '', SandboxKey: extra.sandboxKey ?? '', Ports: extra.ports ?? {}, HairpinMode: false,
    LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: top?.endpointId ?? '', Gateway: top?.gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: top?.ip ?? '', IPPrefixLen: top?.prefix ?? 0, IPv6Gateway: '', MacAddress: top?.mac ?? '',
    Networks: net ? {[net.Name]: endpointSettings(net.Id, a)} : {},
  };
}

/** What a stopped container keeps: which networks it belongs to, no addresses, no ports. */
export function stoppedSettings(s: NetworkSettings): NetworkSettings {
  const networks: Record<string, EndpointSettings> = {};
  for (const [name, e] of Object.entries(s.Networks)) networks[name] = endpointSettings(e.NetworkID);
  return {...networkSettings(undefined, undefined), Networks: networks};
}

/** The network name a container's mode refers to, for containers not yet started. */
export function modeName(c: ContainerRecord): string {
  const m = c.HostConfig.NetworkMode || 'default';
  return m === 'default' ? 'bridge' : m;
}

export function containerNetworkSettings(c: ContainerRecord): NetworkSettings {
  if (c.NetworkSettings) return c.NetworkSettings;
  const name = modeName(c);
  const s = networkSettings(undefined, undefined);
  return name.startsWith('container:') ? s : {...s, Networks: {[name]: endpointSettings('')}};
}

export function containerPorts(c: ContainerRecord): ReturnType<typeof portSummary> {
  return c.State.Running ? portSummary(containerNetworkSettings(c).Ports) : [];
}

/** config.json's network namespace: none for host networking, the prepared netns, or a fresh empty one. */
export function ociNetworkNamespaces(c: ContainerRecord): Array<{type: 'network'; path?: string}> {
  if (c.HostConfig.NetworkMode === 'host') return [];
  const key = c.NetworkSettings?.SandboxKey;
  return [key ? {type: 'network', path: key} : {type: 'network'}];
}

/** /etc/hosts lines naming the container by its address, as Docker writes them. */
export function hostsEntries(c: ContainerRecord): string[] {
  const s = c.NetworkSettings;
  const ips = Object.values(s?.Networks ?? {}).map((e) => e.IPAddress).filter(Boolean);
  const names = [c.Config.Hostname || c.ID.slice(0, 12)];
  return ips.map((ip) => `${ip}\t${names.join(' ')}`);
}

const bridgeOptions = (n: NetworkRecord, bindIp: string, isDefault: boolean): Record<string, string> => ({
  ...(isDefault ? {'com.docker.network.bridge.default_bridge': 'true'} : {}),
  'com.docker.network.bridge.enable_icc': 'true',
  'com.docker.network.bridge.enable_ip_masquerade': 'false',
  'com.docker.network.bridge.host_binding_ipv4': bindIp,
  'com.docker.network.bridge.name': n.Bridge ?? '',
  'com.docker.network.driver.mtu': '1500',
  ...n.Options,
});

/** `docker network inspect` (and, without Containers, a `docker network ls` row). */
export function networkView(n: NetworkRecord, containers: ContainerRecord[] | null, bindIp: string) {
  const members: Record<string, {Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string}> = {};
  for (const c of containers ?? []) {
    const e = c.State.Running ? c.NetworkSettings?.Networks[n.Name] : undefined;
    if (!e || !e.EndpointID) continue;
    members[c.ID] = {Name: c.Name.slice(1), EndpointID: e.EndpointID, MacAddress: e.MacAddress, IPv4Address: e.IPAddress ? `${e.IPAddress}/${e.IPPrefixLen}` : '', IPv6Address: ''};
  }
  return {
    Name: n.Name,
    Id: n.Id,
    Created: n.Created,
    Scope: 'local',
    Driver: n.Driver,
    EnableIPv4: n.Driver === 'bridge',
    EnableIPv6: false,
    IPAM: {Driver: 'default', Options: null, Config: n.Subnet ? [{Subnet: n.Subnet, Gateway: n.Gateway}] : []},
    Internal: Boolean(n.Internal),
    Attachable: false,
    Ingress: false,
    ConfigFrom: {Network: ''},
    ConfigOnly: false,
    Containers: members,
    Options: n.Driver === 'bridge' ? bridgeOptions(n, bindIp, n.Name === 'bridge') : {},
    Labels: n.Labels,
  };
}
