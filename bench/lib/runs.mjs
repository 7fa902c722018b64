// Timed steps that may fail, and warm-up plus timed runs interleaved between the engines.
import {log} from './proc.mjs';
import {monotonicUs} from './profile.mjs';

/** A timed step that failed (non-zero exit, wrong output): logged and counted, the bench goes on. */
export class RunError extends Error {}

/**
 * Runs `fn`; a RunError is logged and kept in `failures` and gives undefined (the bench goes on, and exits 1 at
 * the end), unless failures pass max(3, runs / 2). Other errors (the daemon gone, say) end the bench.
 */
export async function attempt(engine, what, failures, runs, fn) {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof RunError)) throw error;
    failures.push({what, error: error.message});
    log(`${engine.name.padEnd(7)} ${what} FAILED: ${error.message}`);
    if (failures.length > Math.max(3, runs / 2)) throw new Error(`${engine.name}: too many failed runs (${failures.length})`);
    return undefined;
  }
}

/**
 * Warm-up runs, then timed runs, alternating between the engines (labd, dockerd, labd, ...) so that drift on
 * the machine hits both alike. `step(engine, {timed, index})` returns an object of measures (numbers) or throws
 * a RunError; `describe(measures)` makes its progress line. With --cpu-prof and a `phase`, every timed step of
 * labd is a window of the profile under that phase (without, `step` can note finer windows itself). Returns per
 * engine {runs: [measures | null], failures}.
 */
export async function interleaved(engines, {warmup, runs, what, step, describe, phase}) {
  const out = Object.fromEntries(engines.map((e) => [e.name, {runs: [], failures: []}]));
  for (let i = -warmup; i < runs; i++) {
    for (const e of engines) {
      const timed = i >= 0;
      const label = timed ? `${what} ${i + 1}/${runs}` : `warm-up ${what} ${i + warmup + 1}/${warmup}`;
      const from = monotonicUs();
      const measures = (await attempt(e, label, out[e.name].failures, runs, () => step(e, {timed, index: i}))) ?? null;
      if (timed) {
        if (phase) e.windows?.push({phase, from, to: monotonicUs()});
        out[e.name].runs.push(measures);
      }
      if (measures) log(`${e.name.padEnd(7)} ${label}: ${describe(measures)}`);
    }
  }
  return out;
}
