/** Resource limits, privileges, OOM and stats through the stock docker CLI. */
import {readFileSync} from 'node:fs';
import test from 'ava';
import {containerCgroup, readNumber} from '../../../src/engine/runtime/cgroups.js';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

let engine: TestEngine;
test.before(async () => {
  engine = await startTestEngine();
  const load = await engine.docker(['load', '-i', (await busyboxArchive('docker')).path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.docker(['rm', '-f', 'oom', 'limited', 'watched']);
  await engine?.stop();
});

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];

test.serial('--memory 32m and a process that keeps allocating: OOM-killed, exit 137, State.OOMKilled, an oom event', async (t) => {
  const since = Math.floor(Date.now() / 1000);
  // busybox tail buffers a "line" that never ends: it holds all it reads.
  const run = await engine.docker(['run', '--name', 'oom', '--memory', '32m', 'busybox', 'tail', '/dev/zero']);
  t.is(run.code, 137, run.stderr);
  const state = (await inspect('oom')).State;
  t.true(state.OOMKilled);
  t.is(state.ExitCode, 137);
  const events = await engine.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=oom', '--format', '{{.Action}}']);
  t.deepEqual(events.stdout.split('\n').filter((a) => a === 'oom' || a.startsWith('die')), ['oom', 'die']);
  // A normal exit afterwards resets the flag.
  t.is((await engine.docker(['start', '-a', 'oom'])).code, 137);
  await engine.docker(['rm', 'oom']);
  const fine = await engine.docker(['run', '--name', 'oom', '--memory', '32m', 'busybox', 'true']);
  t.is(fine.code, 0);
  t.false((await inspect('oom')).State.OOMKilled);
  await engine.docker(['rm', 'oom']);
});

test.serial('limits reach the cgroup: memory (+ the same again as swap), --cpus, --cpu-shares, --pids-limit; --ulimit reaches the process', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'limited', '--memory', '64m', '--cpus', '0.5', '--cpu-shares', '512', '--pids-limit', '20', '--ulimit', 'nofile=100:200', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const cg = containerCgroup(run.stdout.trim());
  if (cg.version === 1) {
    t.is(readNumber(cg.dir('memory'), 'memory.limit_in_bytes'), 64 * 1024 * 1024);
    const memsw = readNumber(cg.dir('memory'), 'memory.memsw.limit_in_bytes');
    if (memsw !== undefined) t.is(memsw, 128 * 1024 * 1024);
    t.is(readNumber(cg.dir('cpu'), 'cpu.cfs_quota_us'), 50_000);
    t.is(readNumber(cg.dir('cpu'), 'cpu.cfs_period_us'), 100_000);
    t.is(readNumber(cg.dir('cpu'), 'cpu.shares'), 512);
  } else {
    t.is(readNumber(cg.dir('memory'), 'memory.max'), 64 * 1024 * 1024);
    t.is(readFileSync(`${cg.dir('cpu')}/cpu.max`, 'utf8').trim(), '50000 100000');
  }
  t.is(readNumber(cg.dir('pids'), 'pids.max'), 20);
  const pid = (await inspect('limited')).State.Pid;
  t.regex(readFileSync(`/proc/${pid}/limits`, 'utf8'), /^Max open files\s+100\s+200\s/m);
  await engine.docker(['rm', '-f', 'limited']);
});

test.serial('--pids-limit 10 stops a fork loop', async (t) => {
  const script = 'for i in $(seq 1 30); do sleep 30 & done; echo survived';
  const limited = await engine.docker(['run', '--rm', '--pids-limit', '10', 'busybox', 'sh', '-c', script]);
  t.not(limited.code, 0);
  t.regex(limited.stderr, /can't fork/);
  t.notRegex(limited.stdout, /survived/);
  const free = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', script]);
  t.regex(free.stdout, /survived/, free.stderr);
});

test.serial('capabilities: --cap-drop ALL makes chown fail; --cap-add after ALL gives back one; unknown names are refused', async (t) => {
  const chown = 'touch /tmp/f && chown 1000 /tmp/f';
  t.is((await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', chown])).code, 0);
  const dropped = await engine.docker(['run', '--rm', '--cap-drop', 'ALL', 'busybox', 'sh', '-c', chown]);
  t.not(dropped.code, 0);
  t.regex(dropped.stderr, /Operation not permitted/);
  const back = await engine.docker(['run', '--rm', '--cap-drop', 'ALL', '--cap-add', 'CHOWN', 'busybox', 'grep', 'CapEff', '/proc/self/status']);
  t.regex(back.stdout, /CapEff:\s+0+1$/m, 'only CAP_CHOWN (bit 0)');
  const unknown = await engine.docker(['run', '--rm', '--cap-add', 'NOT_A_CAP', 'busybox', 'true']);
  t.regex(unknown.stderr, /invalid CapAdd: unknown capability: "CAP_NOT_A_CAP"/);
});

test.serial('--read-only, --hostname, -u uid:gid', async (t) => {
  const ro = await engine.docker(['run', '--rm', '--read-only', 'busybox', 'touch', '/file']);
  t.not(ro.code, 0);
  t.regex(ro.stderr, /Read-only file system/);
  t.is((await engine.docker(['run', '--rm', '--read-only', '--tmpfs', '/tmp', 'busybox', 'touch', '/tmp/ok'])).code, 0, 'a tmpfs stays writable');
  t.is((await engine.docker(['run', '--rm', '--hostname', 'foo', 'busybox', 'hostname'])).stdout, 'foo\n');
  const id = await engine.docker(['run', '--rm', '-u', '1000:1000', 'busybox', 'id']);
  t.regex(id.stdout, /^uid=1000 gid=1000/, id.stderr);
});

test.serial('--privileged: every capability the engine holds, writable /sys, the host devices', async (t) => {
  const probe = 'grep " /sys " /proc/mounts; grep CapEff /proc/self/status; ls /dev | wc -l';
  const priv = await engine.docker(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', probe]);
  const plain = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', probe]);
  t.is(priv.code, 0, priv.stderr);
  t.regex(priv.stdout, /^sysfs \/sys sysfs rw,/m);
  t.regex(plain.stdout, /^sysfs \/sys sysfs ro,/m);
  const hostBounding = /^CapBnd:\s+(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  t.is(/CapEff:\s+(\w+)/.exec(priv.stdout)![1], hostBounding);
  const devices = (out: string) => Number(out.trim().split('\n').at(-1));
  t.true(devices(priv.stdout) > devices(plain.stdout) + 10, 'the host devices are there');
});

test.serial('limits Docker refuses at create, with its messages', async (t) => {
  t.regex((await engine.docker(['create', '--memory', '4m', 'busybox'])).stderr, /Minimum memory limit allowed is 6MB/);
  t.regex((await engine.docker(['create', '--cpus', '64', 'busybox'])).stderr, /Range of CPUs is from 0\.01 to \d+\.00, as there are only \d+ CPUs available/);
  t.regex((await engine.docker(['create', '--memory', '64m', '--memory-swap', '32m', 'busybox'])).stderr, /Minimum memoryswap limit should be larger than memory limit/);
});

test.serial('docker stats --no-stream: the container with memory usage > 0 and its limit', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'watched', '--memory', '64m', 'busybox', 'sleep', '300']);
  t.is(run.code, 0, run.stderr);
  const table = await engine.docker(['stats', '--no-stream']);
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS/);
  t.regex(table.stdout, /\swatched\s/);
  const row = await engine.docker(['stats', '--no-stream', '--format', '{{.MemUsage}}|{{.PIDs}}|{{.CPUPerc}}', 'watched']);
  const [usage, pids, cpu] = row.stdout.trim().split('|');
  const [used, limit] = usage.split(' / ');
  t.regex(used, /^[\d.]+(B|KiB|MiB)$/);
  t.not(used, '0B');
  t.is(limit, '64MiB');
  t.is(pids, '1');
  t.regex(cpu, /^\d+\.\d\d%$/);
  await engine.docker(['rm', '-f', 'watched']);
});
