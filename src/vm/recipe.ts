/** The VM recipe (vm-images/vm/vm.json): its shape, and loading it with every schema problem reported at once. */
import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {Ajv, type ValidateFunction} from 'ajv';
import {vmRecipeDir} from './paths.js';

export interface VmRecipe {
  name: string;
  description?: string;
  architecture: 'amd64';
  kernel: {package: string; bootModules: string[]; modules: string[]; cmdline: string[]};
  initramfs: {busyboxPackage: string; init: string};
  rootfs: {
    suite: string;
    variant: 'minbase';
    components?: string[];
    /** Also the lab-machine entries of system-packages.json (see vm.schema.json). */
    systemPackages?: boolean;
    include: string[];
    remove?: string[];
    files?: {path: string; source?: string; text?: string; mode?: string}[];
    hostFiles?: {from: string; to: string}[];
    package?: {to: string; paths: string[]};
  };
  courseRegistry?: {port: number; images?: string[]};
  disk: {sizeMiB: number; compress?: boolean};
  machine: {type: 'q35' | 'microvm' | 'pc'; memoryMiB: number; cpus: number};
}

export interface LoadedVmRecipe {
  dir: string;
  recipe: VmRecipe;
  /** Recipe bytes and every file it names, by name: all of it feeds the cache key. */
  files: Map<string, Buffer>;
}

export class VmRecipeError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}: invalid VM recipe:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'VmRecipeError';
  }
}

let validator: ValidateFunction | undefined;

function validate(dir: string): ValidateFunction {
  validator ??= new Ajv({allErrors: true, strict: true}).compile(JSON.parse(readFileSync(join(dir, 'vm.schema.json'), 'utf8')) as object);
  return validator;
}

export async function loadVmRecipe(dir = vmRecipeDir()): Promise<LoadedVmRecipe> {
  const file = join(dir, 'vm.json');
  const raw = await readFile(file);
  let data: unknown;
  try {
    data = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new VmRecipeError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  const check = validate(dir);
  if (!check(data)) {
    throw new VmRecipeError(file, (check.errors ?? []).map((e) => `$${e.instancePath.replace(/\//g, '.')}: ${e.message ?? e.keyword}`));
  }
  const recipe = data as VmRecipe;
  const both = (recipe.rootfs.files ?? []).flatMap((f, i) => ((f.source === undefined) === (f.text === undefined) ? [`$.rootfs.files[${i}]: give exactly one of source and text`] : []));
  if (both.length > 0) throw new VmRecipeError(file, both);
  const files = new Map<string, Buffer>([['vm.json', raw]]);
  const named = [recipe.initramfs.init, ...(recipe.rootfs.files ?? []).flatMap((f) => (f.source ? [f.source] : []))];
  for (const name of named) {
    try {
      files.set(name, await readFile(join(dir, name)));
    } catch {
      throw new VmRecipeError(file, [`names ${name}, which is not in ${dir}`]);
    }
  }
  return {dir, recipe, files};
}
