/** Where the VM image cache and the per-VM state live (XDG base directories, like the image cache). */
import {homedir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../common/package-root.js';

function xdg(variable: string, fallback: string): string {
  const value = process.env[variable];
  // The XDG spec says relative values are invalid and must be ignored.
  return value && value.startsWith('/') ? value : join(homedir(), fallback);
}

/** ${XDG_CACHE_HOME:-~/.cache}/lab/vm: built kernels, initramfs, root trees and base disks. */
export function vmCacheDir(): string {
  return join(xdg('XDG_CACHE_HOME', '.cache'), 'lab', 'vm');
}

/** ${XDG_STATE_HOME:-~/.local/state}/lab/vms: one folder per VM (its disk overlay, keys, logs, record). */
export function vmStateDir(): string {
  return join(xdg('XDG_STATE_HOME', '.local/state'), 'lab', 'vms');
}

/** vm-images/vm: the recipe and the scripts it names. */
export function vmRecipeDir(): string {
  return join(packageRoot(), 'vm-images', 'vm');
}

export {packageRoot};
