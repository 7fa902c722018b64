/**
 * `--chown=user[:group]` and `--chmod=` for COPY/ADD. Names are looked up in the image being built (its own
 * /etc/passwd and /etc/group, read inside its root), never on the host. With only a user, the group of the same
 * name is used, as Docker does (`--chown=10` means 10:10).
 */
import {readFileSync} from 'node:fs';
import {resolveInRoot} from '../util/rootfs-path.js';

export interface Owner {
  uid: number;
  gid: number;
}

function entries(root: string, file: string): string[][] {
  try {
    return readFileSync(resolveInRoot(root, file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const numeric = (s: string) => /^\d+$/.test(s);

export function resolveChown(root: string, spec: string): Owner {
  const parts = spec.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new Error(`invalid chown string format: ${spec} (expected user, user:group, uid or uid:gid)`);
  const [user, group = user] = parts as [string, string?];
  let uid: number;
  if (numeric(user)) {
    uid = Number(user);
  } else {
    const found = entries(root, '/etc/passwd').find((e) => e[0] === user);
    if (!found) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${user}: no such user: ${user} (not in the image's /etc/passwd)`);
    uid = Number(found[2]);
  }
  let gid: number;
  if (numeric(group!)) {
    gid = Number(group);
  } else {
    const found = entries(root, '/etc/group').find((e) => e[0] === group);
    if (!found) throw new Error(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${group}: no such group: ${group} (not in the image's /etc/group)`);
    gid = Number(found[2]);
  }
  return {uid, gid};
}

export function parseChmod(spec: string): number {
  if (!/^[0-7]{3,4}$/.test(spec)) throw new Error(`invalid --chmod=${spec}: this builder takes octal modes such as 755 or 0644`);
  return parseInt(spec, 8);
}
