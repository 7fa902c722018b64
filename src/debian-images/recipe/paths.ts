import {join} from 'node:path';
import {packageRoot} from '../../common/package-root.js';

/** The recipes shipped with the package, one JSON file per image, next to their schema. */
export function defaultRecipesDir(): string {
  return join(packageRoot(), 'vm-images');
}

/**
 * Where recipes are looked up, first match wins: the folders a course lists in LAB_IMAGE_RECIPES
 * (colon-separated, each holding <name>/recipe.json), then the package's own vm-images/.
 */
export function recipeSearchPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const course = (env.LAB_IMAGE_RECIPES ?? '').split(':').filter((dir) => dir.trim() !== '');
  return [...course, defaultRecipesDir()];
}

export function recipeSchemaFile(): string {
  return join(packageRoot(), 'vm-images', 'recipe.schema.json');
}
