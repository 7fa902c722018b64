/**
 * The base disk: an ext4 file system made straight from a folder (mkfs.ext4 -d, so no loop mount), converted to
 * a compressed qcow2 that every VM's copy-on-write overlay reads from.
 */
import {rm, stat} from 'node:fs/promises';
import {run} from '../../debian-images/support/exec.js';

const SYSTEM_PATH = `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`;

export function mkfsArgs(image: string, root: string, sizeMiB: number): string[] {
  return [
    '-q', '-F', '-t', 'ext4', '-L', 'labroot', '-m', '0',
    // Initialize inode tables and journal now: lazily the guest kernel would do it after boot, writing every
    // VM's overlay full of zeros and spending emulated CPU on it.
    '-E', 'lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0',
    '-d', root, image, `${sizeMiB}M`,
  ];
}

export function convertArgs(raw: string, qcow2: string, compress: boolean): string[] {
  // zstd decompresses several times faster than zlib, which is what a booting guest waits on.
  return ['convert', '-f', 'raw', '-O', 'qcow2', ...(compress ? ['-c', '-o', 'compression_type=zstd'] : []), raw, qcow2];
}

export async function makeDisk(root: string, raw: string, qcow2: string, sizeMiB: number, compress: boolean): Promise<{bytes: number}> {
  const env = {...process.env, PATH: SYSTEM_PATH};
  try {
    await run('mkfs.ext4', mkfsArgs(raw, root, sizeMiB), {env});
    await run('qemu-img', convertArgs(raw, qcow2, compress), {env});
  } finally {
    await rm(raw, {force: true});
  }
  return {bytes: (await stat(qcow2)).size};
}
