/** Test cases: each run of the program judged on its exit code and output; the check earns the share that passed. */
import {truncate} from './docker.js';
import type {RunFacts, StudentFacts} from './student.js';
import type {CheckOutcome, Homework, HomeworkCheck, OutputExpectation, TestCase} from './types.js';

const quote = (s: string) => JSON.stringify(truncate(s, 200));

export function describeExpectation(e: OutputExpectation | undefined): string {
  if (!e) return 'any output';
  if ('exact' in e) return `exactly ${quote(e.exact)}`;
  if ('contains' in e) return `output containing ${quote(e.contains)}`;
  return `output matching /${e.regex}/m`;
}

/** Exact ignores carriage returns and trailing newlines: `puts` and `printf` without "\n" both print a line. */
export function outputMatches(stdout: string, e: OutputExpectation | undefined): boolean {
  const out = stdout.replace(/\r/g, '');
  if (!e) return true;
  if ('exact' in e) return out.replace(/\n+$/, '') === e.exact.replace(/\r/g, '').replace(/\n+$/, '');
  if ('contains' in e) return out.includes(e.contains);
  return new RegExp(e.regex, 'm').test(out);
}

/** Why one run of a case failed, or undefined when it passed. */
function caseFailure(r: RunFacts, tc: TestCase, hw: Homework): string | undefined {
  if (r.oomKilled) return `killed by the OOM killer (over ${hw.limits.memoryMb} MiB)`;
  if (r.timedOut) return `still running after ${hw.limits.runTimeoutSeconds} s: killed`;
  if (r.code !== tc.exitCode) return `exited ${r.code}, expected ${tc.exitCode}${r.stderr.trim() ? ` (stderr: ${quote(r.stderr.trim())})` : ''}`;
  if (!outputMatches(r.stdout, tc.stdout)) return `printed ${r.stdout ? quote(r.stdout) : 'nothing'}, expected ${describeExpectation(tc.stdout)}`;
  return undefined;
}

export function judgeCases(check: HomeworkCheck, facts: StudentFacts, hw: Homework, notRun: string | undefined): Omit<CheckOutcome, 'id'> {
  const cases = check.cases!;
  const expected = `${cases.length} case(s), each a share of the weight: ${cases.map((c) => `${c.name}: exit ${c.exitCode}, ${describeExpectation(c.stdout)}`).join('; ')}`;
  const runs = facts.cases?.[check.id];
  if (notRun !== undefined || !runs) return {pass: false, fraction: 0, expected, observed: notRun ?? 'not evaluated: the program was not run'};
  const verdicts = cases.map((tc, i) => {
    const r = runs[i];
    const why = r ? caseFailure(r, tc, hw) : 'not run: the check was interrupted';
    return {name: tc.name, pass: why === undefined, why, exitCode: r?.code ?? null, stdout: r ? truncate(r.stdout, 512) : null};
  });
  const passed = verdicts.filter((v) => v.pass).length;
  const lines = verdicts.map((v) => `${v.pass ? '✓' : '✗'} ${v.name}${v.why ? `: ${v.why}` : ''}`);
  return {
    pass: passed === cases.length, fraction: passed / cases.length, expected,
    observed: `${passed} of ${cases.length} case(s) passed\n${lines.join('\n')}`,
    output: truncate(lines.join('\n'), hw.limits.outputMaxBytes),
    evidence: {cases: verdicts},
  };
}
