/** `lab exercise test LAB --json` as the lab tests run it: its report, with every line that failed logged. */
import type {ExecutionContext} from 'ava';
import {runLab} from './cli.js';

export interface SelfTestLine {
  step: string;
  phase: string;
  name: string;
  ok: boolean;
  detail: string;
}

export interface SelfTestReport {
  ok: boolean;
  lines: SelfTestLine[];
  /** The detail of a step's line (a near miss's reason, a solve's outcome), or '' when there is none. */
  named(step: string, name: string): string;
  /** What the command wrote to stderr (the tail shown when the run failed). */
  stderr: string;
  /** Why the run failed, for an assertion's message: the lines that failed, then the tail of stderr. */
  failure: string;
}

export async function selfTest(t: ExecutionContext, lab: string, timeoutMs: number): Promise<SelfTestReport> {
  const r = await runLab(['exercise', 'test', lab, '--json'], {}, timeoutMs);
  const report = JSON.parse(r.stdout) as {ok: boolean; lines: SelfTestLine[]};
  // The failed lines go into the failure message too: a CI log may keep only the failure block, not the logs.
  const failed = report.lines.filter((x) => !x.ok).map((l) => `${l.step} ${l.phase} ${l.name}: ${l.detail}`);
  for (const l of failed) t.log(l);
  const failure = [...failed, r.stderr.slice(-1500)].join('\n');
  return {...report, stderr: r.stderr, failure, named: (step, name) => report.lines.find((l) => l.step === step && l.name === name)?.detail ?? ''};
}
