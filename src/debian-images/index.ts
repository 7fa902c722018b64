/**
 * Container images (and parts of the lab VM) built from Debian packages by the recipes in vm-images/.
 * Folders, each importing only those listed before it:
 *   support/  errors, running a program, hashing
 *   recipe/   the recipe files: types, schema check, where they live
 *   debian/   Debian's archive and tools: apt sources and indexes, .deb files, debootstrap, cleaning and slimming a rootfs
 *   image/    the image itself: rootfs, deterministic tar layers, config, docker/OCI archives
 *   cache/    built images and downloaded .debs kept between builds, and the lock that guards them
 *   build/    a recipe to an archive: from packages (and C programs compiled static), or from a debootstrap run
 */
export {buildImageArchive} from './build/build.js';
export {listRecipeEntries, listRecipes, loadRecipeByName, loadRecipeFile, parseRecipe} from './recipe/load.js';
export {BuildError, RecipeError} from './support/errors.js';
export {BUILDER_VERSION} from './cache/cache.js';
export {recipeSearchPath} from './recipe/paths.js';
export type {ArchiveFormat, BuildOptions, BuildProgress, BuildResult, BuildStep, LoadedRecipe, Recipe} from './recipe/types.js';
