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
  /** Modification time in ms since the epoch: a copy-up keeps it, a write or a touch changes it. */
  mtimeMs?: number;
  /** Status change time in ms: a chmod sets it, and nothing a student can do without root's clock sets it back. */
  ctimeMs?: number;
  /** Inode number and device (st_dev): which file the kernel's audit records name. */
  ino?: number;
  dev?: number;
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
  config: {Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[]; Labels?: Record<string, string> | null};
  /** registry/repository@sha256:… for each registry the image was pushed to or pulled from. */
  repoDigests?: string[];
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
  /** Started with a terminal (docker run -t). */
  tty?: boolean;
  /** Started with its stdin kept open (docker run -i). */
  openStdin?: boolean;
  /** Its environment (Config.Env: the image's and -e's), --rm (HostConfig.AutoRemove) and its mounts as inspect shows them. */
  env?: string[];
  /** Its labels (Compose marks its containers with com.docker.compose.project and .service). */
  labels?: Record<string, string>;
  autoRemove?: boolean;
  /** When processes are watched and it runs: its main process as the host sees it. */
  process?: ProcessFacts;
  /** When capabilities are watched and it runs: CapEff of its main process (hex) and its network namespace's links. */
  capEff?: string;
  links?: string[];
  /** Its HostConfig asked for other capabilities than the engine's defaults (--cap-add, --cap-drop, --privileged). */
  capsChanged?: boolean;
  /** When cgroups are watched and it runs: its limits as its cgroup files hold them. */
  cgroup?: CgroupLimits;
  /** The hostname it was given (Config.Hostname: its short ID unless --hostname). */
  hostname?: string;
  /** The names of its environment variables (never their values: they may be passwords). */
  envNames?: string[];
  /** Its addresses on its networks while it runs (the engine clears them when it stops). */
  ipAddresses?: string[];
  /** Published ports as HostConfig asks for them: "5432/tcp" → host address and port. */
  ports?: Array<{container: string; hostIp: string; hostPort: number}>;
  mounts?: Array<{type: string; name?: string; source: string; destination: string}>;
  /** When sizes are watched, for an interactive container: its root file system's disk use (layers and upper dir), in KiB as du counts. */
  diskKb?: number;
  /** When a database is watched and it publishes the port: what a real query through that port answered. */
  postgres?: PostgresFacts;
  /** The networks it is attached to, by name: its address there and its aliases. */
  networks?: Record<string, {ip: string; aliases: string[]}>;
}

/** A network interface as `ip -j -d addr` shows it in one network namespace. */
export interface NetLink {
  ifindex: number;
  name: string;
  /** veth, bridge, ... (none for lo and physical devices). */
  kind?: string;
  up: boolean;
  /** For a veth: its peer's ifindex (in the peer's namespace). */
  peerIndex?: number;
  /** IPv4 addresses with their prefix, e.g. 10.200.7.2/24. */
  addresses: string[];
}

/** A PostgreSQL server in a container, as a client on the host reaches it through its published port. */
export interface PostgresFacts {
  port: number;
  connected: boolean;
  error?: string;
  /** When initdb made its cluster (the upper 32 bits of pg_control's system identifier), unix seconds. */
  initdbAt?: number;
  /** Tables of the public schema. */
  tables?: string[];
}

/** A process's limits read back from its cgroup files (null: no limit); files: each file read and its text. */
export interface CgroupLimits {
  version: 1 | 2;
  memory: number | null;
  cpu: {quota: number; period: number} | null;
  pids: number | null;
  oomKills: number;
  files: Record<string, string>;
}

/** A process and its ancestors, read from /proc/<pid>/status. */
export interface ProcessFacts {
  pid: number;
  /** NSpid: its PID in each pid namespace it belongs to, the host's first and its own namespace's last. */
  nspid: number[];
  /** The process, then its parent, then its parent's parent... up to PID 1 (or 12 steps). */
  chain: Array<{pid: number; ppid: number; comm: string; program?: string}>;
}

/** A process in other namespaces than the host's (left running by unshare or nsenter, or a container's). */
export interface NamespacedProcess {
  pid: number;
  /** Its PID in each pid namespace, the host's first: a last 1 means it is the first process of its own. */
  nspid: number[];
  chain: ProcessFacts['chain'];
  /** Kind → "kind:[inode]", from /proc/<pid>/ns. */
  namespaces: Record<string, string>;
  /** The hostname of its uts namespace, when that is not the host's. */
  hostname?: string;
  /** The /proc it sees (its root's /proc): a proc of its own (mounted for its pid namespace) or the host's. */
  proc?: {own: boolean; count: number; first: number[]};
  /** When its network namespace is not the host's: the interfaces in it. */
  links?: NetLink[];
}

/** A directory's entries, recursively (relative path → facts); whiteouts show as FileInfo.whiteout. */
export interface DirListing {
  path: string;
  exists: boolean;
  entries: Record<string, FileInfo>;
  /** More entries than the collector lists. */
  truncated?: boolean;
}

/** An overlay mount from /proc/self/mountinfo: layers as the mount options give them, and resolved. */
export interface OverlayMount {
  mountPoint: string;
  lower: string[];
  upper?: string;
  work?: string;
  /** Absolute layer paths with symlinks resolved (overlay2/l/ short links → overlay2/<cache-id>/diff); relative ones as given. */
  resolved: {lower: string[]; upper?: string; work?: string};
}

export interface TcpListener {
  family: 4 | 6;
  address: string;
  port: number;
  inode: number;
  /** The socket is one of the daemon process's open files (/proc/<pid>/fd). */
  ownedByDaemon: boolean;
}

/** The engine daemon as a process: its pid (from its pidfile), its config files, its TCP sockets, an API answer. */
export interface DaemonSnapshot {
  pidfile: string;
  pid?: number;
  pidError?: string;
  comm?: string;
  configFile: {path: string; text?: string; error?: string};
  optionsFile?: {path: string; text?: string; error?: string};
  /** Listening TCP sockets (/proc/net/tcp, tcp6) on the watched port or owned by the daemon. */
  listeners: TcpListener[];
  /** GET /version over TCP on the watched port, on loopback. */
  api?: {port: number; ok: boolean; apiVersion?: string; error?: string};
}

/** What `docker info` and `docker version` show of the daemon. */
export interface EngineFacts {
  id: string;
  name: string;
  serverVersion: string;
  apiVersion: string;
  /** registry-mirrors, as info lists them (http://127.0.0.1:PORT/). */
  mirrors: string[];
}

/** The engine's first mirror (the course registry), read over its HTTP API: repositories asked for, tag → manifest digest. */
export interface RegistrySnapshot {
  url: string;
  /** The registry's host:port, as image references name it. */
  host: string;
  catalog: string[];
  tags: Record<string, Record<string, string>>;
  error?: string;
}

/** One chmod-family system call the kernel's audit recorded (SYSCALL, CWD and PATH records of one event). */
export interface AuditChmod {
  /** The event's time (ms since the epoch) and serial number. */
  timeMs: number;
  serial: number;
  syscall: string;
  success: boolean;
  pid: number;
  ppid: number;
  /** The login uid of the process (undefined: unset, as for whatever a daemon starts — containers, docker exec). */
  auid?: number;
  comm: string;
  exe: string;
  /** The mode asked for (the call's mode argument). */
  newMode?: number;
  cwd?: string;
  /** The file as the call named it: the path given, its inode, device (major:minor) and mode before the call. */
  path?: {name?: string; inode: number; dev: string; mode: number};
}

/** What the kernel's audit recorded under the lab's key, or why nothing could be recorded. */
export interface AuditLog {
  key: string;
  available: boolean;
  /** Why the records cannot be trusted or had (no auditctl, audit disabled, no daemon, the lab's rule not loaded). */
  error?: string;
  chmods: AuditChmod[];
}

export interface Snapshot {
  takenAt: string;
  engine: {reachable: boolean; error?: string; images: ImageSnapshot[]; containers: ContainerSnapshot[]; events: EngineEventRecord[]; facts?: EngineFacts};
  registry?: RegistrySnapshot;
  host: {namespaces: Record<string, string>; files: Record<string, FileInfo>; dirs?: Record<string, DirListing>; overlays?: OverlayMount[]; processes?: NamespacedProcess[]; links?: NetLink[]};
  daemon?: DaemonSnapshot;
  /** When the lab watches it: the chmod-family calls recorded by the kernel's audit under the lab's key. */
  audit?: AuditLog;
  /** Answers the student gave with `lab answer` (questions are the only thing taken from the student). */
  answers: Record<string, string>;
}
