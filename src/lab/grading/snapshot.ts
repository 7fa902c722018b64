/**
 * What the graders see: a snapshot of the environment's state, gathered in one pass by the collector that runs
 * inside the environment as root. Everything here comes from the kernel, the filesystem or the engine's API —
 * nothing from what the student typed or reported.
 */
export interface FileInfo {
  path: string;
  exists: boolean;
  type?: 'file' | 'dir' | 'symlink' | 'other';
  mode?: number;
  size?: number;
  uid?: number;
  sha256?: string;
  /** For ELF files: the program interpreter (dynamic) and DT_NEEDED libraries. */
  elf?: {interpreter?: string; needed: string[]; static: boolean};
  /** Whether the file contains each of the requested byte strings. */
  contains?: Record<string, boolean>;
  /** A whiteout in an overlay upper dir (a 0/0 character device). */
  whiteout?: boolean;
}

export interface EngineEventRecord {
  Type: string;
  Action: string;
  Actor: {ID: string; Attributes: Record<string, string>};
  time: number;
  timeNano: number;
}

export interface ImageSnapshot {
  id: string;
  tags: string[];
  parent: string;
  created: string;
  config: {Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[]};
  /** Layer dirs (overlay2/<cache-id>/diff), bottom first. */
  layerDirs: string[];
  history: Array<{created_by?: string; empty_layer?: boolean}>;
  /** Requested paths, resolved through the layers top-down (whiteouts respected). */
  files: Record<string, FileInfo>;
}

export interface ContainerSnapshot {
  id: string;
  name: string;
  image: string;
  imageName: string;
  path: string;
  args: string[];
  state: {status: string; running: boolean; exitCode: number; error: string; pid: number; startedAt: string; finishedAt: string; oomKilled: boolean};
  created: string;
  upperDir: string;
  lowerDirs: string[];
  /** Requested paths in the container's upper dir (its own changes) and as the image layers have them. */
  files: Record<string, {upper: FileInfo; lower: FileInfo}>;
  /** The tail of its log (stdout and stderr lines). */
  logTail: string[];
  namespaces?: Record<string, string>;
}

export interface Snapshot {
  takenAt: string;
  engine: {reachable: boolean; error?: string; images: ImageSnapshot[]; containers: ContainerSnapshot[]; events: EngineEventRecord[]};
  host: {namespaces: Record<string, string>; files: Record<string, FileInfo>};
  /** Answers the student gave with `lab answer` (questions are the only thing taken from the student). */
  answers: Record<string, string>;
}

/** What a lab asks the collector to look at. */
export interface SnapshotRequest {
  socket: string;
  /** Host files, e.g. ~/lab26/hello_not_static or /usr/bin/chmod. */
  hostFiles: string[];
  /** Paths to look up inside every image and container (e.g. /hello, /usr/bin/chmod). */
  imagePaths: string[];
  containerPaths: string[];
  /** Byte strings to look for in requested files. */
  contains: string[];
  /** Only events after this time (unix seconds). */
  since: number;
  answersFile?: string;
}
