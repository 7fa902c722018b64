/**
 * The lab's files on a libvirt host, kept in a libvirt storage pool (a directory) and moved there through the
 * libvirt connection itself (`virsh vol-upload`), so a remote host needs nothing but libvirtd and the SSH login
 * virsh already uses. The image (kernel, initramfs, base disk) is uploaded once per host and image version; each
 * VM gets a copy-on-write disk over it and its own initramfs (its keys).
 */
import {stat} from 'node:fs/promises';
import type {VmImage} from '../build/index.js';
import {isMissing, virsh} from './virsh.js';

export interface PoolSpec {
  name: string;
  /** The directory on the libvirt host. */
  path: string;
}

/** The pool exists, is built and active (defining it the first time). */
export async function ensurePool(uri: string, pool: PoolSpec): Promise<void> {
  let info: string;
  try {
    info = await virsh(uri, ['pool-info', pool.name]);
  } catch (error) {
    if (!isMissing(error)) throw error;
    await virsh(uri, ['pool-define-as', pool.name, 'dir', '--target', pool.path]);
    await virsh(uri, ['pool-build', pool.name]);
    await virsh(uri, ['pool-autostart', pool.name]);
    info = await virsh(uri, ['pool-info', pool.name]);
  }
  if (!/^State:\s+running/m.test(info)) await virsh(uri, ['pool-start', pool.name]);
}

export async function volumePath(uri: string, pool: string, volume: string): Promise<string | undefined> {
  try {
    return (await virsh(uri, ['vol-path', '--pool', pool, volume])).trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Creates a raw volume of the file's size and uploads the file into it through the libvirt connection. */
export async function uploadVolume(uri: string, pool: string, volume: string, file: string): Promise<string> {
  const {size} = await stat(file);
  await virsh(uri, ['vol-create-as', pool, volume, String(Math.max(size, 1)), '--format', 'raw']);
  try {
    await virsh(uri, ['vol-upload', '--pool', pool, volume, file]);
  } catch (error) {
    await deleteVolume(uri, pool, volume);
    throw error;
  }
  return (await volumePath(uri, pool, volume))!;
}

export async function deleteVolume(uri: string, pool: string, volume: string): Promise<void> {
  try {
    await virsh(uri, ['vol-delete', '--pool', pool, volume]);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
}

export interface ImageVolumes {
  kernel: string;
  base: string;
  /** Volume names, for the per-VM disk's backing. */
  baseVolume: string;
}

const imageVolume = (image: Pick<VmImage, 'key'>, part: string) => `lab-image-${image.key.slice(0, 16)}-${part}`;

/**
 * The image's kernel and base disk on the host, uploaded unless there already (a marker volume, written last,
 * tells a complete upload from one cut short). The initramfs is not needed there: each VM uploads its own.
 */
export async function ensureImageVolumes(uri: string, pool: PoolSpec, image: VmImage, onProgress?: (m: string) => void): Promise<ImageVolumes> {
  const names = {kernel: imageVolume(image, 'vmlinux'), base: imageVolume(image, 'base.qcow2'), done: imageVolume(image, 'complete')};
  if (!(await volumePath(uri, pool.name, names.done))) {
    await ensurePool(uri, pool);
    for (const name of [names.kernel, names.base]) await deleteVolume(uri, pool.name, name);
    onProgress?.(`${uri}: uploading the VM image (${Math.round((image.sizes.base + image.sizes.vmlinux) / 2 ** 20)} MiB) into pool ${pool.name}`);
    await uploadVolume(uri, pool.name, names.kernel, image.vmlinux);
    await uploadVolume(uri, pool.name, names.base, image.base);
    await virsh(uri, ['vol-create-as', pool.name, names.done, '1', '--format', 'raw']).catch((error: Error) => {
      // Another command finished the same upload first.
      if (!/exists already/.test(error.message)) throw error;
    });
  }
  return {kernel: (await volumePath(uri, pool.name, names.kernel))!, base: (await volumePath(uri, pool.name, names.base))!, baseVolume: names.base};
}

/** Removes every image volume of the lab from the pool (after the class is destroyed). */
export async function deleteImageVolumes(uri: string, pool: string): Promise<string[]> {
  let list: string;
  try {
    list = await virsh(uri, ['vol-list', pool]);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const names = list.split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter((n) => n.startsWith('lab-image-'));
  // The marker first: an interrupted removal leaves an image that is uploaded again, not one taken as complete.
  names.sort((a, b) => Number(b.endsWith('-complete')) - Number(a.endsWith('-complete')));
  for (const name of names) await deleteVolume(uri, pool, name);
  return names;
}

/** A VM's disk: qcow2 over the image's base volume, of the image's virtual size. */
export async function createDiskVolume(uri: string, pool: string, volume: string, image: ImageVolumes, virtualMiB: number): Promise<string> {
  await virsh(uri, ['vol-create-as', pool, volume, `${virtualMiB}M`, '--format', 'qcow2', '--backing-vol', image.baseVolume, '--backing-vol-format', 'qcow2']);
  return (await volumePath(uri, pool, volume))!;
}

/** Whether a pool holds volumes other than the lab's images, and which (nothing of a destroyed class may stay). */
export async function listVolumes(uri: string, pool: string): Promise<string[]> {
  try {
    return (await virsh(uri, ['vol-list', pool])).split('\n').map((l) => l.trim().split(/\s+/)[0]!).filter(Boolean);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}
