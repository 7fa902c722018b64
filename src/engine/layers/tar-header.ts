// Decoding of single 512-byte tar header blocks and PAX record sets (ustar, GNU and v7).
import {bytesToName} from './paths.js';

export const BLOCK = 512;

export type HeaderFormat = 'ustar' | 'gnu' | 'v7';

export interface HeaderBlock {
  name: string;
  linkname: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  devmajor: number;
  devminor: number;
  format: HeaderFormat;
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** Field text up to the first NUL, as a byte string. */
function field(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return bytesToName(block.subarray(start, end < 0 || end > start + length ? start + length : end));
}

/**
 * A numeric header field: octal text, or GNU base-256 (high bit of the first byte set,
 * two's complement) for values octal cannot hold. Undefined when malformed.
 */
export function parseNumeric(bytes: Buffer): number | undefined {
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    let value = 0n;
    for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(i === 0 ? bytes[0]! & 0x7f : bytes[i]!);
    // Bit 6 of the first byte is the sign bit of the remaining 8n-1 bit number.
    if ((bytes[0]! & 0x40) !== 0) value -= 1n << BigInt(bytes.length * 8 - 1);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
    return Number(value);
  }
  const nul = bytes.indexOf(0);
  const text = bytes.subarray(0, nul < 0 ? bytes.length : nul).toString('latin1').replace(/^[ \0]+|[ \0]+$/g, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  const value = parseInt(text, 8);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Both unsigned and (historic) signed byte sums are accepted, as tar readers traditionally do. */
export function checksumMatches(block: Buffer): boolean {
  const stored = parseNumeric(block.subarray(148, 156));
  if (stored === undefined) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function formatOf(block: Buffer): HeaderFormat {
  const magic = block.toString('latin1', 257, 263);
  if (magic === 'ustar\0') return 'ustar';
  if (magic === 'ustar ' && block.toString('latin1', 263, 265) === ' \0') return 'gnu';
  return 'v7';
}

/** Decodes a checksum-verified header block; returns the name of a bad numeric field instead. */
export function decodeHeader(block: Buffer): HeaderBlock | {badField: string} {
  const format = formatOf(block);
  const numbers: Record<string, [number, number]> = {
    mode: [100, 8],
    uid: [108, 8],
    gid: [116, 8],
    size: [124, 12],
    mtime: [136, 12],
    devmajor: [329, 8],
    devminor: [337, 8],
  };
  const values: Record<string, number> = {};
  for (const [key, [start, length]] of Object.entries(numbers)) {
    if (format === 'v7' && (key === 'devmajor' || key === 'devminor')) {
      values[key] = 0;
      continue;
    }
    const value = parseNumeric(block.subarray(start, start + length));
    if (value === undefined) return {badField: key};
    values[key] = value;
  }
  let name = field(block, 0, 100);
  // GNU reuses the ustar prefix area for atime/ctime, so only real ustar has a prefix.
  if (format === 'ustar') {
    const prefix = field(block, 345, 155);
    if (prefix !== '') name = `${prefix}/${name}`;
  }
  return {
    name,
    linkname: field(block, 157, 100),
    typeflag: String.fromCharCode(block[156]!),
    mode: values.mode! & 0o7777,
    uid: values.uid!,
    gid: values.gid!,
    size: values.size!,
    mtime: values.mtime!,
    devmajor: values.devmajor!,
    devminor: values.devminor!,
    format,
  };
}

/** Parses "LEN key=value\n" records; returns an error reason for malformed data. */
export function parsePaxRecords(data: Buffer): Map<string, Buffer> | string {
  const records = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    // Some writers pad the record area with NULs; nothing may follow them.
    if (data[pos] === 0) {
      for (let i = pos; i < data.length; i++) if (data[i] !== 0) return 'data after NUL padding';
      break;
    }
    const space = data.indexOf(0x20, pos);
    if (space < 0 || space - pos > 12) return 'missing record length';
    const lengthText = data.toString('latin1', pos, space);
    if (!/^[0-9]+$/.test(lengthText)) return 'bad record length';
    const length = parseInt(lengthText, 10);
    const end = pos + length;
    if (length <= space - pos + 1 || end > data.length) return 'record length out of range';
    if (data[end - 1] !== 0x0a) return 'record not terminated by newline';
    const equals = data.indexOf(0x3d, space + 1);
    if (equals < 0 || equals >= end - 1 || equals === space + 1) return 'record without key=value';
    records.set(data.toString('latin1', space + 1, equals), Buffer.from(data.subarray(equals + 1, end - 1)));
    pos = end;
  }
  return records;
}
