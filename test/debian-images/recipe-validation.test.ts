import {mkdir, readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {buildImageArchive, loadRecipeByName, parseRecipe, RecipeError, BuildError} from '../../src/debian-images/index.js';
import {freshCacheDir} from './helpers.js';

const realRecipe = async () => JSON.parse(await readFile(new URL('../../vm-images/busybox/recipe.json', import.meta.url), 'utf8')) as Record<string, any>;

/** Writes <tmp>/busybox/recipe.json with the given content and returns the recipes folder. */
async function recipesDirWith(content: string): Promise<{dir: string; file: string}> {
  const dir = await freshCacheDir();
  await mkdir(join(dir, 'busybox'));
  const file = join(dir, 'busybox', 'recipe.json');
  await writeFile(file, content);
  return {dir, file};
}

test('the shipped busybox recipe is valid', async (t) => {
  const loaded = await loadRecipeByName('busybox');
  t.is(loaded.recipe.name, 'busybox');
  t.deepEqual(loaded.recipe.image.tags, ['busybox:latest']);
});

test('unknown key and wrong type: the error names the file and each JSON path', async (t) => {
  const recipe = await realRecipe();
  recipe.rootfs.extras = true;
  recipe.image.config.Cmd = 'sh';
  const {dir, file} = await recipesDirWith(JSON.stringify(recipe, null, 2));
  const error = await t.throwsAsync(buildImageArchive('busybox', {format: 'docker', recipesDir: dir, cacheDir: await freshCacheDir()}), {instanceOf: RecipeError});
  t.true(error.message.startsWith(`${file}:`), error.message);
  t.regex(error.message, /\$\.rootfs\.extras: unknown key/);
  t.regex(error.message, /\$\.image\.config\.Cmd: must be array, got string/);
  t.is((error as RecipeError).file, file);
  t.is((error as RecipeError).problems.length, 2);
});

test('nested mistakes carry array indexes in the path', (t) => {
  const raw = Buffer.from(
    JSON.stringify({
      name: 'x',
      packages: [{name: 'busybox-static', pin: '1'}],
      rootfs: {files: [{path: 'etc/passwd', lines: ['a', 1]}]},
      image: {tags: ['x:latest'], architecture: 'amd64', os: 'linux', config: {}},
    }),
  );
  const error = t.throws(() => parseRecipe('/r/x.json', raw), {instanceOf: RecipeError});
  t.regex(error.message, /^\/r\/x\.json: /);
  t.regex(error.message, /\$\.packages\[0\]\.pin: unknown key \(allowed: name, version\)/);
  t.regex(error.message, /\$\.rootfs\.files\[0\]\.path: "etc\/passwd" does not match/);
  t.regex(error.message, /\$\.rootfs\.files\[0\]\.lines\[1\]: must be string, got number/);
});

test('missing keys and bad enum values are reported', (t) => {
  const raw = Buffer.from(JSON.stringify({name: 'x', packages: [], image: {tags: ['x:1'], architecture: 'vax', os: 'linux', config: {}}}));
  const error = t.throws(() => parseRecipe('/r/x.json', raw), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.rootfs: required key is missing/);
  t.regex(error.message, /\$\.image\.architecture: must be one of "amd64"/);
});

test('a recipe with neither packages nor a program to compile is refused', (t) => {
  const raw = Buffer.from(JSON.stringify({name: 'x', packages: [], rootfs: {}, image: {tags: ['x:1'], architecture: 'amd64', os: 'linux', config: {}}}));
  const error = t.throws(() => parseRecipe('/r/x.json', raw), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.packages: must name at least one package \(or \$\.rootfs\.compile a program\)/);
});

test('compile sources are file names next to the recipe, and their targets clash like any path', (t) => {
  const image = {tags: ['x:1'], architecture: 'amd64', os: 'linux', config: {}};
  const escape = Buffer.from(JSON.stringify({name: 'x', packages: [], rootfs: {compile: [{source: '../../etc/x.c', to: '/x'}]}, image}));
  const error = t.throws(() => parseRecipe('/r/x.json', escape), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.rootfs\.compile\[0\]\.source: "\.\.\/\.\.\/etc\/x\.c" does not match/);
  const clash = Buffer.from(JSON.stringify({name: 'x', packages: [], rootfs: {compile: [{source: 'a.c', to: '/hello'}], files: [{path: '/hello', lines: []}]}, image}));
  const again = t.throws(() => parseRecipe('/r/x.json', clash), {instanceOf: RecipeError});
  t.regex(again.message, /\$\.rootfs\.files\[0\]\.path: "\/hello" is already defined by \$\.rootfs\.compile\[0\]\.to/);
});

test('debootstrap removals and symlinks are checked like its files', (t) => {
  const image = {tags: ['x:1'], architecture: 'amd64', os: 'linux', config: {}};
  const raw = Buffer.from(
    JSON.stringify({name: 'x', kind: 'debootstrap', debootstrap: {suite: 'bookworm', remove: ['/', 'etc/x'], symlinks: [{path: '/var/log/a.log', target: '/dev/stdout'}], files: [{path: '/var/log/a.log', lines: []}], slim: 'yes'}, image}),
  );
  const error = t.throws(() => parseRecipe('/r/x.json', raw), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.debootstrap\.remove\[1\]: "etc\/x" does not match/);
  t.regex(error.message, /\$\.debootstrap\.slim: must be boolean, got string/);
  const ok = Buffer.from(JSON.stringify({name: 'x', kind: 'debootstrap', debootstrap: {suite: 'bookworm', remove: ['/'], symlinks: [{path: '/var/log/a.log', target: '/dev/stdout'}], files: [{path: '/var/log/a.log', lines: []}]}, image}));
  const semantic = t.throws(() => parseRecipe('/r/x.json', ok), {instanceOf: RecipeError});
  t.regex(semantic.message, /\$\.debootstrap\.symlinks\[0\]\.path: "\/var\/log\/a\.log" is already defined by \$\.debootstrap\.files\[0\]\.path/);
  t.regex(semantic.message, /\$\.debootstrap\.remove\[0\]: cannot remove the root directory/);
});

test('invalid JSON is reported with its line and column', async (t) => {
  const {file} = await recipesDirWith('{\n  "name": "busybox",\n  oops\n}\n');
  const error = t.throws(() => parseRecipe(file, Buffer.from('{\n  "name": "busybox",\n  oops\n}\n')), {instanceOf: RecipeError});
  t.true(error.message.startsWith(`${file}: invalid recipe`));
  t.regex(error.message, /not valid JSON: .*line 3, column 3/);
});

test('cross references are checked: copy from an unlisted package, clashing paths, applets binary', (t) => {
  const raw = Buffer.from(
    JSON.stringify({
      name: 'x',
      packages: [{name: 'busybox-static'}],
      rootfs: {
        directories: [{path: '/etc'}],
        copy: [{package: 'coreutils', from: '/bin/ls'}],
        files: [{path: '/etc', lines: []}],
        applets: {binary: '/bin/busybox', directory: '/bin'},
      },
      image: {tags: ['x:1'], architecture: 'amd64', os: 'linux', config: {}},
    }),
  );
  const error = t.throws(() => parseRecipe('/r/x.json', raw), {instanceOf: RecipeError});
  t.regex(error.message, /\$\.rootfs\.copy\[0\]\.package: "coreutils" is not in \$\.packages/);
  t.regex(error.message, /\$\.rootfs\.files\[0\]\.path: "\/etc" is already defined by \$\.rootfs\.directories\[0\]\.path/);
  t.regex(error.message, /\$\.rootfs\.applets\.binary: "\/bin\/busybox" is not produced/);
});

test('a recipe whose name differs from its folder is rejected', async (t) => {
  const recipe = await realRecipe();
  recipe.name = 'other';
  const {dir, file} = await recipesDirWith(JSON.stringify(recipe));
  const error = await t.throwsAsync(loadRecipeByName('busybox', dir), {instanceOf: RecipeError});
  t.true(error.message.includes(file));
  t.regex(error.message, /\$\.name: "other" does not match the folder name "busybox"/);
});

test('an unknown recipe name lists the available ones', async (t) => {
  const error = await t.throwsAsync(buildImageArchive('no-such-image', {format: 'docker', cacheDir: await freshCacheDir()}), {instanceOf: BuildError});
  t.regex(error.message, /no recipe named "no-such-image".*available: .*busybox/s);
});
