/**
 * Getting an uncompressed vmlinux out of Debian's bzImage (vmlinuz). qemu boots an ELF vmlinux directly through
 * its PVH entry point, skipping the real-mode setup and the self-decompression that cost seconds under emulation.
 */
import {spawn} from 'node:child_process';
import {createWriteStream} from 'node:fs';
import {once} from 'node:events';
import {readFile, rename, rm} from 'node:fs/promises';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** XEN_ELFNOTE_PHYS32_ENTRY: the 32-bit entry point a PVH loader (qemu's -kernel) jumps to. */
const PVH_NOTE_TYPE = 18;

/**
 * Where the compressed kernel starts. The boot protocol (2.08+) records it in the setup header: payload_offset
 * is counted from the protected-mode code, which follows (setup_sects + 1) sectors of real-mode code. Older or
 * odd images fall back to every place the xz magic appears.
 */
export function payloadCandidates(image: Buffer): number[] {
  const found: number[] = [];
  if (image.length > 0x250 && image.toString('latin1', 0x202, 0x206) === 'HdrS') {
    const setupSects = image[0x1f1] || 4;
    const start = (setupSects + 1) * 512 + image.readUInt32LE(0x248);
    if (start + XZ_MAGIC.length <= image.length && image.subarray(start, start + XZ_MAGIC.length).equals(XZ_MAGIC)) found.push(start);
  }
  for (let at = image.indexOf(XZ_MAGIC); at !== -1; at = image.indexOf(XZ_MAGIC, at + 1)) {
    if (!found.includes(at)) found.push(at);
  }
  return found;
}

/** Whether an ELF64 little-endian image carries the PVH entry note (in a PT_NOTE segment, name "Xen"). */
export function hasPvhEntry(elf: Buffer): boolean {
  if (elf.length < 64 || !elf.subarray(0, 4).equals(ELF_MAGIC) || elf[4] !== 2 || elf[5] !== 1) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || elf.readUInt32LE(ph) !== 4 /* PT_NOTE */) continue;
    const offset = Number(elf.readBigUInt64LE(ph + 8));
    const end = Math.min(elf.length, offset + Number(elf.readBigUInt64LE(ph + 32)));
    for (let at = offset; at + 12 <= end; ) {
      const namesz = elf.readUInt32LE(at);
      const descsz = elf.readUInt32LE(at + 4);
      const type = elf.readUInt32LE(at + 8);
      const name = elf.toString('latin1', at + 12, at + 12 + Math.max(0, namesz - 1));
      if (name === 'Xen' && type === PVH_NOTE_TYPE) return true;
      at += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

/** Runs `xz -dc --single-stream` on data (trailing bytes after the stream are ignored) into dest. */
function unxz(data: Buffer, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('xz', ['-dc', '--single-stream'], {stdio: ['pipe', 'pipe', 'pipe']});
    const out = createWriteStream(dest);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.pipe(out);
    child.stdin.on('error', () => undefined); // xz may exit before reading everything
    child.on('error', (error) => reject(new Error(`cannot run xz (apt-get install xz-utils): ${error.message}`)));
    child.on('close', async (code) => {
      if (!out.writableFinished) await once(out, 'finish').catch(() => undefined);
      if (code === 0) resolve();
      else reject(new Error(`xz -d failed (exit ${code}): ${stderr.trim()}`));
    });
    child.stdin.end(data);
  });
}

/** Writes the kernel's uncompressed ELF image to dest; fails unless it can be booted through PVH. */
export async function extractVmlinux(vmlinuz: string, dest: string): Promise<{offset: number; size: number}> {
  const image = await readFile(vmlinuz);
  const candidates = payloadCandidates(image);
  if (candidates.length === 0) throw new Error(`${vmlinuz}: no xz-compressed payload found (is it an xz bzImage?)`);
  const tmp = `${dest}.partial`;
  let lastError = 'not an ELF image';
  try {
    for (const offset of candidates) {
      try {
        await unxz(image.subarray(offset), tmp);
      } catch (error) {
        lastError = (error as Error).message;
        continue;
      }
      const elf = await readFile(tmp);
      if (!elf.subarray(0, 4).equals(ELF_MAGIC)) continue;
      if (!hasPvhEntry(elf)) throw new Error(`${vmlinuz}: the kernel has no PVH entry note (CONFIG_PVH), so qemu cannot boot it directly`);
      await rename(tmp, dest);
      return {offset, size: elf.length};
    }
  } finally {
    await rm(tmp, {force: true});
  }
  throw new Error(`${vmlinuz}: no xz payload decompressed to an ELF kernel (${lastError})`);
}
