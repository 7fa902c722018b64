/** What a lab asks the collector to look at; the collector answers with a Snapshot (graders/snapshot.ts). */
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
  /** Directories to list recursively (overlay layers, upper dirs). */
  dirs?: string[];
  /** Read the overlay mounts from the mount table. */
  mounts?: boolean;
  /** Read each running container's process facts (NSpid, parent chain). */
  processes?: boolean;
  /** List the processes in other namespaces than the host's (unshare, nsenter, containers). */
  namespacedProcesses?: boolean;
  /** Read each running container's limits from its cgroup files. */
  cgroups?: boolean;
  /** Read each running container's CapEff and network links. */
  capabilities?: boolean;
  /** Read these repositories (repo names) from the engine's first registry mirror: catalog, tags, manifest digests. */
  registryRepos?: string[];
  /** Measure each interactive container's root file system as du would. */
  sizes?: boolean;
  /** Query each running container that publishes 5432/tcp with psql through that port. */
  postgres?: boolean;
  /** Read the chmod-family calls the kernel's audit recorded under this key (the lab's rule, loaded at its start). */
  audit?: {key: string};
  /** Look at the engine daemon as a process. */
  daemon?: {pidfile: string; configFile: string; optionsFile?: string; tcpPort: number};
}
