/**
 * daemon.json "default-address-pools", as dockerd reads it: the default bridge (no bip set) and every network made
 * without a --subnet take the next free subnet of the pools' size, skipping what the host already routes; `docker
 * info` lists the pools; a pool that cannot be used stops the engine at start-up with the key named.
 */
import {execFileSync} from 'node:child_process';
import test from 'ava';
import {startTestEngine} from '../../helpers/engine.js';
import {isRoot, when} from '../../helpers/needs.js';
import {networkEngine} from '../../helpers/network-engine.js';

const bridge = 'labtest-ap0';
const pools = [{base: '10.226.0.0/23', size: 24}, {base: '10.226.8.0/22', size: 26}];
const {ok, serial} = networkEngine(test, {bridge, routePrefix: '10.226.', daemonJson: {'default-address-pools': pools}});

const subnetOf = async (network: string) => ok(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}', network]);

serial('the default bridge and networks without --subnet are cut from the pools, in order, around the host\'s routes', async (t) => {
  t.is(await subnetOf('bridge'), '10.226.0.0/24 10.226.0.1');
  t.regex(execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', bridge], {encoding: 'utf8'}), /inet 10\.226\.0\.1\/24/);
  await ok(['network', 'create', 'pool-a']);
  t.is(await subnetOf('pool-a'), '10.226.1.0/24 10.226.1.1');
  // The first pool is used up: the second one's /26s follow, except one the host routes already.
  execFileSync('ip', ['link', 'add', 'labtest-ap9', 'type', 'bridge']);
  t.teardown(() => execFileSync('ip', ['link', 'del', 'labtest-ap9']));
  execFileSync('ip', ['addr', 'add', '10.226.8.1/26', 'dev', 'labtest-ap9']);
  execFileSync('ip', ['link', 'set', 'labtest-ap9', 'up']);
  await ok(['network', 'create', 'pool-b']);
  t.is(await subnetOf('pool-b'), '10.226.8.64/26 10.226.8.65');
  const run = await ok(['run', '--rm', '--network', 'pool-b', 'busybox', 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
  t.regex(run, /inet 10\.226\.8\.66\/26/);
  // docker info shows the pools as dockerd does.
  t.is(await ok(['info', '--format', '{{json .DefaultAddressPools}}']), JSON.stringify(pools.map((p) => ({Base: p.base, Size: p.size}))));
  // A subnet asked for outside the pools is still the user's to choose.
  await ok(['network', 'create', '--subnet', '10.226.20.0/24', 'pool-c']);
  t.is(await subnetOf('pool-c'), '10.226.20.0/24', 'as dockerd, only what was asked for');
  for (const n of ['pool-a', 'pool-b', 'pool-c']) await ok(['network', 'rm', n]);
});

serial('pools used up: one clear error naming the pools', async (t) => {
  const made: string[] = [];
  t.teardown(async () => {
    if (made.length > 0) await ok(['network', 'rm', ...made]);
  });
  // 10.226.0.0/23 holds the bridge and one /24; 10.226.8.0/22 holds 16 /26s.
  let error = '';
  for (let i = 0; i < 20 && !error; i++) {
    try {
      await ok(['network', 'create', `pool-full-${i}`]);
      made.push(`pool-full-${i}`);
    } catch (e) {
      error = (e as Error).message;
    }
  }
  t.true(made.length >= 14 && made.length <= 17, `networks made before the pools ran out: ${made.length}`);
  t.regex(error, /could not find an available, non-overlapping IPv4 address pool.*default-address-pools.*10\.226\.0\.0\/23 in \/24s, 10\.226\.8\.0\/22 in \/26s/s);
});

when({'needs root': isRoot}, test)('a wrong pool stops the engine at start-up, naming the key', async (t) => {
  for (const [pool, words] of [
    [{base: '10.226.0.0/33', size: 24}, /key "default-address-pools\[0\]": base "10\.226\.0\.0\/33" is not an IPv4 CIDR/],
    [{base: '10.226.0.0/16', size: 8}, /key "default-address-pools\[0\]": size 8 is larger than the pool 10\.226\.0\.0\/16 itself/],
    [{base: '10.226.3.0/16', size: 24}, /key "default-address-pools\[0\]": base "10\.226\.3\.0\/16" has host bits set \(the network is 10\.226\.0\.0\/16\)/],
    [{base: '10.226.0.0/16'}, /default-address-pools/],
  ] as const) {
    const error = await t.throwsAsync(startTestEngine({daemonJson: {'default-address-pools': [pool]}}));
    const text = error?.message ?? '';
    t.regex((JSON.parse(text.slice(text.indexOf('{'))) as {error: {message: string}}).error.message, words);
  }
});
