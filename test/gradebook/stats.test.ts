/** Statistics: each check's pass rate, the most common failure reasons, and time from first attempt to full marks. */
import test from 'ava';
import {buildGradebook} from '../../src/lab/gradebook/merge.js';
import {allChecks26, maxScore26, results26} from './fixtures.js';

test('pass rate per check, the common failures first, and hours to full marks, in the gradebook\'s JSON', (t) => {
  const [first, second] = allChecks26;
  const gb = buildGradebook([
    {file: 'a1', results: results26('alice', [first], '2025-03-01T10:00:00.000Z', 'wrong linkage')},
    {file: 'a2', results: results26('alice', allChecks26, '2025-03-01T16:00:00.000Z')},
    {file: 'b1', results: results26('bob', [first, second], '2025-03-02T10:00:00.000Z', 'nothing was built')},
    {file: 'c1', results: results26('carol', [], '2025-03-02T10:00:00.000Z', 'nothing was built')},
  ]);
  const json = JSON.parse(JSON.stringify(gb)) as typeof gb;
  const [s] = json.statistics!;
  t.is(s.id, '26');
  t.is(s.submitted, 3);
  t.is(s.maxScore, maxScore26);
  const rate = (id: string) => s.checks.find((c) => first.endsWith(`/${c.check}`) && id === 'first' || second.endsWith(`/${c.check}`) && id === 'second')!;
  t.deepEqual(rate('first'), {check: first.split('/')[1], passed: 2, total: 3, rate: 0.6667});
  t.deepEqual(rate('second'), {check: second.split('/')[1], passed: 2, total: 3, rate: 0.6667});
  t.is(s.failures[0].reason, 'nothing was built');
  t.is(s.failures[0].count, 2);
  t.false(s.failures.some((f) => f.reason === 'wrong linkage'), 'only the attempt that counts is in the statistics');
  t.deepEqual(s.completion, {completed: 1, medianHours: 6, maxHours: 6});
});
