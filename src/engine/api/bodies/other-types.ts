/** The exec, network and volume request types of API 1.41+. */
import {bool, list, named, string, stringList, stringMap, struct, uint64} from './go-types.js';
import {endpointSettings} from './container-types.js';

/** POST /containers/{id}/exec. */
export const execCreate = struct('types.ExecConfig', {
  User: string,
  Privileged: bool,
  Tty: bool,
  ConsoleSize: list(named('uint', uint64), '[2]uint'),
  AttachStdin: bool,
  AttachStderr: bool,
  AttachStdout: bool,
  Detach: bool,
  DetachKeys: string,
  Env: stringList,
  WorkingDir: string,
  Cmd: stringList,
});

/** POST /networks/create. */
export const networkCreate = struct('types.NetworkCreateRequest', {
  Name: string,
  CheckDuplicate: bool,
  Driver: string,
  Scope: string,
  EnableIPv6: bool,
  IPAM: struct('network.IPAM', {
    Driver: string,
    Options: stringMap,
    Config: list(struct('network.IPAMConfig', {Subnet: string, IPRange: string, Gateway: string, AuxiliaryAddresses: stringMap})),
  }),
  Internal: bool,
  Attachable: bool,
  Ingress: bool,
  ConfigOnly: bool,
  ConfigFrom: struct('network.ConfigReference', {Network: string}),
  Options: stringMap,
  Labels: stringMap,
});

/** POST /networks/{id}/connect and /disconnect. */
export const networkConnect = struct('types.NetworkConnect', {Container: string, EndpointConfig: endpointSettings});
export const networkDisconnect = struct('types.NetworkDisconnect', {Container: string, Force: bool});

/** POST /volumes/create. */
export const volumeCreate = struct('volume.VolumeCreateBody', {Name: string, Driver: string, DriverOpts: stringMap, Labels: stringMap});
