// Where the benches find the project: its root, bench/out/ for what they write, and the compiled engine.
import {existsSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = resolve(fileURLToPath(import.meta.url), '../../..');
export const outDir = join(root, 'bench', 'out');

/** Where the compiled engine lives: dist/src/engine (rootDir "."), or dist/engine in the older layout. */
export function engineDist() {
  const nested = join(root, 'dist', 'src', 'engine');
  return existsSync(nested) ? nested : join(root, 'dist', 'engine');
}
