/** IPv4 arithmetic for subnets: CIDR parsing, overlap, the n-th host, and Docker's MAC-from-address rule. */

export interface Subnet {
  /** The network address as a 32-bit unsigned number. */
  base: number;
  prefix: number;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`"${ip}" is not an IPv4 address`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** "172.17.0.1/16" → the subnet 172.17.0.0/16 and the address written before the slash. */
export function parseCidr(cidr: string): {subnet: Subnet; address: number} {
  const [ip, bits] = cidr.split('/');
  const prefix = bits === undefined ? 32 : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`"${cidr}" has an invalid prefix length`);
  const address = ipToInt(ip);
  return {subnet: {base: (address & mask(prefix)) >>> 0, prefix}, address};
}

export function formatSubnet(s: Subnet): string {
  return `${intToIp(s.base)}/${s.prefix}`;
}

export function size(s: Subnet): number {
  return 2 ** (32 - s.prefix);
}

export function contains(s: Subnet, ip: number): boolean {
  return ((ip & mask(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

/** Usable host addresses, network and broadcast excluded (a /31 or /32 has none worth handing out). */
export function* hosts(s: Subnet): Generator<number> {
  const n = size(s);
  for (let i = 1; i < n - 1; i++) yield s.base + i;
}

/** Docker's rule: 02:42 followed by the four address bytes, so an address always gets the same MAC. */
export function macFor(ip: string): string {
  const n = ipToInt(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
