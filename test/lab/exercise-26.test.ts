/** CI runs the lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {runLab} from '../helpers/cli.js';

test('lab exercise test 26', async (t) => {
  // Eight steps, each failed, mutated and solved on a private engine; the run itself is cut off at 20 minutes.
  t.timeout(22 * 60_000, 'lab exercise test 26 ran past 22 minutes');
  const r = await runLab(['exercise', 'test', '26', '--json'], {}, 20 * 60_000);
  const report = JSON.parse(r.stdout) as {ok: boolean; lines: Array<{step: string; phase: string; name: string; ok: boolean; detail: string}>};
  for (const l of report.lines.filter((x) => !x.ok)) t.log(`${l.step} ${l.phase} ${l.name}: ${l.detail}`);
  t.true(report.ok, r.stderr.slice(-2000));
  t.is(report.lines.filter((l) => l.phase === 'solve').length, 8, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 16);
  const upperDir = report.lines.find((l) => l.step === 'chmod-sandbox' && l.name === 'upper-dir')?.detail ?? '';
  t.regex(upperDir, /while the container was not running: it was changed from the host \(through its upper dir\)/);
  // With the container's shell still open, only the kernel's audit record of the chmod tells who made it.
  const open = (name: string) => report.lines.find((l) => l.step === 'chmod-sandbox' && l.name === name)?.detail ?? '';
  t.regex(open('upper-dir-shell-open'), /given back from the host, through the upper dir on the disk .*login uid 1000/);
  t.regex(open('merged-dir-shell-open'), /from a login session on the host .*\/merged\/usr\/bin\/chmod/);
  t.regex(open('proc-root-shell-open'), /from a login session on the host .*fchmodat\(chmod, 0755\).*cwd \/usr\/bin/);
});
