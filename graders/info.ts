/** Concept: `docker info` and `docker version` ask the daemon (not the client) about itself: its ID, its API. */
import {fail, grader, pass, text} from './types.js';

type Fact = 'id' | 'apiVersion';

const concept = {
  id: 'docker info asks the daemon for a summary of itself: the ID it made for its data root, its name, its counts of containers and images, its storage driver and registry mirrors.',
  apiVersion: 'docker version shows two programs: the client (the docker command) and the server (the daemon); the API version is the language they agree to speak.',
};
const named = {id: 'the daemon\'s ID (docker info: ID)', apiVersion: 'the server\'s API version (docker version: Server → API version)'};

/** The answer under key is the engine's fact as its API gives it. */
export const answered = grader<{answer: string; fact: Fact}>({
  type: 'object', additionalProperties: false, required: ['answer', 'fact'],
  properties: {answer: text, fact: {type: 'string', enum: ['id', 'apiVersion']}},
}, (snapshot, params) => {
  const facts = snapshot.engine.facts;
  const expected = `${named[params.fact]}, given with lab answer ${params.answer}`;
  if (!facts) return fail(`the engine did not answer: ${snapshot.engine.error ?? 'unreachable'}`, expected, concept[params.fact]);
  const given = snapshot.answers[params.answer]?.trim();
  if (!given) return fail(`no answer yet (lab answer ${params.answer} …)`, expected, concept[params.fact]);
  const right = facts[params.fact];
  if (given === right) return pass(`${given}, as the daemon says`, expected, concept[params.fact], {given});
  // What a near miss mistook for the fact, named so the student sees which line they read.
  const mistaken: Array<[string, string]> = [[facts.name, 'the daemon\'s Name (the host\'s name)'], [facts.serverVersion, 'the engine\'s own version (Server Version), not its API version'], [facts.id, 'the daemon\'s ID']];
  const which = mistaken.find(([value]) => value && value === given);
  return fail(which ? `${given} is ${which[1]}` : `${given} is not what this daemon says`, expected, concept[params.fact], {given});
});
