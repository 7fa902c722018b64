/** CI runs the lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {selfTest} from '../helpers/self-test.js';

test('lab exercise test 26', async (t) => {
  // Eight steps, each failed, mutated and solved on a private engine; the run itself is cut off at 20 minutes.
  t.timeout(22 * 60_000, 'lab exercise test 26 ran past 22 minutes');
  const report = await selfTest(t, '26', 20 * 60_000);
  t.true(report.ok, report.failure);
  t.is(report.lines.filter((l) => l.phase === 'solve').length, 8, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 16);
  const upperDir = report.named('chmod-sandbox', 'upper-dir');
  t.regex(upperDir, /while the container was not running: it was changed from the host \(through its upper dir\)/);
  // With the container's shell still open, only the kernel's audit record of the chmod tells who made it.
  const open = (name: string) => report.named('chmod-sandbox', name);
  t.regex(open('upper-dir-shell-open'), /given back from the host, through the upper dir on the disk .*login uid 1000/);
  t.regex(open('merged-dir-shell-open'), /from a login session on the host .*\/merged\/usr\/bin\/chmod/);
  t.regex(open('proc-root-shell-open'), /from a login session on the host .*fchmodat\(chmod, 0755\).*cwd \/usr\/bin/);
});
