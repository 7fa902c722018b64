/**
 * A container's logging driver: json-file (the default; `max-size` and `max-file` bound its files on disk, as
 * with Docker) or none (nothing is written; `docker logs` has nothing to read). The daemon's default comes from
 * daemon.json `log-driver` / `log-opts`; a container's own `--log-driver` / `--log-opt` are merged over it the
 * way dockerd merges them.
 */

export type LogDriver = 'json-file' | 'none';

export interface LogConfig {
  Type: LogDriver;
  Config: Record<string, string>;
}

/** What the shim needs: where to write, and when to rotate. */
export interface LogLimits {
  maxSize?: number;
  maxFiles: number;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {Type: 'json-file', Config: {}};

const drivers: LogDriver[] = ['json-file', 'none'];
const jsonFileOpts = ['max-size', 'max-file', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'];

/** Docker's human sizes for max-size: decimal units, "10m" = 10,000,000 bytes; "10mb", "1.5g", "512k" too. */
export function parseHumanSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp])?i?b?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = m[2] ? 'kmgtp'.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1000 ** power);
}

/** Why the driver and its options cannot be used, in dockerd's words; undefined when they can. */
export function logConfigError(type: string, config: Record<string, string>): string | undefined {
  if (!drivers.includes(type as LogDriver)) return `logger: no log driver named '${type}' is registered (this engine has: ${drivers.join(', ')})`;
  if (type === 'none') {
    const key = Object.keys(config)[0];
    return key === undefined ? undefined : `unknown log opt '${key}' for none log driver`;
  }
  for (const key of Object.keys(config)) if (!jsonFileOpts.includes(key)) return `unknown log opt '${key}' for json-file log driver`;
  const size = config['max-size'];
  if (size !== undefined) {
    const bytes = parseHumanSize(size);
    if (bytes === undefined) return `invalid size: '${size}' (max-size takes a number and a unit: 512k, 10m, 1g)`;
    if (bytes <= 0) return 'max-size must be a positive number';
  }
  const files = config['max-file'];
  if (files !== undefined) {
    if (!/^\d+$/.test(files.trim())) return `max-file: invalid number '${files}'`;
    if (Number(files) < 1) return 'max-file cannot be less than 1';
    if (Number(files) > 1000) return 'max-file cannot be more than 1000';
  }
  if (config.compress !== undefined && /^(1|t|true)$/i.test(config.compress)) return 'compress is not supported by this engine: rotated log files are kept as they are';
  return undefined;
}

/** dockerd's merge: an empty type takes the daemon's, and the daemon's options fill in when the types match. */
export function mergeLogConfig(requested: {Type?: string; Config?: Record<string, string> | null} | undefined, daemon: LogConfig): {Type: string; Config: Record<string, string>} {
  const type = requested?.Type || daemon.Type;
  const config = {...(requested?.Config ?? {})};
  if (type === daemon.Type) for (const [k, v] of Object.entries(daemon.Config)) if (!(k in config)) config[k] = v;
  return {Type: type, Config: config};
}

export function logLimits(config: LogConfig): LogLimits {
  const size = config.Config['max-size'] !== undefined ? parseHumanSize(config.Config['max-size']) : undefined;
  // Without a size there is nothing to rotate, so max-file alone changes nothing (as with Docker).
  return size ? {maxSize: size, maxFiles: Number(config.Config['max-file'] ?? 1)} : {maxFiles: 1};
}

/** A container record's logging, records made before it was kept included (json-file, no limit). */
export function recordLogConfig(hostConfig: {LogConfig?: {Type?: string; Config?: Record<string, string> | null}}): LogConfig {
  const lc = hostConfig.LogConfig;
  return {Type: lc?.Type === 'none' ? 'none' : 'json-file', Config: lc?.Config ?? {}};
}
