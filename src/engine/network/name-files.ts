/**
 * How a container finds names: its /etc/hosts (itself, and legacy links), its /etc/resolv.conf (the embedded
 * DNS server on user-defined networks, else the host's resolvers) and the environment of legacy links.
 */
import {readFileSync} from 'node:fs';
import type {ContainerRecord} from '../model/container.js';

/** A legacy link (`--link other:alias`) resolved to the linked container. */
export interface ResolvedLink {
  alias: string;
  /** The linking container's name for the link: /<me>/<alias>. */
  path: string;
  other: ContainerRecord;
  ip: string;
}

/** HostConfig.Links as dockerd stores them: "/other:/me/alias". A bare "other" links under its own name. */
export function normalizeLink(link: string, me: string): {other: string; alias: string} {
  const [rawOther, rawAlias] = link.split(':');
  const other = rawOther.replace(/^\//, '');
  const alias = (rawAlias ?? other).split('/').filter(Boolean).at(-1) ?? other;
  return {other, alias: alias || me};
}

/** `--add-host NAME:IP` (HostConfig.ExtraHosts) as dockerd writes them: after the defaults, before the container's own. */
function extraHostsEntries(c: ContainerRecord): string[] {
  return ((c.HostConfig.ExtraHosts as string[] | null | undefined) ?? []).map((h) => {
    const at = h.indexOf(':');
    return `${h.slice(at + 1)}\t${h.slice(0, at)}`;
  });
}

export function hostsFile(c: ContainerRecord, links: ResolvedLink[]): string {
  const own = Object.values(c.NetworkSettings?.Networks ?? {})
    .map((e) => e.IPAddress)
    .filter(Boolean)
    .map((ip) => `${ip}\t${c.Config.Hostname || c.ID.slice(0, 12)}`);
  const linked = links.map((l) => `${l.ip}\t${l.alias} ${l.other.Config.Hostname || l.other.ID.slice(0, 12)} ${l.other.Name.slice(1)}`);
  const base = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters'];
  return [...base, ...extraHostsEntries(c), ...linked, ...own, ''].join('\n');
}

function hostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

/**
 * The host's resolv.conf without loopback resolvers (unreachable from the container's netns); with the
 * embedded server, as dockerd writes it: the host's search and options, `nameserver 127.0.0.11`, `ndots:0`.
 */
export function resolvConf(embedded: boolean, host = hostResolvConf()): string {
  const lines = host.split('\n');
  if (!embedded) return lines.filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l)).join('\n').trim() + '\n';
  const search = lines.filter((l) => /^\s*(search|domain)\s/.test(l)).map((l) => l.trim());
  const options = lines.flatMap((l) => (/^\s*options\s/.test(l) ? l.trim().split(/\s+/).slice(1) : [])).filter((o) => !o.startsWith('ndots:'));
  return [...search, 'nameserver 127.0.0.11', `options ${['ndots:0', ...options].join(' ')}`, ''].join('\n');
}

/** The environment variables a legacy link gives: <ALIAS>_NAME, _PORT*, and _ENV_* of the linked container. */
export function linkEnv(links: ResolvedLink[]): string[] {
  const out: string[] = [];
  for (const l of links) {
    const p = l.alias.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    out.push(`${p}_NAME=${l.path}`);
    const ports = Object.keys(l.other.Config.ExposedPorts ?? {})
      .map((k) => {
        const [num, proto = 'tcp'] = k.split('/');
        return {num: Number(num), proto};
      })
      .sort((a, b) => a.num - b.num || a.proto.localeCompare(b.proto));
    if (ports.length > 0) out.push(`${p}_PORT=${ports[0].proto}://${l.ip}:${ports[0].num}`);
    for (const {num, proto} of ports) {
      const k = `${p}_PORT_${num}_${proto.toUpperCase()}`;
      out.push(`${k}=${proto}://${l.ip}:${num}`, `${k}_ADDR=${l.ip}`, `${k}_PORT=${num}`, `${k}_PROTO=${proto}`);
    }
    for (const e of l.other.Config.Env ?? []) {
      const [k, ...v] = e.split('=');
      if (['HOME', 'HOSTNAME', 'PATH'].includes(k)) continue;
      out.push(`${p}_ENV_${k}=${v.join('=')}`);
    }
  }
  return out;
}
