/**
 * Differences from dockerd that are real gaps, each with who closes it: the cases that meet one leave its paths
 * out of their comparison and register a failing test for it, which passes while the gap is there and tells
 * when it is closed (then the gap goes from here and from its cases).
 */
import type {Gap} from '../../helpers/differential/harness.js';

/** Fields dockerd always returns in a container's inspect, whatever the create body held. */
export const inspectFields: Gap = {
  owner: 'h-streams',
  why: 'HostConfig.Runtime and the other fields dockerd always returns in inspect, with its nulls and defaults',
  paths: ['HostConfig.Runtime', 'HostConfig.KernelMemory', 'HostConfig.KernelMemoryTCP', 'HostConfig.MemorySwappiness', 'HostConfig.PidsLimit',
    'HostConfig.MaskedPaths', 'HostConfig.ReadonlyPaths'],
};

/** The same, for a body that leaves most of HostConfig out, as Compose's does. */
export const inspectFieldsSparse: Gap = {
  owner: 'h-streams',
  why: 'HostConfig fields left out of the create body are missing from inspect instead of shown with their defaults',
  paths: ['HostConfig', 'Config.Domainname'],
};

/** Network aliases and endpoint settings as sent. */
export const aliases: Gap = {
  owner: 'h-net',
  why: 'network aliases and IPAMConfig of an endpoint are not kept or shown',
  paths: ['NetworkSettings.Networks.*.Aliases', 'NetworkSettings.Networks.*.IPAMConfig', '[].NetworkSettings.Networks.*.IPAMConfig'],
};

/** A network's options and IPAM options shown as sent. */
export const networkOptions: Gap = {
  owner: 'h-net',
  why: 'a network shows the bridge driver\'s default options instead of the options sent, and IPAM.Options null instead of {}',
  paths: ['Options', 'IPAM.Options', '[].Options', '[].IPAM.Options'],
};

/** The registry configuration of a daemon that pulls. */
export const registryConfig: Gap = {owner: 'h-pull', why: 'no index configuration for docker.io in /info while labd has no registry client', paths: ['RegistryConfig.IndexConfigs']};
