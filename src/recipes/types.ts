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
  lines: string[];
}

export interface SymlinkSpec {
  path: string;
  target: string;
}

export interface RootfsSpec {
  directories?: DirectorySpec[];
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

export interface Recipe {
  $schema?: string;
  name: string;
  description?: string;
  packages: PackageSpec[];
  rootfs: RootfsSpec;
  image: ImageSpec;
}

/** A recipe together with where it came from; the raw bytes feed the cache key. */
export interface LoadedRecipe {
  file: string;
  dir: string;
  raw: Buffer;
  recipe: Recipe;
}

export type BuildStep = 'resolve' | 'download' | 'extract' | 'rootfs' | 'layer' | 'archive' | 'cached' | 'done';

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
  /** Folders searched for an already downloaded .deb before apt-get download; default /var/cache/apt/archives. */
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
