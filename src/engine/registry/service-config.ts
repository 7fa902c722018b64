/**
 * The registry configuration /info shows (dockerd's registry.ServiceConfig): insecure CIDRs (the configured ones,
 * as networks, then 127.0.0.0/8), an index entry per insecure host and the official one for Docker Hub carrying
 * the mirrors, which dockerd writes with a trailing slash.
 */
import {isIP} from 'node:net';
import {hubName, type RegistryOptions} from './options.js';

export interface IndexInfo {
  Name: string;
  Mirrors: string[];
  Secure: boolean;
  Official: boolean;
}

export interface ServiceConfig {
  AllowNondistributableArtifactsCIDRs: string[];
  AllowNondistributableArtifactsHostnames: string[];
  InsecureRegistryCIDRs: string[];
  IndexConfigs: Record<string, IndexInfo>;
  Mirrors: string[];
}

/** `10.1.2.3/8` → `10.0.0.0/8`, as Go's net.ParseCIDR gives the network. */
export function networkOf(cidr: string): string {
  const [address, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(address) === 4) {
    const value = address.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
    const masked = bits === 0 ? 0n : (value >> BigInt(32 - bits)) << BigInt(32 - bits);
    return `${[24n, 16n, 8n, 0n].map((s) => (masked >> s) & 255n).join('.')}/${bits}`;
  }
  const [head, tail = ''] = address.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => BigInt(parseInt(w, 16))) : []);
  const h = words(head);
  const tl = address.includes('::') ? words(tail) : [];
  const all = [...h, ...Array(8 - h.length - tl.length).fill(0n), ...tl] as bigint[];
  const value = all.reduce((n, w) => (n << 16n) | w, 0n);
  const masked = bits === 0 ? 0n : (value >> BigInt(128 - bits)) << BigInt(128 - bits);
  const groups = [...Array(8).keys()].map((i) => ((masked >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Go prints the longest run of zero groups as `::`.
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const text = best[0] < 0 ? groups.join(':') : `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0] + best[1]).join(':')}`;
  return `${text}/${bits}`;
}

export function serviceConfig(opts: RegistryOptions): ServiceConfig {
  const cidrs: string[] = [];
  const indexes: Record<string, IndexInfo> = {};
  for (const entry of [...opts.insecure, '127.0.0.0/8']) {
    if (/\/\d+$/.test(entry)) {
      const network = networkOf(entry);
      if (!cidrs.includes(network)) cidrs.push(network);
    } else indexes[entry] = {Name: entry, Mirrors: [], Secure: false, Official: false};
  }
  const mirrors = opts.mirrors.map((m) => `${m.replace(/\/+$/, '')}/`);
  indexes[hubName] = {Name: hubName, Mirrors: mirrors, Secure: true, Official: true};
  return {AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [], InsecureRegistryCIDRs: cidrs, IndexConfigs: indexes, Mirrors: mirrors};
}
