/** Container names: the user's, checked by Docker's rule, or a generated adjective_surname that is free. */
import {randomInt} from '../util/random.js';
import {invalidArgument} from '../errors.js';

const adjectives = [
  'agile', 'bold', 'brave', 'bright', 'calm', 'careful', 'cheerful', 'clever', 'curious', 'daring', 'eager', 'earnest',
  'fair', 'fearless', 'gentle', 'glad', 'happy', 'honest', 'hopeful', 'jolly', 'keen', 'kind', 'lively', 'loyal',
  'lucid', 'merry', 'mindful', 'modest', 'nimble', 'patient', 'polite', 'proud', 'quick', 'quiet', 'ready', 'serene',
  'sharp', 'sincere', 'smart', 'steady', 'sunny', 'swift', 'tender', 'thoughtful', 'tidy', 'upbeat', 'vivid', 'warm',
  'wise', 'witty', 'zealous', 'zen',
];

// People whose work made operating systems and containers possible.
const surnames = [
  'allen', 'babbage', 'backus', 'bartik', 'bell', 'berners_lee', 'cerf', 'codd', 'conway', 'corbato', 'dijkstra',
  'engelbart', 'feistel', 'floyd', 'hamilton', 'hoare', 'hopper', 'kahn', 'kay', 'kernighan', 'knuth', 'lamport',
  'liskov', 'lovelace', 'mccarthy', 'mcilroy', 'milner', 'minsky', 'naur', 'neumann', 'noyce', 'ossanna', 'perlman',
  'pike', 'ritchie', 'shannon', 'shaw', 'sutherland', 'tanenbaum', 'thompson', 'torvalds', 'turing', 'wilkes', 'wirth',
  'wozniak', 'zuse',
];

const validName = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function checkName(name: string): string {
  if (!validName.test(name)) throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.replace(/^\//, '');
}

export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${adjectives[randomInt(adjectives.length)]}_${surnames[randomInt(surnames.length)]}`;
    if (attempt > 10) name += String(randomInt(10));
    if (!taken(name)) return name;
  }
}
