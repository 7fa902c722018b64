/** A student's homework results in Gradescope's results.json shape, as `lab submit` writes them, so one gradebook merges both. */
import {localize} from '../render/text.js';
import type {CheckOutcome, Homework} from './types.js';

export function homeworkResults(hw: Homework, student: string, outcomes: CheckOutcome[], executionTime: number, lang: string) {
  const tests = hw.checks.map((c, i) => {
    const o = outcomes.find((x) => x.id === c.id)!;
    const verdict = o.pass ? o.observed : `observed: ${o.observed}\nexpected: ${o.expected}`;
    return {
      name: `${i + 1}. ${localize(c.title, lang)} — ${c.id}`,
      number: `${i + 1}`,
      score: o.pass ? c.weight : 0,
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
    score: tests.reduce((s, t) => s + t.score, 0),
    execution_time: Math.round(executionTime),
    output: `Lab ${hw.lab} homework (${localize(hw.title, lang)}), student ${student}`,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
    extra_data: {lab: hw.lab, student, provider: 'sandbox', submittedAt: new Date().toISOString(), maxScore},
  };
}

export type HomeworkResults = ReturnType<typeof homeworkResults>;
