import {readFileSync} from 'node:fs';
import {access, readdir, readFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv';
import {BuildError, RecipeError} from '../support/errors.js';
import {recipeSchemaFile, recipeSearchPath} from './paths.js';
import type {DebootstrapRecipe, LoadedRecipe, PackagesRecipe, Recipe} from './types.js';

let validator: ValidateFunction | undefined;

function compiledSchema(): ValidateFunction {
  if (!validator) {
    const schema = JSON.parse(readFileSync(recipeSchemaFile(), 'utf8')) as Record<string, unknown>;
    // verbose keeps parentSchema on each error so "unknown key" can list the allowed ones.
    const ajv = new Ajv({allErrors: true, verbose: true, strict: true});
    validator = ajv.compile(schema);
  }
  return validator;
}

/**
 * Finds and validates <recipesDir>/<name>/recipe.json; without recipesDir, the first of the course's folders
 * (LAB_IMAGE_RECIPES) and vm-images/ that has one.
 */
export async function loadRecipeByName(name: string, recipesDir?: string): Promise<LoadedRecipe> {
  if (recipesDir === undefined) {
    const dirs = recipeSearchPath();
    const found = await findRecipeDir(name, dirs);
    if (found === undefined) {
      const known = (await listRecipeEntries()).map((r) => r.name);
      throw new BuildError(`no recipe named "${name}" in ${dirs.join(', ')} (available: ${known.join(', ') || 'none'})`);
    }
    recipesDir = found;
  }
  const file = join(recipesDir, name, 'recipe.json');
  let raw: Buffer | undefined;
  if (/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
    raw = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  }
  if (raw === undefined) {
    const known = await listRecipes(recipesDir);
    throw new BuildError(`no recipe named "${name}" in ${recipesDir} (available: ${known.join(', ') || 'none'})`);
  }
  const loaded = parseRecipe(file, raw);
  if (loaded.recipe.name !== name) throw new RecipeError(file, [`$.name: "${loaded.recipe.name}" does not match the folder name "${name}"`]);
  return inlineSources(loaded);
}

export async function loadRecipeFile(file: string): Promise<LoadedRecipe> {
  return inlineSources(parseRecipe(file, await readFile(file)));
}

/**
 * Reads the files named by `source` into their `lines`, and adds their bytes to the raw recipe the cache key
 * is made of, so changing an entrypoint script rebuilds the image.
 */
async function inlineSources(loaded: LoadedRecipe): Promise<LoadedRecipe> {
  const {recipe} = loaded;
  const files = recipe.kind === 'debootstrap' ? recipe.debootstrap.files : recipe.rootfs.files;
  const where = recipe.kind === 'debootstrap' ? '$.debootstrap.files' : '$.rootfs.files';
  const parts: Buffer[] = [loaded.raw];
  for (const [i, f] of (files ?? []).entries()) {
    if (f.source === undefined) continue;
    const bytes = await readFile(join(loaded.dir, f.source)).catch((error: NodeJS.ErrnoException) => {
      throw new RecipeError(loaded.file, [`${where}[${i}].source: cannot read ${join(loaded.dir, f.source!)} (${error.code ?? error.message})`]);
    });
    const text = bytes.toString('utf8');
    f.lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
    parts.push(Buffer.from(`\n--- ${f.source}\n`), bytes);
  }
  return {...loaded, raw: Buffer.concat(parts)};
}

/** Parses and validates recipe bytes; every problem found is reported at once. */
export function parseRecipe(file: string, raw: Buffer): LoadedRecipe {
  const text = raw.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RecipeError(file, [`not valid JSON: ${describeJsonError(text, error as Error)}`]);
  }
  const validate = compiledSchema();
  if (!validate(data)) throw new RecipeError(file, formatSchemaErrors(validate.errors ?? []));
  const recipe = data as Recipe;
  const problems = checkSemantics(recipe);
  if (problems.length > 0) throw new RecipeError(file, problems);
  return {file, dir: dirname(file), raw, recipe};
}

function describeJsonError(text: string, error: Error): string {
  const m = /position (\d+)/.exec(error.message);
  if (!m) return error.message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} (line ${line}, column ${column})`;
}

/** Turns an ajv instance path ("/rootfs/files/0") into a JSONPath ("$.rootfs.files[0]"). */
export function toJsonPath(pointer: string, extraKey?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extraKey !== undefined) parts.push(extraKey);
  let out = '$';
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) out += `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function formatSchemaErrors(errors: ErrorObject[]): string[] {
  // "must match then/else schema" only repeats the branch's own, more precise errors.
  const lines = errors.filter((e) => e.keyword !== 'if').map((e) => {
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'additionalProperties': {
        const known = Object.keys((e.parentSchema as {properties?: object} | undefined)?.properties ?? {});
        return `${toJsonPath(e.instancePath, String(params.additionalProperty))}: unknown key${known.length ? ` (allowed: ${known.join(', ')})` : ''}`;
      }
      case 'required':
        return `${toJsonPath(e.instancePath, String(params.missingProperty))}: required key is missing`;
      case 'type':
        return `${toJsonPath(e.instancePath)}: must be ${String(params.type)}, got ${describeType(e.data)}`;
      case 'enum':
        return `${toJsonPath(e.instancePath)}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      case 'const':
        return `${toJsonPath(e.instancePath)}: must be ${JSON.stringify(params.allowedValue)}`;
      case 'pattern':
        return `${toJsonPath(e.instancePath)}: ${JSON.stringify(e.data)} does not match ${String(params.pattern)}`;
      default:
        return `${toJsonPath(e.instancePath)}: ${e.message ?? e.keyword}`;
    }
  });
  return [...new Set(lines)];
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Checks that JSON Schema cannot express: cross references and clashing paths. */
function checkSemantics(recipe: Recipe): string[] {
  const files = recipe.kind === 'debootstrap' ? recipe.debootstrap.files : recipe.rootfs.files;
  const where = recipe.kind === 'debootstrap' ? '$.debootstrap.files' : '$.rootfs.files';
  const contents = (files ?? []).flatMap((f, i) =>
    (f.lines === undefined) === (f.source === undefined) ? [`${where}[${i}]: give the content either as "lines" or as a "source" file, exactly one of them`] : [],
  );
  return [...contents, ...(recipe.kind === 'debootstrap' ? checkDebootstrap(recipe) : checkPackages(recipe))];
}

function checkDebootstrap(recipe: DebootstrapRecipe): string[] {
  const problems: string[] = [];
  const extra = recipe as unknown as Record<string, unknown>;
  if (extra.packages !== undefined) problems.push('$.packages: not used by a debootstrap recipe (extra packages go in $.debootstrap.include)');
  if (extra.rootfs !== undefined) problems.push('$.rootfs: not used by a debootstrap recipe (extra files go in $.debootstrap.files)');
  const seen = new Set<string>();
  recipe.debootstrap.include?.forEach((name, i) => {
    if (seen.has(name)) problems.push(`$.debootstrap.include[${i}]: package "${name}" is listed twice`);
    seen.add(name);
  });
  const paths = new Map<string, string>();
  const claim = (path: string, where: string, verb: string) => {
    if (path === '/') problems.push(`${where}: cannot ${verb} the root directory`);
    if (path.split('/').some((c) => c === '.' || c === '..')) problems.push(`${where}: "${path}" must not contain . or .. components`);
    const previous = paths.get(path);
    if (previous !== undefined) problems.push(`${where}: "${path}" is already defined by ${previous}`);
    else paths.set(path, where);
  };
  recipe.debootstrap.files?.forEach((f, i) => claim(f.path, `$.debootstrap.files[${i}].path`, 'replace'));
  recipe.debootstrap.symlinks?.forEach((l, i) => claim(l.path, `$.debootstrap.symlinks[${i}].path`, 'replace'));
  recipe.debootstrap.remove?.forEach((r, i) => claim(r, `$.debootstrap.remove[${i}]`, 'remove'));
  return problems;
}

function checkPackages(recipe: PackagesRecipe): string[] {
  const problems: string[] = [];
  if ((recipe as unknown as Record<string, unknown>).debootstrap !== undefined) problems.push('$.debootstrap: only used when "kind" is "debootstrap"');
  if (recipe.packages.length === 0 && !recipe.rootfs.compile?.length) problems.push('$.packages: must name at least one package (or $.rootfs.compile a program)');
  const packageNames = new Set(recipe.packages.map((p) => p.name));
  const seenPackages = new Set<string>();
  recipe.packages.forEach((p, i) => {
    if (seenPackages.has(p.name)) problems.push(`$.packages[${i}].name: package "${p.name}" is listed twice`);
    seenPackages.add(p.name);
  });

  const owners = new Map<string, string>();
  const claim = (path: string, where: string) => {
    if (path === '/' && !where.includes('directories')) {
      problems.push(`${where}: cannot replace the root directory`);
      return;
    }
    if (path.split('/').some((c) => c === '.' || c === '..')) problems.push(`${where}: "${path}" must not contain . or .. components`);
    const previous = owners.get(path);
    if (previous) problems.push(`${where}: "${path}" is already defined by ${previous}`);
    else owners.set(path, where);
  };

  const {rootfs} = recipe;
  rootfs.directories?.forEach((d, i) => claim(d.path, `$.rootfs.directories[${i}].path`));
  rootfs.copy?.forEach((c, i) => {
    if (!packageNames.has(c.package)) problems.push(`$.rootfs.copy[${i}].package: "${c.package}" is not in $.packages`);
    claim(c.to ?? c.from, `$.rootfs.copy[${i}].${c.to ? 'to' : 'from'}`);
  });
  rootfs.compile?.forEach((c, i) => claim(c.to, `$.rootfs.compile[${i}].to`));
  rootfs.files?.forEach((f, i) => claim(f.path, `$.rootfs.files[${i}].path`));
  rootfs.symlinks?.forEach((s, i) => claim(s.path, `$.rootfs.symlinks[${i}].path`));

  if (rootfs.applets) {
    const {binary} = rootfs.applets;
    const copied = rootfs.copy?.some((c) => (c.to ?? c.from) === binary);
    if (!copied) problems.push(`$.rootfs.applets.binary: "${binary}" is not produced by any $.rootfs.copy entry`);
  }
  return problems;
}

async function findRecipeDir(name: string, dirs: string[]): Promise<string | undefined> {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) return undefined;
  for (const dir of dirs) if (await access(join(dir, name, 'recipe.json')).then(() => true, () => false)) return dir;
  return undefined;
}

/** Every recipe on the search path with the folder it comes from; a course's recipe hides the package's one. */
export async function listRecipeEntries(dirs = recipeSearchPath()): Promise<{name: string; dir: string}[]> {
  const seen = new Map<string, string>();
  for (const dir of dirs) for (const name of await listRecipes(dir)) if (!seen.has(name)) seen.set(name, dir);
  return [...seen].map(([name, dir]) => ({name, dir})).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Names of the recipes available (folders of recipesDir holding a recipe.json); without recipesDir, the search path's. */
export async function listRecipes(recipesDir?: string): Promise<string[]> {
  if (recipesDir === undefined) return (await listRecipeEntries()).map((r) => r.name);
  const names: string[] = [];
  for (const entry of await readdir(recipesDir, {withFileTypes: true}).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    if (await access(join(recipesDir, entry.name, 'recipe.json')).then(() => true, () => false)) names.push(entry.name);
  }
  return names.sort();
}
