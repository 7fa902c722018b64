/**
 * Device nodes for a container's /dev: the host's own for `--privileged` (as Docker gives them), and the
 * ones named with `--device /dev/x[:/dev/y[:rwm]]`. runc creates each node and allows it in the devices cgroup.
 */
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {invalidArgument} from '../errors.js';

export interface OciDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: 'a' | 'b' | 'c';
  major?: number;
  minor?: number;
  access?: string;
}

/** Linux's dev_t split (glibc's gnu_dev_major/minor). */
function splitDev(rdev: bigint): {major: number; minor: number} {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return {major: Number(major), minor: Number(minor)};
}

export function deviceAt(hostPath: string, containerPath = hostPath): OciDevice | undefined {
  const st = statSync(hostPath, {bigint: true, throwIfNoEntry: false});
  if (!st || !(st.isCharacterDevice() || st.isBlockDevice())) return undefined;
  return {path: containerPath, type: st.isCharacterDevice() ? 'c' : 'b', ...splitDev(st.rdev), fileMode: Number(st.mode & 0o777n), uid: Number(st.uid), gid: Number(st.gid)};
}

/** Directories under /dev that hold mounts or per-process links rather than devices of the host. */
const skippedDirs = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

export function hostDevices(dir = '/dev'): OciDevice[] {
  const out: OciDevice[] = [];
  let entries;
  try {
    entries = readdirSync(dir, {withFileTypes: true});
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skippedDirs.has(e.name)) out.push(...hostDevices(path));
      continue;
    }
    // The console is the container's own (runc sets it up); symlinks are links, not devices.
    if (path === '/dev/console' || e.isSymbolicLink()) continue;
    const device = deviceAt(path);
    if (device) out.push(device);
  }
  return out;
}

export interface DeviceMapping {
  PathOnHost?: string;
  PathInContainer?: string;
  CgroupPermissions?: string;
}

/** `--device` entries: each becomes a node in the container and a rule that allows it. */
export function mappedDevices(mappings: DeviceMapping[]): {devices: OciDevice[]; rules: OciDeviceRule[]} {
  const devices: OciDevice[] = [];
  const rules: OciDeviceRule[] = [];
  for (const m of mappings) {
    const host = m.PathOnHost ?? '';
    const access = m.CgroupPermissions || 'rwm';
    if (!/^[rwm]+$/.test(access)) throw invalidArgument(`invalid device cgroup permissions "${access}" for ${host}: use r, w and m`);
    const device = deviceAt(host, m.PathInContainer || host);
    if (!device) throw invalidArgument(`error gathering device information while adding custom device "${host}": not a device node or no such file`);
    devices.push(device);
    rules.push({allow: true, type: device.type, major: device.major, minor: device.minor, access});
  }
  return {devices, rules};
}
