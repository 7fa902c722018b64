/**
 * Every problem of a homework definition at once, for `lab homework lint` and for loading: schema errors with the
 * file and the JSON path, an unknown key with the known key it most likely meant, duplicate check ids, regexes
 * that do not compile.
 */
import type {ErrorObject} from 'ajv';
import {schemaErrorAt} from '../../common/strict-json.js';

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The known key closest to `key`, when it is close enough to be a typo. */
export function closest(key: string, known: string[]): string | undefined {
  const best = known.map((k) => ({k, d: distance(key.toLowerCase(), k.toLowerCase())})).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(1, Math.floor(key.length / 3)) ? best.k : undefined;
}

/** One schema error, with a suggestion for an unknown key. */
export function describeSchemaError(e: ErrorObject): string {
  const message = schemaErrorAt(e);
  if (e.keyword !== 'additionalProperties') return message;
  const unknown = (e.params as {additionalProperty: string}).additionalProperty;
  const near = closest(unknown, Object.keys((e.parentSchema?.properties ?? {}) as object));
  return near ? `${message}: did you mean "${near}"?` : message;
}

/**
 * ajv reports an `if`/`then` failure twice (the missing key and "must match then"): keep the one a reader can act
 * on. Unknown keys come first: a typo ("limitz") is usually why a required key ("limits") is missing.
 */
export function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const kept = errors.filter((e) => e.keyword !== 'if');
  return [...kept.filter((e) => e.keyword === 'additionalProperties'), ...kept.filter((e) => e.keyword !== 'additionalProperties')];
}

interface CheckLike {id: string; kind: string}

/** What the schema cannot say: check ids used twice, a "runs" check without the run it judges. */
export function semanticErrors(checks: CheckLike[], hasRun: boolean): string[] {
  const errors: string[] = [];
  const runs = checks.findIndex((c) => c.kind === 'runs');
  if (runs >= 0 && !hasRun) errors.push(`at /checks/${runs}/kind: a "runs" check needs "run" (expectStdout, exitCode) at the top level`);
  const seen = new Set<string>();
  checks.forEach((c, i) => {
    if (seen.has(c.id)) errors.push(`at /checks/${i}/id: the check id "${c.id}" is used twice`);
    seen.add(c.id);
  });
  return errors;
}
