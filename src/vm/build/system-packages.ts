/**
 * The packages debootstrap installs in the VM: the recipe's own (what only a VM needs: SSH, SFTP, kmod) and, with
 * "systemPackages": true, the lab machine's entries of system-packages.json — the same list `lab doctor` checks
 * on any machine where containers run, so the two cannot drift apart.
 */
import {readFile} from 'node:fs/promises';
import {basename, join} from 'node:path';
import {labMachinePackages, parseSystemPackages} from '../../common/system-packages.js';
import type {VmRecipe} from '../recipe.js';

/** The recipe's include list merged with the lab machine's packages of the package at packageRoot, sorted. */
export async function rootfsInclude(recipe: VmRecipe, packageRoot: string): Promise<string[]> {
  const include = new Set(recipe.rootfs.include);
  if (recipe.rootfs.systemPackages) {
    const file = join(packageRoot, 'system-packages.json');
    const list = parseSystemPackages(JSON.parse(await readFile(file, 'utf8')) as unknown, file);
    // A program the recipe copies in from the host (the docker CLI) needs no package of its own.
    const provided = new Set((recipe.rootfs.hostFiles ?? []).map((f) => basename(f.to)));
    for (const p of labMachinePackages(list)) {
      if (p.skipIfCommandPresent && p.command && provided.has(p.command)) continue;
      include.add(p.package);
    }
  }
  return [...include].sort();
}
