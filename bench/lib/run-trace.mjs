// container-run.mjs --trace: where the time of a `docker run --rm` goes. Each traced run goes through a socket
// that relays the CLI's connections to the engine (lib/api-trace.mjs), with the engine's events followed and,
// for labd, its child processes timed (lib/child-trace.mjs); the points of each run are put on one timeline,
// and the medians over the runs printed as a timeline, phases and a waterfall per engine.
import {join} from 'node:path';
import {followEvents, startApiTrace} from './api-trace.mjs';
import {readChildTrace} from './child-trace.mjs';
import {log, sleep} from './proc.mjs';
import {median, mediansOf} from './stats.mjs';

/**
 * One run's timeline, in ms from the CLI's start: its API requests (from the relaying socket), the engine's
 * container events, and for labd the child processes the daemon ran.
 */
function runTimeline(run, requests, events, children) {
  const inRun = (t) => t >= run.startMs && t <= run.endMs + 5;
  const rel = (t) => (t === undefined ? undefined : t - run.startMs);
  const reqs = requests.filter((r) => inRun(r.sent));
  const find = (re) => reqs.find((r) => re.test(`${r.method} ${r.path}`));
  const ping = find(/^(HEAD|GET) \/(v[\d.]+\/)?_ping/);
  const create = find(/^POST \/v[\d.]+\/containers\/create/);
  const attach = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/attach/);
  const wait = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/wait/);
  const start = find(/^POST \/v[\d.]+\/containers\/[0-9a-f]+\/start/);
  const id = create?.id ?? /containers\/([0-9a-f]{64})\//.exec(start?.path ?? '')?.[1];
  const ev = (action) => events.find((e) => (e.Type === 'container' || e.status) && (e.Action ?? e.status) === action && (e.Actor?.ID ?? e.id) === id);
  const at = (e) => (e ? rel(e.at) : undefined);
  const marks = {
    'CLI spawned': 0,
    'first request (ping) sent': rel(reqs[0]?.sent),
    'ping answered': rel(ping?.head),
    'create sent': rel(create?.sent),
    'create answered': rel(create?.head),
    'attach sent': rel(attach?.sent),
    'attach answered (101)': rel(attach?.head),
    'wait sent': rel(wait?.sent),
    'wait headers': rel(wait?.head),
    'start sent': rel(start?.sent),
    'event start': at(ev('start')),
    'start answered': rel(start?.head),
    'event die': at(ev('die')),
    'event destroy': at(ev('destroy')),
    'wait answered (exit code)': rel(wait?.last),
    'attach output ended': rel(attach?.closed),
    'CLI exited': run.endMs - run.startMs,
  };
  const d = (a, b) => (a === undefined || b === undefined ? undefined : b - a);
  const phases = {
    'CLI start-up, to its first request': d(0, marks['first request (ping) sent']),
    'ping': d(marks['first request (ping) sent'], marks['ping answered']),
    'create': d(marks['create sent'], marks['create answered']),
    'CLI between create and start': d(marks['create answered'], marks['start sent']),
    '  attach (request to 101)': d(marks['attach sent'], marks['attach answered (101)']),
    '  wait (request to headers)': d(marks['wait sent'], marks['wait headers']),
    'start (request to answer)': d(marks['start sent'], marks['start answered']),
    'start answered to die event (run, exit, runtime cleanup)': d(marks['start answered'], marks['event die']),
    'die to destroy event (removal)': d(marks['event die'], marks['event destroy']),
    'destroy event to wait answered': d(marks['event destroy'], marks['wait answered (exit code)']),
    'wait answered to CLI exit': d(marks['wait answered (exit code)'], marks['CLI exited']),
  };
  const procs = children
    .filter((c) => c.start >= run.startMs && c.start <= run.endMs)
    .map((c) => ({
      what: c.what,
      start: rel(c.start),
      ready: rel(c.firstOutput),
      exit: rel(c.exit),
      ms: c.exit - c.start,
      readyMs: c.firstOutput === undefined ? undefined : c.firstOutput - c.start,
    }));
  // Every point in time of the run, labelled; the k-th process of a kind is told apart by its number.
  const points = Object.entries(marks).filter(([, t]) => t !== undefined).map(([label, t]) => ({label, t}));
  const seen = new Map();
  for (const p of procs) {
    const k = (seen.get(p.what) ?? 0) + 1;
    seen.set(p.what, k);
    const name = `${p.what}${k > 1 ? ` #${k}` : ''}`;
    points.push({label: `${name}: spawned`, t: p.start});
    if (p.ready !== undefined) points.push({label: `${name}: ready`, t: p.ready});
    if (p.exit !== undefined && p.exit <= run.endMs - run.startMs) points.push({label: `${name}: exited`, t: p.exit});
  }
  return {id, marks, phases, procs, points, requests: reqs.map((r) => ({method: r.method, path: r.path.replace(/[0-9a-f]{64}/, '<id>'), sent: rel(r.sent), head: rel(r.head), last: rel(r.last), closed: rel(r.closed), status: r.status}))};
}

/** Median of each mark and phase over the traced runs; for labd, the median child processes in order. */
function summarizeTrace(timelines) {
  // Child processes: the k-th occurrence of each kind in every run, matched up across runs.
  const groups = new Map();
  for (const t of timelines) {
    const seen = new Map();
    for (const p of t.procs) {
      const k = seen.get(p.what) ?? 0;
      seen.set(p.what, k + 1);
      const key = `${p.what}#${k}`;
      if (!groups.has(key)) groups.set(key, {what: p.what, n: k, runs: []});
      groups.get(key).runs.push(p);
    }
  }
  const procs = [...groups.values()].map((g) => ({
    what: g.what,
    occurrence: g.n + 1,
    runs: g.runs.length,
    start: median(g.runs.map((p) => p.start)),
    ms: median(g.runs.map((p) => p.ms)),
    readyMs: g.runs[0].readyMs === undefined ? undefined : median(g.runs.map((p) => p.readyMs ?? 0)),
  })).sort((a, b) => a.start - b.start);
  // The waterfall: the points in the order of their median times; each step is the median over the runs of
  // that run's own time from the point before (robust to one slow run, unlike a difference of medians).
  const times = new Map();
  for (const t of timelines) for (const p of t.points) times.set(p.label, [...(times.get(p.label) ?? []), p.t]);
  const order = [...times].map(([label, ts]) => ({label, t: median(ts), runs: ts.length})).sort((a, b) => a.t - b.t);
  const steps = new Map(order.map((p) => [p.label, []]));
  for (const t of timelines) {
    const at = new Map(t.points.map((p) => [p.label, p.t]));
    let previous = 0;
    for (const {label} of order) {
      if (!at.has(label)) continue;
      steps.get(label).push(at.get(label) - previous);
      previous = at.get(label);
    }
  }
  const waterfall = order.map((p) => ({...p, step: median(steps.get(p.label))}));
  return {runs: timelines.length, marks: mediansOf(timelines, 'marks'), phases: mediansOf(timelines, 'phases'), procs, waterfall};
}

/**
 * `runs` traced runs per engine, interleaved, each through a socket relaying the CLI's connections to the
 * engine, with the engine's events followed. `tryRun(engine, what, command, {host, expect})` makes one timed
 * run (undefined when it failed). Returns per engine the medians and every run's timeline.
 */
export async function traceRuns(engines, runs, tryRun) {
  const tracers = new Map();
  for (const e of engines) {
    tracers.set(e, {
      api: await startApiTrace(e, join(e.dir, 'trace.sock')),
      events: await followEvents(e),
      timelines: [],
    });
  }
  try {
    // One warm-up through the relay, which must pass the output through, then the traced runs, interleaved.
    for (const e of engines) await tryRun(e, 'traced echo hi', ['echo', 'hi'], {host: tracers.get(e).api.host, expect: 'hi\n'});
    for (let i = 0; i < runs; i++) {
      for (const e of engines) {
        const t = tracers.get(e);
        const r = await tryRun(e, `traced run ${i + 1}`, ['true'], {host: t.api.host});
        if (!r) continue;
        await sleep(20); // the last events and child exits arrive
        t.timelines.push(runTimeline(r, t.api.requests, t.events.events, readChildTrace(e.childTrace)));
        log(`${e.name.padEnd(7)} traced run ${i + 1}/${runs}: ${r.ms.toFixed(1)} ms`);
      }
    }
  } finally {
    for (const t of tracers.values()) {
      t.events.close();
      await t.api.close();
    }
  }
  const traced = engines.filter((e) => tracers.get(e).timelines.length > 0);
  return Object.fromEntries(traced.map((e) => {
    const t = tracers.get(e);
    return [e.name, {...summarizeTrace(t.timelines), timelines: t.timelines}];
  }));
}

/** The text report of the traced runs of both engines. */
export function traceLines(trace) {
  const names = Object.keys(trace);
  const f = (v) => (v === undefined ? '-' : v.toFixed(1));
  const out = ['', `where a run's time goes (median of ${trace[names[0]].runs} traced runs each, ms; requests seen at a relaying socket, so a little slower)`];
  const table = (title, key) => {
    const labels = Object.keys(trace[names[0]][key]);
    const w = Math.max(title.length, ...labels.map((l) => l.length));
    out.push('');
    out.push(`${title.padEnd(w)}   ${names.map((n) => n.padStart(8)).join('   ')}`);
    for (const l of labels) out.push(`${l.padEnd(w)}   ${names.map((n) => f(trace[n][key][l]).padStart(8)).join('   ')}`);
  };
  table('timeline (ms after the CLI was spawned)', 'marks');
  table('phase (ms)', 'phases');
  for (const n of names) {
    out.push('');
    out.push(`${n}, waterfall (median time of each point after the CLI was spawned; step: median time since the point before):`);
    for (const p of trace[n].waterfall) {
      const partial = p.runs < trace[n].runs ? `  (in ${p.runs} of ${trace[n].runs} runs)` : '';
      out.push(`  ${f(p.t).padStart(7)} ms  ${`${p.step < 0 ? '' : '+'}${f(p.step)}`.padStart(7)}  ${p.label}${partial}`);
    }
  }
  if (trace.labd?.procs.length) {
    out.push('');
    out.push('labd child processes in a run (median start after the CLI was spawned, median duration; labd-shim: until its ready line):');
    for (const p of trace.labd.procs) {
      const dur = p.readyMs !== undefined ? `${f(p.readyMs)} ms to ready` : `${f(p.ms)} ms`;
      out.push(`  +${f(p.start).padStart(7)} ms  ${`${p.what}${p.occurrence > 1 ? ` (#${p.occurrence})` : ''}`.padEnd(22)} ${dur}${p.runs < trace.labd.runs ? `  (in ${p.runs} of ${trace.labd.runs} runs)` : ''}`);
    }
  }
  return out;
}
