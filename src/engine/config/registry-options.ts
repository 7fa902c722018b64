/**
 * daemon.json's registry keys, checked as dockerd checks them: a mirror is an http(s) URL with nothing after the
 * host, an insecure registry is a host[:port] or a CIDR (no scheme, no path).
 */
import {isIP} from 'node:net';
import {defaultRegistryOptions, type RegistryOptions} from '../registry/options.js';
import {ConfigError} from './daemon-config.js';
import type {DaemonConfigFile} from './schema.js';

function checkMirror(value: string, configFile: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${configFile}: key "registry-mirrors": invalid mirror: "${value}" is not a valid URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${configFile}: key "registry-mirrors": invalid mirror: unsupported scheme "${url.protocol.slice(0, -1)}" in "${value}"`);
  }
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash || url.username) {
    throw new ConfigError(`${configFile}: key "registry-mirrors": invalid mirror: path, query, fragment or credentials are not allowed in "${value}"`);
  }
  return `${url.protocol}//${url.host}`;
}

function checkInsecure(value: string, configFile: string): string {
  if (/^[a-z]+:\/\//i.test(value)) throw new ConfigError(`${configFile}: key "insecure-registries": insecure registry ${value} should not contain '://'`);
  const cidr = /^(.+)\/(\d+)$/.exec(value);
  if (cidr) {
    const family = isIP(cidr[1]);
    if (family === 0 || Number(cidr[2]) > (family === 4 ? 32 : 128)) throw new ConfigError(`${configFile}: key "insecure-registries": "${value}" is not a valid CIDR`);
    return value;
  }
  if (!/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(value)) throw new ConfigError(`${configFile}: key "insecure-registries": "${value}" is not a host[:port] or a CIDR`);
  return value;
}

export function registryOptions(file: DaemonConfigFile, configFile: string): RegistryOptions {
  return {
    mirrors: (file['registry-mirrors'] ?? []).map((m) => checkMirror(m, configFile)),
    insecure: (file['insecure-registries'] ?? []).map((i) => checkInsecure(i, configFile)),
    maxConcurrentDownloads: file['max-concurrent-downloads'] ?? defaultRegistryOptions.maxConcurrentDownloads,
    maxConcurrentUploads: file['max-concurrent-uploads'] ?? defaultRegistryOptions.maxConcurrentUploads,
    certsDir: file['registry-certs-dir'] ?? defaultRegistryOptions.certsDir,
  };
}
