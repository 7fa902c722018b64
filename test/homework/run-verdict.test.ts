/** The `runs` check's words for a program killed for time, from how many processes it had then. */
import test from 'ava';
import {evaluateChecks} from '../../src/lab/homework/checks.js';
import {loadHomework} from '../../src/lab/homework/load.js';
import type {StudentFacts} from '../../src/lab/homework/student.js';

const hw = loadHomework('26');

function runsVerdict(processes: number | undefined): {pass: boolean; observed: string} {
  const facts: StudentFacts = {
    copy: {problems: []} as unknown as StudentFacts['copy'], context: '/nowhere', hasDockerfile: true,
    build: {ok: true, code: 0, output: '', timedOut: false, startedAt: 0, seconds: 1},
    run: {code: 137, stdout: '', stderr: '', timedOut: true, oomKilled: false, seconds: 5.2, ...(processes === undefined ? {} : {processes})},
  };
  const {pass, observed} = evaluateChecks(hw, facts).find((c) => c.id === 'runs')!;
  return {pass, observed};
}

test('a program killed for time: one process is a loop, several a forking program, the limit a fork bomb', (t) => {
  const {pids} = hw.limits;
  const failed = (observed: string) => ({pass: false, observed});
  t.deepEqual(runsVerdict(1), failed('still running after 5 s (1 process running: an endless loop?): the container was killed'));
  // Held below its own limit by the sandbox's, which the jobs running at once share.
  t.deepEqual(runsVerdict(9), failed('still running after 5 s with 9 processes (a program that forks without end?): the container was killed'));
  t.deepEqual(runsVerdict(pids), failed(`still running after 5 s with ${pids} processes, at the pids limit (a fork bomb?): the container was killed`));
  t.deepEqual(runsVerdict(undefined), failed('still running after 5 s: the container was killed'), 'none counted says nothing');
});
