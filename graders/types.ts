/** A grader: a pure function of the observed state and the check's parameters to a verdict. */
import type {Snapshot} from './snapshot.js';
import type {Verdict} from './verdict.js';

export type Grader = (snapshot: Snapshot, params: Record<string, unknown>) => Verdict;
export type {Snapshot, Verdict};
export {pass, fail} from './verdict.js';
