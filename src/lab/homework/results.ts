/** A student's homework results in Gradescope's results.json shape, as `lab submit` writes them, so one gradebook merges both. */
import {localize} from '../render/text.js';
import type {HandIn} from './hand-in.js';
import type {CheckOutcome, Homework} from './types.js';

/** Round to hundredths: a share of a weight (2 of 3 cases) is no grade to print with fifteen digits. */
const hundredths = (n: number) => Math.round(n * 100) / 100;

/**
 * `handIn` is when the student handed it in (hand-in.ts), kept apart from `checkedAt`, when this check ran: deadlines
 * are judged on the first; without one known, `submittedAt` is left out and `handIn.source` says "unknown".
 */
export function homeworkResults(hw: Homework, student: string, outcomes: CheckOutcome[], executionTime: number, lang: string, flags: string[] = [], handIn: HandIn = {source: 'unknown', detail: 'not told'}) {
  const tests = hw.checks.map((c, i) => {
    const o = outcomes.find((x) => x.id === c.id)!;
    const verdict = o.pass ? o.observed : `observed: ${o.observed}\nexpected: ${o.expected}`;
    const fraction = o.fraction ?? (o.pass ? 1 : 0);
    return {
      name: `${i + 1}. ${localize(c.title, lang)} — ${c.id}`,
      number: `${i + 1}`,
      score: hundredths(c.weight * fraction),
      max_score: c.weight,
      status: o.pass ? 'passed' : 'failed',
      output: o.output ? `${verdict}\n\n${o.output}` : verdict,
      tags: [c.kind],
      visibility: 'visible',
      extra_data: {evidence: o.evidence ?? null},
    };
  });
  const maxScore = tests.reduce((s, t) => s + t.max_score, 0);
  return {
    score: hundredths(tests.reduce((s, t) => s + t.score, 0)),
    execution_time: Math.round(executionTime),
    output: `Lab ${hw.lab} homework (${localize(hw.title, lang)}), student ${student}`,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
    extra_data: {
      lab: hw.lab, student, provider: 'sandbox', ...(handIn.submittedAt ? {submittedAt: handIn.submittedAt} : {}),
      checkedAt: new Date().toISOString(), handIn: {source: handIn.source, detail: handIn.detail}, maxScore, flags,
    },
  };
}

export type HomeworkResults = ReturnType<typeof homeworkResults>;
