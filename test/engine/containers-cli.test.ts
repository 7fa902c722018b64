/** Containers through the stock docker CLI: run, ps, top, logs, inspect, stop, start, kill, rm, prune. */
import {execFileSync} from 'node:child_process';
import {readFileSync, readlinkSync} from 'node:fs';
import test from 'ava';
import {busyboxArchive} from '../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../helpers/engine.js';
import {waitFor} from '../helpers/wait.js';

let engine: TestEngine;
test.before(async () => {
  engine = await startTestEngine();
  const bb = await busyboxArchive('docker');
  const load = await engine.docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.docker(['rm', '-f', 'web', 'nsx', 'survivor']);
  await engine?.stop();
});

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];
/** A process that has ended: no longer in /proc, or a zombie waiting for its parent. */
function gone(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
}

test.serial('the lifecycle: run --rm, run -d, ps, top, logs, inspect, stop, ps -a, start, kill, rm, prune', async (t) => {
  const hello = await engine.docker(['run', '--rm', 'busybox', 'echo', 'hello from a container']);
  t.is(hello.code, 0, hello.stderr);
  t.is(hello.stdout, 'hello from a container\n');
  t.is((await engine.docker(['ps', '-aq'])).stdout.trim(), '', '--rm removed it');

  const run = await engine.docker(['run', '-d', '--name', 'web', 'busybox', 'sh', '-c', 'echo started; echo oops >&2; sleep 300']);
  t.is(run.code, 0, run.stderr);
  const id = run.stdout.trim();
  t.regex(id, /^[a-f0-9]{64}$/);

  const ps = await engine.docker(['ps', '--format', '{{.Names}} {{.Image}} {{.Status}}']);
  t.regex(ps.stdout, /^web busybox Up /m);
  const psTable = await engine.docker(['ps']);
  t.regex(psTable.stdout, /CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES/);

  const top = await engine.docker(['top', 'web']);
  t.is(top.code, 0, top.stderr);
  t.regex(top.stdout, /sleep 300/);

  const logs = await engine.docker(['logs', 'web']);
  t.is(logs.stdout, 'started\n');
  t.is(logs.stderr, 'oops\n');

  const info = await inspect('web');
  t.is(info.Id, id);
  t.true(info.State.Running);
  t.is(info.Config.Hostname, id.slice(0, 12));
  t.is(info.Name, '/web');

  const stop = await engine.docker(['stop', '-t', '1', 'web']);
  t.is(stop.code, 0, stop.stderr);
  t.is(stop.stdout.trim(), 'web');
  const stopped = await inspect('web');
  t.false(stopped.State.Running);
  t.is(stopped.State.ExitCode, 137, 'sh as PID 1 ignores SIGTERM, so the timeout sends SIGKILL');
  const psa = await engine.docker(['ps', '-a', '--format', '{{.Names}} {{.Status}}']);
  t.regex(psa.stdout, /^web Exited \(137\) /m);

  t.is((await engine.docker(['start', 'web'])).code, 0);
  t.true((await inspect('web')).State.Running);
  t.is((await engine.docker(['kill', 'web'])).code, 0);
  await waitFor(async () => !(await inspect('web')).State.Running, {timeoutMs: 10_000, what: 'the killed container to end'});
  t.is((await inspect('web')).State.ExitCode, 137);
  const rm = await engine.docker(['rm', 'web']);
  t.is(rm.stdout.trim(), 'web', rm.stderr);

  await engine.docker(['run', '--name', 'done1', 'busybox', 'true']);
  await engine.docker(['create', '--name', 'done2', 'busybox', 'true']);
  const prune = await engine.docker(['container', 'prune', '-f']);
  t.is(prune.code, 0, prune.stderr);
  t.regex(prune.stdout, /Deleted Containers:/);
  t.is((await engine.docker(['ps', '-aq'])).stdout.trim(), '');
});

test.serial('exit codes and errors a student can learn from', async (t) => {
  const three = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']);
  t.is(three.code, 3);
  const missing = await engine.docker(['run', '--rm', 'busybox', 'nosuchcommand']);
  t.is(missing.code, 127);
  t.regex(missing.stderr, /exec: "nosuchcommand": executable file not found in \$PATH/);
  const notExec = await engine.docker(['run', '--rm', 'busybox', '/etc/passwd']);
  t.is(notExec.code, 126);
  t.regex(notExec.stderr, /permission denied/);
  const dup1 = await engine.docker(['create', '--name', 'dup', 'busybox', 'true']);
  t.is(dup1.code, 0);
  const dup2 = await engine.docker(['create', '--name', 'dup', 'busybox', 'true']);
  t.regex(dup2.stderr, /Conflict\. The container name "\/dup" is already in use by container/);
  const bad = await engine.docker(['create', '--name', '-bad', 'busybox', 'true']);
  t.regex(bad.stderr, /Invalid container name \(-bad\)/);
  await engine.docker(['rm', 'dup']);
  const noImage = await engine.docker(['run', '--rm', 'nosuchimage']);
  t.not(noImage.code, 0);
  t.regex(noImage.stderr, /Unable to find image 'nosuchimage:latest' locally/);
});

test.serial('a container process is PID 1 in its own namespaces, a child of the shim, on an overlay root', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'nsx', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const info = await inspect('nsx');
  const pid: number = info.State.Pid;
  t.true(pid > 0);
  for (const ns of ['pid', 'mnt', 'uts', 'ipc', 'net']) {
    t.not(readlinkSync(`/proc/${pid}/ns/${ns}`), readlinkSync(`/proc/self/ns/${ns}`), `${ns} namespace differs from the host's`);
  }
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  t.regex(status, /^NSpid:\s+\d+\s+1$/m, 'PID 1 inside');
  const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)![1]);
  t.regex(readFileSync(`/proc/${ppid}/cmdline`, 'utf8'), /labd-shim/, 'its parent is the shim');
  const hostname = execFileSync('nsenter', ['-t', String(pid), '-u', 'hostname']).toString().trim();
  t.is(hostname, info.Id.slice(0, 12));
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  const line = mountinfo.split('\n').find((l) => l.split(' ')[4] === info.GraphDriver.Data.MergedDir);
  t.truthy(line, 'the root is mounted in the host mount namespace');
  t.regex(line!, / - overlay overlay .*upperdir=/);
  // Changes land in the container's upper dir.
  execFileSync('nsenter', ['-t', String(pid), '-m', 'sh', '-c', 'echo changed > /tmp/new.txt']);
  t.is(readFileSync(`${info.GraphDriver.Data.UpperDir}/tmp/new.txt`, 'utf8'), 'changed\n');
  const diff = await engine.docker(['diff', 'nsx']);
  t.regex(diff.stdout, /^A \/tmp\/new\.txt$/m);
  // Docker's masked paths: /proc/timer_list reads as empty, /sys/firmware is an empty dir, /proc/sys is read-only.
  const inside = (cmd: string) => execFileSync('nsenter', ['-t', String(pid), '-m', 'sh', '-c', cmd]).toString().trim();
  t.not(readFileSync('/proc/timer_list', 'utf8').length, 0);
  t.is(inside('wc -c < /proc/timer_list'), '0');
  t.is(inside('ls /sys/firmware | wc -l'), '0');
  t.regex(inside('grep " /proc/sys " /proc/1/mountinfo'), / ro,/);
  // commit: the upper dir becomes a layer of a new image.
  const commit = await engine.docker(['commit', '--change', 'CMD ["cat", "/tmp/new.txt"]', 'nsx', 'committed:1']);
  t.is(commit.code, 0, commit.stderr);
  t.regex(commit.stdout, /^sha256:[a-f0-9]{64}$/m);
  const fromCommit = await engine.docker(['run', '--rm', 'committed:1']);
  t.is(fromCommit.stdout, 'changed\n', fromCommit.stderr);
  const history = await engine.docker(['history', '--format', '{{.CreatedBy}}', 'committed:1']);
  t.regex(history.stdout.split('\n')[0], /sleep 300/);
  await engine.docker(['rm', '-f', 'nsx']);
});

test.serial('a container keeps running across kill -9 of the daemon, and its exit code is right afterwards', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'trap "exit 42" TERM; echo before; while true; do sleep 0.1; done']);
  t.is(run.code, 0, run.stderr);
  const pid = (await inspect('survivor')).State.Pid;
  const daemon = Number(readFileSync(`${engine.execRoot}.pid`, 'utf8'));
  process.kill(daemon, 'SIGKILL');
  await waitFor(() => gone(daemon), {timeoutMs: 10_000, what: 'the killed daemon to be gone'});
  t.notThrows(() => process.kill(pid, 0), 'the container process is still alive');
  await engine.restart();
  const ps = await engine.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
  t.regex(ps.stdout, /^survivor Up /m);
  const stop = await engine.docker(['stop', 'survivor']);
  t.is(stop.code, 0, stop.stderr);
  const info = await inspect('survivor');
  t.is(info.State.ExitCode, 42);
  t.is((await engine.docker(['logs', 'survivor'])).stdout, 'before\n');
  await engine.docker(['rm', 'survivor']);
});
