// Tar headers for layers taken from a real file tree: ustar, plus a PAX extended header only
// when something does not fit ustar (long names, large ids or sizes, extended attributes).
// tar-stream cannot carry binary PAX values such as a security.capability xattr.

export const BLOCK = 512;

export type TypeFlag = '0' | '1' | '2' | '3' | '4' | '5' | '6';

export interface HeaderFields {
  /** Byte string held in a latin1 JS string; directories end with '/'. */
  name: string;
  type: TypeFlag;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extended attributes written as SCHILY.xattr.<name> records, in name order. */
  xattrs?: [string, Buffer][];
}

const MAX7 = 0o7777777;
const MAX11 = 0o77777777777;

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'latin1');
}

/** "LEN key=value\n", where LEN counts the whole record including its own digits. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length), 'latin1'), body]);
}

function ustar(f: Omit<HeaderFields, 'type'>, flag: string, name: Buffer, link: Buffer): Buffer {
  const block = Buffer.alloc(BLOCK);
  name.copy(block, 0, 0, Math.min(name.length, 100));
  octal(block, 100, 8, f.mode & 0o7777);
  octal(block, 108, 8, f.uid <= MAX7 ? f.uid : 0);
  octal(block, 116, 8, f.gid <= MAX7 ? f.gid : 0);
  octal(block, 124, 12, f.size <= MAX11 ? f.size : 0);
  octal(block, 136, 12, f.mtime >= 0 && f.mtime <= MAX11 ? f.mtime : 0);
  block.write(flag, 156, 1, 'latin1');
  link.copy(block, 157, 0, Math.min(link.length, 100));
  block.write('ustar\u000000', 257, 8, 'latin1');
  octal(block, 329, 8, f.devmajor ?? 0);
  octal(block, 337, 8, f.devminor ?? 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return block;
}

/** Header block(s) of one member; the bytes depend only on the fields. */
export function encodeHeader(f: HeaderFields): Buffer {
  const name = Buffer.from(f.name, 'latin1');
  const link = Buffer.from(f.linkname ?? '', 'latin1');
  const records: Buffer[] = [];
  if (name.length > 100) records.push(paxRecord('path', name));
  if (link.length > 100) records.push(paxRecord('linkpath', link));
  if (f.uid > MAX7) records.push(paxRecord('uid', Buffer.from(String(f.uid))));
  if (f.gid > MAX7) records.push(paxRecord('gid', Buffer.from(String(f.gid))));
  if (f.size > MAX11) records.push(paxRecord('size', Buffer.from(String(f.size))));
  for (const [key, value] of f.xattrs ?? []) records.push(paxRecord(`SCHILY.xattr.${key}`, value));
  const header = ustar(f, f.type, name, link);
  if (records.length === 0) return header;

  const data = Buffer.concat(records);
  const base = f.name.replace(/\/$/, '').split('/').pop() ?? '';
  // A fixed name and fixed metadata for the PAX header keep it reproducible (GNU tar puts a pid in it).
  const paxName = Buffer.from(`PaxHeaders/${base}`, 'latin1').subarray(0, 100);
  const paxHeader = ustar({name: '', mode: 0o644, uid: 0, gid: 0, size: data.length, mtime: f.mtime}, 'x', paxName, Buffer.alloc(0));
  return Buffer.concat([paxHeader, data, padding(data.length), header]);
}
