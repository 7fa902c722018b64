import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type {ResolvedPackage} from '../../src/debian-images/debian/apt.js';
import {initramfsKey} from '../../src/vm/build/initramfs.js';
import {kernelKey} from '../../src/vm/build/kernel.js';
import {packageDigest, productionDependencies} from '../../src/vm/build/package-copy.js';
import {rootfsKey, type RootfsSource} from '../../src/vm/build/rootfs.js';
import {loadVmRecipe} from '../../src/vm/recipe.js';

const pkg = (name: string, version: string): ResolvedPackage => ({name, version, architecture: 'amd64', filename: `${name}_${version}_amd64.deb`, sha256: `sha-${version}`, size: 1});
const source = (packagesHash: string): RootfsSource => ({
  mirror: 'http://deb.debian.org/debian',
  debootstrap: 'debootstrap 1.0.128',
  index: {date: 'today', packages: [`main/binary-amd64/Packages ${packagesHash}`], from: 'apt lists'},
});

test('the shipped recipe is valid and names files that exist', async (t) => {
  const loaded = await loadVmRecipe();
  t.true(loaded.files.has('vm.json'));
  t.true(loaded.files.has(loaded.recipe.initramfs.init));
  t.true(loaded.recipe.kernel.bootModules.includes('ext4'));
});

test('the kernel key follows the exact package and the module list', async (t) => {
  const {recipe} = await loadVmRecipe();
  const base = kernelKey(recipe, pkg('linux-image-6.1.0-56-amd64', '6.1.192-2'));
  t.is(kernelKey(recipe, pkg('linux-image-6.1.0-56-amd64', '6.1.192-2')), base);
  t.not(kernelKey(recipe, pkg('linux-image-6.1.0-57-amd64', '6.1.193-1')), base);
  t.not(kernelKey({...recipe, kernel: {...recipe.kernel, bootModules: [...recipe.kernel.bootModules, 'vfat']}}, pkg('linux-image-6.1.0-56-amd64', '6.1.192-2')), base);
});

test('the initramfs key follows the kernel, busybox and the init script', async (t) => {
  const loaded = await loadVmRecipe();
  const base = initramfsKey(loaded, 'k1', pkg('busybox-static', '1'));
  t.not(initramfsKey(loaded, 'k2', pkg('busybox-static', '1')), base);
  t.not(initramfsKey(loaded, 'k1', pkg('busybox-static', '2')), base);
  const edited = new Map(loaded.files).set(loaded.recipe.initramfs.init, Buffer.from('#!/bin/sh\n# changed\n'));
  t.not(initramfsKey({...loaded, files: edited}, 'k1', pkg('busybox-static', '1')), base);
});

test('the root file system key follows the apt index and the package list, not the index date', async (t) => {
  const {recipe} = await loadVmRecipe();
  const base = rootfsKey(recipe, source('aaa'));
  t.is(rootfsKey(recipe, {...source('aaa'), index: {...source('aaa').index, date: 'tomorrow'}}), base);
  t.not(rootfsKey(recipe, source('bbb')), base);
  t.not(rootfsKey({...recipe, rootfs: {...recipe.rootfs, include: [...recipe.rootfs.include, 'strace']}}, source('aaa')), base);
  t.not(rootfsKey(recipe, {...source('aaa'), debootstrap: 'debootstrap 1.0.129'}), base);
});

test("the package digest changes with any copied file's content, and lists production dependencies only", async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'lab-pkgdigest-'));
  t.teardown(() => rm(root, {recursive: true, force: true}));
  const write = async (rel: string, text: string) => {
    await mkdir(join(root, rel, '..'), {recursive: true});
    await writeFile(join(root, rel), text);
  };
  await write('package.json', JSON.stringify({name: 'lab', version: '0.1.0', dependencies: {a: '1'}, devDependencies: {d: '1'}}));
  await write('dist/main.js', 'one');
  await write('node_modules/a/package.json', JSON.stringify({name: 'a', version: '1.0.0', dependencies: {b: '1'}, optionalDependencies: {missing: '1'}}));
  await write('node_modules/a/node_modules/b/package.json', JSON.stringify({name: 'b', version: '2.0.0'}));
  await write('node_modules/d/package.json', JSON.stringify({name: 'd', version: '1.0.0'}));
  t.deepEqual(await productionDependencies(root), ['node_modules/a', 'node_modules/a/node_modules/b']);

  const first = await packageDigest(root, ['dist', 'package.json', 'exercises']);
  t.is(await packageDigest(root, ['dist', 'package.json', 'exercises']), first);
  await write('dist/main.js', 'two');
  const second = await packageDigest(root, ['dist', 'package.json', 'exercises']);
  t.not(second, first);
  await write('node_modules/a/node_modules/b/package.json', JSON.stringify({name: 'b', version: '2.0.1'}));
  t.not(await packageDigest(root, ['dist', 'package.json', 'exercises']), second);
});

test('a missing production dependency is named', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'lab-pkgdigest-'));
  t.teardown(() => rm(root, {recursive: true, force: true}));
  await writeFile(join(root, 'package.json'), JSON.stringify({name: 'lab', dependencies: {gone: '1'}}));
  await t.throwsAsync(productionDependencies(root), {message: /needs gone, which is not installed/});
});
