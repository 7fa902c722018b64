/** labd's command line, named and shaped like dockerd's so course material about dockerd reads true. */
import {parseArgs} from 'node:util';
import type {LogLevel} from '../util/log.js';
import {ConfigError} from './daemon-config.js';

export interface DaemonFlags {
  hosts: string[];
  dataRoot?: string;
  execRoot?: string;
  cgroupParent?: string;
  seccompProfile?: string;
  configFile?: string;
  pidfile?: string;
  logLevel?: LogLevel;
  debug?: boolean;
  group?: string;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  help?: boolean;
  version?: boolean;
}

export const usage = `Usage: labd [OPTIONS]

The lab container engine: a daemon that speaks the Docker Engine API.

Options:
      --cgroup-parent string Parent cgroup for all containers (default "/docker")
      --config-file string   Daemon configuration file (default "/etc/docker/daemon.json")
      --data-root string     Root directory of persistent state (default "/var/lib/docker")
      --exec-root string     Root directory for execution state files (default "/var/run/docker")
  -D, --debug                Enable debug mode
  -G, --group string         Group for the unix socket (default "docker")
  -H, --host list            Daemon socket(s) to connect to: unix:///path or tcp://127.0.0.1:2375
  -l, --log-level string     Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -p, --pidfile string       Path to use for daemon PID file (default "/var/run/docker.pid")
      --seccomp-profile string
                             Path to a seccomp profile, or "unconfined" (default "builtin")
      --tlsverify            Use TLS and verify the remote
      --tlscacert string     Trust certs signed only by this CA
      --tlscert string       Path to TLS certificate file
      --tlskey string        Path to TLS key file
  -v, --version              Print version information and quit
`;

const levels: LogLevel[] = ['debug', 'info', 'warn', 'error', 'fatal'];

export function parseDaemonFlags(argv: string[]): DaemonFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: {type: 'string', short: 'H', multiple: true},
        'data-root': {type: 'string'},
        'exec-root': {type: 'string'},
        'cgroup-parent': {type: 'string'},
        'seccomp-profile': {type: 'string'},
        'config-file': {type: 'string'},
        pidfile: {type: 'string', short: 'p'},
        'log-level': {type: 'string', short: 'l'},
        debug: {type: 'boolean', short: 'D'},
        group: {type: 'string', short: 'G'},
        tlsverify: {type: 'boolean'},
        tlscacert: {type: 'string'},
        tlscert: {type: 'string'},
        tlskey: {type: 'string'},
        help: {type: 'boolean', short: 'h'},
        version: {type: 'boolean', short: 'v'},
      },
    });
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\nSee 'labd --help'.`);
  }
  const v = parsed.values;
  const logLevel = v['log-level'];
  if (logLevel !== undefined && !levels.includes(logLevel as LogLevel)) {
    throw new ConfigError(`--log-level: unknown level "${logLevel}" (one of: ${levels.join(', ')})`);
  }
  for (const flag of ['data-root', 'exec-root', 'pidfile'] as const) {
    const value = v[flag];
    if (value !== undefined && !value.startsWith('/')) throw new ConfigError(`--${flag}: "${value}" must be an absolute path`);
  }
  return {
    hosts: v.host ?? [],
    dataRoot: v['data-root'],
    execRoot: v['exec-root'],
    cgroupParent: v['cgroup-parent'],
    seccompProfile: v['seccomp-profile'],
    configFile: v['config-file'],
    pidfile: v.pidfile,
    logLevel: logLevel as LogLevel | undefined,
    debug: v.debug,
    group: v.group,
    tlsverify: v.tlsverify,
    tlscacert: v.tlscacert,
    tlscert: v.tlscert,
    tlskey: v.tlskey,
    help: v.help,
    version: v.version,
  };
}
