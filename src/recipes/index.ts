// Base images built from Debian packages by the recipes in vm-images/.
export {buildImageArchive} from './build.js';
export {listRecipes, loadRecipeByName, loadRecipeFile, parseRecipe} from './load.js';
export {BuildError, RecipeError} from './errors.js';
export {BUILDER_VERSION} from './cache.js';
export type {ArchiveFormat, BuildOptions, BuildProgress, BuildResult, BuildStep, LoadedRecipe, Recipe} from './types.js';
