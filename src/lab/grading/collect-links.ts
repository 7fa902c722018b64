/** The network interfaces of a network namespace, from iproute2's JSON output (`ip -j -d addr`). */
import {execFileSync} from 'node:child_process';
import type {NetLink} from '../../../graders/snapshot.js';

interface IpAddrEntry {
  ifindex: number;
  ifname: string;
  flags?: string[];
  link_index?: number;
  linkinfo?: {info_kind?: string};
  addr_info?: Array<{family: string; local: string; prefixlen: number}>;
}

export function parseIpAddr(json: string): NetLink[] {
  const entries = JSON.parse(json) as IpAddrEntry[];
  return entries.map((e) => ({
    ifindex: e.ifindex,
    name: e.ifname,
    ...(e.linkinfo?.info_kind ? {kind: e.linkinfo.info_kind} : {}),
    // UP is what `ip link set X up` sets; operstate also needs the peer up, which is the other end's business.
    up: (e.flags ?? []).includes('UP'),
    ...(e.linkinfo?.info_kind === 'veth' && e.link_index ? {peerIndex: e.link_index} : {}),
    addresses: (e.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

/** The host's interfaces (pid undefined) or those of the network namespace process `pid` is in. */
export function netLinks(pid?: number): NetLink[] | undefined {
  const args = ['-j', '-d', 'addr'];
  try {
    const out = pid === undefined
      ? execFileSync('ip', args, {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']})
      : execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', ...args], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore']});
    return parseIpAddr(out);
  } catch {
    return undefined;
  }
}
