/**
 * Who gave a container's file its mode back, as the kernel's audit recorded it at the time. A chmod in the
 * container's shell and a chmod of the same file from the host (through the upper dir, the merged dir or
 * /proc/<pid>/root) leave identical files; only the record of the call tells them apart:
 *   - through the upper dir the call names the file on the disk under the overlay (its device and inode);
 *   - any call from the student's login session carries the session's login uid (auid), which processes the
 *     engine starts (the container, docker exec) do not have.
 * The call that explains the file's last status change (its ctime) must be the one that restored the mode, made
 * inside: no login uid, the file reached through the overlay, and the file without the bits before the call.
 */
import type {AuditChmod, AuditLog, ContainerSnapshot} from './snapshot.js';

const octal = (m?: number) => (m === undefined ? '?' : m.toString(8).padStart(4, '0'));
const when = (ms: number) => new Date(ms).toISOString();

/** st_dev as audit writes it: major:minor in hex (fe:00). */
export function devName(dev: number): string {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

/** Leeway between the event's time stamp (taken as the call starts) and the ctime the call sets. */
const SLACK_MS = 1000;

/** How a recorded call reached the file: 'upper' (the disk under the overlay), 'overlay' (the container's view), or not at all. */
function reach(a: AuditChmod, c: ContainerSnapshot, path: string): 'upper' | 'overlay' | undefined {
  const {upper, lower} = c.files[path];
  if (!a.path) return undefined;
  if (upper.dev !== undefined && a.path.dev === devName(upper.dev) && a.path.inode === upper.ino) return 'upper';
  // An overlay's files carry the overlay's own anonymous device (major 0) and the inode of the file they copied up.
  if (a.path.dev.startsWith('00:') && (a.path.inode === lower.ino || a.path.inode === upper.ino)) return 'overlay';
  return undefined;
}

function describe(a: AuditChmod): string {
  const who = a.auid === undefined ? 'no login uid' : `login uid ${a.auid}`;
  return `${a.syscall}(${a.path?.name ?? 'an open file descriptor'}, ${octal(a.newMode)}) by ${a.comm} (pid ${a.pid}, ${who}${a.cwd ? `, cwd ${a.cwd}` : ''}) at ${when(a.timeMs)}`;
}

export interface AuditVerdict {
  /** Why the mode was not restored inside the container, as the records show; undefined when it was. */
  miss?: string;
  evidence: Record<string, unknown>;
}

/** The judgement of the records for container c's copy of path, restored to mode. */
export function restoredInside(c: ContainerSnapshot, path: string, mode: number, audit: AuditLog | undefined): AuditVerdict {
  if (!audit) return {miss: 'the lab did not ask for the kernel\'s audit records, so who changed the file cannot be told', evidence: {}};
  if (!audit.available) return {miss: `who changed ${path} cannot be told: ${audit.error}`, evidence: {audit: audit.error}};
  const ctime = c.files[path].upper.ctimeMs ?? 0;
  // The calls that could have set the file's status last: those naming it, and fchmod calls (an fd, no path) near its ctime.
  const relevant = audit.chmods.filter((a) => a.success && (reach(a, c, path) || (!a.path && Math.abs(a.timeMs - ctime) <= SLACK_MS)));
  const last = relevant.filter((a) => a.timeMs <= ctime + SLACK_MS).at(-1);
  const evidence = {auditKey: audit.key, calls: relevant.map((a) => ({...a, reached: reach(a, c, path) ?? 'by file descriptor'}))};
  if (!last || last.timeMs < ctime - SLACK_MS) {
    return {miss: `${path} in container ${c.id.slice(0, 12)} last changed at ${when(ctime)}, and no chmod recorded then explains it: the file was replaced or changed by other means than chmod`, evidence};
  }
  // Another container of the image reaches its own copy through the same lower inode: a call inside it at the same
  // moment must not cover for a call from the host on this one. Every call near the last change must be inside.
  const near = relevant.filter((a) => a !== last && Math.abs(a.timeMs - ctime) <= SLACK_MS);
  const outside = near.find((a) => reach(a, c, path) !== 'overlay' || a.auid !== undefined);
  const how = reach(last, c, path);
  if (how === 'overlay' && last.auid === undefined && outside) {
    return {miss: `another call changed ${path} from outside the container at the moment of its last change: ${describe(outside)}`, evidence};
  }
  if (how === 'upper') return {miss: `its mode was given back from the host, through the upper dir on the disk (${last.path?.name ?? 'by an open file of it'}): ${describe(last)}`, evidence};
  if (!how) return {miss: `its last change was a call on an open file descriptor, not a chmod in the container: ${describe(last)}`, evidence};
  if (last.auid !== undefined) return {miss: `its mode was given back from a login session on the host (through the container's file system from outside): ${describe(last)}`, evidence};
  if (last.newMode !== mode) return {miss: `the last chmod inside the container set mode ${octal(last.newMode)}: ${describe(last)}`, evidence};
  if ((last.path!.mode & 0o111) === (mode & 0o111)) return {miss: `the last chmod inside the container found ${path} with its x bits already (${octal(last.path!.mode)}): the bits were given back earlier, by another call`, evidence};
  return {evidence: {...evidence, restoredBy: describe(last)}};
}
