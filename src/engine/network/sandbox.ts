/**
 * A container's network namespace, made before runc runs so runc only joins it (config.json's network
 * namespace gets its path): a named netns (`ip netns add`, visible to `ip netns list`), and a veth pair
 * whose host end sits on the bridge and whose other end is the container's eth0.
 *
 *   host: bridge ── vethXXXXXXX  ⇄  eth0 (172.17.0.2/16, default via 172.17.0.1) :netns <id12>
 */
import {randomBytes} from 'node:crypto';
import {existsSync} from 'node:fs';
import {ipBatch} from './ip.js';

export interface Endpoint {
  container: string;
  network: string;
  networkId: string;
  endpointId: string;
  sandboxId: string;
  /** The netns name; its file /var/run/netns/<name> is the SandboxKey. */
  netns: string;
  hostVeth: string;
  bridge: string;
  ip: string;
  prefix: number;
  gateway: string;
  mac: string;
  internal: boolean;
  /** Published ports actually bound: protocol, host address and port, container port. */
  ports: Array<{proto: 'tcp' | 'udp'; hostIp: string; hostPort: number; containerPort: number}>;
}

export const netnsDir = '/var/run/netns';
export const sandboxKey = (netns: string) => `${netnsDir}/${netns}`;

/** Docker's host-side names: "veth" and seven hex digits. */
export const vethName = () => `veth${randomBytes(4).toString('hex').slice(0, 7)}`;

export async function createSandbox(ep: Endpoint): Promise<void> {
  try {
    await ipBatch([
      `netns add ${ep.netns}`,
      // The peer is born inside the namespace as eth0, so no host device ever carries that name.
      `link add ${ep.hostVeth} type veth peer name eth0 address ${ep.mac} netns ${ep.netns}`,
      `link set ${ep.hostVeth} master ${ep.bridge} up`,
    ]);
    await ipBatch(
      [
        'link set lo up',
        `addr add ${ep.ip}/${ep.prefix} dev eth0`,
        'link set eth0 up',
        ...(ep.internal ? [] : [`route add default via ${ep.gateway} dev eth0`]),
      ],
      {netns: ep.netns},
    );
  } catch (error) {
    await destroySandbox(ep);
    throw error;
  }
}

const linkExists = (name: string) => existsSync(`/sys/class/net/${name}`);
const netnsExists = (name: string) => existsSync(sandboxKey(name));

/** Removes the veth (its peer goes with it) and the netns; safe to repeat, and tolerant of half-made ones. */
export async function destroySandbox(ep: Pick<Endpoint, 'hostVeth' | 'netns'>): Promise<string[]> {
  const lines: string[] = [];
  if (linkExists(ep.hostVeth)) lines.push(`link del ${ep.hostVeth}`);
  if (netnsExists(ep.netns)) lines.push(`netns del ${ep.netns}`);
  if (lines.length > 0) await ipBatch(lines, {force: true}).catch(() => {});
  const left: string[] = [];
  if (linkExists(ep.hostVeth)) left.push(`veth ${ep.hostVeth}`);
  if (netnsExists(ep.netns)) left.push(`netns ${ep.netns}`);
  return left;
}

export function sandboxAlive(ep: Pick<Endpoint, 'hostVeth' | 'netns'>): boolean {
  return linkExists(ep.hostVeth) && netnsExists(ep.netns);
}
