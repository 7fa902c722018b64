/** `-u name[:group]` or `uid[:gid]` → numeric ids, looked up in the container's own /etc/passwd and /etc/group. */
import {readFileSync} from 'node:fs';
import {resolveInRoot} from '../util/rootfs-path.js';

export class UserError extends Error {
  override name = 'UserError';
}

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

function table(root: string, file: string): string[][] {
  try {
    return readFileSync(resolveInRoot(root, file), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const numeric = (s: string) => /^\d+$/.test(s);

export function resolveUser(root: string, spec: string | undefined): ResolvedUser {
  const [userPart = '', groupPart] = (spec ?? '').split(':');
  const passwd = table(root, '/etc/passwd');
  const groups = table(root, '/etc/group');
  let uid = 0;
  let gid = 0;
  let home = '/root';
  let name = 'root';
  if (userPart !== '') {
    const entry = passwd.find((p) => (numeric(userPart) ? p[2] === userPart : p[0] === userPart));
    if (entry) {
      [name, , , , , home = '/'] = entry;
      uid = Number(entry[2]);
      gid = Number(entry[3]);
    } else if (numeric(userPart)) {
      uid = Number(userPart);
      name = '';
      home = '/';
    } else {
      throw new UserError(`unable to find user ${userPart}: no matching entries in passwd file`);
    }
  }
  if (groupPart !== undefined && groupPart !== '') {
    const entry = groups.find((g) => (numeric(groupPart) ? g[2] === groupPart : g[0] === groupPart));
    if (entry) gid = Number(entry[2]);
    else if (numeric(groupPart)) gid = Number(groupPart);
    else throw new UserError(`unable to find group ${groupPart}: no matching entries in group file`);
  }
  const additionalGids = name ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])).filter((g) => g !== gid) : [];
  return {uid, gid, additionalGids, home};
}
