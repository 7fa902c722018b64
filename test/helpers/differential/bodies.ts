/**
 * Request bodies exactly as the docker CLI 28 sends them at API 1.41 (recorded from `docker create`, `docker
 * exec`, `docker update`, `docker network create`), and as Compose 1.29 sends a service's container.
 */

/** `docker create --name <n> busybox <cmd…>`. */
export function cliCreateBody(cmd: string[], over: {Labels?: Record<string, string>; NetworkMode?: string; EndpointsConfig?: Record<string, unknown>} = {}) {
  return {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false, OpenStdin: false, StdinOnce: false,
    Env: null, Cmd: cmd, Image: 'busybox', Volumes: {}, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: over.Labels ?? {},
    HostConfig: {
      Binds: null, ContainerIDFile: '', LogConfig: {Type: '', Config: {}}, NetworkMode: over.NetworkMode ?? 'default', PortBindings: {},
      RestartPolicy: {Name: 'no', MaximumRetryCount: 0}, AutoRemove: false, VolumeDriver: '', VolumesFrom: null, ConsoleSize: [0, 0],
      CapAdd: null, CapDrop: null, CgroupnsMode: '', Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: null, GroupAdd: null, IpcMode: '',
      Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '', Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null,
      UTSMode: '', UsernsMode: '', ShmSize: 0, Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0,
      BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [], BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0,
      CpuQuota: 0, CpuRealtimePeriod: 0, CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null,
      DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: -1, OomKillDisable: false, PidsLimit: 0, Ulimits: [],
      CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0, MaskedPaths: null, ReadonlyPaths: null,
    },
    NetworkingConfig: {
      EndpointsConfig: over.EndpointsConfig ?? {
        default: {
          IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '', Gateway: '',
          IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
        },
      },
    },
  };
}

/** Compose 1.29's body for a service `web` of project `diffproj` on the project network, with its alias. */
export const composeCreateBody = {
  Image: 'busybox', Cmd: ['sleep', '1000'], Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false, AttachStdout: false, AttachStderr: false,
  Labels: {
    'com.docker.compose.project': 'diffproj', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'False',
    'com.docker.compose.container-number': '1', 'com.docker.compose.version': '1.29.2', 'com.docker.compose.config-hash': 'abc',
  },
  Env: [], Volumes: {}, NetworkDisabled: false,
  HostConfig: {NetworkMode: 'diffproj_default', Links: [], Binds: [], PortBindings: {}, LogConfig: {Type: '', Config: {}}, VolumesFrom: [], IpcMode: null},
  NetworkingConfig: {EndpointsConfig: {diffproj_default: {Aliases: ['web'], IPAMConfig: {}}}},
};

/** `docker exec <n> <cmd…>`. */
export const cliExecBody = (cmd: string[]) => ({
  User: '', Privileged: false, Tty: false, ConsoleSize: null, AttachStdin: false, AttachStderr: true, AttachStdout: true, Detach: false, DetachKeys: '',
  Env: null, WorkingDir: '', Cmd: cmd,
});

/** `docker update --memory <bytes> <n>`. */
export const cliUpdateBody = (memory: number) => ({
  CpuShares: 0, Memory: memory, NanoCpus: 0, CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: null, BlkioDeviceReadBps: null,
  BlkioDeviceWriteBps: null, BlkioDeviceReadIOps: null, BlkioDeviceWriteIOps: null, CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
  CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: null, DeviceCgroupRules: null, DeviceRequests: null, MemoryReservation: 0,
  MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null, PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0,
  IOMaximumBandwidth: 0, RestartPolicy: {Name: '', MaximumRetryCount: 0},
});

/** `docker network create <n>`. */
export const cliNetworkBody = (name: string) => ({
  Driver: 'bridge', Scope: '', IPAM: {Driver: 'default', Options: {}, Config: []}, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false,
  ConfigFrom: null, Options: {}, Labels: {}, Name: name, CheckDuplicate: true,
});

/** A query's filters argument. */
export const filters = (f: Record<string, unknown>) => encodeURIComponent(JSON.stringify(f));
