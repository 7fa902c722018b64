/**
 * The department's libvirt hosts, from a small JSON file (lab-hosts.json):
 *
 *   {"hosts": [{"name": "srv1", "uri": "qemu+ssh://root@srv1.example.edu/system"},
 *              {"name": "here", "uri": "qemu:///system", "address": "lab.example.edu"}]}
 *
 * per host: `address` students and the grader use to reach VMs' SSH ports (default: the URI's host name, or
 * 127.0.0.1 for a local URI), `listen` the host address the forwards bind (default 0.0.0.0), `ports` the range
 * the forwards take, `pool` the storage pool (name and directory) for the image and the VMs' disks. Top level:
 * `vm` overrides the image's memory and CPUs per VM.
 */
import {readFileSync} from 'node:fs';
import {Ajv} from 'ajv';
import {parseStrictJson, schemaErrorAt} from '../../common/strict-json.js';
import type {PoolSpec} from './storage.js';

export interface LibvirtHost {
  name: string;
  uri: string;
  address: string;
  listen: string;
  ports: {from: number; to: number};
  pool: PoolSpec;
}

export interface HostPool {
  file: string;
  hosts: LibvirtHost[];
  vm: {memoryMiB?: number; cpus?: number};
}

export const DEFAULT_HOSTS_FILE = 'lab-hosts.json';
export const DEFAULT_POOL: PoolSpec = {name: 'lab', path: '/var/lib/libvirt/images/lab'};
const DEFAULT_PORTS = {from: 22000, to: 22999};

const port = {type: 'integer', minimum: 1, maximum: 65535};
const schema = {
  type: 'object',
  required: ['hosts'],
  additionalProperties: false,
  properties: {
    $schema: {type: 'string'},
    hosts: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'uri'],
        additionalProperties: false,
        properties: {
          name: {type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,62}$'},
          uri: {type: 'string', pattern: '^qemu(\\+ssh)?://[^\\s]*/system(\\?[^\\s]*)?$'},
          address: {type: 'string', minLength: 1, pattern: '^[^\\s/@]+$'},
          listen: {type: 'string', minLength: 1, pattern: '^[0-9a-fA-F.:]+$'},
          ports: {type: 'object', required: ['from', 'to'], additionalProperties: false, properties: {from: port, to: port}},
          pool: {
            type: 'object',
            required: ['name', 'path'],
            additionalProperties: false,
            properties: {name: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'}, path: {type: 'string', pattern: '^/[^\\s]*$'}},
          },
        },
      },
    },
    vm: {
      type: 'object',
      additionalProperties: false,
      properties: {memoryMiB: {type: 'integer', minimum: 256, maximum: 1048576}, cpus: {type: 'integer', minimum: 1, maximum: 64}},
    },
  },
} as const;

let validate: ReturnType<Ajv['compile']> | undefined;

export class HostsFileError extends Error {
  override name = 'HostsFileError';
}

/** The host part of a libvirt URI ("qemu+ssh://root@srv1:2222/system" → "srv1"), or undefined for a local one. */
export function uriHost(uri: string): string | undefined {
  const m = /^qemu(?:\+ssh)?:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]*)/.exec(uri);
  const host = m?.[1]?.replace(/^\[|\]$/g, '');
  return host ? host : undefined;
}

export function parseHostPool(text: string, file: string): HostPool {
  const data = parseStrictJson(text, (m) => new HostsFileError(`${file}: ${m}`));
  validate ??= new Ajv({strict: true, allErrors: false, verbose: true}).compile(schema);
  if (!validate(data)) throw new HostsFileError(`${file}: ${schemaErrorAt(validate.errors![0]!)}`);
  const raw = data as {hosts: Array<Partial<LibvirtHost> & {name: string; uri: string}>; vm?: HostPool['vm']};
  const seen = new Map<string, number>();
  const hosts = raw.hosts.map((h, i): LibvirtHost => {
    const where = `${file}: at /hosts/${i}`;
    if (seen.has(h.name)) throw new HostsFileError(`${where}/name: "${h.name}" is already the name of /hosts/${seen.get(h.name)}`);
    seen.set(h.name, i);
    const remote = h.uri.startsWith('qemu+ssh:');
    const host = uriHost(h.uri);
    if (remote && !host) throw new HostsFileError(`${where}/uri: a qemu+ssh URI needs a host name (qemu+ssh://[user@]host[:port]/system)`);
    if (!remote && host) throw new HostsFileError(`${where}/uri: qemu://${host}/system is a TLS connection; use qemu+ssh://${host}/system, or qemu:///system for this machine`);
    const ports = h.ports ?? DEFAULT_PORTS;
    if (ports.from > ports.to) throw new HostsFileError(`${where}/ports: from ${ports.from} is above to ${ports.to}`);
    return {name: h.name, uri: h.uri, address: h.address ?? host ?? '127.0.0.1', listen: h.listen ?? '0.0.0.0', ports, pool: h.pool ?? DEFAULT_POOL};
  });
  return {file, hosts, vm: raw.vm ?? {}};
}

export function loadHostPool(file = process.env.LAB_HOSTS || DEFAULT_HOSTS_FILE): HostPool {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HostsFileError(`${file}: ${(error as Error).message} (list the libvirt hosts there: {"hosts": [{"name": "here", "uri": "qemu:///system"}]})`);
  }
  return parseHostPool(text, file);
}

export interface HostMemory {
  host: LibvirtHost;
  freeBytes: number;
}

/**
 * The host for the next VM: the one with the most free memory, counting what VMs placed moments ago (not yet
 * using it) will take. Ties go to the host listed first.
 */
export function pickHost(memory: HostMemory[], pendingBytes: Map<string, number>): LibvirtHost {
  let best: HostMemory | undefined;
  let bestFree = -Infinity;
  for (const m of memory) {
    const free = m.freeBytes - (pendingBytes.get(m.host.name) ?? 0);
    if (free > bestFree) {
      best = m;
      bestFree = free;
    }
  }
  if (!best) throw new Error('no libvirt host to place the VM on');
  return best.host;
}

/** Every host's free memory, asked in parallel; a host that does not answer stops the placement, named. */
export async function hostsByFreeMemory(hosts: LibvirtHost[]): Promise<HostMemory[]> {
  const {hostFreeMemory} = await import('./virsh.js');
  return Promise.all(hosts.map(async (host) => ({host, freeBytes: (await hostFreeMemory(host.uri)).freeBytes})));
}
