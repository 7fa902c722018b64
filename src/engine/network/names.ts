/**
 * Names on a container's networks: the embedded DNS server's answers (container names, short IDs, network
 * aliases, links), and the /etc/hosts, /etc/resolv.conf and link variables a container starts with.
 */
import {writeFileSync} from 'node:fs';
import type {ContainerRecord} from '../model/container.js';
import type {EndpointConfig} from '../model/network-settings.js';
import type {NetworkManager} from './manager.js';
import {hostsFile, linkEnv, normalizeLink, resolvConf, type ResolvedLink} from './name-files.js';
import {isUserNetwork} from './networks.js';
import {endpointsOf} from './views.js';

/** What a container's processes get from its networks: /etc/hosts, /etc/resolv.conf, links' variables. */
export interface NameFiles {
  hosts: string;
  resolv: string;
  env: string[];
}

/** The files and variables a container's names come from; links are resolved to running containers. */
export function nameFiles(mgr: NetworkManager, c: ContainerRecord): NameFiles {
  const links = resolveLinks(mgr, c);
  const embedded = Object.keys(endpointsOf(c)).some((name) => {
    const n = mgr.networks.find(name);
    return n !== undefined && isUserNetwork(n);
  });
  return {hosts: hostsFile(c, links), resolv: resolvConf(embedded && mgr.dns.running(c.ID)), env: linkEnv(links)};
}

/** Rewrites /etc/hosts of a running container (after it joined or left a network). */
export function rewriteHosts(mgr: NetworkManager, c: ContainerRecord): void {
  if (c.HostsPath) writeFileSync(c.HostsPath, hostsFile(c, resolveLinks(mgr, c)));
}

function resolveLinks(mgr: NetworkManager, c: ContainerRecord): ResolvedLink[] {
  const links = c.HostConfig.Links ?? [];
  return links.flatMap((link) => {
    const {other, alias} = normalizeLink(link, c.Name.slice(1));
    const o = mgr.findContainer(other);
    const ip = o && Object.values(o.NetworkSettings?.Networks ?? {}).find((e) => e.IPAddress)?.IPAddress;
    return o && ip ? [{alias, path: `${c.Name}/${alias}`, other: o, ip}] : [];
  });
}

/**
 * The embedded DNS server's view: addresses of `name` on the user networks the asker is on — containers by
 * name, short ID and network alias (Compose's service names are aliases), and the asker's own links.
 */
export function lookupName(mgr: NetworkManager, asker: string, name: string): string[] | undefined {
  const mine = mgr.sandbox(asker);
  if (!mine) return undefined;
  const all = mgr.containers();
  const me = all.find((c) => c.ID === asker);
  const out: string[] = [];
  for (const ep of mine.endpoints) {
    if (ep.network === 'bridge') continue;
    // Links on a user network are names for the linked container there (HostConfig.Links and the endpoint's).
    const links = me ? [...(endpointsOf(me)[ep.network]?.Links ?? []), ...(me.HostConfig.Links ?? [])] : [];
    const linked = links.map((l) => normalizeLink(l, '')).find((l) => l.alias.toLowerCase() === name);
    for (const c of all) {
      if (!c.State.Running) continue;
      const theirs = mgr.sandbox(c.ID)?.endpoints.find((e) => e.networkId === ep.networkId);
      if (!theirs) continue;
      const names = linked ? [linked.other] : dnsNames(c, endpointsOf(c)[theirs.network] ?? {});
      if (names.some((n) => n.toLowerCase() === (linked ? linked.other.toLowerCase() : name))) out.push(theirs.ip);
    }
  }
  return out.length > 0 ? [...new Set(out)] : undefined;
}

/** The names a container answers to on a user network: its name, short ID and aliases (dockerd's DNSNames). */
export function dnsNames(c: ContainerRecord, cfg: EndpointConfig): string[] {
  return [...new Set([c.Name.slice(1), ...(cfg.Aliases ?? []), c.ID.slice(0, 12)])];
}

