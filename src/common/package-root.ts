/**
 * The installed package's root (where package.json, vm-images/, exercises/ and dist/ are), found by walking up
 * from the calling module, so code works the same from src/ (tests through tsx) and from dist/ (installed).
 */
import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: string}).name === 'lab') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the lab package root above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
