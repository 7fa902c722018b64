/**
 * Networking as the API shows it: a container's NetworkSettings (inspect, ps), `docker network inspect`,
 * and the few things other parts of the engine read from it (config.json's netns, /etc/hosts).
 */
import type {ContainerRecord} from '../model/container.js';
import type {NetworkRecord} from './networks.js';
import {portSummary} from './ports.js';
import type {EndpointConfig, EndpointSettings, NetworkSettings, PortMap} from '../model/network-settings.js';

export interface Attachment {
  endpointId: string;
  ip?: string;
  prefix?: number;
  gateway?: string;
  mac?: string;
  /** Names the embedded DNS server answers for the container on this network (running, user networks). */
  dnsNames?: string[];
}

/** One network's entry: what the client asked for, as sent, and what the engine gave while it runs. */
export function endpointSettings(networkId: string, a?: Attachment, cfg: EndpointConfig = {}): EndpointSettings {
  return {
    IPAMConfig: cfg.IPAMConfig ?? null, Links: cfg.Links ?? null, Aliases: cfg.Aliases ?? null, MacAddress: a?.mac ?? cfg.MacAddress ?? '',
    DriverOpts: cfg.DriverOpts ?? null, GwPriority: 0,
    NetworkID: networkId, EndpointID: a?.endpointId ?? '', Gateway: a?.gateway ?? '', IPAddress: a?.ip ?? '',
    IPPrefixLen: a?.prefix ?? 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: a?.dnsNames ?? null,
  };
}

/** Settings of a container with its networks. Docker repeats the default bridge's address at the top level. */
export function networkSettings(
  networks: Array<{name: string; id: string; cfg?: EndpointConfig; a?: Attachment}>,
  extra: {sandboxId?: string; sandboxKey?: string; ports?: PortMap} = {},
): NetworkSettings {
  const top = networks.find((n) => n.name === 'bridge')?.a;
  return {
    Bridge: '', SandboxID: extra.sandboxId ?? '', SandboxKey: extra.sandboxKey ?? '', Ports: extra.ports ?? {}, HairpinMode: false,
    LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: top?.endpointId ?? '', Gateway: top?.gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: top?.ip ?? '', IPPrefixLen: top?.prefix ?? 0, IPv6Gateway: '', MacAddress: top?.mac ?? '',
    Networks: Object.fromEntries(networks.map((n) => [n.name, endpointSettings(n.id, n.a, n.cfg)])),
  };
}

/** What a stopped container shows: the networks it belongs to with what was asked, no addresses, no ports. */
export function stoppedSettings(c: ContainerRecord, networkId: (name: string) => string): NetworkSettings {
  const cfgs = endpointsOf(c);
  return networkSettings(Object.entries(cfgs).map(([name, cfg]) => ({name, id: networkId(name), cfg})));
}

/** The container's networks and what was asked of each (records made before EndpointsConfig: from NetworkMode). */
export function endpointsOf(c: ContainerRecord): Record<string, EndpointConfig> {
  if (c.EndpointsConfig) return c.EndpointsConfig;
  const name = modeName(c);
  return name.startsWith('container:') ? {} : {[name]: {}};
}

/** The network name a container's mode refers to, for containers not yet started. */
export function modeName(c: ContainerRecord): string {
  const m = c.HostConfig.NetworkMode || 'default';
  return m === 'default' ? 'bridge' : m;
}

export function containerNetworkSettings(c: ContainerRecord): NetworkSettings {
  if (c.NetworkSettings) return c.NetworkSettings;
  return networkSettings(Object.entries(endpointsOf(c)).map(([name, cfg]) => ({name, id: '', cfg})));
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

const bridgeOptions = (n: NetworkRecord, bindIp: string, isDefault: boolean): Record<string, string> => ({
  ...(isDefault ? {'com.docker.network.bridge.default_bridge': 'true'} : {}),
  'com.docker.network.bridge.enable_icc': 'true',
  'com.docker.network.bridge.enable_ip_masquerade': 'false',
  'com.docker.network.bridge.host_binding_ipv4': bindIp,
  'com.docker.network.bridge.name': n.Bridge ?? '',
  'com.docker.network.driver.mtu': '1500',
  ...n.Options,
});

/** IPAM's Config as dockerd shows it: what the user gave (a gateway only when given), or the subnet chosen. */
function ipamConfig(n: NetworkRecord): Array<Record<string, unknown>> {
  if (!n.Subnet) return [];
  if (!n.UserSubnet) return [{Subnet: n.Subnet, Gateway: n.Gateway}];
  return [{
    Subnet: n.Subnet,
    ...(n.IPRange ? {IPRange: n.IPRange} : {}),
    ...(n.UserGateway ? {Gateway: n.Gateway} : {}),
    ...(n.AuxiliaryAddresses && Object.keys(n.AuxiliaryAddresses).length > 0 ? {AuxiliaryAddresses: n.AuxiliaryAddresses} : {}),
  }];
}

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
    IPAM: {Driver: 'default', Options: n.Name === 'bridge' || n.Driver !== 'bridge' ? null : {}, Config: ipamConfig(n)},
    Internal: Boolean(n.Internal),
    Attachable: Boolean(n.Attachable),
    Ingress: false,
    ConfigFrom: {Network: ''},
    ConfigOnly: false,
    Containers: members,
    // dockerd shows its defaults for the default bridge only; a user network shows the options it was given.
    Options: n.Name === 'bridge' ? bridgeOptions(n, bindIp, true) : n.Options,
    Labels: n.Labels,
  };
}

/**
 * Below API 1.45 dockerd listed a container's short ID among its aliases on each user network it is attached to
 * (the name its DNS answers for); newer clients read that from DNSNames.
 */
export function withShortIdAliases(settings: NetworkSettings, containerId: string): NetworkSettings {
  const short = containerId.slice(0, 12);
  const networks = Object.entries(settings.Networks ?? {}).map(([name, e]) => {
    const attached = e.EndpointID !== '' && !['bridge', 'host', 'none'].includes(name);
    if (!attached || (e.Aliases ?? []).includes(short)) return [name, e];
    return [name, {...e, Aliases: [...(e.Aliases ?? []), short]}];
  });
  return {...settings, Networks: Object.fromEntries(networks)};
}
