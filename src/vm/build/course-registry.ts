/**
 * The course registry baked into the VM image: every course image (built from Debian packages by the recipes)
 * pushed with skopeo into a docker-registry storage folder at build time, so the registry the VM starts at boot
 * serves `docker pull postgres` from its first second, without the internet or the host. The stage is cached by the
 * image IDs it holds: a changed recipe gives a new ID, hence a new storage folder and a new VM image.
 */
import {copyFile, mkdir, readdir, readFile, rename, writeFile} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {freeTcpPort} from '../../common/free-port.js';
import {removeTree} from '../../debian-images/debian/debootstrap.js';
import {run} from '../../debian-images/support/exec.js';
import {sha256Hex} from '../../debian-images/support/hash.js';
import {addMirror} from '../../lab/registry/daemon-json.js';
import {registryConfig} from '../../lab/registry/config.js';
import {pushArchive} from '../../lab/registry/push.js';
import {startRegistry, stopRegistry} from '../../lab/registry/registry-process.js';
import type {VmRecipe} from '../recipe.js';
import type {Progress} from './progress.js';
import {insideRoot} from './rootfs.js';
import {ensureStage} from './stage.js';

const REGISTRY_BUILDER = 'lab vm course registry 1';
/** Where the VM keeps the registry's config and storage; the boot script starts it from here. */
export const REGISTRY_DIR_IN_VM = '/var/lib/lab-registry';
/**
 * The docker-archives of the images a lab hands the student as a file (lab.json's images[].saveAs: lab 26's
 * debian.tar), one <recipe>.tar with its image ID in <recipe>.id: copied inside the VM at lab start instead of
 * over SSH, which under emulation takes minutes for a hundred megabytes.
 */
export const ARCHIVES_DIR_IN_VM = '/usr/share/lab-vm/archives';
/** The engine's own default daemon.json, where the mirror is named. */
const DAEMON_JSON_IN_VM = '/etc/docker/daemon.json';

export interface BakedImage {
  recipe: string;
  imageId: string;
  tags: string[];
  archive: string;
}

export interface CourseRegistryPlan {
  port: number;
  /** http://127.0.0.1:PORT inside the VM, as registry-mirrors names it. */
  url: string;
  images: BakedImage[];
  /** Recipes whose archive is also put in ARCHIVES_DIR_IN_VM. */
  archives: string[];
  /** The storage stage's key: the images pushed and the registry that stored them. */
  key: string;
  /** What the VM image takes from this: that storage, the port and the archives. */
  imageKey: string;
}

/** The recipes the package's labs save as files for the student (images[].saveAs in exercises/<id>/lab.json). */
async function savedByLabs(packageRoot: string): Promise<string[]> {
  const dir = join(packageRoot, 'exercises');
  const saved = new Set<string>();
  for (const id of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, id, 'lab.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const lab = JSON.parse(text) as {images?: {recipe?: string; saveAs?: string}[]};
    for (const image of lab.images ?? []) if (image.saveAs && image.recipe) saved.add(image.recipe);
  }
  return [...saved].sort();
}

/** Builds (or takes from the image cache) every course image the recipe asks for, and keys the stage on their IDs. */
export async function planCourseRegistry(recipe: VmRecipe, packageRoot: string, progress: Progress): Promise<CourseRegistryPlan | undefined> {
  const wanted = recipe.courseRegistry;
  if (!wanted) return undefined;
  const {buildImageArchive, listRecipes} = await import('../../debian-images/index.js');
  const images: BakedImage[] = [];
  for (const name of wanted.images ?? (await listRecipes())) {
    // A cached image says nothing; one being built says what it does.
    const quiet = new Set(['resolve', 'cached', 'done']);
    const built = await buildImageArchive(name, {format: 'docker', onProgress: (p) => (quiet.has(p.step) ? undefined : progress('registry', `${name}: ${p.message}`))});
    images.push({recipe: name, imageId: built.imageId, tags: built.repoTags, archive: built.path});
  }
  const version = (await run('docker-registry', ['--version']).catch(() => undefined))?.stdout.toString('utf8').trim();
  if (!version) throw new Error('docker-registry is not installed on this machine; the VM image bakes the course registry with it (apt-get install docker-registry skopeo)');
  const archives = (await savedByLabs(packageRoot)).filter((name) => images.some((i) => i.recipe === name));
  progress('resolve', `course registry: ${images.length} images, ${version}; archives for labs: ${archives.join(', ') || 'none'}`);
  const key = sha256Hex([REGISTRY_BUILDER, version, `port ${wanted.port}`, ...images.map((i) => `${i.recipe} ${i.imageId} ${i.tags.join(',')}`)].join('\n'));
  const imageKey = sha256Hex([key, `archives ${archives.join(',')}`].join('\n'));
  return {port: wanted.port, url: `http://127.0.0.1:${wanted.port}`, images, archives, key, imageKey};
}

/** The registry's storage folder with every image pushed: a registry run here on a free loopback port, then stopped. */
export async function ensureRegistryStorage(plan: CourseRegistryPlan, cacheDir: string, progress: Progress): Promise<{dir: string; storage: string; cached: boolean}> {
  const stage = await ensureStage(cacheDir, 'registry', plan.key, async (out) => {
    const work = join(out, 'work');
    const state = await startRegistry({dir: work, port: await freeTcpPort()});
    try {
      const host = new URL(state.url).host;
      for (const image of plan.images) {
        const pushed = await pushArchive(host, image.archive, image.imageId, image.tags, () => undefined);
        progress('registry', `${image.recipe}: ${pushed.join(', ')}`);
      }
    } finally {
      await stopRegistry(work);
    }
    await rename(join(work, 'storage'), join(out, 'storage'));
    await removeTree(work);
  });
  return {dir: stage.dir, storage: join(stage.dir, 'storage'), cached: stage.cached};
}

/** Puts the storage, the registry's config and the engine's mirror setting into the VM's root tree. */
export async function installCourseRegistry(plan: CourseRegistryPlan, storage: string, tree: string): Promise<void> {
  const dir = insideRoot(tree, REGISTRY_DIR_IN_VM);
  await mkdir(dir, {recursive: true});
  await run('cp', ['-a', '--reflink=auto', storage, join(dir, 'storage')]);
  await writeFile(join(dir, 'config.yml'), registryConfig({storageDir: `${REGISTRY_DIR_IN_VM}/storage`, port: plan.port}));
  const daemonJson = insideRoot(tree, DAEMON_JSON_IN_VM);
  await mkdir(dirname(daemonJson), {recursive: true});
  await addMirror(daemonJson, plan.url);
  const archives = insideRoot(tree, ARCHIVES_DIR_IN_VM);
  await mkdir(archives, {recursive: true});
  for (const name of plan.archives) {
    const image = plan.images.find((i) => i.recipe === name)!;
    await copyFile(image.archive, join(archives, `${name}.tar`));
    await writeFile(join(archives, `${name}.id`), `${image.imageId}\n`);
  }
}
