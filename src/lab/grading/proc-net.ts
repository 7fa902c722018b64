/**
 * Listening TCP sockets from /proc/net/tcp and /proc/net/tcp6 (proc(5)): the kernel's own table, so what a
 * daemon really listens on, whatever its configuration says. Addresses there are hex words in host byte order.
 */
export interface ProcNetSocket {
  family: 4 | 6;
  address: string;
  port: number;
  inode: number;
}

const LISTEN = '0A';

/** One 32-bit word of /proc/net/tcp: hex in the host's (little-endian) byte order → its 4 bytes in network order. */
function wordBytes(hex: string): number[] {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function decodeAddress(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join('.');
  const bytes = [0, 8, 16, 24].flatMap((o) => wordBytes(hex.slice(o, o + 8)));
  // ::ffff:a.b.c.d — an IPv4 address on a dual-stack socket.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // The longest run of zero groups becomes "::", as inet_ntop writes it.
  const text = groups.join(':');
  const runs = text.match(/(?:^|:)0(?::0)+(?::|$)/g) ?? [];
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  return longest ? text.replace(longest, '::') : text;
}

/** The listening sockets of one /proc/net/tcp{,6} file's text. */
export function parseProcNetTcp(text: string, family: 4 | 6): ProcNetSocket[] {
  const out: ProcNetSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addr, port] = f[1].split(':');
    out.push({family, address: decodeAddress(addr), port: parseInt(port, 16), inode: Number(f[9])});
  }
  return out;
}
