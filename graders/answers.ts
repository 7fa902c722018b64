/** Questions: the one thing taken from the student's words, and checked against the lab's answer key. */
import {fail, pass, type Grader} from './types.js';

/** params: question, correct (a choice letter), concept. */
export const choice: Grader = (snapshot, params) => {
  const given = snapshot.answers[String(params.question)];
  const expected = `the right choice for question "${params.question}"`;
  const concept = String(params.concept ?? '');
  if (!given) return fail('no answer yet (lab answer STEP CHOICE)', expected, concept);
  return given.trim().toLowerCase() === String(params.correct).toLowerCase()
    ? pass(`answered ${given}`, expected, concept)
    : fail(`answered ${given}, which is not right`, expected, concept);
};
