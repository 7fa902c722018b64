/**
 * The differential harness: one labd and one Debian dockerd per test file, the same busybox archive loaded into
 * both, and a table of API requests sent to both in order. Each request is one test: the statuses, the JSON
 * shapes and the values at the case's chosen paths must match, except where the allow-list
 * (test/engine/differential/allow-list.json) names an intended difference with its reason. A known gap that
 * another part of the engine's work will close is a `failing` case: it passes while the difference exists.
 */
import {readFileSync} from 'node:fs';
import type {TestFn} from 'ava';
import {apiRequest, type ApiAnswer} from '../api-request.js';
import {busyboxArchive} from '../busybox.js';
import {startTestEngine, type TestEngine} from '../engine.js';
import {when} from '../needs.js';
import {needsDockerd, startReferenceDockerd, type ReferenceDockerd} from '../reference-dockerd.js';
import {shapeDifferences, valueDifferences, valuesAt, type Difference} from './shape.js';

/** Who closes a known gap: the network work, the streams and inspect work, the registry work, or the engine at large. */
/** Which part of the engine a gap belongs to. */
export type Owner = 'network' | 'streams' | 'registry' | 'labd';

export interface Case {
  /** What the request checks, for the test's title. */
  what: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Without the version (every request goes to /v1.41, the API of dockerd 20.10); `{var}` is replaced per engine. */
  path: string;
  /** JSON (a string is sent as is). */
  body?: unknown;
  contentType?: string;
  /** docker CLI commands run on both engines before the request, not compared (the state a request needs). */
  prepare?: string[][];
  /** Paths whose values must be equal (see valuesAt); `message` is added whenever an engine answers an error. */
  values?: string[];
  /** Response headers whose values must be equal. */
  headers?: string[];
  /** The non-JSON body is compared byte for byte. */
  sameBody?: boolean;
  /** The answer's JSON is the archive stat header (X-Docker-Container-Path-Stat, base64 JSON). */
  statHeader?: boolean;
  /** How long an engine may take to answer (default 15 s). */
  timeoutMs?: number;
  /** Values to keep from the answer, per engine, for later paths: {exec: 'Id'} makes `{exec}`. */
  save?: Record<string, string>;
  /** A known gap, with who closes it and why: the case passes while the difference exists. */
  failing?: {owner: Owner; why: string};
  /** Known gaps at some paths of the answer: left out of the case, and each one a failing test of its own. */
  gaps?: Gap[];
}

/** Differences at these paths are a gap that `owner` closes: a failing test while they exist. */
export interface Gap {
  owner: Owner;
  why: string;
  /** JSON paths as in the allow-list; differences below them too. */
  paths: string[];
}

export interface AllowEntry {
  /** `METHOD /path`, `*` matching one path segment; the query is not part of it. */
  endpoint: string;
  /** The JSON path (dotted, `[]` for items, `*` for any one key), `(status)` or `(body)`; differences below it too. */
  path: string;
  /** Only for the case of this `what`, when the difference is not the endpoint's at large. */
  case?: string;
  why: string;
}

interface Side {
  name: 'labd' | 'dockerd';
  socket: string;
  docker(args: string[]): Promise<{code: number; stdout: string; stderr: string}>;
  vars: Record<string, string>;
}

export const allowList: AllowEntry[] = JSON.parse(readFileSync(new URL('../../engine/differential/allow-list.json', import.meta.url), 'utf8'));

const segments = (s: string) => s.split(/[./]/).filter(Boolean);
function globMatch(pattern: string, value: string, prefix: boolean): boolean {
  const p = segments(pattern);
  const v = segments(value);
  if (prefix ? v.length < p.length : v.length !== p.length) return false;
  return p.every((s, i) => s === '*' || s === v[i] || (s === '*[]' && v[i]!.endsWith('[]')));
}

export const inGap = (gap: Gap, d: Difference) => gap.paths.some((p) => globMatch(p, d.path, true));

export function allowedBy(c: Case, d: Difference): AllowEntry | undefined {
  const {method, path} = c;
  const endpoint = `${method} ${path.split('?')[0]}`;
  return allowList.find((e) => {
    const [m, p] = e.endpoint.split(' ');
    return m === method && (e.case === undefined || e.case === c.what) && globMatch(p!, endpoint.slice(method.length + 1), false) && globMatch(e.path, d.path, true);
  });
}

function fill(text: string, vars: Record<string, string>): string {
  // {name:12}: a saved ID, short (without sha256:), as the CLI shows it.
  return text.replace(/\{(\w+)(?::(\d+))?\}/g, (whole, name: string, width?: string) => {
    if (width && vars[name] !== undefined) return vars[name].replace(/^sha256:/, '').slice(0, Number(width));
    if (name === 'now') return String(Math.floor(Date.now() / 1000));
    // A second ahead: dockerd's until is exclusive below the second, and waits for that second to pass.
    if (name === 'later') return String(Math.floor(Date.now() / 1000) + 1);
    return vars[name] ?? whole;
  });
}

/** JSON, or JSON lines (events, pulls, loads) as a list. */
function parse(answer: ApiAnswer): unknown {
  if (answer.json !== undefined) return answer.json;
  const lines = answer.body.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return undefined;
  try {
    return lines.map((l) => JSON.parse(l));
  } catch {
    return undefined;
  }
}

async function send(side: Side, c: Case) {
  for (const args of c.prepare ?? []) {
    const r = await side.docker(args.map((a) => fill(a, side.vars)));
    if (r.code !== 0) throw new Error(`${side.name}: docker ${args.join(' ')}: ${r.stderr}`);
  }
  const body = c.body === undefined ? undefined : fill(typeof c.body === 'string' ? c.body : JSON.stringify(c.body), side.vars);
  // An engine that never ends its answer is a difference to show, not a hung test: status 0.
  const answer = await apiRequest(side.socket, c.method, `/v1.41${fill(c.path, side.vars)}`, {body, contentType: c.contentType, timeoutMs: c.timeoutMs ?? 15_000})
    .catch((error: Error): ApiAnswer => ({status: 0, body: error.message, json: undefined, headers: {}}));
  const stat = answer.headers['x-docker-container-path-stat'];
  const json = c.statHeader ? (typeof stat === 'string' ? JSON.parse(Buffer.from(stat, 'base64').toString('utf8')) : undefined) : parse(answer);
  for (const [name, path] of Object.entries(c.save ?? {})) {
    const value = valuesAt(json, path)[0];
    if (typeof value === 'string') side.vars[name] = value;
  }
  return {answer, json};
}

/** Every difference between the two answers to one case. */
export function differences(c: Case, labd: {answer: ApiAnswer; json: unknown}, dockerd: {answer: ApiAnswer; json: unknown}): Difference[] {
  const out: Difference[] = [];
  if (labd.answer.status !== dockerd.answer.status) out.push({path: '(status)', kind: 'status', labd: labd.answer.status, dockerd: dockerd.answer.status});
  if (labd.json !== undefined || dockerd.json !== undefined) out.push(...shapeDifferences(labd.json, dockerd.json));
  const values = [...(c.values ?? [])];
  if ((labd.answer.status >= 400 || dockerd.answer.status >= 400) && !values.includes('message')) values.push('message');
  out.push(...valueDifferences(labd.json, dockerd.json, values));
  for (const h of c.headers ?? []) {
    const l = labd.answer.headers[h.toLowerCase()];
    const d = dockerd.answer.headers[h.toLowerCase()];
    if (JSON.stringify(l) !== JSON.stringify(d)) out.push({path: `(header ${h})`, kind: 'value', labd: l, dockerd: d});
  }
  if (c.sameBody && labd.answer.body !== dockerd.answer.body) out.push({path: '(body)', kind: 'value', labd: labd.answer.body.slice(0, 300), dockerd: dockerd.answer.body.slice(0, 300)});
  return out;
}

/** The tally of one file's cases, printed when it ends. */
const tally = {compared: 0, identical: 0, allowListed: 0, failing: {} as Record<string, number>};

const say = (x: Difference) => `${x.kind} at ${x.path}: labd ${JSON.stringify(x.labd)?.slice(0, 120)}, dockerd ${JSON.stringify(x.dockerd)?.slice(0, 120)}`;

/** Starts the two engines for the file's tests and registers each case as one serial test. */
export function differentialCases(test: TestFn, file: string, cases: Case[]): void {
  let labd: TestEngine | undefined;
  let dockerd: ReferenceDockerd | undefined;
  const sides: Side[] = [];
  const run = when(needsDockerd, test.serial);
  if (run === test.serial) {
    test.before(async () => {
      const archive = (await busyboxArchive('docker')).path;
      [labd, dockerd] = await Promise.all([startTestEngine(), startReferenceDockerd()]);
      // Subnets of their own: both engines make their bridges on this one host.
      // Two random octets: the case files run at once, each with its engines, and their subnets must not meet.
      const octet = 16 + Math.floor(Math.random() * 200);
      const third = 2 * Math.floor(Math.random() * 120);
      sides.push(
        {name: 'labd', socket: labd.socket, docker: labd.docker, vars: {subnet: `10.${octet}.${third}`}},
        {name: 'dockerd', socket: dockerd.socket, docker: dockerd.docker, vars: {subnet: `10.${octet}.${third + 1}`}},
      );
      for (const side of sides) {
        const load = await side.docker(['load', '-i', archive]);
        if (load.code !== 0) throw new Error(`${side.name}: ${load.stderr}`);
        side.vars.t0 = String(Math.floor(Date.now() / 1000) - 1);
      }
    });
    test.after.always(async () => {
      await Promise.all([labd?.stop(), dockerd?.stop()]);
      const failing = Object.entries(tally.failing).map(([o, n]) => `${o} ${n}`).join(', ') || 'none';
      console.log(`${file}: ${tally.compared} cases compared, ${tally.identical} identical, ${tally.allowListed} with allow-listed differences only, known gaps (failing tests): ${failing}`);
    });
  }
  for (const c of cases) {
    const title = `${c.method} ${c.path}: ${c.what}${c.failing ? ` (known gap, ${c.failing.owner}: ${c.failing.why})` : ''}`;
    const register = c.failing ? when(needsDockerd, test.serial.failing) : run;
    let gapped: Difference[] | undefined;
    register(title, async (t) => {
      const [l, d] = await Promise.all(sides.map((side) => send(side, c)));
      const all = differences(c, l!, d!);
      const notAllowed = all.filter((diff) => !allowedBy(c, diff));
      gapped = notAllowed.filter((diff) => c.gaps?.some((g) => inGap(g, diff)));
      const left = notAllowed.filter((diff) => !gapped.includes(diff));
      tally.compared++;
      if (c.failing) tally.failing[c.failing.owner] = (tally.failing[c.failing.owner] ?? 0) + 1;
      else if (all.length === 0) tally.identical++;
      else if (left.length === 0 && gapped.length === 0) tally.allowListed++;
      for (const diff of all.filter((x) => !notAllowed.includes(x))) t.log(`allowed: ${diff.path} (${allowedBy(c, diff)!.why})`);
      for (const diff of gapped) t.log(`known gap: ${say(diff)}`);
      t.deepEqual(left.map(say), [], `labd ${l!.answer.status} ${l!.answer.body.slice(0, 200)}\ndockerd ${d!.answer.status} ${d!.answer.body.slice(0, 200)}`);
    });
    // Each known gap of the case: passes while its differences exist, and tells when they are gone.
    for (const gap of c.gaps ?? []) {
      when(needsDockerd, test.serial.failing)(`${c.method} ${c.path}: ${c.what}, known gap (${gap.owner}: ${gap.why})`, (t) => {
        tally.failing[gap.owner] = (tally.failing[gap.owner] ?? 0) + 1;
        if (!gapped) return t.fail('the case itself did not get its answers');
        t.deepEqual(gapped.filter((diff) => inGap(gap, diff)).map(say), []);
      });
    }
  }
}
