/**
 * Pinning a server's host key the way OpenSSH does: a known_hosts file (plain, hashed or wildcard host
 * patterns; @revoked honoured) or an explicit SHA256 fingerprint. Anything else is refused.
 */
import {createHmac} from 'node:crypto';
import {fingerprintOf, parsePublicKeyLine} from './keys.js';

export interface KnownHostEntry {
  patterns: string[];
  hashed?: {salt: Buffer; hash: Buffer};
  blob: Buffer;
  revoked: boolean;
  line: number;
}

/** How known_hosts names a host: "host" on port 22, "[host]:port" otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]!.startsWith('@')) {
      const marker = fields.shift()!;
      if (marker === '@revoked') revoked = true;
      else return; // @cert-authority: certificates are not used here
    }
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key) return;
    let blob: Buffer;
    try {
      blob = parsePublicKeyLine(`${type} ${key}`);
    } catch {
      return;
    }
    const hashed = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
    if (hashed) {
      entries.push({patterns: [], hashed: {salt: Buffer.from(hashed[1]!, 'base64'), hash: Buffer.from(hashed[2]!, 'base64')}, blob, revoked, line: i + 1});
    } else {
      entries.push({patterns: hosts.split(','), blob, revoked, line: i + 1});
    }
  });
  return entries;
}

export function entryMatches(entry: KnownHostEntry, token: string): boolean {
  if (entry.hashed) return createHmac('sha1', entry.hashed.salt).update(token).digest().equals(entry.hashed.hash);
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export interface HostKeyPolicy {
  /** known_hosts text (not a path). */
  knownHosts?: string;
  /** "SHA256:..." fingerprints that are accepted. */
  fingerprints?: string[];
  /** Exact public key blobs accepted (what a VM's own generated key is pinned by). */
  blobs?: Buffer[];
}

export type HostKeyVerdict = {ok: true} | {ok: false; reason: string};

export function verifyHostKey(policy: HostKeyPolicy, host: string, port: number, presented: Buffer): HostKeyVerdict {
  const fingerprint = fingerprintOf(presented);
  const token = hostToken(host, port);
  const entries = policy.knownHosts ? parseKnownHosts(policy.knownHosts).filter((e) => entryMatches(e, token)) : [];
  if (entries.some((e) => e.revoked && e.blob.equals(presented))) return {ok: false, reason: `the host key ${fingerprint} of ${token} is marked @revoked`};
  if (policy.blobs?.some((b) => b.equals(presented))) return {ok: true};
  if (policy.fingerprints?.some((f) => f.replace(/=+$/, '') === fingerprint)) return {ok: true};
  if (entries.some((e) => !e.revoked && e.blob.equals(presented))) return {ok: true};
  const known = entries.filter((e) => !e.revoked);
  if (known.length > 0) {
    return {ok: false, reason: `HOST KEY MISMATCH for ${token}: it presented ${fingerprint}, but known_hosts line ${known.map((e) => e.line).join(', ')} pins ${known.map((e) => fingerprintOf(e.blob)).join(', ')}`};
  }
  return {ok: false, reason: `the host key of ${token} is not pinned (it presented ${fingerprint})`};
}
