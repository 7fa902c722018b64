// The course's busybox image, the one the container benches run: built by `lab image build` and loaded into
// both engines, which must give it the same image ID.
import {existsSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {mustDocker} from './docker-cli.mjs';
import {root} from './paths.mjs';
import {log, must} from './proc.mjs';

export const BUSYBOX = 'busybox:latest';

/** The image as a docker-save archive: `lab image build busybox` (cached after the first build). */
export async function busyboxArchive() {
  const r = await must(process.execPath, [join(root, 'bin', 'run.js'), 'image', 'build', 'busybox', '--json']);
  const info = JSON.parse(r.stdout);
  if (!info.path || !existsSync(info.path)) throw new Error(`lab image build busybox gave no archive: ${r.stdout.trim()}`);
  log(`busybox archive ${info.path} (${(statSync(info.path).size / 1e6).toFixed(1)} MB)`);
  return info;
}

/** `docker load` of the archive; both engines must give the image the ID the archive says. */
export async function loadBusybox(engine, image) {
  const r = await mustDocker(engine, ['load', '-i', image.path]);
  if (!r.stdout.includes(`Loaded image: ${BUSYBOX}`)) throw new Error(`${engine.name}: docker load did not load ${BUSYBOX}: ${r.stdout.trim()}`);
  const id = (await mustDocker(engine, ['image', 'inspect', '--format', '{{.Id}}', BUSYBOX])).stdout.trim();
  if (image.imageId && id !== image.imageId) throw new Error(`${engine.name} gives ${BUSYBOX} the ID ${id}, expected ${image.imageId}`);
  return id;
}
