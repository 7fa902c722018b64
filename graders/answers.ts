/** Questions: the one thing taken from the student's words, and checked against the lab's answer key. */
import {fail, grader, pass, text} from './types.js';

/** The answer to a question (lab answer STEP CHOICE) is the right choice. */
export const choice = grader<{question: string; correct: string; concept?: string}>({
  type: 'object', additionalProperties: false, required: ['question', 'correct'],
  properties: {question: text, correct: {type: 'string', pattern: '^[a-z]$'}, concept: {type: 'string', nullable: true}},
}, (snapshot, params) => {
  const given = snapshot.answers[params.question];
  const expected = `the right choice for question "${params.question}"`;
  const concept = params.concept ?? '';
  if (!given) return fail('no answer yet (lab answer STEP CHOICE)', expected, concept);
  return given.trim().toLowerCase() === params.correct.toLowerCase()
    ? pass(`answered ${given}`, expected, concept)
    : fail(`answered ${given}, which is not right`, expected, concept);
});
