/** The container request types of API 1.41+ (container.Config, HostConfig, NetworkingConfig, UpdateConfig). */
import {bool, duration, emptyStructSet, int, int64, list, map, named, string, stringList, stringMap, strslice, struct, uint16, uint32, uint64, type GoType} from './go-types.js';

const configFields: Record<string, GoType> = {
  Hostname: string,
  Domainname: string,
  User: string,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ExposedPorts: named('nat.PortSet', emptyStructSet),
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  Env: stringList,
  Cmd: strslice,
  Healthcheck: struct('container.HealthConfig', {Test: stringList, Interval: duration, Timeout: duration, StartPeriod: duration, StartInterval: duration, Retries: int}),
  ArgsEscaped: bool,
  Image: string,
  Volumes: emptyStructSet,
  WorkingDir: string,
  Entrypoint: strslice,
  NetworkDisabled: bool,
  MacAddress: string,
  OnBuild: stringList,
  Labels: stringMap,
  StopSignal: string,
  StopTimeout: int,
  Shell: strslice,
};

export const containerConfig = struct('container.Config', configFields);

const throttleDevices = list(struct('blkiodev.ThrottleDevice', {Path: string, Rate: uint64}));

const resourceFields: Record<string, GoType> = {
  CpuShares: int64,
  Memory: int64,
  NanoCpus: int64,
  CgroupParent: string,
  BlkioWeight: uint16,
  BlkioWeightDevice: list(struct('blkiodev.WeightDevice', {Path: string, Weight: uint16})),
  BlkioDeviceReadBps: throttleDevices,
  BlkioDeviceWriteBps: throttleDevices,
  BlkioDeviceReadIOps: throttleDevices,
  BlkioDeviceWriteIOps: throttleDevices,
  CpuPeriod: int64,
  CpuQuota: int64,
  CpuRealtimePeriod: int64,
  CpuRealtimeRuntime: int64,
  CpusetCpus: string,
  CpusetMems: string,
  Devices: list(struct('container.DeviceMapping', {PathOnHost: string, PathInContainer: string, CgroupPermissions: string})),
  DeviceCgroupRules: stringList,
  DeviceRequests: list(struct('container.DeviceRequest', {Driver: string, Count: int, DeviceIDs: stringList, Capabilities: list(stringList), Options: stringMap})),
  KernelMemory: int64,
  KernelMemoryTCP: int64,
  MemoryReservation: int64,
  MemorySwap: int64,
  MemorySwappiness: int64,
  OomKillDisable: bool,
  PidsLimit: int64,
  Ulimits: list(struct('units.Ulimit', {Name: string, Hard: int64, Soft: int64})),
  CpuCount: int64,
  CpuPercent: int64,
  IOMaximumIOps: uint64,
  IOMaximumBandwidth: uint64,
};

const restartPolicy = struct('container.RestartPolicy', {Name: string, MaximumRetryCount: int});

const mount = struct('mount.Mount', {
  Type: named('mount.Type', string),
  Source: string,
  Target: string,
  ReadOnly: bool,
  Consistency: named('mount.Consistency', string),
  BindOptions: struct('mount.BindOptions', {Propagation: named('mount.Propagation', string), NonRecursive: bool, CreateMountpoint: bool}),
  VolumeOptions: struct('mount.VolumeOptions', {NoCopy: bool, Labels: stringMap, DriverConfig: struct('mount.Driver', {Name: string, Options: stringMap})}),
  TmpfsOptions: struct('mount.TmpfsOptions', {SizeBytes: int64, Mode: named('fs.FileMode', uint32)}),
});

export const hostConfig = struct('container.HostConfig', {
  Binds: stringList,
  ContainerIDFile: string,
  LogConfig: struct('container.LogConfig', {Type: string, Config: stringMap}),
  NetworkMode: named('container.NetworkMode', string),
  PortBindings: map(list(struct('nat.PortBinding', {HostIp: string, HostPort: string})), 'nat.PortMap'),
  RestartPolicy: restartPolicy,
  AutoRemove: bool,
  VolumeDriver: string,
  VolumesFrom: stringList,
  ConsoleSize: list(named('uint', uint64), '[2]uint'),
  Annotations: stringMap,
  CapAdd: strslice,
  CapDrop: strslice,
  CgroupnsMode: named('container.CgroupnsMode', string),
  Dns: stringList,
  DnsOptions: stringList,
  DnsSearch: stringList,
  ExtraHosts: stringList,
  GroupAdd: stringList,
  IpcMode: named('container.IpcMode', string),
  Cgroup: named('container.CgroupSpec', string),
  Links: stringList,
  OomScoreAdj: int,
  PidMode: named('container.PidMode', string),
  Privileged: bool,
  PublishAllPorts: bool,
  ReadonlyRootfs: bool,
  SecurityOpt: stringList,
  StorageOpt: stringMap,
  Tmpfs: stringMap,
  UTSMode: named('container.UTSMode', string),
  UsernsMode: named('container.UsernsMode', string),
  ShmSize: int64,
  Sysctls: stringMap,
  Runtime: string,
  Isolation: named('container.Isolation', string),
  ...resourceFields,
  Mounts: list(mount),
  MaskedPaths: stringList,
  ReadonlyPaths: stringList,
  Init: bool,
});

export const endpointSettings = struct('network.EndpointSettings', {
  IPAMConfig: struct('network.EndpointIPAMConfig', {IPv4Address: string, IPv6Address: string, LinkLocalIPs: stringList}),
  Links: stringList,
  Aliases: stringList,
  NetworkID: string,
  EndpointID: string,
  Gateway: string,
  IPAddress: string,
  IPPrefixLen: int,
  IPv6Gateway: string,
  GlobalIPv6Address: string,
  GlobalIPv6PrefixLen: int,
  MacAddress: string,
  DriverOpts: stringMap,
});

/** POST /containers/create: the container's Config with HostConfig and NetworkingConfig beside it. */
export const containerCreate = struct('runconfig.ContainerConfigWrapper', {
  ...configFields,
  HostConfig: hostConfig,
  NetworkingConfig: struct('network.NetworkingConfig', {EndpointsConfig: map(endpointSettings)}),
});

/** POST /containers/{id}/update. */
export const containerUpdate = struct('container.UpdateConfig', {...resourceFields, RestartPolicy: restartPolicy});

/** POST /commit: the new image's config. */
export const commitConfig = containerConfig;

