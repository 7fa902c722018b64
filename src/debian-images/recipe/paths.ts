import {join} from 'node:path';
import {packageRoot} from '../../common/package-root.js';

/** The recipes shipped with the package, one JSON file per image, next to their schema. */
export function defaultRecipesDir(): string {
  return join(packageRoot(), 'vm-images');
}

export function recipeSchemaFile(): string {
  return join(packageRoot(), 'vm-images', 'recipe.schema.json');
}
