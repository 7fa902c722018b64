// Where the compiled labd-shim binary lives: <package>/dist/shim/labd-shim, built by `npm run build`.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {packageRoot} from '../../../common/package-root.js';

/** Absolute path of labd-shim, the same whether this runs from src/ (tests) or dist/ (installed). */
export function shimPath(): string {
  const path = join(packageRoot(), 'dist', 'shim', 'labd-shim');
  if (!existsSync(path)) {
    throw new Error(`labd-shim is missing at ${path}: run npm run build`);
  }
  return path;
}
