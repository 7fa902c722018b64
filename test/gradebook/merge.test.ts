/** Merging submissions: every attempt is kept, and by default (no deadline) the newest of a student's attempts counts. */
import test from 'ava';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {allChecks26, maxScore26, results26} from './fixtures.js';

test('several attempts at a (student, lab): the newest by submittedAt counts, whatever the file order, and all are counted', (t) => {
  const older = {file: 'b/alice-results.json', results: results26('alice', allChecks26, '2025-03-01T10:00:00.000Z')};
  const newer = {file: 'a/alice-results.json', results: results26('alice', allChecks26.slice(0, 1), '2025-03-02T09:00:00+01:00')};
  const bob = {file: 'bob-results.json', results: results26('bob', [])};
  for (const order of [[older, newer, bob], [bob, newer, older]]) {
    const gb = buildGradebook(order);
    t.deepEqual(gb.students.map((s) => s.student), ['alice', 'bob']);
    const alice = gb.students[0].labs['26'];
    t.is(alice.file, 'a/alice-results.json');
    t.is(alice.submittedAt, '2025-03-02T09:00:00+01:00');
    t.is(alice.attempts, 2);
    t.is(alice.policy, 'last-before-deadline');
    t.deepEqual(gb.warnings, []);
  }
});

test('each row is marked self-submitted, with totals, and the lab maximum is the one submissions state', (t) => {
  const gb = buildGradebook([{file: 'x', results: results26('carol', allChecks26)}]);
  t.is(gb.source, 'self-submitted');
  t.is(gb.students[0].source, 'self-submitted');
  t.is(gb.students[0].total, maxScore26);
  t.deepEqual(gb.labs, [{id: '26', lab: '26', kind: 'lab', maxScore: maxScore26}]);
  t.regex(gb.trust, /could have edited/);
});
