/**
 * A container's own mounts in its OCI config: binds and volumes (both bind mounts of a host dir), tmpfs from
 * `--tmpfs` and `--mount type=tmpfs`, the /dev/shm size, and a privileged container's writable /sys.
 * A mount at the same place as one of the engine's defaults replaces it; the rest are ordered parents first,
 * so `-v data:/etc` does not hide the engine's /etc/hosts bind made before it.
 */
import {posix} from 'node:path';
import type {ContainerRecord} from '../model/container.js';
import {mountPointsOf} from '../volumes/container-volumes.js';
import type {MountPoint} from '../model/mount-point.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

interface SpecMounts {
  mounts: OciMount[];
  linux: {rootfsPropagation?: string; [key: string]: unknown};
}

/** Docker's tmpfs defaults; options given later win over the one they contradict. */
const tmpfsDefaults = ['noexec', 'nosuid', 'nodev'];
const flagFamily: Record<string, string> = {
  exec: 'exec', noexec: 'exec', suid: 'suid', nosuid: 'suid', dev: 'dev', nodev: 'dev', ro: 'rw', rw: 'rw',
  atime: 'atime', noatime: 'atime', relatime: 'atime', norelatime: 'atime', strictatime: 'atime', diratime: 'diratime', nodiratime: 'diratime',
};

export function mergeTmpfsOptions(...lists: string[][]): string[] {
  const byKey = new Map<string, string>();
  for (const opt of lists.flat()) {
    const key = opt.includes('=') ? opt.slice(0, opt.indexOf('=')) : (flagFamily[opt] ?? opt);
    byKey.delete(key);
    byKey.set(key, opt);
  }
  return [...byKey.values()];
}

function ociMount(m: MountPoint): OciMount {
  if (m.Type === 'tmpfs') {
    return {destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: mergeTmpfsOptions(tmpfsDefaults, m.TmpfsOptions ?? [], m.RW ? [] : ['ro'])};
  }
  const options = [m.NonRecursive ? 'bind' : 'rbind', m.Propagation || 'rprivate'];
  if (!m.RW) options.push('ro');
  return {destination: m.Destination, type: 'bind', source: m.Source, options};
}

const depth = (path: string) => posix.normalize(path).split('/').filter(Boolean).length;

export function addContainerMounts(spec: SpecMounts, c: ContainerRecord): void {
  const h = c.HostConfig;
  const own: OciMount[] = mountPointsOf(c).map(ociMount);
  for (const [path, opts] of Object.entries((h.Tmpfs as Record<string, string> | undefined) ?? {})) {
    own.push({destination: posix.normalize(path), type: 'tmpfs', source: 'tmpfs', options: mergeTmpfsOptions(tmpfsDefaults, opts.split(',').filter(Boolean))});
  }
  const replaced = new Set(own.map((m) => m.destination));
  const defaults = spec.mounts.filter((m) => !replaced.has(m.destination));
  for (const m of defaults) {
    // Docker: a privileged container may write /sys and its cgroup files.
    if (h.Privileged && (m.destination === '/sys' || m.destination === '/sys/fs/cgroup')) m.options = m.options.map((o) => (o === 'ro' ? 'rw' : o));
    const shmSize = Number(h.ShmSize ?? 0);
    if (m.destination === '/dev/shm' && shmSize > 0) m.options = [...m.options.filter((o) => !o.startsWith('size=')), `size=${shmSize}`];
  }
  const filesystems = defaults.filter((m) => m.type !== 'bind');
  // A stable sort keeps the given order among mounts at the same depth.
  const binds = [...defaults.filter((m) => m.type === 'bind'), ...own].sort((a, b) => depth(a.destination) - depth(b.destination));
  spec.mounts = [...filesystems, ...binds];
  const propagations = mountPointsOf(c).map((m) => m.Propagation);
  if (propagations.some((p) => p === 'shared' || p === 'rshared')) spec.linux.rootfsPropagation = 'rshared';
  else if (propagations.some((p) => p === 'slave' || p === 'rslave')) spec.linux.rootfsPropagation ??= 'rslave';
}

/** Every place something is mounted over the image's files. */
export function mountDestinations(c: ContainerRecord): string[] {
  return [...mountPointsOf(c).map((m) => m.Destination), ...Object.keys((c.HostConfig.Tmpfs as Record<string, string> | undefined) ?? {})];
}

/**
 * Whether the command may live on a mount rather than in the image (`-v $PWD:/app ... /app/run.sh`): then only
 * runc, after mounting, can tell whether it exists, and the engine's own pre-start check must stand aside.
 */
export function commandMayBeOnMount(c: ContainerRecord, args: string[], env: string[], cwd: string): boolean {
  const places = mountDestinations(c);
  if (places.length === 0) return false;
  const under = (p: string) => places.some((d) => p === d || p.startsWith(d.endsWith('/') ? d : `${d}/`));
  if (args[0].includes('/')) return under(posix.resolve(cwd, args[0]));
  const pathVar = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? '';
  return pathVar.split(':').filter(Boolean).some((dir) => under(posix.normalize(dir)));
}
