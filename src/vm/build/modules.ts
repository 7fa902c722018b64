/** Picking a small set of kernel modules (with what they depend on) out of a kernel package's tree. */
import {copyFile, mkdir, readFile} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {run} from '../../debian-images/support/exec.js';

/** modules.dep: "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko ..." → path → dependencies. */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    deps.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim().split(/\s+/).filter(Boolean));
  }
  return deps;
}

/** The name modprobe knows a module file by: no folder, no .ko(.xz|.zst|.gz), dashes as underscores. */
export function moduleName(path: string): string {
  return basename(path).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * The files to load for the named modules, each after everything it needs, without repeats. Names built into
 * the kernel (modules.builtin) need nothing and are skipped; an unknown name is an error.
 */
export function resolveModules(deps: Map<string, string[]>, names: string[], builtin: Set<string> = new Set()): string[] {
  const byName = new Map<string, string>();
  for (const path of deps.keys()) byName.set(moduleName(path), path);
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (path: string) => {
    if (order.includes(path) || visiting.has(path)) return;
    visiting.add(path);
    for (const dep of deps.get(path) ?? []) visit(dep);
    visiting.delete(path);
    order.push(path);
  };
  for (const name of names) {
    const key = name.replace(/-/g, '_');
    const path = byName.get(key);
    if (path) visit(path);
    else if (!builtin.has(key)) throw new Error(`kernel module ${name} is neither in modules.dep nor built in`);
  }
  return order;
}

const depmod = (base: string, version: string) => run('depmod', ['-b', base, version], {env: {...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`}});

/**
 * From a kernel package unpacked at pkgRoot, copies the named modules and what they need into
 * outRoot/lib/modules/<v> with the kernel's own modules.order and modules.builtin, and indexes them with depmod -b.
 * Returns, for each list, its files in load order, relative to lib/modules/<v>.
 */
export async function copyModuleSubset(pkgRoot: string, version: string, lists: {boot: string[]; later: string[]}, outRoot: string): Promise<{boot: string[]; later: string[]}> {
  const src = join(pkgRoot, 'lib/modules', version);
  // The .deb ships no modules.dep (its postinst runs depmod), so index the whole tree first.
  await depmod(pkgRoot, version);
  const deps = parseModulesDep(await readFile(join(src, 'modules.dep'), 'utf8'));
  const builtinText = await readFile(join(src, 'modules.builtin'), 'utf8').catch(() => '');
  const builtin = new Set(builtinText.split('\n').filter(Boolean).map(moduleName));
  const boot = resolveModules(deps, lists.boot, builtin);
  const later = resolveModules(deps, [...lists.boot, ...lists.later], builtin).filter((f) => !boot.includes(f));

  const dest = join(outRoot, 'lib/modules', version);
  for (const file of [...boot, ...later]) {
    await mkdir(dirname(join(dest, file)), {recursive: true});
    await copyFile(join(src, file), join(dest, file));
  }
  for (const meta of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) {
    await copyFile(join(src, meta), join(dest, meta)).catch(() => undefined);
  }
  await depmod(outRoot, version);
  return {boot, later};
}
