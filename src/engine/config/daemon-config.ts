/** The daemon's effective configuration: flags merged with daemon.json, checked the way dockerd checks them. */
import {readFileSync} from 'node:fs';
import type {ValidateFunction} from 'ajv';
import {parseStrictJson} from '../../common/strict-json.js';
import type {DaemonConfigFile} from './schema.js';
import {validate as generatedValidator} from './daemon-config-validator.js';
import type {DaemonFlags} from './flags.js';
import {DEFAULT_CGROUP_PARENT, normalizeCgroupParent} from '../runtime/cgroup-parent.js';
import {logConfigError, type LogConfig} from '../containers/log-config.js';
import {daemonSeccompChoice, type SeccompChoice} from '../runtime/security-opt.js';
import type {LogLevel} from '../util/log.js';
import {registryOptions} from './registry-options.js';
import {addressPools, type AddressPool} from './address-pools.js';
import type {RegistryOptions} from '../registry/options.js';

export interface DaemonConfig {
  dataRoot: string;
  execRoot: string;
  /** The cgroup containers' cgroups are made under, "/docker" unless set. */
  cgroupParent: string;
  /** --seccomp-profile / daemon.json seccomp-profile, read and checked at start. */
  seccompProfile: SeccompChoice;
  /** daemon.json log-driver and log-opts: every container's logging unless it asks for its own. */
  logConfig: LogConfig;
  hosts: string[];
  pidfile: string;
  logLevel: LogLevel;
  configFile?: string;
  group?: string;
  tls: {verify: boolean; cacert?: string; cert?: string; key?: string} | undefined;
  labels: string[];
  experimental: boolean;
  allowInsecureTcp: boolean;
  allowDangerousBinds: boolean;
  /** daemon.json live-restore: containers keep running when the daemon stops, and are adopted when it starts. */
  liveRestore: boolean;
  /** daemon.json bip, bridge, ip: the default bridge network and where published ports listen. */
  network: {bip?: string; bridge?: string; ip?: string; pools?: AddressPool[]};
  /** registry-mirrors, insecure-registries, max-concurrent-downloads/uploads, the certs.d folder. */
  registry: RegistryOptions;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const defaults = {
  dataRoot: '/var/lib/docker',
  execRoot: '/var/run/docker',
  host: 'unix:///var/run/docker.sock',
  configFile: '/etc/docker/daemon.json',
};

export function parseConfigFile(path: string, text: string): DaemonConfigFile {
  const data = parseStrictJson(text, (m) => new ConfigError(`${path}: ${m}`));
  // Compiled ahead of time (validator-source.ts): compiling the schema here took seconds in an emulated VM.
  const validate = generatedValidator as unknown as ValidateFunction;
  if (!validate(data)) {
    const unknown = (validate.errors ?? []).filter((e) => e.keyword === 'additionalProperties' && e.instancePath === '');
    if (unknown.length > 0) {
      const keys = unknown.map((e) => (e.params as {additionalProperty: string}).additionalProperty);
      throw new ConfigError(`${path}: the following directives don't match any configuration option: ${keys.join(', ')}`);
    }
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
      const allowed = e.keyword === 'enum' ? ` (one of: ${(e.params as {allowedValues: unknown[]}).allowedValues.join(', ')})` : '';
      return `key "${key}": ${e.message}${allowed}`;
    });
    throw new ConfigError(`${path}: ${problems.join('; ')}`);
  }
  return data as DaemonConfigFile;
}

function readConfigFile(path: string, explicit: boolean): DaemonConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !explicit) return {};
    throw new ConfigError(`unable to read config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigFile(path, text);
}

/** Flags and file may not both set the same directive: dockerd refuses that, and so does this engine (a seed 004 lesson). */
function conflicts(flags: DaemonFlags, file: DaemonConfigFile): string[] {
  const pairs: Array<[keyof DaemonFlags, string]> = [
    ['hosts', 'hosts'], ['dataRoot', 'data-root'], ['execRoot', 'exec-root'], ['cgroupParent', 'cgroup-parent'], ['seccompProfile', 'seccomp-profile'], ['pidfile', 'pidfile'], ['logLevel', 'log-level'],
    ['group', 'group'], ['tlsverify', 'tlsverify'], ['tlscacert', 'tlscacert'], ['tlscert', 'tlscert'], ['tlskey', 'tlskey'],
  ];
  const found: string[] = [];
  for (const [flag, key] of pairs) {
    const fromFlag = flags[flag];
    if (fromFlag === undefined || (Array.isArray(fromFlag) && fromFlag.length === 0) || file[key] === undefined) continue;
    found.push(`${key}: (from flag: ${JSON.stringify(fromFlag)}, from file: ${JSON.stringify(file[key])})`);
  }
  return found;
}

export function resolveConfig(flags: DaemonFlags): DaemonConfig {
  const configFile = flags.configFile ?? defaults.configFile;
  const file = readConfigFile(configFile, flags.configFile !== undefined);
  const clash = conflicts(flags, file);
  if (clash.length > 0) {
    throw new ConfigError(
      `unable to configure the daemon with file ${configFile}: the following directives are specified both as a flag and in the configuration file: ${clash.join(', ')}`,
    );
  }
  const tlsverify = flags.tlsverify ?? file.tlsverify ?? false;
  const cert = flags.tlscert ?? file.tlscert;
  const key = flags.tlskey ?? file.tlskey;
  const tlsOn = tlsverify || (file.tls ?? false) || Boolean(cert && key);
  if (tlsOn && !(cert && key)) throw new ConfigError('TLS needs both --tlscert and --tlskey (tlscert and tlskey in daemon.json)');
  const cacert = flags.tlscacert ?? file.tlscacert;
  if (tlsverify && !cacert) throw new ConfigError('--tlsverify needs --tlscacert to verify client certificates');
  const dataRoot = flags.dataRoot ?? file['data-root'] ?? defaults.dataRoot;
  const execRoot = flags.execRoot ?? file['exec-root'] ?? defaults.execRoot;
  const hosts = flags.hosts.length > 0 ? flags.hosts : (file.hosts ?? [defaults.host]);
  let cgroupParent = DEFAULT_CGROUP_PARENT;
  try {
    if (flags.cgroupParent !== undefined) cgroupParent = normalizeCgroupParent(flags.cgroupParent, '--cgroup-parent');
    else if (file['cgroup-parent'] !== undefined) cgroupParent = normalizeCgroupParent(file['cgroup-parent'], `${configFile}: key "cgroup-parent"`);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const logConfig: LogConfig = {Type: file['log-driver'] ?? 'json-file', Config: file['log-opts'] ?? {}};
  const logProblem = logConfigError(logConfig.Type, logConfig.Config);
  if (logProblem) throw new ConfigError(`${configFile}: key "${file['log-opts'] ? 'log-opts' : 'log-driver'}": ${logProblem}`);
  const seccompValue = flags.seccompProfile ?? file['seccomp-profile'] ?? 'builtin';
  let seccompProfile: SeccompChoice;
  try {
    seccompProfile = daemonSeccompChoice(seccompValue, (path) => readFileSync(path, 'utf8'));
  } catch (error) {
    const where = flags.seccompProfile !== undefined ? '--seccomp-profile' : `${configFile}: key "seccomp-profile"`;
    throw new ConfigError(`${where}: ${(error as Error).message}`);
  }
  return {
    dataRoot,
    execRoot,
    cgroupParent,
    logConfig,
    seccompProfile,
    hosts,
    // Docker's /var/run/docker.pid sits beside its exec-root /var/run/docker; keep that pairing for any exec-root.
    pidfile: flags.pidfile ?? file.pidfile ?? `${execRoot.replace(/\/+$/, '')}.pid`,
    logLevel: flags.logLevel ?? file['log-level'] ?? (flags.debug || file.debug ? 'debug' : 'info'),
    configFile,
    group: flags.group ?? file.group,
    tls: tlsOn ? {verify: tlsverify, cacert, cert, key} : undefined,
    labels: file.labels ?? [],
    experimental: file.experimental ?? false,
    allowInsecureTcp: file['allow-insecure-tcp'] ?? false,
    allowDangerousBinds: file['allow-dangerous-binds'] ?? false,
    liveRestore: file['live-restore'] ?? false,
    network: {bip: file.bip, bridge: file.bridge, ip: file.ip, pools: addressPools(file['default-address-pools'], configFile)},
    registry: registryOptions(file, configFile),
  };
}
