/**
 * Container networking: which networks a container is on, its addresses and netns while it runs, and the
 * published ports. Each running container with a netns of ours has a sandbox file,
 * <data-root>/network/endpoints/<id>.json, written before anything is made on the host, so whatever a crash
 * leaves behind can be found and undone. Joining and leaving networks of a running container: attach.ts.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {conflict, forbidden, invalidArgument, notFound, systemError} from '../errors.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';
import type {EndpointConfig} from '../model/network-settings.js';
import type {Logger} from '../util/log.js';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {defaultBridgeName, enableForwarding, ensureBridge} from './bridge.js';
import {EmbeddedDns} from './dns/server.js';
import {initialEndpoints} from './endpoint-config.js';
import {ipBatch} from './ip.js';
import {Ipam, IpamError, type IpamNetwork} from './ipam.js';
import {normalizeLink} from './name-files.js';
import {dnsNames, lookupName, nameFiles, rewriteHosts, type NameFiles} from './names.js';
export type {NameFiles} from './names.js';
import {isUserNetwork, NetworkStore, newId, type NetworkRecord} from './networks.js';
import {checkPortBindings, portMap, requestedPorts, type PortRequest} from './ports.js';
import {BindError, openProxy, type PortProxy} from './proxy.js';
import {interContainerBlocked, mtuOf} from './driver-options.js';
import {addInterface, createNetns, destroySandbox, nextIfname, removeInterface, sandboxAlive, sandboxKey, vethName, type Endpoint, type Sandbox} from './sandbox.js';
import {macFor, parseCidr} from './subnet.js';
import {endpointsOf, networkSettings, stoppedSettings, type Attachment} from './views.js';

export interface NetworkConfig {
  dataRoot: string;
  /** daemon.json "bridge": the default network's bridge device. */
  bridge?: string;
  /** daemon.json "bip": the default bridge's gateway address and prefix, e.g. 172.17.0.1/16. */
  bip?: string;
  /** daemon.json "ip": where published ports listen when -p names no address. */
  ip?: string;
  /** daemon.json "default-address-pools": where subnets not asked for come from (Docker's local pools when unset). */
  pools?: Array<{base: string; size: number}>;
}

/** The endpoint file of an engine from before containers had several networks. */
type OneEndpointFile = Omit<Endpoint, 'ifname'> & Pick<Sandbox, 'container' | 'sandboxId' | 'netns' | 'ports'>;

export class NetworkManager {
  readonly networks: NetworkStore;
  readonly bindIp: string;
  readonly ipam: Ipam;
  readonly dns: EmbeddedDns;
  private readonly endpointDir: string;
  private readonly proxies = new Map<string, PortProxy[]>();
  private readonly sandboxes = new Map<string, Sandbox>();
  /** Every container the engine has; set by the composition (the network layer sits below the containers'). */
  containers: () => ContainerRecord[] = () => [];

  constructor(
    readonly config: NetworkConfig,
    private readonly log: Logger,
  ) {
    this.networks = new NetworkStore(config.dataRoot);
    this.ipam = new Ipam(config.dataRoot);
    this.endpointDir = join(config.dataRoot, 'network', 'endpoints');
    mkdirSync(this.endpointDir, {recursive: true, mode: 0o700});
    for (const f of readdirSync(this.endpointDir)) {
      const sb = this.readSandbox(f.replace(/\.json$/, ''));
      if (sb) this.sandboxes.set(sb.container, sb);
    }
    this.bindIp = config.ip ?? '0.0.0.0';
    this.dns = new EmbeddedDns((asker, name) => lookupName(this, asker, name), log);
  }

  /** At daemon start: the default bridge (and the user's bridges) present and addressed, forwarding on. */
  async init(): Promise<void> {
    enableForwarding();
    const def = this.networks.byName('bridge')!;
    const userNets = this.networks.all().filter((n) => n.Driver === 'bridge' && n !== def);
    const bridge = this.config.bridge ?? (await defaultBridgeName());
    const addr = await ensureBridge(bridge, {bip: this.config.bip, pools: this.config.pools, avoid: userNets.flatMap((n) => (n.Subnet ? [parseCidr(n.Subnet).subnet] : []))});
    Object.assign(def, {Bridge: bridge, Subnet: addr.subnet, Gateway: addr.gateway});
    for (const n of userNets) {
      try {
        await ensureBridge(n.Bridge!, {bip: `${n.Gateway}/${parseCidr(n.Subnet!).subnet.prefix}`});
      } catch (error) {
        this.log.error('network unusable', {network: n.Name, error: (error as Error).message});
      }
    }
    this.networks.save();
    this.log.info('default bridge ready', {bridge, subnet: addr.subnet, gateway: addr.gateway});
  }

  /**
   * `docker create` refuses malformed port bindings and endpoint settings dockerd refuses, and returns the
   * networks the container will join. An unknown network is reported at start, as dockerd does.
   */
  checkCreate(hc: HostConfig | undefined, requested?: Record<string, EndpointConfig | null>): Record<string, EndpointConfig> {
    if (hc) {
      checkPortBindings(hc.PortBindings);
      if (hc.NetworkMode === 'container:') throw invalidArgument('--network container: needs a container name or ID');
    }
    for (const link of hc?.Links ?? []) {
      const {other} = normalizeLink(link, '');
      // 400 as dockerd (a 404 would make the CLI try to pull the image).
      if (!this.findContainer(other)) throw invalidArgument(`could not get container for ${other}: No such container: ${other}`);
    }
    return initialEndpoints(hc, requested ?? undefined, (ref) => this.networks.find(ref));
  }

  findContainer(ref: string): ContainerRecord | undefined {
    const all = this.containers();
    return all.find((x) => x.Name === `/${ref}` || x.ID === ref) ?? (ref.length >= 3 ? all.find((x) => x.ID.startsWith(ref)) : undefined);
  }

  private sandboxFile(id: string): string {
    return join(this.endpointDir, `${id}.json`);
  }

  private readSandbox(id: string): Sandbox | undefined {
    try {
      const sb = JSON.parse(readFileSync(this.sandboxFile(id), 'utf8')) as Sandbox | OneEndpointFile;
      if ('endpoints' in sb && Array.isArray(sb.endpoints)) return sb;
      // Written by an engine from before containers had several networks: one endpoint, eth0.
      if ('hostVeth' in sb) {
        const {container, sandboxId, netns, ports, ...ep} = sb;
        return {container, sandboxId, netns, ports, endpoints: [{...ep, ifname: 'eth0'}]};
      }
      return undefined;
    } catch {
      return undefined;
    }
  }

  sandbox(id: string): Sandbox | undefined {
    return this.sandboxes.get(id);
  }

  writeSandbox(sb: Sandbox): void {
    this.sandboxes.set(sb.container, sb);
    writeFileAtomic(this.sandboxFile(sb.container), JSON.stringify(sb, null, 1));
  }

  /** An endpoint on `net` with the address asked for (or the next free one): recorded, not yet plugged in. */
  newEndpoint(c: ContainerRecord, sb: Sandbox, net: NetworkRecord, cfg: EndpointConfig): Endpoint {
    if (!net.Bridge || !net.Subnet || !net.Gateway) throw systemError(`network ${net.Name} has no bridge set up`);
    let address: string;
    try {
      address = this.ipam.allocate(ipamNet(net), c.ID, cfg.IPAMConfig?.IPv4Address || undefined);
    } catch (error) {
      // 403, as dockerd answers "Address already in use".
      if (error instanceof IpamError) throw forbidden(error.message);
      throw error;
    }
    return {
      network: net.Name, networkId: net.Id, endpointId: newId(), ifname: nextIfname(sb), hostVeth: vethName(), bridge: net.Bridge, ip: address,
      prefix: parseCidr(net.Subnet).subnet.prefix, gateway: net.Gateway, mac: cfg.MacAddress || macFor(address), internal: Boolean(net.Internal),
      mtu: mtuOf(net.Options), isolated: interContainerBlocked(net.Options),
    };
  }

  /** Plugs a recorded endpoint in; a bridge deleted by hand since the daemon started is made again first. */
  async plug(sb: Sandbox, ep: Endpoint, defaultRoute: boolean): Promise<void> {
    if (!existsSync(`/sys/class/net/${ep.bridge}`)) await ensureBridge(ep.bridge, {bip: `${ep.gateway}/${ep.prefix}`});
    await addInterface(sb.netns, ep, defaultRoute);
  }

  /** The network records behind a container's endpoints, in order; host and none modes have none of ours. */
  private joined(c: ContainerRecord): Array<{net: NetworkRecord; cfg: EndpointConfig}> {
    return Object.entries(endpointsOf(c)).map(([name, cfg]) => ({net: this.networks.get(name), cfg}));
  }

  /**
   * Before the container's process starts: its netns, an interface per network, published ports. Sets
   * c.NetworkSettings (the caller saves the record). `find` looks up containers for --network container:<name>.
   */
  async connect(c: ContainerRecord, find: (ref: string) => ContainerRecord | undefined): Promise<void> {
    await this.disconnect(c);
    const m = c.HostConfig.NetworkMode || 'default';
    if (m.startsWith('container:')) {
      const ref = m.slice('container:'.length);
      const other = find(ref);
      if (!other) throw notFound(`No such container: ${ref}`);
      if (!other.State.Running || other.State.Pid <= 0) throw conflict(`cannot join network of a non running container: ${other.ID}`);
      c.NetworkSettings = {...networkSettings([]), SandboxKey: `/proc/${other.State.Pid}/ns/net`};
      return;
    }
    for (const link of c.HostConfig.Links ?? []) {
      const {other, alias} = normalizeLink(link, '');
      const o = this.findContainer(other);
      if (!o) throw notFound(`could not get container for ${other}`);
      if (!o.State.Running) throw conflict(`Cannot link to a non running container: ${o.Name} AS ${c.Name}/${alias}`);
    }
    const joined = this.joined(c);
    const bridged = joined.filter((j) => j.net.Driver === 'bridge');
    if (bridged.length === 0) {
      // host or none: no netns of ours (none gets the runtime's empty one).
      c.NetworkSettings = networkSettings(joined.map((j) => ({name: j.net.Name, id: j.net.Id, cfg: j.cfg, a: {endpointId: newId()}})));
      return;
    }
    const requests = requestedPorts(c, this.bindIp);
    const sb: Sandbox = {container: c.ID, sandboxId: newId(), netns: c.ID.slice(0, 12), endpoints: [], ports: []};
    this.writeSandbox(sb);
    try {
      // Before API 1.44 a MAC address came in Config.MacAddress: it is the first network's.
      const legacyMac = (c.Config as {MacAddress?: string}).MacAddress;
      for (const [i, {net, cfg}] of bridged.entries()) sb.endpoints.push(this.newEndpoint(c, sb, net, i === 0 && !cfg.MacAddress && legacyMac ? {...cfg, MacAddress: legacyMac} : cfg));
      this.writeSandbox(sb);
      // Ports first: a port the host already uses fails the start before any device is made.
      const published = await this.publish(c, sb, requests);
      sb.ports = published.map(({req, hostPort}) => ({proto: req.proto, hostIp: req.hostIp, hostPort, containerPort: req.containerPort}));
      this.writeSandbox(sb);
      await createNetns(sb.netns);
      for (const [i, ep] of sb.endpoints.entries()) await this.plug(sb, ep, i === 0);
      if (bridged.some((j) => isUserNetwork(j.net))) await this.dns.start(c.ID, sandboxKey(sb.netns));
      this.refreshSettings(c, portMap(c, published));
    } catch (error) {
      await this.disconnect(c);
      throw error;
    }
  }

  /** c.NetworkSettings from its sandbox (running) or its endpoint configs (stopped). */
  refreshSettings(c: ContainerRecord, ports = c.NetworkSettings?.Ports ?? {}): void {
    const sb = this.sandboxes.get(c.ID);
    if (!sb) {
      c.NetworkSettings = stoppedSettings(c, (name) => this.networks.find(name)?.Id ?? '');
      return;
    }
    const cfgs = endpointsOf(c);
    c.NetworkSettings = networkSettings(
      Object.entries(cfgs).map(([name, cfg]) => {
        const ep = sb.endpoints.find((e) => e.network === name);
        const net = this.networks.find(name);
        const a: Attachment | undefined = ep && {endpointId: ep.endpointId, ip: ep.ip, prefix: ep.prefix, gateway: ep.gateway, mac: ep.mac, dnsNames: net && isUserNetwork(net) ? dnsNames(c, cfg) : undefined};
        return {name, id: net?.Id ?? '', cfg, a};
      }),
      {sandboxId: sb.sandboxId, sandboxKey: sandboxKey(sb.netns), ports},
    );
  }

  private async publish(c: ContainerRecord, sb: Sandbox, requests: PortRequest[]): Promise<Array<{req: PortRequest; hostPort: number}>> {
    const opened: PortProxy[] = [];
    this.proxies.set(c.ID, opened);
    const out: Array<{req: PortRequest; hostPort: number}> = [];
    const ep = sb.endpoints[0];
    for (const req of requests) {
      let proxy: PortProxy | undefined;
      let lastError: BindError | undefined;
      for (const hostPort of req.hostPorts.length > 0 ? req.hostPorts : [0]) {
        try {
          proxy = await openProxy({proto: req.proto, hostIp: req.hostIp, hostPort, targetIp: ep.ip, targetPort: req.containerPort}, this.log);
          break;
        } catch (error) {
          if (!(error instanceof BindError)) throw error;
          lastError = error;
        }
      }
      if (!proxy) {
        const range = req.hostPorts.length > 1 ? `${req.hostPorts[0]}-${req.hostPorts.at(-1)}` : String(req.hostPorts[0] ?? 0);
        const why = lastError!.message.replace(/:\d+ failed/, `:${range} failed`);
        throw systemError(`driver failed programming external connectivity on endpoint ${c.Name.slice(1)} (${ep.endpointId}): ${why}`);
      }
      opened.push(proxy);
      out.push({req, hostPort: proxy.hostPort});
    }
    return out;
  }

  private async closeProxies(id: string): Promise<void> {
    const list = this.proxies.get(id) ?? [];
    this.proxies.delete(id);
    await Promise.all(list.map((p) => p.close()));
  }

  /** After the container stopped, or when a start failed: ports closed, veths and netns gone, addresses free. */
  async disconnect(c: ContainerRecord): Promise<void> {
    await this.closeProxies(c.ID);
    this.dns.stop(c.ID);
    const sb = this.sandboxes.get(c.ID) ?? this.readSandbox(c.ID);
    if (sb) await this.teardown(sb);
    if (c.NetworkSettings) this.refreshSettings(c);
  }

  private async teardown(sb: Sandbox): Promise<void> {
    const left = await destroySandbox(sb);
    if (left.length > 0) this.log.warn('could not remove container network devices', {id: sb.container.slice(0, 12), left: left.join(', ')});
    for (const ep of sb.endpoints) this.releaseAddress(ep, sb.container);
    this.sandboxes.delete(sb.container);
    rmSync(this.sandboxFile(sb.container), {force: true});
  }

  releaseAddress(ep: Endpoint, container: string): void {
    this.ipam.release({Id: ep.networkId, Bridge: ep.bridge, Subnet: '', Gateway: ''}, container);
  }

  /** Removes one endpoint's interface and address (a running container leaving a network). */
  async unplug(sb: Sandbox, ep: Endpoint): Promise<void> {
    await removeInterface(ep);
    this.releaseAddress(ep, sb.container);
    sb.endpoints = sb.endpoints.filter((e) => e !== ep);
    this.writeSandbox(sb);
  }

  /** After a daemon restart, for a container that kept running: its netns is intact; reopen ports and DNS. */
  async restore(c: ContainerRecord): Promise<void> {
    const sb = this.sandboxes.get(c.ID);
    if (!sb) return;
    if (!sandboxAlive(sb)) this.log.warn('a running container lost its network devices', {id: c.ID.slice(0, 12), netns: sb.netns});
    for (const ep of sb.endpoints) {
      if (!existsSync(`/sys/class/net/${ep.hostVeth}`) || existsSync(`/sys/class/net/${ep.hostVeth}/master`)) continue;
      // The bridge was deleted and made again meanwhile (by hand, or by init above): plug the veth back in.
      await ipBatch([`link set ${ep.hostVeth} master ${ep.bridge} up`]).catch((e: Error) => this.log.warn('could not reattach a container to its bridge', {id: c.ID.slice(0, 12), error: e.message}));
    }
    const opened: PortProxy[] = [];
    this.proxies.set(c.ID, opened);
    const target = sb.endpoints[0]?.ip;
    for (const p of target ? sb.ports : []) {
      try {
        opened.push(await openProxy({proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, targetIp: target!, targetPort: p.containerPort}, this.log));
      } catch (error) {
        this.log.warn('could not reopen a published port', {id: c.ID.slice(0, 12), error: (error as Error).message});
      }
    }
    if (sb.endpoints.some((ep) => ep.network !== 'bridge')) {
      await this.dns.start(c.ID, sandboxKey(sb.netns)).catch((e: Error) => this.log.warn('could not restart the embedded DNS server', {id: c.ID.slice(0, 12), error: e.message}));
    }
  }

  /** Undo what no running container owns any more (a crash between start and stop, a removed container). */
  async reconcile(containers: ContainerRecord[]): Promise<void> {
    const running = new Set(containers.filter((c) => c.State.Running).map((c) => c.ID));
    for (const f of readdirSync(this.endpointDir)) {
      const id = f.replace(/\.json$/, '');
      if (running.has(id)) continue;
      const sb = this.readSandbox(id);
      if (sb) await this.teardown(sb);
      else rmSync(join(this.endpointDir, f), {force: true});
      this.log.info('removed networking left by a stopped container', {id: id.slice(0, 12)});
    }
    for (const n of this.networks.all()) {
      if (n.Driver !== 'bridge' || !n.Bridge) continue;
      const dropped = this.ipam.reconcile(ipamNet(n), (owner) => running.has(owner) && (this.sandboxes.get(owner)?.endpoints.some((e) => e.networkId === n.Id) ?? false));
      if (dropped.length > 0) this.log.info('released addresses of containers no longer running', {network: n.Name, addresses: dropped.join(', ')});
    }
  }

  /** Daemon shutdown: published ports and DNS close with the daemon; netns and veths stay for the running containers. */
  async shutdown(): Promise<void> {
    this.dns.stopAll();
    await Promise.all([...this.proxies.keys()].map((id) => this.closeProxies(id)));
  }

  /** The files and variables a container's names come from (names.ts). */
  nameFiles(c: ContainerRecord): NameFiles {
    return nameFiles(this, c);
  }

  /** Rewrites /etc/hosts of a running container (after it joined or left a network). */
  rewriteHosts(c: ContainerRecord): void {
    rewriteHosts(this, c);
  }

  /** IDs of containers that have an endpoint on a network now. */
  endpointsOn(networkId: string): string[] {
    return [...this.sandboxes.values()].filter((sb) => sb.endpoints.some((e) => e.networkId === networkId)).map((sb) => sb.container);
  }
}

export function ipamNet(n: NetworkRecord): IpamNetwork {
  return {
    Id: n.Id, Bridge: n.Bridge!, Subnet: n.Subnet!, Gateway: n.Gateway!, IPRange: n.IPRange || undefined,
    Reserved: Object.values(n.AuxiliaryAddresses ?? {}),
  };
}
