/** The parts of the Engine API's answers that lab's own code reads (dockerd's field names). */

export interface ContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  Path: string;
  Args: string[];
  Created: string;
  Config: {Image: string; Tty?: boolean; OpenStdin?: boolean; Hostname?: string; Env?: string[] | null; Labels?: Record<string, string> | null};
  State: {Status: string; Running: boolean; ExitCode: number; Error: string; Pid: number; StartedAt: string; FinishedAt: string; OOMKilled: boolean};
  GraphDriver: {Data: {UpperDir: string; LowerDir?: string}};
  HostConfig?: {CapAdd?: string[] | null; CapDrop?: string[] | null; Privileged?: boolean; AutoRemove?: boolean; PortBindings?: Record<string, Array<{HostIp?: string; HostPort?: string}> | null> | null};
  NetworkSettings?: {IPAddress?: string; Networks?: Record<string, {IPAddress?: string; Aliases?: string[] | null}> | null};
  Mounts?: Array<{Type: string; Name?: string; Source: string; Destination: string}>;
}

export interface ContainerTop {
  Titles?: string[];
  Processes?: string[][];
}

export interface ImageSummary {
  Id: string;
  RepoTags?: string[] | null;
}

export interface ImageConfig {
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Labels?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface ImageInspect {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests?: string[] | null;
  Parent: string;
  Created: string;
  Size: number;
  Config: ImageConfig | null;
  RootFS?: {Type?: string; Layers?: string[]};
  GraphDriver: {Data: {UpperDir?: string; LowerDir?: string} | null};
}

export interface ImageHistoryEntry {
  Id?: string;
  Created: number;
  CreatedBy: string;
  Size: number;
}
