/**
 * A lab's image taken from the course registry next to the environment's engine (baked into the lab VM's image,
 * or started by lab start on an SSH host) instead of copying its archive over SSH: the registry keeps the image's
 * config bytes, so a pull gives the very image ID the recipe built, and the archive never crosses the link.
 */
import type {Environment} from '../../environment/environment.js';
import {ARCHIVES_DIR_IN_VM} from '../../vm/build/course-registry.js';

/**
 * Pulls every tag, then reads the ID the first one names. Exit 3: the engine has no mirror in its daemon.json
 * (no course registry there), so nothing is tried that would wait on Docker Hub. The engine's own default
 * daemon.json is where the VM image and lab start name the registry.
 */
const PULL_SCRIPT = `grep -qs '"registry-mirrors"' /etc/docker/daemon.json || exit 3
for tag; do docker pull -q "$tag" > /dev/null || exit 4; done
docker image inspect -f '{{.Id}}' "$1"`;

/**
 * True when the environment's engine now has the image under all its tags, pulled from the course registry;
 * false when there is no registry there, it lacks the image, or serves another build of it (a VM made from an
 * older image): the caller then copies the archive in as before.
 */
export async function pullFromCourseRegistry(env: Environment, tags: string[], imageId: string): Promise<boolean> {
  if (env.provider === 'local' || tags.length === 0) return false;
  const r = await env.exec(['sh', '-c', PULL_SCRIPT, 'sh', ...tags], {timeoutMs: 300_000});
  return r.code === 0 && r.stdout.trim() === imageId;
}

/** Copies the archive when the VM carries that very build of it (its ID file agrees); exit 3 when it does not. */
const COPY_SCRIPT = `[ -f "$1.tar" ] && [ "$(cat "$1.id" 2>/dev/null)" = "$2" ] || exit 3
cp "$1.tar" "$3" && chmod 0644 "$3"`;

/**
 * True when the lab VM's image carries the recipe's docker-archive (vm/build/course-registry.ts puts those labs
 * save for the student there) with this image ID, and it is now at target; false otherwise (copy it over SSH).
 */
export async function copyBakedArchive(env: Environment, recipe: string, imageId: string, target: string): Promise<boolean> {
  // The libvirt provider boots the same image as the qemu provider, archives included.
  if (env.provider !== 'qemu' && env.provider !== 'libvirt') return false;
  const r = await env.exec(['sh', '-c', COPY_SCRIPT, 'sh', `${ARCHIVES_DIR_IN_VM}/${recipe}`, imageId, target], {timeoutMs: 300_000});
  return r.code === 0;
}
