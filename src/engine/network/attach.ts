/**
 * `docker network connect | disconnect`: a container joins or leaves a network. A stopped container only
 * records it (its interfaces are made at start); a running one gets a new veth in its netns with its address
 * and routes, or loses it, and its /etc/hosts is rewritten. dockerd's refusals, in its words.
 */
import {existsSync} from 'node:fs';
import {forbidden, invalidArgument, systemError} from '../errors.js';
import type {ContainerRecord} from '../model/container.js';
import type {EndpointConfig} from '../model/network-settings.js';
import {checkEndpointConfig} from './endpoint-config.js';
import {ipBatch} from './ip.js';
import type {NetworkManager} from './manager.js';
import {isUserNetwork, type NetworkRecord} from './networks.js';
import {createNetns, sandboxKey, type Sandbox} from './sandbox.js';
import {endpointsOf} from './views.js';

const hostRefusal = 'container cannot be disconnected from host network or connected to host network';

function checkMode(c: ContainerRecord, net: NetworkRecord): void {
  const mode = c.HostConfig.NetworkMode || 'default';
  if (mode.startsWith('container:')) throw forbidden('container sharing network namespace with another container or host cannot be connected to any other network');
  if (net.Driver === 'host' || mode === 'host') throw invalidArgument(hostRefusal);
  const cfgs = endpointsOf(c);
  const withNone = net.Driver === 'null' ? Object.keys(cfgs).length > 0 : 'none' in cfgs;
  if (withNone) throw forbidden('container cannot be connected to multiple networks with one of the networks in private (none) mode');
}

/** Joins `net`; `save` stores the record (the caller's store). */
export async function connectContainer(mgr: NetworkManager, c: ContainerRecord, net: NetworkRecord, cfg: EndpointConfig): Promise<void> {
  checkMode(c, net);
  const cfgs = {...endpointsOf(c)};
  const running = c.State.Running && !c.State.Restarting;
  if (running && net.Name in cfgs) throw forbidden(`endpoint with name ${c.Name.slice(1)} already exists in network ${net.Name}`);
  checkEndpointConfig(net, cfg);
  if (running) await plugRunning(mgr, c, net, cfg);
  cfgs[net.Name] = cfg;
  c.EndpointsConfig = cfgs;
  mgr.refreshSettings(c);
  if (running) mgr.rewriteHosts(c);
}

async function plugRunning(mgr: NetworkManager, c: ContainerRecord, net: NetworkRecord, cfg: EndpointConfig): Promise<void> {
  let sb = mgr.sandbox(c.ID);
  if (!sb) {
    // A running container without a netns of ours (it started with none of our bridges): none can be added.
    throw forbidden(`container ${c.ID} has no network namespace of this engine to connect to network ${net.Name}`);
  }
  sb = {...sb, endpoints: [...sb.endpoints]};
  const ep = mgr.newEndpoint(c, sb, net, cfg);
  sb.endpoints.push(ep);
  mgr.writeSandbox(sb);
  try {
    if (!netnsExists(sb)) await createNetns(sb.netns);
    // The first interface with a gateway gives the default route, as at start.
    await mgr.plug(sb, ep, sb.endpoints.length === 1);
    if (isUserNetwork(net) && !mgr.dns.running(c.ID)) await mgr.dns.start(c.ID, sandboxKey(sb.netns));
  } catch (error) {
    await mgr.unplug(sb, ep);
    throw error;
  }
}

const netnsExists = (sb: Sandbox) => existsSync(sandboxKey(sb.netns));

/** Leaves `net`. */
export async function disconnectContainer(mgr: NetworkManager, c: ContainerRecord, net: NetworkRecord): Promise<void> {
  const cfgs = {...endpointsOf(c)};
  const running = c.State.Running;
  if (net.Driver === 'host' || (c.HostConfig.NetworkMode === 'host' && net.Name === 'host')) throw invalidArgument(hostRefusal);
  if (!(net.Name in cfgs)) {
    // A plain error (500) in dockerd.
    throw systemError(running ? `container ${c.ID} is not connected to network ${net.Name}` : `container ${c.ID} is not connected to the network ${net.Name}`);
  }
  const sb = mgr.sandbox(c.ID);
  const ep = sb?.endpoints.find((e) => e.networkId === net.Id);
  if (sb && ep) {
    const hadRoute = sb.endpoints[0] === ep;
    await mgr.unplug(sb, ep);
    const next = sb.endpoints[0];
    if (hadRoute && next && !next.internal) await ipBatch([`route replace default via ${next.gateway} dev ${next.ifname}`], {netns: sb.netns}).catch(() => {});
  }
  delete cfgs[net.Name];
  c.EndpointsConfig = cfgs;
  mgr.refreshSettings(c);
  if (running) mgr.rewriteHosts(c);
}

/** `disconnect --force` of a container the engine no longer has: its leftover endpoint on `net` is removed. */
export async function forceRemoveEndpoint(mgr: NetworkManager, ref: string, net: NetworkRecord): Promise<boolean> {
  for (const id of mgr.endpointsOn(net.Id)) {
    if (id !== ref && !id.startsWith(ref)) continue;
    const sb = mgr.sandbox(id)!;
    const ep = sb.endpoints.find((e) => e.networkId === net.Id)!;
    await mgr.unplug(sb, ep);
    return true;
  }
  return false;
}
