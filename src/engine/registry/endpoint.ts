/**
 * Where a repository lives: the registry host and the path inside it (`busybox` is `library/busybox` on Docker
 * Hub), and how that host is spoken to: HTTPS verified with the system's CAs and certs.d, or (an insecure
 * registry) HTTPS unverified with a fall back to plain HTTP, as dockerd does.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {lookup} from 'node:dns/promises';
import {isIP, BlockList} from 'node:net';
import {join} from 'node:path';
import {rootCertificates} from 'node:tls';
import type {Reference} from '../images/reference.js';
import {hubApi, hubName, type RegistryOptions} from './options.js';
import {RegistryError} from './registry-error.js';

export interface Repository {
  /** The registry as references name it: `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** The path inside the registry: `library/busybox`. */
  path: string;
  /** The familiar name users see: `busybox`, `127.0.0.1:5000/app`. */
  familiar: string;
}

export function repositoryOf(ref: Reference): Repository {
  const first = ref.repo.split('/')[0];
  const hasHost = ref.repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return {registry: first, path: ref.repo.slice(first.length + 1), familiar: ref.repo};
  return {registry: hubName, path: ref.repo.includes('/') ? ref.repo : `library/${ref.repo}`, familiar: ref.repo};
}

export interface TlsSettings {
  ca?: string[];
  cert?: string;
  key?: string;
  /** An insecure registry: the certificate is not checked. */
  rejectUnauthorized: boolean;
}

/** One way to reach a registry: a base URL and the TLS it needs. */
export interface Endpoint {
  base: string;
  tls: TlsSettings;
  /** Reached for Docker Hub instead of Docker Hub itself. */
  mirror: boolean;
}

const hostOf = (registry: string) => registry.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/:\d+$/, '');

async function isInsecure(registry: string, opts: RegistryOptions): Promise<boolean> {
  if (opts.insecure.includes(registry)) return true;
  const blocks = new BlockList();
  blocks.addSubnet('127.0.0.0', 8, 'ipv4');
  blocks.addAddress('::1', 'ipv6');
  for (const entry of opts.insecure) {
    const m = /^(.+)\/(\d+)$/.exec(entry);
    if (m && isIP(m[1])) blocks.addSubnet(m[1], Number(m[2]), isIP(m[1]) === 6 ? 'ipv6' : 'ipv4');
  }
  const host = hostOf(registry);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    // As dockerd: a name is insecure when an address it resolves to is in an insecure range.
    try {
      addresses = (await lookup(host, {all: true})).map((a) => a.address);
    } catch {
      return false;
    }
  }
  return addresses.some((a) => blocks.check(a, isIP(a) === 6 ? 'ipv6' : 'ipv4'));
}

/** The certs.d folder of a registry: extra CAs (*.crt) and a client certificate (*.cert with its *.key). */
export function certsFor(registry: string, certsDir: string): Pick<TlsSettings, 'ca' | 'cert' | 'key'> {
  const dir = join(certsDir, registry);
  if (!existsSync(dir)) return {};
  const files = readdirSync(dir).sort();
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const out: Pick<TlsSettings, 'ca' | 'cert' | 'key'> = {};
  const cas = files.filter((f) => f.endsWith('.crt')).map(read);
  if (cas.length > 0) out.ca = [...rootCertificates, ...cas];
  for (const certFile of files.filter((f) => f.endsWith('.cert'))) {
    const keyFile = certFile.replace(/\.cert$/, '.key');
    if (!files.includes(keyFile)) throw new RegistryError(`missing key ${keyFile} for client certificate ${certFile} in ${dir}`);
    out.cert = read(certFile);
    out.key = read(keyFile);
  }
  for (const keyFile of files.filter((f) => f.endsWith('.key'))) {
    if (!files.includes(keyFile.replace(/\.key$/, '.cert'))) throw new RegistryError(`missing client certificate ${keyFile.replace(/\.key$/, '.cert')} for key ${keyFile} in ${dir}`);
  }
  return out;
}

async function endpointsOfHost(registry: string, opts: RegistryOptions, mirror: boolean): Promise<Endpoint[]> {
  const insecure = await isInsecure(registry, opts);
  const tls: TlsSettings = {...certsFor(registry, opts.certsDir), rejectUnauthorized: !insecure};
  const base = registry === hubName ? hubApi : `https://${registry}`;
  const https: Endpoint = {base, tls, mirror};
  return insecure ? [https, {base: `http://${registry}`, tls, mirror}] : [https];
}

/** The endpoints to try, in order: mirrors first for Docker Hub, then the registry itself. */
export async function endpointsFor(repo: Repository, opts: RegistryOptions): Promise<Endpoint[]> {
  const out: Endpoint[] = [];
  if (repo.registry === hubName) {
    for (const mirror of opts.mirrors) {
      const url = new URL(mirror);
      const host = url.host;
      const insecure = await isInsecure(host, opts);
      const tls: TlsSettings = {...certsFor(host, opts.certsDir), rejectUnauthorized: !insecure};
      out.push({base: `${url.protocol}//${host}`, tls, mirror: true});
    }
  }
  out.push(...(await endpointsOfHost(repo.registry, opts, false)));
  return out;
}
