/** Which cgroup hierarchy the host has; it decides how limits are applied and what `docker info` reports. */
import {readFileSync} from 'node:fs';

export type CgroupMode = 'v1' | 'v2' | 'hybrid' | 'none';

/** v2 only when /sys/fs/cgroup itself is cgroup2; hybrid when v1 controllers sit beside a cgroup2 mount. */
export function cgroupMode(mountinfo?: string): CgroupMode {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      text = '';
    }
  }
  let v1 = false;
  let v2Root = false;
  let v2Elsewhere = false;
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const mountPoint = line.slice(0, sep).split(' ')[4];
    const fsType = line.slice(sep + 3).split(' ')[0];
    if (fsType === 'cgroup') v1 = true;
    if (fsType === 'cgroup2') {
      if (mountPoint === '/sys/fs/cgroup') v2Root = true;
      else v2Elsewhere = true;
    }
  }
  if (v2Root) return 'v2';
  if (v1 && v2Elsewhere) return 'hybrid';
  if (v1) return 'v1';
  return v2Elsewhere ? 'hybrid' : 'none';
}
