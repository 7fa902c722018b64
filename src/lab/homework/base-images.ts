/**
 * The base images a homework allows (`images` in homework.json): built from this package's recipes (cached after
 * the first time) and loaded into the sandbox's engine once per run, before any submission is built.
 */
import {HomeworkError} from './load.js';
import {docker} from './docker.js';
import type {Sandbox} from './sandbox.js';
import type {Homework} from './types.js';

/** Every recipe named exists, or one error naming the file and the place. */
export async function checkBaseImages(hw: Homework): Promise<void> {
  if (hw.images.length === 0) return;
  const {listRecipes} = await import('../../debian-images/index.js');
  const known = await listRecipes();
  hw.images.forEach((name, i) => {
    if (!known.includes(name)) throw new HomeworkError(`${hw.file}: at /images/${i}: no image recipe "${name}" (there are: ${known.join(', ')})`);
  });
}

/** Loads them; returns their image IDs, which the clean-up between students keeps. */
export async function loadBaseImages(hw: Homework, sandbox: Sandbox, progress: (m: string) => void): Promise<string[]> {
  const {buildImageArchive} = await import('../../debian-images/index.js');
  const ids: string[] = [];
  for (const name of hw.images) {
    progress(`image ${name}: building from Debian packages (cached after the first time)`);
    const built = await buildImageArchive(name, {format: 'docker'});
    progress(`image ${name}: loading into the sandbox`);
    const r = await docker(sandbox.env, ['load', '-i', built.path], 300_000);
    if (r.code !== 0) throw new Error(`docker load of the ${name} image failed: ${(r.stderr || r.stdout).trim()}`);
    ids.push(built.imageId);
  }
  return ids;
}
