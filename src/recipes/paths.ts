import {homedir} from 'node:os';
import {join} from 'node:path';
import {packageRoot} from '../common/package-root.js';

export function defaultRecipesDir(): string {
  return join(packageRoot(), 'vm-images');
}

export function recipeSchemaFile(): string {
  return join(packageRoot(), 'vm-images', 'recipe.schema.json');
}

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
