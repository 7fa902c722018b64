import {homedir} from 'node:os';
import {join} from 'node:path';

export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'lab');
}

export function imagesCacheDir(cacheDir: string): string {
  return join(cacheDir, 'images');
}

export function debsCacheDir(cacheDir: string): string {
  return join(cacheDir, 'debs');
}
