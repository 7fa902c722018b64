/**
 * Which container holds the lab's copy-up of a file, and whether that copy is the one the step asks for: the
 * same content as the image's, the mode given back, the modification time the copy-up kept (a `touch` or a
 * rewrite gives a new one: the file was written, not chmod-ed), and — when the step is done in a shell inside
 * the container — a container run with a terminal and an open stdin (docker run -it).
 */
import {restoredInside} from './chmod-audit.js';
import type {ContainerSnapshot, Snapshot} from './snapshot.js';

export interface CopyUpWanted {
  imageId: string;
  path: string;
  mode: number;
  /** The step is done in an interactive shell: the container must have been run with -it. */
  interactive?: boolean | null;
  /** Who restored the mode is read from the kernel's audit records: a call from the host is refused even while the container runs. */
  audited?: boolean | null;
}

export interface CopyUpJudgement {
  /** The container judged: the first that meets every condition, else the one that came closest. */
  container?: ContainerSnapshot;
  ok: boolean;
  /** Why it is not the copy the step asks for (empty when ok). */
  reason: string;
  evidence?: Record<string, unknown>;
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
export const octal = (m?: number) => (m === undefined ? '?' : m.toString(8).padStart(4, '0'));
const when = (ms?: number) => (ms === undefined ? '?' : new Date(ms).toISOString());

/** The periods (ms) the container ran, from the engine's start and die events; the last is open while it runs. */
function runs(events: Snapshot['engine']['events'], id: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const e of events.filter((x) => x.Type === 'container' && x.Actor.ID === id).sort((a, b) => a.timeNano - b.timeNano)) {
    const ms = e.timeNano / 1e6;
    if (e.Action === 'start') out.push([ms, Infinity]);
    else if (e.Action === 'die' && out.length > 0 && out.at(-1)![1] === Infinity) out.at(-1)![1] = ms;
  }
  return out;
}

/** Leeway between the kernel's clock for ctime and the engine's for its events. */
const CLOCK_SLACK_MS = 1000;

/**
 * A mode restored inside the container changes the copy's ctime while the container runs; a chmod of the upper
 * dir from the host after the shell has exited changes it when it does not. Unknown (no events seen) is no miss.
 */
function changedWhileStopped(c: ContainerSnapshot, want: CopyUpWanted, events: Snapshot['engine']['events']): string | undefined {
  const ctime = c.files[want.path].upper.ctimeMs;
  const periods = runs(events, c.id);
  if (ctime === undefined || periods.length === 0) return undefined;
  if (periods.some(([from, to]) => ctime >= from - CLOCK_SLACK_MS && ctime <= to + CLOCK_SLACK_MS)) return undefined;
  return `the mode of ${want.path} in container ${short(c.id)} (${c.name}) was last changed at ${when(ctime)}, while the container was not running: it was changed from the host (through its upper dir), not inside`;
}

/** The conditions in order; a container's score is how many it meets before the first it misses. */
function firstMiss(c: ContainerSnapshot, want: CopyUpWanted, snapshot: Snapshot): string | undefined {
  const events = snapshot.engine.events;
  const {upper, lower} = c.files[want.path];
  const name = `container ${short(c.id)} (${c.name})`;
  if (upper.whiteout) return `${want.path} was deleted in ${name}`;
  if (upper.sha256 !== lower.sha256) return `the copy of ${want.path} in ${name} differs from the image's (${upper.size} vs ${lower.size} bytes)`;
  if (upper.mtimeMs !== undefined && lower.mtimeMs !== undefined && upper.mtimeMs !== lower.mtimeMs) {
    return `${want.path} in ${name} has a new modification time (${when(upper.mtimeMs)}; the image's is ${when(lower.mtimeMs)}): it was written or touched, not only chmod-ed`;
  }
  if ((upper.mode ?? 0) !== want.mode) return `${name}: ${want.path} has mode ${octal(upper.mode)} in its upper dir`;
  if (want.interactive && !(c.tty && c.openStdin)) {
    return `${name} was not run interactively (it has ${c.tty ? 'a terminal but no open stdin' : c.openStdin ? 'an open stdin but no terminal' : 'neither a terminal nor an open stdin'}): the step is done in a shell inside docker run -it`;
  }
  if (want.interactive) {
    const stopped = changedWhileStopped(c, want, events);
    if (stopped) return stopped;
  }
  if (want.audited) return restoredInside(c, want.path, want.mode, snapshot.audit).miss;
  return undefined;
}

const conditions = 7;

export function judgeCopyUp(snapshot: Snapshot, want: CopyUpWanted): CopyUpJudgement {
  const candidates = snapshot.engine.containers.filter((c) => c.image === want.imageId && c.files[want.path]?.upper.exists);
  if (candidates.length === 0) {
    const any = snapshot.engine.containers.find((x) => x.image === want.imageId);
    return {ok: false, reason: any ? `container ${short(any.id)} never changed ${want.path} (no copy in its upper dir)` : 'no container was made from the image'};
  }
  let best: {c: ContainerSnapshot; miss?: string; score: number} | undefined;
  for (const c of candidates) {
    const miss = firstMiss(c, want, snapshot);
    const score = miss === undefined ? conditions : rank(c, want, snapshot);
    if (!best || score > best.score) best = {c, miss, score};
  }
  const {c, miss} = best!;
  const {upper, lower} = c.files[want.path];
  const evidence = {
    containerId: c.id, upperDir: c.upperDir, upperMode: octal(upper.mode), lowerMode: octal(lower.mode), upperSha: upper.sha256, lowerSha: lower.sha256,
    upperMtime: when(upper.mtimeMs), lowerMtime: when(lower.mtimeMs), upperCtime: when(upper.ctimeMs), runs: runs(snapshot.engine.events, c.id).map(([a, b]) => [when(a), b === Infinity ? 'running' : when(b)]), tty: Boolean(c.tty), openStdin: Boolean(c.openStdin),
  };
  const audit = want.audited ? {audit: restoredInside(c, want.path, want.mode, snapshot.audit).evidence} : {};
  return {container: c, ok: miss === undefined, reason: miss ?? '', evidence: {...evidence, ...audit}};
}

/** How far a failing container got through the conditions (for choosing which failure to report). */
function rank(c: ContainerSnapshot, want: CopyUpWanted, snapshot: Snapshot): number {
  const events = snapshot.engine.events;
  const {upper, lower} = c.files[want.path];
  const met = [
    !upper.whiteout,
    upper.sha256 === lower.sha256,
    upper.mtimeMs === undefined || lower.mtimeMs === undefined || upper.mtimeMs === lower.mtimeMs,
    (upper.mode ?? 0) === want.mode,
    !want.interactive || Boolean(c.tty && c.openStdin),
    !want.interactive || changedWhileStopped(c, want, events) === undefined,
    !want.audited || restoredInside(c, want.path, want.mode, snapshot.audit).miss === undefined,
  ];
  const first = met.indexOf(false);
  return first === -1 ? conditions : first;
}
