/** Results files: Gradescope's results.json (PrairieLearn can read the same checks from tests[]). */
import type {Exercise} from '../exercises/types.js';
import {localize} from '../render/text.js';
import type {GradedSession} from './graded-session.js';
import type {StepResult} from './run-checks.js';

export function gradescopeResults(ex: Exercise, session: Pick<GradedSession, 'lang' | 'progress' | 'student' | 'provider'>, results: StepResult[], executionTime: number) {
  const tests = results.flatMap((r, i) =>
    r.checks.map((c) => {
      // A check passed earlier and failing now (the container since pruned) counts with the evidence it passed on.
      const kept = !c.verdict.pass && c.done ? session.progress[r.step.id]?.[c.id]?.verdict : undefined;
      const shown = kept ?? c.verdict;
      return {
        name: `${i + 1}. ${localize(r.step.title, session.lang)} — ${c.id}`,
        number: `${i + 1}.${r.step.checks.findIndex((x) => x.id === c.id) + 1}`,
        score: c.done ? c.weight : 0,
        max_score: c.weight,
        status: c.done ? 'passed' : 'failed',
        output: !c.done
          ? `observed: ${c.verdict.observed}\nexpected: ${c.verdict.expected}${r.step.question ? '' : `\nwhy: ${c.verdict.concept}`}`
          : kept ? `${kept.observed}\n(passed at ${c.passedAt}; now: ${c.verdict.observed})` : c.verdict.observed,
        tags: [r.step.id],
        visibility: 'visible',
        extra_data: {evidence: c.done ? (shown.evidence ?? null) : (c.verdict.evidence ?? null), passedAt: c.passedAt ?? null},
      };
    }),
  );
  return {
    score: tests.reduce((s, t) => s + t.score, 0),
    execution_time: Math.round(executionTime),
    output: `Lab ${ex.id} (${localize(ex.title, session.lang)}), student ${session.student}`,
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests,
    // Written on the student's side: self-submitted, unsigned; `lab grades collect` signs its own as collected.
    extra_data: {lab: ex.id, student: session.student, provider: session.provider, submittedAt: new Date().toISOString(), maxScore: tests.reduce((s, t) => s + t.max_score, 0), kind: 'lab' as const, source: 'self-submitted' as 'self-submitted' | 'collected'},
  };
}
