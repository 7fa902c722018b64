/**
 * Where a container's cgroups go: <parent>/<id>. The parent comes from `docker run --cgroup-parent`, else the
 * daemon's `cgroup-parent` (daemon.json or the flag), else /docker, as with dockerd's cgroupfs driver. A parent
 * with its own limits bounds every container under it together, build steps included.
 */
export const DEFAULT_CGROUP_PARENT = '/docker';

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** "/a/b" for "a/b" or "/a/b/"; an error naming `where` for anything that could leave the cgroup tree. */
export function normalizeCgroupParent(value: string, where: string): string {
  const parts = value.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '.' || p === '..' || !SEGMENT.test(p))) {
    throw new Error(`${where}: "${value}" is not a cgroup path (names of letters, digits, _ . - separated by /, no . or ..)`);
  }
  return `/${parts.join('/')}`;
}

export function cgroupsPathFor(id: string, containerParent: string | undefined, daemonParent = DEFAULT_CGROUP_PARENT): string {
  const parent = containerParent ? normalizeCgroupParent(containerParent, 'cgroup-parent') : daemonParent;
  return `${parent}/${id}`;
}
