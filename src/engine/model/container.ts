/** A container as the engine keeps it (containers/<id>/config.v2.json), shaped like Docker's so inspect reads alike. */
import type {ContainerConfig} from './image-config.js';
import type {MountPoint} from './mount-point.js';
import type {EndpointConfig, NetworkSettings} from './network-settings.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  Status: ContainerStatus;
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Only for a container with a health check (containers/health.ts). */
  Health?: Health;
}

export interface HealthProbe {
  Start: string;
  End: string;
  ExitCode: number;
  Output: string;
}

export interface Health {
  Status: 'starting' | 'healthy' | 'unhealthy';
  FailingStreak: number;
  Log: HealthProbe[];
}

/** The create request's Config: the image config's fields plus what only a container has. */
export interface CreateConfig extends ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Image?: string;
  StopTimeout?: number;
  NetworkDisabled?: boolean;
}

export interface HostConfig {
  AutoRemove?: boolean;
  NetworkMode?: string;
  /** Legacy links as dockerd stores them: "/other:/me/alias". */
  Links?: string[] | null;
  /** "host" shares the host's pid namespace (--pid=host). */
  PidMode?: string;
  Binds?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  SecurityOpt?: string[] | null;
  ConsoleSize?: [number, number];
  RestartPolicy?: {Name: string; MaximumRetryCount?: number};
  Init?: boolean | null;
  LogConfig?: {Type?: string; Config?: Record<string, string> | null};
  [key: string]: unknown;
}

export interface ContainerRecord {
  ID: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: CreateConfig;
  HostConfig: HostConfig;
  Image: string;
  Name: string;
  State: ContainerState;
  RestartCount: number;
  /** Stopped or killed by hand: a restart policy leaves it down (dockerd's HasBeenManuallyStopped). */
  HasBeenManuallyStopped?: boolean;
  /** The container layer's overlay2 dir (layerdb/mounts/<id>/mount-id). */
  MountID: string;
  ShimPid: number;
  /** runc's cgroupsPath for the container: <cgroup-parent>/<id>, set at each start. */
  CgroupsPath?: string;
  LogPath: string;
  HostnamePath: string;
  HostsPath: string;
  ResolvConfPath: string;
  /** Binds, volumes and --mount tmpfs, keyed by destination (Docker's MountPoints). */
  MountPoints?: Record<string, MountPoint>;
  /** Network, address, netns and published ports while running (network/views.ts); unset until first start. */
  NetworkSettings?: NetworkSettings;
  /** The networks the container belongs to, in the order it joins them, each with what the client asked for. */
  EndpointsConfig?: Record<string, EndpointConfig>;
  Driver: 'overlay2';
  Platform: 'linux';
}
