/**
 * A container's network namespace, made before runc runs so runc only joins it (config.json's network
 * namespace gets its path): a named netns (`ip netns add`, visible to `ip netns list`), and one veth pair per
 * network whose host end sits on that network's bridge and whose other end is eth0, eth1... in the netns.
 *
 *   host: bridge ── vethXXXXXXX  ⇄  eth0 (172.17.0.2/16, default via 172.17.0.1) :netns <id12>
 */
import {randomBytes} from '../util/random.js';
import {existsSync} from 'node:fs';
import {ipBatch} from './ip.js';

/** One network interface of a container: its network, host-side veth, name in the netns and address. */
export interface Endpoint {
  network: string;
  networkId: string;
  endpointId: string;
  /** eth0, eth1... inside the netns. */
  ifname: string;
  hostVeth: string;
  bridge: string;
  ip: string;
  prefix: number;
  gateway: string;
  mac: string;
  internal: boolean;
  /** The network's MTU option, on both ends of the veth. */
  mtu?: number;
  /** enable_icc=false: the bridge port is isolated, so it reaches the bridge (the host) but no other container. */
  isolated?: boolean;
}

/** Published ports actually bound: protocol, host address and port, container port. */
export type PublishedPort = {proto: 'tcp' | 'udp'; hostIp: string; hostPort: number; containerPort: number};

/** What a running container has on the host, kept in <data-root>/network/endpoints/<id>.json. */
export interface Sandbox {
  container: string;
  sandboxId: string;
  /** The netns name; its file /var/run/netns/<name> is the SandboxKey. */
  netns: string;
  endpoints: Endpoint[];
  ports: PublishedPort[];
}

export const netnsDir = '/var/run/netns';
export const sandboxKey = (netns: string) => `${netnsDir}/${netns}`;

/** Docker's host-side names: "veth" and seven hex digits. */
export const vethName = () => `veth${randomBytes(4).toString('hex').slice(0, 7)}`;

/** The first interface name not yet used in the sandbox. */
export function nextIfname(sb: Sandbox): string {
  for (let i = 0; ; i++) if (!sb.endpoints.some((e) => e.ifname === `eth${i}`)) return `eth${i}`;
}

export async function createNetns(netns: string): Promise<void> {
  await ipBatch([`netns add ${netns}`]);
  await ipBatch(['link set lo up'], {netns});
}

/** Plugs one endpoint into the netns; the first with a gateway (and not internal) gives the default route. */
export async function addInterface(netns: string, ep: Endpoint, defaultRoute: boolean): Promise<void> {
  const mtu = ep.mtu ? ` mtu ${ep.mtu}` : '';
  try {
    await ipBatch([
      // The peer is born inside the namespace, so no host device ever carries its name.
      `link add ${ep.hostVeth}${mtu} type veth peer name ${ep.ifname} address ${ep.mac}${mtu} netns ${netns}`,
      `link set ${ep.hostVeth} master ${ep.bridge} up`,
      ...(ep.isolated ? [`link set dev ${ep.hostVeth} type bridge_slave isolated on`] : []),
    ]);
    await ipBatch(
      [`addr add ${ep.ip}/${ep.prefix} dev ${ep.ifname}`, `link set ${ep.ifname} up`, ...(defaultRoute && !ep.internal ? [`route replace default via ${ep.gateway} dev ${ep.ifname}`] : [])],
      {netns},
    );
  } catch (error) {
    await removeInterface(ep);
    throw error;
  }
}

const linkExists = (name: string) => existsSync(`/sys/class/net/${name}`);
const netnsExists = (name: string) => existsSync(sandboxKey(name));

/** Removes the veth; its peer in the netns goes with it. */
export async function removeInterface(ep: Pick<Endpoint, 'hostVeth'>): Promise<void> {
  if (linkExists(ep.hostVeth)) await ipBatch([`link del ${ep.hostVeth}`], {force: true}).catch(() => {});
}

/** Removes every veth and the netns; safe to repeat, and tolerant of half-made ones. Returns what is left. */
export async function destroySandbox(sb: Pick<Sandbox, 'endpoints' | 'netns'>): Promise<string[]> {
  const lines: string[] = [];
  for (const ep of sb.endpoints) if (linkExists(ep.hostVeth)) lines.push(`link del ${ep.hostVeth}`);
  if (netnsExists(sb.netns)) lines.push(`netns del ${sb.netns}`);
  if (lines.length > 0) await ipBatch(lines, {force: true}).catch(() => {});
  const left: string[] = sb.endpoints.filter((ep) => linkExists(ep.hostVeth)).map((ep) => `veth ${ep.hostVeth}`);
  if (netnsExists(sb.netns)) left.push(`netns ${sb.netns}`);
  return left;
}

export function sandboxAlive(sb: Pick<Sandbox, 'endpoints' | 'netns'>): boolean {
  return netnsExists(sb.netns) && sb.endpoints.every((ep) => linkExists(ep.hostVeth));
}
