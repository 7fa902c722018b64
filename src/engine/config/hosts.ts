/** Listen addresses (-H / "hosts"): unix sockets, and TCP that stays on loopback unless TLS protects it. */
import {isIP} from 'node:net';
import {ConfigError} from './daemon-config.js';

export type ListenAddress =
  | {kind: 'unix'; url: string; path: string}
  | {kind: 'tcp'; url: string; host: string; port: number; loopback: boolean};

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

export function parseHost(url: string): ListenAddress {
  if (url.startsWith('unix://')) {
    const path = url.slice('unix://'.length);
    if (!path.startsWith('/')) throw new ConfigError(`host "${url}": a unix socket needs an absolute path, e.g. unix:///var/run/docker.sock`);
    return {kind: 'unix', url, path};
  }
  if (url.startsWith('tcp://')) {
    const rest = url.slice('tcp://'.length).replace(/\/$/, '');
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(rest);
    if (!m) throw new ConfigError(`host "${url}": expected tcp://HOST:PORT`);
    const host = (m[1] || '0.0.0.0').replace(/^\[|\]$/g, '');
    const port = m[2] === undefined ? 2375 : Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(`host "${url}": port must be 1-65535`);
    return {kind: 'tcp', url, host, port, loopback: isLoopbackHost(host)};
  }
  if (url.startsWith('fd://')) throw new ConfigError(`host "${url}": socket activation (fd://) is not supported; use unix:// or tcp://`);
  throw new ConfigError(`host "${url}": expected unix:///path or tcp://HOST:PORT`);
}
