/**
 * The VM's package list is system-packages.json's lab-machine entries plus the recipe's own: what `lab doctor`
 * asks of a lab machine is what the VM image installs, and a change to that list gives a new root tree.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {packageRoot} from '../../src/common/package-root.js';
import {rootfsInclude} from '../../src/vm/build/system-packages.js';
import {loadVmRecipe} from '../../src/vm/recipe.js';

test('the VM installs the lab machine packages of system-packages.json, not the build host\'s or the tests\'', async (t) => {
  const {recipe} = await loadVmRecipe();
  const include = await rootfsInclude(recipe, packageRoot());
  for (const name of ['runc', 'iproute2', 'gcc', 'libc6-dev', 'docker-registry', 'docker-compose', 'postgresql-client', 'libcap2-bin', 'dropbear-bin']) t.true(include.includes(name), name);
  // Built on the host (qemu, debootstrap, skopeo), needed by tests only (tmux, redis-server), or copied from the
  // host by hostFiles (the docker CLI, whose entry allows any docker on PATH).
  for (const name of ['qemu-system-x86', 'debootstrap', 'skopeo', 'tmux', 'redis-server', 'docker.io']) t.false(include.includes(name), name);
  t.deepEqual(include, [...new Set(include)].sort());
});

test('without systemPackages the recipe\'s list is all; a bad package list is refused naming its file', async (t) => {
  const {recipe} = await loadVmRecipe();
  const own = {...recipe, rootfs: {...recipe.rootfs, systemPackages: false}};
  t.deepEqual(await rootfsInclude(own, packageRoot()), [...recipe.rootfs.include].sort());
  const dir = await mkdtemp(join(tmpdir(), 'vmreg-packages-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  await writeFile(join(dir, 'system-packages.json'), JSON.stringify({packages: [{package: 'runc', neededFor: 'x', where: 'guest'}]}));
  const error = await t.throwsAsync(rootfsInclude(recipe, dir));
  t.true(error!.message.startsWith(`${join(dir, 'system-packages.json')} is not a valid package list`), error!.message);
});
