/**
 * A VM's own initramfs: the shared image's, with a second (uncompressed) cpio appended that holds this VM's SSH
 * host key, the client key it authorizes and its hostname. The kernel unpacks both archives in turn, and the
 * first init copies /vm into the root disk, so the base disk never holds a secret.
 */
import {readFile, writeFile} from 'node:fs/promises';
import {writeCpio} from '../build/cpio.js';

export interface VmSecrets {
  dropbearHostKey: Buffer;
  /** Printed in the READY banner (the client pins the key itself). */
  fingerprint: string;
  authorizedKeys: string;
  hostname: string;
}

/** Laid out as they go into the root disk, so the initramfs installs them with a single `cp -a`. */
export function vmCpio(secrets: VmSecrets, extra: Parameters<typeof writeCpio>[0] = []): Buffer {
  return writeCpio([
    {name: 'vm', type: 'directory', mode: 0o700},
    {name: 'vm/root', type: 'directory', mode: 0o755},
    {name: 'vm/root/etc', type: 'directory', mode: 0o755},
    {name: 'vm/root/etc/hostname', type: 'file', mode: 0o644, data: Buffer.from(`${secrets.hostname}\n`)},
    {name: 'vm/root/etc/dropbear', type: 'directory', mode: 0o755},
    {name: 'vm/root/etc/dropbear/dropbear_ed25519_host_key', type: 'file', mode: 0o600, data: secrets.dropbearHostKey},
    {name: 'vm/root/etc/dropbear/fingerprint', type: 'file', mode: 0o644, data: Buffer.from(`${secrets.fingerprint}\n`)},
    {name: 'vm/root/root', type: 'directory', mode: 0o700},
    {name: 'vm/root/root/.ssh', type: 'directory', mode: 0o700},
    {name: 'vm/root/root/.ssh/authorized_keys', type: 'file', mode: 0o600, data: Buffer.from(`${secrets.authorizedKeys.trim()}\n`)},
    ...extra,
  ]);
}

export async function writeVmInitrd(baseInitramfs: string, dest: string, secrets: VmSecrets): Promise<void> {
  const base = await readFile(baseInitramfs);
  // The base is padded to 512 bytes at build time; the kernel's unpacker skips zero padding between archives.
  await writeFile(dest, Buffer.concat([base, vmCpio(secrets)]), {mode: 0o600});
}
