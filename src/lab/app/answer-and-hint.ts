/**
 * `lab answer` and `lab hint`: the verbs that change only the session — an answer recorded, a hint counted —
 * kept in step with the copy inside a running VM or SSH host.
 */
import type {Exercise, Localized, StepDef} from '../exercises/types.js';
import {pullSession, pushSession} from '../session/mirror.js';
import {loadSession, saveSession, type Session} from '../session/session.js';
import {runningEnvironment} from './open-lab.js';

/**
 * Loads the session (with what was recorded inside the environment), lets `change` update it, and saves it
 * here and inside. Nothing is saved when `change` throws.
 */
export async function updateSession<T>(lab: string | undefined, change: (session: Session) => T): Promise<T> {
  let session = loadSession(lab);
  const env = await runningEnvironment(session);
  try {
    if (env) session = await pullSession(env, session);
    const out = change(session);
    saveSession(session);
    if (env) await pushSession(env, session);
    return out;
  } finally {
    await env?.close();
  }
}

/**
 * The value to record for `lab answer <question> <values...>`: a question step's choice (one letter), or the
 * values a step asks for, checked against its pattern. An error says what would be accepted.
 */
export function answerValue(lab: string, steps: StepDef[], question: string, values: string[]): string {
  const choices = steps.find((s) => s.id === question)?.question?.choices;
  const free = steps.find((s) => s.answers?.[question])?.answers?.[question];
  if (choices) {
    const value = (values[0] ?? '').toLowerCase();
    if (values.length > 1 || !(value in choices)) throw new Error(`choose one of: ${Object.keys(choices).join(', ')}`);
    return value;
  }
  if (free) {
    // Several values (e.g. one cache-id per layer) are kept as one space-separated answer.
    const value = values.join(' ').trim();
    if (!new RegExp(free.pattern).test(value)) throw new Error(`"${value}" is not an answer to ${question}${free.example ? ` (it looks like: ${free.example})` : ''}`);
    return value;
  }
  const keys = steps.flatMap((s) => [...(s.question ? [s.id] : []), ...Object.keys(s.answers ?? {})]);
  throw new Error(`"${question}" is not a question of lab ${lab} (questions: ${keys.join(', ') || 'none'})`);
}

export interface NextHint {
  step: StepDef;
  /** The first hint asked for this step: the step's text is shown again with it. */
  first: boolean;
  /** The hint to show (each call reveals the next, more direct one; the last one stays), if the step has any. */
  hint?: {text: Localized; number: number; of: number};
}

/**
 * The next hint for a step (default: the first one not done), counted in the session; undefined when every
 * step is done. An error for a step the lab does not have.
 */
export function nextHint(exercise: Exercise, session: Session, stepId?: string): NextHint | undefined {
  const step = stepId
    ? exercise.steps.find((s) => s.id === stepId)
    : exercise.steps.find((s) => s.checks.some((c) => !session.progress[s.id]?.[c.id]));
  if (!step) {
    if (stepId) throw new Error(`no step "${stepId}"`);
    return undefined;
  }
  const hints = step.checks.filter((c) => !session.progress[step.id]?.[c.id]).flatMap((c) => c.hints ?? []);
  const used = session.hints[step.id] ?? 0;
  const tier = Math.min(used, hints.length - 1);
  session.hints[step.id] = used + 1;
  return {step, first: used === 0, ...(hints.length > 0 ? {hint: {text: hints[tier], number: tier + 1, of: hints.length}} : {})};
}
