/**
 * Container networking: which network a container is on, its address and netns while it runs, and the
 * published ports. Each running bridge container has an endpoint file, <data-root>/network/endpoints/<id>.json,
 * written before anything is made on the host, so whatever a crash leaves behind can be found and undone.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {conflict, invalidArgument, notFound, systemError} from '../errors.js';
import type {ContainerRecord, HostConfig} from '../model/container.js';
import type {Logger} from '../util/log.js';
import {writeFileAtomic} from '../util/fs-atomic.js';
import {defaultBridgeName, enableForwarding, ensureBridge} from './bridge.js';
import {ipBatch} from './ip.js';
import {Ipam, type IpamNetwork} from './ipam.js';
import {NetworkStore, newId, type NetworkRecord} from './networks.js';
import {checkPortBindings, portMap, requestedPorts, type PortRequest} from './ports.js';
import {BindError, openProxy, type PortProxy} from './proxy.js';
import {createSandbox, destroySandbox, sandboxAlive, sandboxKey, vethName, type Endpoint} from './sandbox.js';
import {macFor, parseCidr} from './subnet.js';
import {networkSettings, stoppedSettings} from './views.js';

export interface NetworkConfig {
  dataRoot: string;
  /** daemon.json "bridge": the default network's bridge device. */
  bridge?: string;
  /** daemon.json "bip": the default bridge's gateway address and prefix, e.g. 172.17.0.1/16. */
  bip?: string;
  /** daemon.json "ip": where published ports listen when -p names no address. */
  ip?: string;
}

type Mode = {kind: 'bridge'; net: NetworkRecord} | {kind: 'host' | 'none'; net: NetworkRecord} | {kind: 'container'; ref: string};

export class NetworkManager {
  readonly networks: NetworkStore;
  readonly bindIp: string;
  readonly ipam: Ipam;
  private readonly endpointDir: string;
  private readonly proxies = new Map<string, PortProxy[]>();

  constructor(
    private readonly config: NetworkConfig,
    private readonly log: Logger,
  ) {
    this.networks = new NetworkStore(config.dataRoot);
    this.ipam = new Ipam(config.dataRoot);
    this.endpointDir = join(config.dataRoot, 'network', 'endpoints');
    mkdirSync(this.endpointDir, {recursive: true, mode: 0o700});
    this.bindIp = config.ip ?? '0.0.0.0';
  }

  /** At daemon start: the default bridge (and the user's bridges) present and addressed, forwarding on. */
  async init(): Promise<void> {
    enableForwarding();
    const def = this.networks.byName('bridge')!;
    const userNets = this.networks.all().filter((n) => n.Driver === 'bridge' && n !== def);
    const bridge = this.config.bridge ?? (await defaultBridgeName());
    const addr = await ensureBridge(bridge, {bip: this.config.bip, avoid: userNets.flatMap((n) => (n.Subnet ? [parseCidr(n.Subnet).subnet] : []))});
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

  private mode(hc: HostConfig): Mode {
    const m = hc.NetworkMode || 'default';
    if (m.startsWith('container:')) return {kind: 'container', ref: m.slice('container:'.length)};
    const net = this.networks.get(m === 'default' ? 'bridge' : m);
    if (net.Driver === 'host') return {kind: 'host', net};
    if (net.Driver === 'null') return {kind: 'none', net};
    return {kind: 'bridge', net};
  }

  /**
   * `docker create` refuses malformed port bindings. An unknown network is reported at start, as dockerd
   * does: a 404 from create would make the CLI try to pull the image.
   */
  checkCreate(hc: HostConfig | undefined): void {
    if (!hc) return;
    checkPortBindings(hc.PortBindings);
    if (hc.NetworkMode === 'container:') throw invalidArgument('--network container: needs a container name or ID');
  }

  private endpointFile(id: string): string {
    return join(this.endpointDir, `${id}.json`);
  }

  private readEndpoint(id: string): Endpoint | undefined {
    try {
      return JSON.parse(readFileSync(this.endpointFile(id), 'utf8')) as Endpoint;
    } catch {
      return undefined;
    }
  }

  private writeEndpoint(ep: Endpoint): void {
    writeFileAtomic(this.endpointFile(ep.container), JSON.stringify(ep, null, 1));
  }

  /**
   * Before the container's process starts: its netns, address and published ports. Sets c.NetworkSettings
   * (the caller saves the record). `find` looks up containers for --network container:<name>.
   */
  async connect(c: ContainerRecord, find: (ref: string) => ContainerRecord | undefined): Promise<void> {
    await this.disconnect(c);
    const mode = this.mode(c.HostConfig);
    if (mode.kind === 'container') {
      const other = find(mode.ref);
      if (!other) throw notFound(`No such container: ${mode.ref}`);
      if (!other.State.Running || other.State.Pid <= 0) throw conflict(`cannot join network of a non running container: ${other.ID}`);
      c.NetworkSettings = {...networkSettings(undefined, undefined), SandboxKey: `/proc/${other.State.Pid}/ns/net`};
      return;
    }
    if (mode.kind !== 'bridge') {
      c.NetworkSettings = networkSettings(mode.net, {endpointId: newId()});
      return;
    }
    const net = mode.net;
    if (!net.Bridge || !net.Subnet || !net.Gateway) throw systemError(`network ${net.Name} has no bridge set up`);
    const requests = requestedPorts(c, this.bindIp);
    const address = this.ipam.allocate(ipamNet(net), c.ID);
    const ep: Endpoint = {
      container: c.ID, network: net.Name, networkId: net.Id, endpointId: newId(), sandboxId: newId(),
      netns: c.ID.slice(0, 12), hostVeth: vethName(), bridge: net.Bridge, ip: address, prefix: parseCidr(net.Subnet).subnet.prefix,
      gateway: net.Gateway, mac: macFor(address), internal: Boolean(net.Internal), ports: [],
    };
    this.writeEndpoint(ep);
    try {
      // Ports first: a port the host already uses fails the start before any device is made.
      const published = await this.publish(c, ep, requests);
      ep.ports = published.map(({req, hostPort}) => ({proto: req.proto, hostIp: req.hostIp, hostPort, containerPort: req.containerPort}));
      this.writeEndpoint(ep);
      // A bridge deleted by hand since the daemon started is made again rather than failing every start.
      if (!existsSync(`/sys/class/net/${net.Bridge}`)) await ensureBridge(net.Bridge, {bip: `${net.Gateway}/${ep.prefix}`});
      await createSandbox(ep);
      c.NetworkSettings = networkSettings(net, ep, {sandboxId: ep.sandboxId, sandboxKey: sandboxKey(ep.netns), ports: portMap(c, published)});
    } catch (error) {
      await this.disconnect(c);
      throw error;
    }
  }

  private async publish(c: ContainerRecord, ep: Endpoint, requests: PortRequest[]): Promise<Array<{req: PortRequest; hostPort: number}>> {
    const opened: PortProxy[] = [];
    this.proxies.set(c.ID, opened);
    const out: Array<{req: PortRequest; hostPort: number}> = [];
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

  /** After the container stopped, or when a start failed: ports closed, veth and netns gone, address free. */
  async disconnect(c: ContainerRecord): Promise<void> {
    await this.closeProxies(c.ID);
    const ep = this.readEndpoint(c.ID);
    if (ep) await this.teardown(ep);
    if (c.NetworkSettings) c.NetworkSettings = stoppedSettings(c.NetworkSettings);
  }

  private async teardown(ep: Endpoint): Promise<void> {
    const left = await destroySandbox(ep);
    if (left.length > 0) this.log.warn('could not remove container network devices', {id: ep.container.slice(0, 12), left: left.join(', ')});
    this.ipam.release({Id: ep.networkId, Bridge: ep.bridge, Subnet: '', Gateway: ''}, ep.container);
    rmSync(this.endpointFile(ep.container), {force: true});
  }

  /** After a daemon restart, for a container that kept running: its netns is intact; reopen its ports. */
  async restore(c: ContainerRecord): Promise<void> {
    const ep = this.readEndpoint(c.ID);
    if (!ep) return;
    if (!sandboxAlive(ep)) this.log.warn('a running container lost its network devices', {id: c.ID.slice(0, 12), veth: ep.hostVeth, netns: ep.netns});
    else if (!existsSync(`/sys/class/net/${ep.hostVeth}/master`)) {
      // The bridge was deleted and made again meanwhile (by hand, or by init above): plug the veth back in.
      await ipBatch([`link set ${ep.hostVeth} master ${ep.bridge} up`]).catch((e: Error) => this.log.warn('could not reattach a container to its bridge', {id: c.ID.slice(0, 12), error: e.message}));
    }
    const opened: PortProxy[] = [];
    this.proxies.set(c.ID, opened);
    for (const p of ep.ports) {
      try {
        opened.push(await openProxy({proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, targetIp: ep.ip, targetPort: p.containerPort}, this.log));
      } catch (error) {
        this.log.warn('could not reopen a published port', {id: c.ID.slice(0, 12), error: (error as Error).message});
      }
    }
  }

  /** Undo what no running container owns any more (a crash between start and stop, a removed container). */
  async reconcile(containers: ContainerRecord[]): Promise<void> {
    const running = new Set(containers.filter((c) => c.State.Running).map((c) => c.ID));
    for (const f of readdirSync(this.endpointDir)) {
      const id = f.replace(/\.json$/, '');
      if (running.has(id)) continue;
      const ep = this.readEndpoint(id);
      if (ep) await this.teardown(ep);
      else rmSync(join(this.endpointDir, f), {force: true});
      this.log.info('removed networking left by a stopped container', {id: id.slice(0, 12)});
    }
    for (const n of this.networks.all()) {
      if (n.Driver !== 'bridge' || !n.Bridge) continue;
      const dropped = this.ipam.reconcile(ipamNet(n), (owner) => running.has(owner) && this.readEndpoint(owner) !== undefined);
      if (dropped.length > 0) this.log.info('released addresses of containers no longer running', {network: n.Name, addresses: dropped.join(', ')});
    }
  }

  /** Daemon shutdown: published ports close with the daemon; netns and veths stay for the running containers. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.proxies.keys()].map((id) => this.closeProxies(id)));
  }

  /** IDs of containers that have an endpoint on a network now. */
  endpointsOn(networkId: string): string[] {
    return readdirSync(this.endpointDir).flatMap((f) => {
      const ep = this.readEndpoint(f.replace(/\.json$/, ''));
      return ep && ep.networkId === networkId ? [ep.container] : [];
    });
  }
}

function ipamNet(n: NetworkRecord): IpamNetwork {
  return {Id: n.Id, Bridge: n.Bridge!, Subnet: n.Subnet!, Gateway: n.Gateway!};
}
