/** CI runs the arch lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {selfTest} from '../helpers/self-test.js';

test('lab arch loads: six steps in Polish and English, each with a solve script and near misses', (t) => {
  const ex = loadExercise('arch');
  t.deepEqual(ex.locales, ['pl', 'en']);
  t.deepEqual(ex.steps.map((s) => s.id), ['overlay-mount', 'overlay-wins', 'overlay-changes', 'image-walk', 'daemon-tcp', 'processes']);
  for (const s of ex.steps) {
    t.true((s.mutations ?? []).length >= 2, s.id);
    t.truthy(s.title.pl && s.concept.pl, s.id);
  }
  t.is(ex.params?.tcpPort.value, '2375', 'students see 2375');
});

test('lab exercise test arch', async (t) => {
  // Six steps, each failed, mutated and solved on a private engine; the run itself is cut off at 20 minutes.
  t.timeout(22 * 60_000, 'lab exercise test arch ran past 22 minutes');
  const report = await selfTest(t, 'arch', 20 * 60_000);
  t.true(report.ok, report.failure);
  t.is(report.lines.filter((l) => l.phase === 'solve').length, 6, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 12);
  const {named} = report;
  // The near misses the lecture warns about, each rejected for its own reason.
  t.regex(named('overlay-mount', 'wrong-order'), /another order/);
  t.regex(named('overlay-changes', 'file-in-lower'), /written into a lower layer/);
  t.regex(named('daemon-tcp', 'all-interfaces'), /listens on 0\.0\.0\.0/);
  t.regex(named('processes', 'inside-for-outside'), /PID inside the container/);
});
