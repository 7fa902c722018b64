/** Just enough ELF to tell a static binary from a dynamic one: the program interpreter (PT_INTERP). */
import {closeSync, openSync, readSync} from 'node:fs';

export interface ElfInfo {
  class: 32 | 64;
  /** The dynamic loader a dynamic executable needs (e.g. /lib64/ld-linux-x86-64.so.2); undefined when static. */
  interpreter?: string;
}

function read(fd: number, offset: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, offset);
  return buf.subarray(0, n);
}

/** Undefined when the file is not ELF (a script, say). */
export function readElf(path: string): ElfInfo | undefined {
  const fd = openSync(path, 'r');
  try {
    const ident = read(fd, 0, 64);
    if (ident.length < 52 || ident.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = ident[4] === 2;
    const le = ident[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u64 = (b: Buffer, o: number) => Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o));
    const phoff = is64 ? u64(ident, 32) : u32(ident, 28);
    const phentsize = u16(ident, is64 ? 54 : 42);
    const phnum = Math.min(u16(ident, is64 ? 56 : 44), 4096);
    const table = read(fd, phoff, phentsize * phnum);
    for (let i = 0; i < phnum; i++) {
      const h = table.subarray(i * phentsize, (i + 1) * phentsize);
      if (h.length < phentsize || u32(h, 0) !== 3) continue; // PT_INTERP
      const offset = is64 ? u64(h, 8) : u32(h, 4);
      const size = Math.min(is64 ? u64(h, 32) : u32(h, 16), 4096);
      const interpreter = read(fd, offset, size).toString('latin1').replace(/\0.*$/s, '');
      return {class: is64 ? 64 : 32, interpreter};
    }
    return {class: is64 ? 64 : 32};
  } finally {
    closeSync(fd);
  }
}
