/**
 * Reading cgroup files without a container: v1 controller mounts from mountinfo, and the v2 layout (the lab
 * VM's) for OOM counts and stats, from a fake cgroup dir, since this host runs v1 controllers.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir, totalmem} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {sampleStats, systemCpuUsage} from '../../../src/engine/containers/stats.js';
import type {ContainerRecord} from '../../../src/engine/model/container.js';
import {initialState} from '../../../src/engine/containers/record.js';
import {oomKillCount, v1Mounts, type ContainerCgroup} from '../../../src/engine/runtime/cgroups.js';

test('v1 controllers come from mountinfo, co-mounted ones sharing a dir', (t) => {
  const mountinfo = [
    '30 25 0:26 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory',
    '31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct',
    '32 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
  ].join('\n');
  const mounts = v1Mounts(mountinfo);
  t.is(mounts.get('memory'), '/sys/fs/cgroup/memory');
  t.is(mounts.get('cpu'), '/sys/fs/cgroup/cpu,cpuacct');
  t.is(mounts.get('cpuacct'), '/sys/fs/cgroup/cpu,cpuacct');
  t.false(mounts.has('pids'));
});

test('system CPU time: user through softirq, in nanoseconds', (t) => {
  t.is(systemCpuUsage('cpu  100 0 50 1000 10 0 5 99 0 0\ncpu0 1 2 3\n'), (100 + 50 + 1000 + 10 + 5) * 1e7);
});

test('cgroup v2: oom_kill from memory.events, and a stats sample from memory.current, cpu.stat, pids', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg2-'));
  try {
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n');
    writeFileSync(join(dir, 'memory.current'), '1048576\n');
    writeFileSync(join(dir, 'memory.max'), 'max\n');
    writeFileSync(join(dir, 'memory.stat'), 'anon 700000\nfile 300000\ninactive_file 4096\n');
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 3\nnr_throttled 1\nthrottled_usec 40\n');
    writeFileSync(join(dir, 'pids.current'), '3\n');
    writeFileSync(join(dir, 'pids.max'), '10\n');
    writeFileSync(join(dir, 'io.stat'), '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n');
    const cg: ContainerCgroup = {version: 2, dir: () => dir};
    t.is(oomKillCount(cg), 1);
    const record = {ID: 'x'.repeat(64), Name: '/v2', State: {...initialState(), Running: true, Pid: 0}} as unknown as ContainerRecord;
    const s = sampleStats(record, undefined, cg);
    t.is(s.memory_stats.usage, 1048576);
    t.is(s.memory_stats.limit, totalmem(), 'no limit: the host memory');
    t.is(s.memory_stats.stats?.inactive_file, 4096);
    t.is(s.cpu_stats.cpu_usage.total_usage, 2_000_000);
    t.deepEqual(s.cpu_stats.throttling_data, {periods: 3, throttled_periods: 1, throttled_time: 40_000});
    t.deepEqual(s.pids_stats, {current: 3, limit: 10});
    t.deepEqual(s.blkio_stats.io_service_bytes_recursive, [{major: 8, minor: 0, op: 'read', value: 4096}, {major: 8, minor: 0, op: 'write', value: 8192}]);
    t.true((s.cpu_stats.system_cpu_usage ?? 0) > 0);
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
});
