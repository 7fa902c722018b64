/**
 * Published ports as Docker's API carries them: HostConfig.PortBindings {"80/tcp": [{HostIp, HostPort}]},
 * Config.ExposedPorts, and -P (PublishAllPorts). Here they become a list of listeners to open.
 */
import {isIP} from 'node:net';
import {invalidArgument} from '../errors.js';
import type {ContainerRecord} from '../model/container.js';
import type {PortBinding, PortMap} from '../model/network-settings.js';

export type Proto = 'tcp' | 'udp';

export interface PortRequest {
  proto: Proto;
  containerPort: number;
  hostIp: string;
  /** Host ports to try in order; empty means any free port. */
  hostPorts: number[];
}

export function parsePortKey(key: string): {port: number; proto: Proto} {
  const [num, proto = 'tcp'] = key.split('/');
  const port = Number(num);
  if (!/^\d+$/.test(num) || port < 1 || port > 65535) throw invalidArgument(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp') throw invalidArgument(`invalid port specification: "${key}": only tcp and udp ports can be published (not ${proto})`);
  return {port, proto};
}

function parseHostPorts(text: string, key: string): number[] {
  if (text === '' || text === '0') return [];
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw invalidArgument(`invalid host port "${text}" for ${key}: expected a port (1-65535) or a range such as 8000-8010`);
  return Array.from({length: hi - lo + 1}, (_, i) => lo + i);
}

/** What a container asks to publish; defaultIp is where "-p 8080:80" listens (daemon.json "ip", else 0.0.0.0). */
export function requestedPorts(c: ContainerRecord, defaultIp: string): PortRequest[] {
  const bindings = (c.HostConfig.PortBindings ?? {}) as Record<string, PortBinding[] | null>;
  const out: PortRequest[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const {port, proto} = parsePortKey(key);
    for (const b of list && list.length > 0 ? list : [{HostIp: '', HostPort: ''}]) {
      const hostIp = b.HostIp || defaultIp;
      if (!isIP(hostIp)) throw invalidArgument(`invalid host IP "${b.HostIp}" for ${key}`);
      out.push({proto, containerPort: port, hostIp, hostPorts: parseHostPorts(String(b.HostPort ?? ''), key)});
    }
  }
  if (c.HostConfig.PublishAllPorts) {
    for (const key of Object.keys(c.Config.ExposedPorts ?? {})) {
      if (key in bindings) continue;
      const {port, proto} = parsePortKey(key);
      out.push({proto, containerPort: port, hostIp: defaultIp, hostPorts: []});
    }
  }
  return out;
}

/** Checks a create request's ports early, so `docker create` fails rather than a later start. */
export function checkPortBindings(bindings: unknown): void {
  if (bindings === undefined || bindings === null) return;
  if (typeof bindings !== 'object') throw invalidArgument('HostConfig.PortBindings must be an object such as {"80/tcp": [{"HostPort": "8080"}]}');
  for (const [key, list] of Object.entries(bindings as Record<string, PortBinding[] | null>)) {
    parsePortKey(key);
    for (const b of list ?? []) {
      if (b.HostIp && !isIP(b.HostIp)) throw invalidArgument(`invalid host IP "${b.HostIp}" for ${key}`);
      parseHostPorts(String(b.HostPort ?? ''), key);
    }
  }
}

export function portKey(port: number, proto: Proto): string {
  return `${port}/${proto}`;
}

/** NetworkSettings.Ports of a running container: published ports with their real host ports, exposed ones as null. */
export function portMap(c: ContainerRecord, published: Array<{req: PortRequest; hostPort: number}>): PortMap {
  const map: PortMap = {};
  for (const key of Object.keys(c.Config.ExposedPorts ?? {})) map[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const {req, hostPort} of published) {
    const key = portKey(req.containerPort, req.proto);
    (map[key] ??= []).push({HostIp: req.hostIp, HostPort: String(hostPort)});
  }
  return map;
}

/** `docker ps` rows' Ports: [{IP, PrivatePort, PublicPort, Type}], exposed-only ports without IP and PublicPort. */
export function portSummary(map: PortMap): Array<{IP?: string; PrivatePort: number; PublicPort?: number; Type: string}> {
  const out: Array<{IP?: string; PrivatePort: number; PublicPort?: number; Type: string}> = [];
  for (const [key, list] of Object.entries(map)) {
    const [num, proto = 'tcp'] = key.split('/');
    const port = Number(num);
    if (!Number.isInteger(port)) continue;
    if (!list || list.length === 0) out.push({PrivatePort: port, Type: proto});
    else for (const b of list) out.push({IP: b.HostIp, PrivatePort: port, PublicPort: Number(b.HostPort), Type: proto});
  }
  return out;
}
