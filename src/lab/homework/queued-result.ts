/**
 * What a worker sends back for a homework job, and this machine's check of it before it is signed. The worker
 * sends facts judged by the checks (pass, share earned, what was seen), never a results file: the grade, the file
 * and the signature are made here, with the teacher's key, which no worker holds. Whatever a submission printed
 * reaches this machine only as text inside those fields; the shape, the check ids, the shares and the digest of
 * the submission it was graded from must all be right, or the result is refused and the job counts as failed.
 */
import type {GradedFacts} from './run.js';
import type {CheckOutcome, Homework} from './types.js';

export interface HomeworkJobResult extends GradedFacts {
  version: 1;
  /** The digest of the submission the worker graded (the job's own). */
  digest: string;
  worker: string;
}

const refuse = (where: string, what: string): never => {
  throw new Error(`at ${where}: ${what}`);
};

const text = (v: unknown, where: string, max = 65536): string => (typeof v === 'string' && v.length <= max ? v : refuse(where, `text of at most ${max} characters expected`));

function outcome(o: unknown, hw: Homework, i: number): CheckOutcome {
  const w = `/outcomes/${i}`;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return refuse(w, 'an object expected');
  const r = o as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => !['id', 'pass', 'observed', 'expected', 'fraction', 'output', 'evidence'].includes(k));
  if (extra.length) refuse(w, `unknown keys ${extra.join(', ')}`);
  if (r.id !== hw.checks[i].id) refuse(`${w}/id`, `"${hw.checks[i].id}" expected (the homework's checks, in order)`);
  if (typeof r.pass !== 'boolean') refuse(`${w}/pass`, 'true or false expected');
  if (r.fraction !== undefined && (typeof r.fraction !== 'number' || !(r.fraction >= 0 && r.fraction <= 1))) refuse(`${w}/fraction`, 'a number from 0 to 1 expected');
  if (r.evidence !== undefined && r.evidence !== null && (typeof r.evidence !== 'object' || Array.isArray(r.evidence))) refuse(`${w}/evidence`, 'an object expected');
  return {
    id: r.id as string, pass: r.pass as boolean, observed: text(r.observed, `${w}/observed`), expected: text(r.expected, `${w}/expected`),
    ...(r.fraction !== undefined ? {fraction: r.fraction as number} : {}),
    ...(r.output !== undefined ? {output: text(r.output, `${w}/output`)} : {}),
    ...(r.evidence !== undefined && r.evidence !== null ? {evidence: r.evidence as Record<string, unknown>} : {}),
  };
}

export function acceptHomeworkResult(raw: unknown, hw: Homework, digest: string): HomeworkJobResult {
  if (typeof raw !== 'object' || raw === null) return refuse('/', 'an object expected');
  const r = raw as Record<string, unknown>;
  if (r.version !== 1) refuse('/version', '1 expected');
  if (r.digest !== digest) refuse('/digest', 'the digest of the submission sent in the job expected: this result is of another submission');
  const worker = text(r.worker, '/worker', 300);
  if (!Array.isArray(r.outcomes) || r.outcomes.length !== hw.checks.length) refuse('/outcomes', `${hw.checks.length} outcomes expected, one per check`);
  const outcomes = (r.outcomes as unknown[]).map((o, i) => outcome(o, hw, i));
  const f = r.flagged as Record<string, unknown> | undefined;
  if (typeof f !== 'object' || f === null) refuse('/flagged', 'an object expected');
  const flags = Array.isArray(f!.flags) && f!.flags.length <= 1000 ? f!.flags.map((x, i) => text(x, `/flagged/flags/${i}`, 4096)) : refuse('/flagged/flags', 'a list of texts expected');
  const binaries = Array.isArray(f!.binaries) && f!.binaries.length <= 10000 ? f!.binaries.map((b: {path?: unknown; sha256?: unknown}, i) => ({
    path: text(b?.path, `/flagged/binaries/${i}/path`, 1024),
    sha256: typeof b?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(b.sha256) ? b.sha256 : refuse(`/flagged/binaries/${i}/sha256`, 'a sha256 in hex expected'),
  })) : refuse('/flagged/binaries', 'a list expected');
  const sourcesHash = typeof f!.sourcesHash === 'string' && /^([0-9a-f]{64})?$/.test(f!.sourcesHash) ? f!.sourcesHash : refuse('/flagged/sourcesHash', 'a sha256 in hex expected');
  const seconds = typeof r.seconds === 'number' && r.seconds >= 0 && r.seconds < 86400 ? r.seconds : refuse('/seconds', 'a duration in seconds expected');
  return {version: 1, digest, worker, outcomes, flagged: {flags, binaries, sourcesHash}, seconds};
}
