// exec.mjs --trace: where the time of a `docker exec` goes. Each traced exec goes through a socket that relays
// the CLI's connections to the engine (lib/api-trace.mjs) and, for labd, the shim it starts is timed
// (lib/child-trace.mjs); printed are the medians of each point in time and each phase.
import {join} from 'node:path';
import {startApiTrace} from './api-trace.mjs';
import {readChildTrace} from './child-trace.mjs';
import {log, sleep} from './proc.mjs';
import {table} from './report.mjs';
import {RunError} from './runs.mjs';
import {mediansOf} from './stats.mjs';

/** One traced exec's points in time (ms after the CLI was spawned) and its phases. */
function execTimeline(r, requests, children) {
  const rel = (t) => (t === undefined ? undefined : t - r.startMs);
  const reqs = requests.filter((q) => q.sent >= r.startMs && q.sent <= r.endMs);
  const find = (re) => reqs.find((q) => re.test(`${q.method} ${q.path}`));
  const ping = find(/^(HEAD|GET) \/(v[\d.]+\/)?_ping/);
  const create = find(/^POST \/v[\d.]+\/containers\/[^/]+\/exec/);
  const start = find(/^POST \/v[\d.]+\/exec\/[0-9a-f]+\/start/);
  const inspect = find(/^GET \/v[\d.]+\/exec\/[0-9a-f]+\/json/);
  const marks = {
    'CLI spawned': 0,
    'first request sent': rel(reqs[0]?.sent),
    'ping answered': rel(ping?.head),
    'exec create sent': rel(create?.sent),
    'exec create answered': rel(create?.head),
    'exec start sent': rel(start?.sent),
    'exec start answered (101)': rel(start?.head),
    'output over (stream closed)': rel(start?.closed),
    'exec inspect sent': rel(inspect?.sent),
    'exec inspect answered': rel(inspect?.head),
    'CLI exited': r.endMs - r.startMs,
  };
  const shim = children.find((c) => c.what === 'labd-shim' && c.start >= r.startMs && c.start <= r.endMs);
  if (shim) {
    marks['labd-shim spawned'] = rel(shim.start);
    marks['labd-shim ready (runc exec done)'] = rel(shim.firstOutput);
    if (shim.exit <= r.endMs) marks['labd-shim exited'] = rel(shim.exit);
  }
  const d = (a, b) => (marks[a] === undefined || marks[b] === undefined ? undefined : marks[b] - marks[a]);
  const phases = {
    'CLI start-up, to its first request': d('CLI spawned', 'first request sent'),
    'ping': d('first request sent', 'ping answered'),
    'exec create': d('exec create sent', 'exec create answered'),
    'CLI between create and start': d('exec create answered', 'exec start sent'),
    'start: request to 101': d('exec start sent', 'exec start answered (101)'),
    'start: 101 to output over (process runs and exits)': d('exec start answered (101)', 'output over (stream closed)'),
    'output over to inspect sent': d('output over (stream closed)', 'exec inspect sent'),
    'inspect (exit code)': d('exec inspect sent', 'exec inspect answered'),
    'inspect answered to CLI exit': d('exec inspect answered', 'CLI exited'),
  };
  if (shim) {
    phases['labd: start request to labd-shim spawned'] = d('exec start sent', 'labd-shim spawned');
    phases['labd: labd-shim spawned to ready (runc exec)'] = d('labd-shim spawned', 'labd-shim ready (runc exec done)');
    phases['labd: labd-shim ready to output over'] = d('labd-shim ready (runc exec done)', 'output over (stream closed)');
  }
  return {marks, phases};
}

/**
 * `runs` traced execs per engine (after one untraced warm-up through the relay), interleaved, each through a
 * socket relaying the CLI's connections to the engine. `timedExec(engine, host)` makes one `docker exec ...
 * true` through `host`. Returns per engine the medians of each mark and phase.
 */
export async function traceExecs(engines, runs, timedExec) {
  const tracers = new Map();
  for (const e of engines) tracers.set(e, {api: await startApiTrace(e, join(e.dir, 'trace.sock')), timelines: []});
  try {
    for (let i = -1; i < runs; i++) {
      for (const e of engines) {
        const t = tracers.get(e);
        let r;
        try {
          r = await timedExec(e, t.api.host);
        } catch (error) {
          if (!(error instanceof RunError)) throw error;
          log(`${e.name.padEnd(7)} traced exec FAILED: ${error.message}`);
          continue;
        }
        if (i < 0) continue; // the first one through the relay is a warm-up
        await sleep(20); // the last child exits are written
        t.timelines.push(execTimeline(r, t.api.requests, readChildTrace(e.childTrace)));
        log(`${e.name.padEnd(7)} traced exec ${i + 1}/${runs}: ${r.ms.toFixed(1)} ms`);
      }
    }
  } finally {
    for (const t of tracers.values()) await t.api.close();
  }
  const out = {};
  for (const [e, t] of tracers) {
    if (t.timelines.length === 0) continue;
    out[e.name] = {runs: t.timelines.length, marks: mediansOf(t.timelines, 'marks'), phases: mediansOf(t.timelines, 'phases')};
  }
  return out;
}

/** The text report of the traced execs of both engines. */
export function traceLines(t) {
  const out = [];
  const tn = Object.keys(t);
  const f = (v) => (v === undefined ? '-' : v.toFixed(1));
  for (const key of ['marks', 'phases']) {
    const labels = [...new Set(tn.flatMap((n) => Object.keys(t[n][key])))];
    if (key === 'marks') labels.sort((a, b) => Math.min(...tn.map((n) => t[n].marks[a] ?? Infinity)) - Math.min(...tn.map((n) => t[n].marks[b] ?? Infinity)));
    out.push('');
    out.push(key === 'marks'
      ? `where an exec's time goes (median of ${t[tn[0]].runs} traced execs each, ms after the CLI was spawned; through a relaying socket, so a little slower)`
      : 'phases (ms)');
    out.push(...table([['', ...tn], ...labels.map((l) => [l, ...tn.map((n) => f(t[n][key][l]))])]));
  }
  return out;
}
