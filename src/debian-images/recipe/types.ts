// Shapes of a vm-images/<name>/recipe.json (kept in step with vm-images/recipe.schema.json)
// and of what the builder hands back.

export type ArchiveFormat = 'docker' | 'oci';

export interface PackageSpec {
  name: string;
  version?: string;
}

export interface DirectorySpec {
  path: string;
  mode?: string;
}

export interface CopySpec {
  package: string;
  from: string;
  to?: string;
  mode?: string;
}

export interface AppletsSpec {
  binary: string;
  directory: string;
  listArgs?: string[];
  link?: 'symlink' | 'hardlink';
}

export interface FileSpec {
  path: string;
  mode?: string;
  /** After loading always set: a `source` file's content is read into it. */
  lines: string[];
  /** A file next to recipe.json holding the content. */
  source?: string;
}

export interface SymlinkSpec {
  path: string;
  target: string;
}

/** A C program compiled by the host's gcc at build time into a static binary (hello-world). */
export interface CompileSpec {
  /** File name in the recipe's own folder. */
  source: string;
  to: string;
  mode?: string;
}

export interface RootfsSpec {
  directories?: DirectorySpec[];
  compile?: CompileSpec[];
  copy?: CopySpec[];
  applets?: AppletsSpec;
  files?: FileSpec[];
  symlinks?: SymlinkSpec[];
}

export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
}

export interface ImageSpec {
  tags: string[];
  /** Debian architecture name (amd64, arm64, armhf, ...). */
  architecture: string;
  os: 'linux';
  config: ContainerConfig;
}

/** How to run debootstrap for a whole-distribution image, and what to add after cleaning. */
export interface DebootstrapSpec {
  suite: string;
  variant?: 'minbase';
  /** Archive components; default ["main"]. */
  components?: string[];
  /** Extra packages (with their Depends, never Recommends). */
  include?: string[];
  /** Fixed timestamp for every file and the config; default: the newest package's changelog date. */
  sourceDateEpoch?: number;
  /** Written after cleaning, replacing any file of the same path. */
  files?: FileSpec[];
  /** Made after cleaning, replacing any file of the same path (e.g. logs sent to /dev/stdout). */
  symlinks?: SymlinkSpec[];
  /** Removed after installing (files or trees the packages' scripts made that the image must not carry). */
  remove?: string[];
  /** Documentation, manual pages and translations removed, as Docker's -slim images do (copyright files stay). */
  slim?: boolean;
}

interface RecipeBase {
  $schema?: string;
  name: string;
  description?: string;
  image: ImageSpec;
}

/** A small image assembled from the files of a few unpacked packages (busybox). */
export interface PackagesRecipe extends RecipeBase {
  kind?: 'packages';
  packages: PackageSpec[];
  rootfs: RootfsSpec;
}

/** A full Debian root filesystem installed by debootstrap from the host's mirror. */
export interface DebootstrapRecipe extends RecipeBase {
  kind: 'debootstrap';
  debootstrap: DebootstrapSpec;
}

export type Recipe = PackagesRecipe | DebootstrapRecipe;

/** A recipe together with where it came from; the raw bytes feed the cache key. */
export interface LoadedRecipe {
  file: string;
  dir: string;
  raw: Buffer;
  recipe: Recipe;
}

export type BuildStep = 'resolve' | 'download' | 'extract' | 'debootstrap' | 'clean' | 'rootfs' | 'layer' | 'archive' | 'cached' | 'done';

export interface BuildProgress {
  step: BuildStep;
  message: string;
}

export interface BuildOptions {
  format: ArchiveFormat;
  /** Copy the archive here as well; the result's path is then this file. */
  out?: string;
  onProgress?: (progress: BuildProgress) => void;
  /** Folder holding <name>/recipe.json; defaults to the package's vm-images/. */
  recipesDir?: string;
  /** Root of the cache; defaults to ${XDG_CACHE_HOME:-~/.cache}/lab. */
  cacheDir?: string;
  /**
   * Folders searched for an already downloaded .deb before apt-get download (or, for debootstrap
   * recipes, before debootstrap downloads it); default /var/cache/apt/archives.
   */
  debSearchDirs?: string[];
}

export interface BuildResult {
  path: string;
  /** sha256:<hex> of the image config, identical for both formats. */
  imageId: string;
  /** sha256:<hex> of each uncompressed layer tar. */
  diffIds: string[];
  repoTags: string[];
  format: ArchiveFormat;
  cached: boolean;
}
