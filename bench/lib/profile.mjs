// labd's CPU profile (`node --cpu-prof`): stopping labd so it writes the profile, and where its CPU went during
// chosen time windows (the timed runs of each phase).
import {readFileSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {docker} from './docker-cli.mjs';
import {engineDist, root} from './paths.mjs';
import {log} from './proc.mjs';
import {session} from './session.mjs';

/** Monotonic microseconds: the clock V8 stamps profile samples with. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export function sourceName(url) {
  if (!url) return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const dist = `${root}/dist/`;
  if (path.startsWith(dist)) {
    // dist/src/engine/x.js (rootDir ".") or dist/engine/x.js (rootDir "src") both come from src/engine/x.ts.
    const rel = path.slice(dist.length).replace(/\.js$/, '.ts');
    return engineDist().startsWith(`${root}/dist/src/`) ? rel : `src/${rel}`;
  }
  if (path.startsWith(`${root}/`)) return path.slice(root.length + 1);
  return path.startsWith('node:') ? path : path.replace(/^.*\/node_modules\//, 'node_modules/');
}

/**
 * Where labd's CPU went, from a .cpuprofile: self time per function, and every sample charged to the innermost
 * src/engine function on its stack, so the synchronous fs calls (native) and hashing that engine code makes
 * count against that engine function. Async code resumes without its callers on the stack, so this is more
 * telling than inclusive time. `windows` are {phase, from, to} in monotonic microseconds.
 */
export function summarizeProfile(path, windows, phase, top = 25) {
  const profile = JSON.parse(readFileSync(path, 'utf8'));
  const spans = windows.filter((w) => w.phase === phase);
  const inPhase = (t) => spans.some((w) => t >= w.from && t <= w.to);
  let clock = profile.startTime;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'}  ${sourceName(n.callFrame.url)}`;
  const enginePrefix = `${engineDist()}/`;
  const self = new Map();
  const charged = new Map();
  const byFile = new Map();
  const add = (map, key, dt) => map.set(key, (map.get(key) ?? 0) + dt);
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    clock += profile.timeDeltas[i] ?? 0;
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = nodes.get(profile.samples[i]);
    if (!node || !inPhase(clock)) continue;
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    add(self, keyOf(node), dt);
    let owner;
    for (let id = node.id; id !== undefined && !owner; id = parent.get(id)) {
      const n = nodes.get(id);
      if (n.callFrame.url.replace(/^file:\/\//, '').startsWith(enginePrefix)) owner = n;
    }
    const key = owner ? keyOf(owner) : `(outside src/engine: ${node.callFrame.functionName || 'anonymous'} ${sourceName(node.callFrame.url)})`;
    add(charged, key, dt);
    add(byFile, owner ? sourceName(owner.callFrame.url) : '(outside src/engine)', dt);
  }
  const busy = total - idle;
  const rank = (m, n = top) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, ms]) => ({fn, ms, pct: (100 * ms) / busy}));
  return {file: path, phase, spans: spans.length, totalMs: total, busyMs: busy, self: rank(self), engineCharged: rank(charged), engineFiles: rank(byFile, 12)};
}

export function newestProfile(dir, since) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).filter((f) => statSync(f).mtimeMs >= since);
  files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

/** The text report of one summary; `unit` 's' or 'ms' for the numbers, `note` after the phase name. */
export function profileLines(p, {unit = 's', note = 'warm-up included'} = {}) {
  const f = unit === 's' ? (ms) => (ms / 1000).toFixed(2) : (ms) => ms.toFixed(1);
  const perSpan = p.busyMs / Math.max(1, p.spans);
  const out = [];
  out.push(`labd CPU profile, ${p.phase} (${p.spans} times, ${note}): ${f(p.busyMs)} ${unit} busy of ${f(p.totalMs)} ${unit}, ` +
    `${f(perSpan)} ${unit} busy each; ${p.file}`);
  out.push('  self time (top):');
  for (const x of p.self.slice(0, 15)) out.push(`    ${f(x.ms).padStart(7)} ${unit} ${x.pct.toFixed(1).padStart(5)}%  ${x.fn}`);
  out.push('  charged to the innermost src/engine function (its own JS plus the native calls it makes):');
  for (const x of p.engineCharged.slice(0, 15)) out.push(`    ${f(x.ms).padStart(7)} ${unit} ${x.pct.toFixed(1).padStart(5)}%  ${x.fn}`);
  out.push('  the same, by file:');
  for (const x of p.engineFiles) out.push(`    ${f(x.ms).padStart(7)} ${unit} ${x.pct.toFixed(1).padStart(5)}%  ${x.fn}`);
  return out;
}

/**
 * With --cpu-prof: labd's containers are removed, labd is stopped (the profile is written when it exits) and
 * its profile is summarised over the windows of each of `phases`. Returns the summaries (or undefined).
 */
export async function finishLabdProfile(engines, phases) {
  const labd = engines.find((e) => e.name === 'labd');
  if (!labd?.profDir) return undefined;
  const ps = await docker(labd, ['ps', '-aq']);
  const ids = ps.stdout.trim().split('\n').filter(Boolean);
  if (ids.length > 0) await docker(labd, ['rm', '-f', ...ids]);
  await labd.stop();
  session.engines = session.engines.filter((e) => e !== labd);
  const file = newestProfile(labd.profDir, labd.profStart);
  if (!file) {
    log('no CPU profile was written (did labd exit cleanly?)');
    return undefined;
  }
  return phases.map((phase) => summarizeProfile(file, labd.windows, phase));
}

/** The text of the summaries, in ms over the timed runs. */
export function profileReport(profiles) {
  const out = [];
  for (const p of profiles ?? []) {
    out.push('');
    out.push(...profileLines(p, {unit: 'ms', note: 'timed runs only'}));
  }
  return out;
}
