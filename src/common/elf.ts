/** ELF facts a grader needs: static or dynamic (PT_INTERP), and the libraries it asks for (DT_NEEDED). */
import {closeSync, openSync, readSync} from 'node:fs';

export interface ElfFacts {
  interpreter?: string;
  needed: string[];
  static: boolean;
}

export function elfFacts(path: string): ElfFacts | undefined {
  const fd = openSync(path, 'r');
  const read = (offset: number, length: number) => {
    const b = Buffer.alloc(length);
    return b.subarray(0, readSync(fd, b, 0, length, offset));
  };
  try {
    const h = read(0, 64);
    if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = h[4] === 2;
    const le = h[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const word = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
    const phoff = word(h, is64 ? 32 : 28);
    const phentsize = u16(h, is64 ? 54 : 42);
    const phnum = Math.min(u16(h, is64 ? 56 : 44), 1024);
    const table = read(phoff, phentsize * phnum);
    const loads: Array<{vaddr: number; offset: number; filesz: number}> = [];
    let interpreter: string | undefined;
    let dynamic: {offset: number; size: number} | undefined;
    for (let i = 0; i < phnum; i++) {
      const p = table.subarray(i * phentsize, (i + 1) * phentsize);
      if (p.length < phentsize) break;
      const type = u32(p, 0);
      const offset = word(p, is64 ? 8 : 4);
      const vaddr = word(p, is64 ? 16 : 8);
      const filesz = word(p, is64 ? 32 : 16);
      if (type === 1) loads.push({vaddr, offset, filesz});
      if (type === 2) dynamic = {offset, size: Math.min(filesz, 1 << 20)};
      if (type === 3) interpreter = read(offset, Math.min(filesz, 4096)).toString('latin1').replace(/\0.*$/s, '');
    }
    const needed: string[] = [];
    if (dynamic) {
      const entries = read(dynamic.offset, dynamic.size);
      const size = is64 ? 16 : 8;
      const names: number[] = [];
      let strtab = 0;
      for (let o = 0; o + size <= entries.length; o += size) {
        const tag = word(entries, o);
        const val = word(entries, o + (is64 ? 8 : 4));
        if (tag === 0) break;
        if (tag === 1) names.push(val);
        if (tag === 5) strtab = val;
      }
      const seg = loads.find((l) => strtab >= l.vaddr && strtab < l.vaddr + l.filesz);
      if (seg) {
        const base = seg.offset + (strtab - seg.vaddr);
        for (const n of names) needed.push(read(base + n, 256).toString('latin1').replace(/\0.*$/s, ''));
      }
    }
    return {interpreter, needed, static: !interpreter && needed.length === 0};
  } finally {
    closeSync(fd);
  }
}
