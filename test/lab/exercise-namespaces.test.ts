/** CI runs the namespaces lab's own proof: every step fails first, rejects its near misses, and passes after its solve script. */
import test from 'ava';
import {loadExercise} from '../../src/lab/exercises/load.js';
import {selfTest} from '../helpers/self-test.js';

const steps = ['ns-compare', 'unshare-pid', 'unshare-uts', 'nsenter', 'cgroup-limits', 'oom', 'capabilities', 'veth', 'process-chain', 'commit', 'compose'];

test('lab namespaces loads: its steps in Hungarian and English, each with a solve script and near misses', (t) => {
  const ex = loadExercise('namespaces');
  t.deepEqual(ex.locales, ['hu', 'en']);
  t.deepEqual(ex.steps.map((s) => s.id), steps);
  for (const s of ex.steps) {
    t.true((s.mutations ?? []).length >= 2, s.id);
    t.truthy(s.title.hu && s.concept.hu, s.id);
  }
  t.is(ex.params?.token.random, 'hex', 'each session has a hostname of its own');
  t.truthy(ex.cleanup, 'processes started by hand are ended after the self-test');
});

test('lab exercise test namespaces', async (t) => {
  // Each step failed, mutated and solved on a private engine, with real unshare and nsenter processes.
  t.timeout(16 * 60_000, 'lab exercise test namespaces ran past 16 minutes');
  const report = await selfTest(t, 'namespaces', 14 * 60_000);
  t.true(report.ok, report.failure);
  t.is(report.lines.filter((l) => l.phase === 'solve').length, steps.length, 'every step was solved');
  t.true(report.lines.filter((l) => l.phase === 'mutation').length >= 2 * steps.length);
  const {named} = report;
  // The near misses the lecture warns about, each rejected for its own reason.
  t.regex(named('ns-compare', 'own-pid'), /has its own pid namespace/);
  t.regex(named('ns-compare', 'network-host'), /shares the host's network/);
  t.regex(named('ns-compare', 'pid-inode'), /is a pid namespace, not a network one/);
  t.regex(named('unshare-pid', 'no-mount-proc'), /its \/proc is the host's/);
  t.regex(named('unshare-uts', 'neighbour'), /hostname is ns-0badc0, not ns-/);
  t.regex(named('nsenter', 'net-only'), /shares only some of container (web|sidecar)'s namespaces: its pid, mnt, uts, ipc namespaces/);
  t.regex(named('nsenter', 'docker-exec'), /the engine started it/);
  t.regex(named('cgroup-limits', 'reservation'), /no hard memory limit/);
  t.regex(named('cgroup-limits', 'cpu-shares'), /no CPU quota/);
  t.regex(named('oom', 'docker-kill'), /not by the OOM killer/);
  t.regex(named('capabilities', 'drop-one'), /still holds 13 capabilities/);
  t.regex(named('capabilities', 'caps-kept'), /holds NET_ADMIN and \d+ more/);
  t.regex(named('capabilities', 'no-link'), /its network has no lab0/);
  t.regex(named('veth', 'lo-only'), /has only lo: no veth end was moved in; 10\.200\.\d+\.2\/24 is on veth-ns, still in the host's namespace/);
  t.regex(named('veth', 'inside-down'), /veth-ns \(10\.200\.\d+\.2\/24\) in .* is down/);
  t.regex(named('veth', 'host-unaddressed'), /the host's end veth-lab has no address/);
  t.regex(named('process-chain', 'inside-pid'), /1 is the process's PID inside its own pid namespace/);
  t.regex(named('process-chain', 'reversed'), /not in the order daemon, shim, process/);
  t.regex(named('commit', 'built-as-commit'), /no container has \/etc\/lab-token with your token/);
  t.regex(named('commit', 'tagged'), /ns-commit has no \/etc\/lab-token/);
  t.regex(named('commit', 'commit-as-built'), /the command of container changed: it was committed, not built/);
  t.regex(named('compose', 'by-hand'), /container hand-web runs, but Compose did not start it/);
  t.regex(named('compose', 'localhost'), /pinged localhost .*, not db by its name/);
});
