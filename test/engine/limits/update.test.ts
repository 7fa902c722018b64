/**
 * `docker update` through the stock docker CLI: new memory, CPU and process limits reach a running container's
 * cgroup at once (read from the kernel's files), stay in inspect, apply to a stopped container's next start,
 * and wrong combinations get Docker's messages.
 */
import test from 'ava';
import {containerCgroup, readNumber} from '../../../src/engine/runtime/cgroups.js';
import {busyboxEngine} from '../../helpers/busybox-engine.js';

const engine = busyboxEngine(test);

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];

/** The limits the kernel enforces for the container now. */
async function kernelLimits(name: string): Promise<{memory?: number; quota?: number; period?: number; pids?: number}> {
  const info = await inspect(name);
  const cg = containerCgroup(info.Id);
  if (cg.version === 2) {
    const [quota, period] = (await import('node:fs')).readFileSync(`${cg.dir('cpu')}/cpu.max`, 'utf8').trim().split(' ');
    return {memory: readNumber(cg.dir('memory'), 'memory.max'), quota: quota === 'max' ? undefined : Number(quota), period: Number(period), pids: readNumber(cg.dir('pids'), 'pids.max')};
  }
  const quota = readNumber(cg.dir('cpu'), 'cpu.cfs_quota_us');
  return {memory: readNumber(cg.dir('memory'), 'memory.limit_in_bytes'), quota: quota !== undefined && quota > 0 ? quota : undefined, period: readNumber(cg.dir('cpu'), 'cpu.cfs_period_us'), pids: readNumber(cg.dir('pids'), 'pids.max')};
}

test.serial('a running container gets its new limits at once; inspect shows them', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'limited', '--memory', '32m', '--pids-limit', '10', 'busybox', 'sleep', '600']);
  t.is(run.code, 0, run.stderr);
  t.like(await kernelLimits('limited'), {memory: 32 * 1024 * 1024, pids: 10, quota: undefined});
  const update = await engine.docker(['update', '--memory', '64m', '--memory-swap', '128m', '--cpus', '0.5', '--pids-limit', '20', 'limited']);
  t.is(update.code, 0, update.stderr);
  t.is(update.stdout.trim(), 'limited');
  t.like(await kernelLimits('limited'), {memory: 64 * 1024 * 1024, quota: 50_000, period: 100_000, pids: 20});
  t.like((await inspect('limited')).HostConfig, {Memory: 64 * 1024 * 1024, MemorySwap: 128 * 1024 * 1024, NanoCpus: 5e8, PidsLimit: 20});
  const unlimited = await engine.docker(['update', '--pids-limit', '-1', 'limited']);
  t.is(unlimited.code, 0, unlimited.stderr);
  t.is((await kernelLimits('limited')).pids, undefined, 'pids.max is "max" again');
});

test.serial('a stopped container keeps the update for its next start', async (t) => {
  t.is((await engine.docker(['create', '--name', 'later', 'busybox', 'sleep', '600'])).code, 0);
  // As on dockerd, a container made without limits keeps a swap limit of 0: a memory limit alone is refused.
  const alone = await engine.docker(['update', '--memory', '48m', 'later']);
  t.regex(alone.stderr, /Cannot update container [0-9a-f]{64}: Memory limit should be smaller than already set memoryswap limit/);
  const update = await engine.docker(['update', '--memory', '48m', '--memory-swap', '-1', 'later']);
  t.is(update.code, 0, update.stderr);
  t.is((await engine.docker(['start', 'later'])).code, 0);
  t.is((await kernelLimits('later')).memory, 48 * 1024 * 1024);
});

test.serial('wrong limits get Docker\'s messages and change nothing', async (t) => {
  const small = await engine.docker(['update', '--memory', '4m', 'limited']);
  t.not(small.code, 0);
  t.regex(small.stderr, /Minimum memory limit allowed is 6MB/);
  const aboveSwap = await engine.docker(['update', '--memory', '256m', 'limited']);
  t.regex(aboveSwap.stderr, /Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
  const both = await engine.docker(['update', '--cpus', '1', '--cpu-quota', '50000', 'limited']);
  t.regex(both.stderr, /Conflicting options: Nano CPUs and CPU Quota cannot both be set/);
  t.is((await kernelLimits('limited')).memory, 64 * 1024 * 1024, 'the refused updates left the cgroup as it was');
  const missing = await engine.docker(['update', '--memory', '64m', 'nosuch']);
  t.regex(missing.stderr, /No such container: nosuch/);
});
