/**
 * Checking one results file: JSON syntax (line and column), the schema (JSON path and what was expected there), then
 * the arithmetic `lab submit` always gets right — each check within its maximum, the totals the sums of the checks.
 * A file that fails gives one message naming the file, the place and what was expected.
 */
import {Ajv, type ErrorObject, type ValidateFunction} from 'ajv';
import {parseStrictJson} from '../../common/strict-json.js';
import {toJsonPath} from '../../debian-images/recipe/load.js';
import {resultsSchema} from './schema.js';
import type {ResultsFile} from './types.js';

export class ResultsFileError extends Error {
  override name = 'ResultsFileError';
  constructor(readonly file: string, readonly detail: string) {
    super(`${file}: ${detail}`);
  }
}

let validator: ValidateFunction | undefined;

function found(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  const kind = Array.isArray(value) ? (value.length === 0 ? 'an empty list' : `a list of ${value.length}`) : value === null ? 'null' : typeof value === 'object' ? 'an object' : json;
  return kind.length > 60 ? `${kind.slice(0, 57)}...` : kind;
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') {
    const key = (e.params as {missingProperty: string}).missingProperty;
    const schema = (e.parentSchema as {properties?: Record<string, {description?: string}>} | undefined)?.properties?.[key];
    return `${toJsonPath(e.instancePath, key)}: missing; expected ${schema?.description ?? 'a value'}`;
  }
  const expected = (e.parentSchema as {description?: string} | undefined)?.description ?? e.message ?? 'something else';
  return `${toJsonPath(e.instancePath)}: expected ${expected}, found ${found(e.data)}`;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** The sums a results file written by `lab submit` always satisfies; the first one that does not, as "path: ...". */
function arithmetic(r: ResultsFile): string | undefined {
  for (const [i, t] of r.tests.entries()) {
    if (t.score > t.max_score) return `$.tests[${i}].score: expected at most max_score (${t.max_score}), found ${t.score}`;
    // A failed check never has full marks, a passed one never nothing: a score edited without its status shows.
    if (t.status === 'failed' && t.max_score > 0 && t.score >= t.max_score) return `$.tests[${i}].score: expected less than max_score (${t.max_score}) for a failed check, found ${t.score}`;
    if (t.status === 'passed' && t.max_score > 0 && t.score === 0) return `$.tests[${i}].score: expected more than 0 for a passed check, found 0`;
  }
  const sum = r.tests.reduce((s, t) => s + t.score, 0);
  if (!near(r.score, sum)) return `$.score: expected the sum of tests[].score (${sum}), found ${r.score}`;
  const max = r.tests.reduce((s, t) => s + t.max_score, 0);
  if (!near(r.extra_data.maxScore, max)) return `$.extra_data.maxScore: expected the sum of tests[].max_score (${max}), found ${r.extra_data.maxScore}`;
  const {submittedAt, handIn} = r.extra_data;
  if (submittedAt === undefined && handIn?.source !== 'unknown') return `$.extra_data.submittedAt: missing; expected a date and time in ISO 8601, e.g. "2025-03-01T12:00:00.000Z" (or extra_data.handIn.source "unknown")`;
  if (submittedAt !== undefined && handIn?.source === 'unknown') return `$.extra_data.submittedAt: expected none when extra_data.handIn.source is "unknown", found ${found(submittedAt)}`;
  if (submittedAt !== undefined && Number.isNaN(Date.parse(submittedAt))) return `$.extra_data.submittedAt: expected a real date and time, found ${found(r.extra_data.submittedAt)}`;
  return undefined;
}

/** The results file's content, checked; throws ResultsFileError naming `file` and where it went wrong. */
export function parseResults(file: string, text: string): ResultsFile {
  const data = parseStrictJson(text, (m) => new ResultsFileError(file, m));
  // verbose keeps the failing part of the schema (its description) and the value found on each error.
  validator ??= new Ajv({allErrors: false, verbose: true, strict: true}).compile(resultsSchema);
  if (!validator(data)) throw new ResultsFileError(file, describe(validator.errors![0]));
  const results = data as ResultsFile;
  const wrong = arithmetic(results);
  if (wrong) throw new ResultsFileError(file, wrong);
  return results;
}
