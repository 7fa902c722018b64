/**
 * The source files an ELF program names in its symbol table (STT_FILE symbols: one per compiled file, which gcc
 * keeps unless the program is stripped). A program built from the submitted hello.c names "hello.c"; a busybox
 * renamed `echo` names none of the submission's files, or has no symbol table at all.
 */
const STT_FILE = 4;
const SHT_SYMTAB = 2;

export const isElf = (data: Buffer) => data.length >= 64 && data.readUInt32BE(0) === 0x7f454c46;

/** The file names in the symbol table; undefined when there is none (stripped) or the ELF is not 64-bit little-endian. */
export function elfSourceNames(data: Buffer): string[] | undefined {
  if (!isElf(data) || data[4] !== 2 || data[5] !== 1) return undefined;
  try {
    const shoff = Number(data.readBigUInt64LE(0x28));
    const [shentsize, shnum] = [data.readUInt16LE(0x3a), data.readUInt16LE(0x3c)];
    const section = (i: number) => {
      const at = shoff + i * shentsize;
      return {type: data.readUInt32LE(at + 4), offset: Number(data.readBigUInt64LE(at + 0x18)), size: Number(data.readBigUInt64LE(at + 0x20)), link: data.readUInt32LE(at + 0x28)};
    };
    for (let i = 0; i < shnum; i++) {
      const symtab = section(i);
      if (symtab.type !== SHT_SYMTAB) continue;
      const strtab = section(symtab.link);
      const names = new Set<string>();
      for (let at = symtab.offset; at + 24 <= symtab.offset + symtab.size; at += 24) {
        if ((data[at + 4] & 0xf) !== STT_FILE) continue;
        const start = strtab.offset + data.readUInt32LE(at);
        names.add(data.subarray(start, data.indexOf(0, start)).toString('utf8'));
      }
      return [...names];
    }
  } catch {
    // a truncated or malformed ELF: no symbol table to trust
  }
  return undefined;
}
