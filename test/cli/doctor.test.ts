import test from 'ava';
import {prerequisites} from '../../src/lab/doctor/checks.js';
import {parseAptStatus} from '../../src/lab/doctor/fix.js';
import {cgroupMode} from '../../src/engine/util/cgroup-mode.js';
import {runLab} from '../helpers/cli.js';

test('doctor --json prints one entry per prerequisite and a ready flag that matches them', async (t) => {
  const r = await runLab(['doctor', '--json']);
  const report = JSON.parse(r.stdout) as {ready: boolean; checks: Array<{id: string; status: string; fix?: string}>};
  t.is(typeof report.ready, 'boolean');
  t.deepEqual(report.checks.map((c) => c.id), prerequisites.map((p) => p.id));
  const missing = report.checks.filter((c) => c.status === 'missing');
  t.is(report.ready, missing.length === 0);
  t.is(r.code, report.ready ? 0 : 1);
  for (const c of report.checks.filter((x) => x.status !== 'ok')) t.truthy(c.fix, `${c.id} has a fix`);
  // This machine is root with overlayfs and namespaces: those checks are done for real and pass.
  t.is(report.checks.find((c) => c.id === 'overlayfs')?.status, 'ok');
  t.is(report.checks.find((c) => c.id === 'namespaces')?.status, 'ok');
});

test('doctor prints a table a person can read', async (t) => {
  const r = await runLab(['doctor']);
  t.regex(r.stdout, /PREREQUISITE\s+STATUS/);
  t.regex(r.stdout, /runc/);
  t.regex(r.stdout, /(Ready|Not ready)/);
});

test('apt status lines become progress', (t) => {
  t.deepEqual(parseAptStatus('pmstatus:busybox-static:42.8571:Unpacking busybox-static (amd64)'), {phase: 'install', percent: 43, message: 'Unpacking busybox-static (amd64)'});
  t.deepEqual(parseAptStatus('dlstatus:1:10.5:Retrieving file 1 of 2'), {phase: 'download', percent: 11, message: 'Retrieving file 1 of 2'});
  t.is(parseAptStatus('garbage'), undefined);
});

const line = (mountPoint: string, fs: string) => `30 1 0:26 / ${mountPoint} rw,nosuid - ${fs} ${fs} rw`;

test('cgroup mode: v1, v2 and hybrid hosts', (t) => {
  t.is(cgroupMode([line('/sys/fs/cgroup', 'cgroup2')].join('\n')), 'v2');
  t.is(cgroupMode([line('/sys/fs/cgroup/memory', 'cgroup'), line('/sys/fs/cgroup/unified', 'cgroup2')].join('\n')), 'hybrid');
  t.is(cgroupMode([line('/sys/fs/cgroup/memory', 'cgroup')].join('\n')), 'v1');
  t.is(cgroupMode(''), 'none');
});
