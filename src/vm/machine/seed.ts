/**
 * The seed disk of a VM resumed from the warm state: zeros while the saved machine resumes, then this VM's
 * identity, written in place once qemu runs it (the guest polls the disk, see vm-images/vm/resume-identity.sh). The
 * same cpio as the initramfs's /vm, plus the host's clock and fresh random bytes for the guest's pool.
 */
import {randomBytes} from 'node:crypto';
import {open, writeFile} from 'node:fs/promises';
import {vmCpio, type VmSecrets} from './initrd.js';

/** The same size for the saving boot and every resume: the disk's size is part of the saved machine. */
export const SEED_BYTES = 1 << 20;

export async function writeBlankSeed(path: string): Promise<void> {
  await writeFile(path, Buffer.alloc(SEED_BYTES), {mode: 0o600});
}

/**
 * The clock goes as the next whole second and the microseconds until it, as busybox's date sets whole seconds:
 * the guest waits out the rest of this second, then sets it.
 */
export function seedImage(secrets: VmSecrets, now = Date.now()): Buffer {
  const clock = `${Math.floor(now / 1000) + 1} ${(1000 - (now % 1000)) * 1000}\n`;
  const cpio = vmCpio(secrets, [
    {name: 'vm/clock', type: 'file', mode: 0o600, data: Buffer.from(clock)},
    {name: 'vm/entropy', type: 'file', mode: 0o600, data: randomBytes(64)},
  ]);
  if (cpio.length > SEED_BYTES) throw new Error(`a VM's seed (${cpio.length} bytes) does not fit its ${SEED_BYTES}-byte disk`);
  return cpio;
}

/** In place: qemu keeps the file open, so a new file renamed over it would not be seen. */
export async function writeSeed(path: string, secrets: VmSecrets): Promise<void> {
  const file = await open(path, 'r+');
  try {
    await file.write(seedImage(secrets), 0, undefined, 0);
    await file.sync();
  } finally {
    await file.close();
  }
}
