/**
 * The labs' own image-time work (`imageBuild` in exercises/<id>/lab.json): a script run once in the assembled root
 * tree, in a chroot, with the exercise dir as its working dir, so what every lab start would redo under emulation
 * (lab 26 compiles mywc's package) is done at native speed with the VM's own compiler and libraries.
 */
import {readdir, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {SYSTEM_PATH} from '../../debian-images/debian/debootstrap.js';
import {run} from '../../debian-images/support/exec.js';

/** Runs each lab's imageBuild script inside `tree`, whose package copy is at `packageTo` (/opt/lab); returns the lab ids. */
export async function runLabImageSteps(tree: string, packageTo: string): Promise<string[]> {
  const inside = join(packageTo, 'exercises');
  const ran: string[] = [];
  for (const id of (await readdir(join(tree, inside)).catch(() => [] as string[])).sort()) {
    const text = await readFile(join(tree, inside, id, 'lab.json'), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const script = (JSON.parse(text) as {imageBuild?: string}).imageBuild;
    if (!script) continue;
    const dir = join(inside, id);
    try {
      await run('chroot', [tree, '/bin/sh', '-c', 'cd "$1" && exec sh "$2"', 'sh', dir, script], {env: {PATH: SYSTEM_PATH, LC_ALL: 'C', HOME: '/root'}});
    } catch (error) {
      throw new Error(`exercises/${id}/lab.json imageBuild ${script} failed in the VM's root tree: ${(error as Error).message}`);
    }
    ran.push(id);
  }
  return ran;
}
