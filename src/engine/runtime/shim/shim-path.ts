// Where the compiled labd-shim binary lives: dist/engine/runtime/labd-shim.
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * Absolute path of labd-shim. Resolved from this module's own location, which is
 * dist/engine/runtime/shim/ once compiled (so ../labd-shim) or src/engine/runtime/shim/
 * when run from source; both lead to <package>/dist/engine/runtime/labd-shim.
 */
export function shimPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..', '..', '..', '..');
  const path = join(root, 'dist', 'engine', 'runtime', 'labd-shim');
  if (!existsSync(path)) {
    throw new Error(`labd-shim is missing at ${path}: run npm run build`);
  }
  return path;
}
