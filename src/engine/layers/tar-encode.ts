// Header encoding for archives we write ourselves: ustar, with a PAX header in front only
// when a value does not fit (long names, large ids or sizes, extended attributes).
import {BLOCK} from './tar-header.js';
import {baseOf, nameToBytes} from './paths.js';

export interface HeaderSpec {
  /** Byte string; directories end with '/'. */
  name: string;
  typeflag: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds. */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Map<string, Buffer>;
}

export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

export function paddingFor(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

function octal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'latin1');
}

/** One "LEN key=value\n" record; LEN counts its own digits. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

function ustarBlock(spec: HeaderSpec, name: Buffer, linkname: Buffer, typeflag: string, size: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  name.copy(block, 0, 0, Math.min(name.length, 100));
  octal(block, 100, 8, spec.mode & 0o7777);
  octal(block, 108, 8, spec.uid <= MAX_OCTAL_7 ? spec.uid : 0);
  octal(block, 116, 8, spec.gid <= MAX_OCTAL_7 ? spec.gid : 0);
  octal(block, 124, 12, size <= MAX_OCTAL_11 ? size : 0);
  octal(block, 136, 12, spec.mtime >= 0 && spec.mtime <= MAX_OCTAL_11 ? spec.mtime : 0);
  block.write(typeflag, 156, 1, 'latin1');
  linkname.copy(block, 157, 0, Math.min(linkname.length, 100));
  block.write('ustar\x0000', 257, 8, 'latin1');
  octal(block, 329, 8, spec.devmajor ?? 0);
  octal(block, 337, 8, spec.devminor ?? 0);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i]!;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/** The header block(s) for one entry: an optional PAX header, then the ustar header. */
export function encodeHeader(spec: HeaderSpec): Buffer {
  const name = nameToBytes(spec.name);
  const linkname = nameToBytes(spec.linkname ?? '');
  const records: Buffer[] = [];
  if (name.length > 100) records.push(paxRecord('path', name));
  if (linkname.length > 100) records.push(paxRecord('linkpath', linkname));
  if (spec.uid > MAX_OCTAL_7) records.push(paxRecord('uid', Buffer.from(String(spec.uid))));
  if (spec.gid > MAX_OCTAL_7) records.push(paxRecord('gid', Buffer.from(String(spec.gid))));
  if (spec.size > MAX_OCTAL_11) records.push(paxRecord('size', Buffer.from(String(spec.size))));
  if (spec.mtime < 0 || spec.mtime > MAX_OCTAL_11) records.push(paxRecord('mtime', Buffer.from(String(spec.mtime))));
  for (const [key, value] of [...(spec.xattrs ?? new Map<string, Buffer>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    records.push(paxRecord(`SCHILY.xattr.${key}`, value));
  }
  const header = ustarBlock(spec, name, linkname, spec.typeflag, spec.size);
  if (records.length === 0) return header;
  const data = Buffer.concat(records);
  // Fixed PAX header name and metadata keep the output reproducible.
  const paxName = nameToBytes(`PaxHeaders/${baseOf(spec.name.replace(/\/$/, ''))}`).subarray(0, 100);
  const paxHeader = ustarBlock({...spec, mode: 0o644, uid: 0, gid: 0, devmajor: 0, devminor: 0}, paxName, Buffer.alloc(0), 'x', data.length);
  return Buffer.concat([paxHeader, data, paddingFor(data.length), header]);
}
