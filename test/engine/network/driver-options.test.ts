/**
 * Bridge driver options of `docker network create -o`, through the stock docker CLI: the MTU reaches the bridge
 * and both ends of every container's interface; enable_icc=false keeps the network's containers from reaching
 * each other while the host side (the gateway) still answers; wrong values are refused naming the option.
 */
import {readFileSync} from 'node:fs';
import test from 'ava';
import {networkEngine} from '../../helpers/network-engine.js';

const {engine, ok, serial} = networkEngine(test, {bridge: 'labtest-do0', bip: '10.229.243.1/24', routePrefix: '10.237.'});

const ping = async (from: string, to: string) => (await engine.docker(['exec', from, 'ping', '-c', '1', '-W', '2', to])).code;

serial('the MTU option reaches the bridge and both ends of each container interface', async (t) => {
  await ok(['network', 'create', '--subnet', '10.237.1.0/24', '-o', 'com.docker.network.bridge.name=labtest-do1', '-o', 'com.docker.network.driver.mtu=1400', 'do-mtu']);
  await ok(['run', '-d', '--name', 'do-m1', '--network', 'do-mtu', 'busybox', 'sleep', '600']);
  t.is(await ok(['exec', 'do-m1', 'cat', '/sys/class/net/eth0/mtu']), '1400');
  t.is(readFileSync('/sys/class/net/labtest-do1/mtu', 'utf8').trim(), '1400');
  const options = JSON.parse(await ok(['network', 'inspect', '-f', '{{json .Options}}', 'do-mtu']));
  t.deepEqual(options, {'com.docker.network.bridge.name': 'labtest-do1', 'com.docker.network.driver.mtu': '1400'}, 'the options are shown as sent');
  // A network without the option keeps the default MTU.
  await ok(['network', 'create', '--subnet', '10.237.2.0/24', 'do-plain']);
  await ok(['run', '-d', '--name', 'do-p1', '--network', 'do-plain', 'busybox', 'sleep', '600']);
  t.is(await ok(['exec', 'do-p1', 'cat', '/sys/class/net/eth0/mtu']), '1500');
  await ok(['rm', '-f', 'do-m1', 'do-p1']);
  await ok(['network', 'rm', 'do-mtu', 'do-plain']);
});

serial('enable_icc=false keeps containers apart; the gateway and other networks are unaffected', async (t) => {
  await ok(['network', 'create', '--subnet', '10.237.3.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', 'do-apart']);
  await ok(['network', 'create', '--subnet', '10.237.4.0/24', 'do-together']);
  for (const name of ['do-a1', 'do-a2']) await ok(['run', '-d', '--name', name, '--network', 'do-apart', 'busybox', 'sleep', '600']);
  for (const name of ['do-t1', 'do-t2']) await ok(['run', '-d', '--name', name, '--network', 'do-together', 'busybox', 'sleep', '600']);
  const a2 = await ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "do-apart").IPAddress}}', 'do-a2']);
  const t2 = await ok(['inspect', '-f', '{{(index .NetworkSettings.Networks "do-together").IPAddress}}', 'do-t2']);
  t.is(await ping('do-t1', t2), 0, 'containers on a network with the default options reach each other');
  t.not(await ping('do-a1', a2), 0, 'enable_icc=false: no container reaches another');
  t.is(await ping('do-a1', '10.237.3.1'), 0, 'the gateway (the host) still answers');
  // A container connected later is kept apart as well.
  await ok(['run', '-d', '--name', 'do-a3', 'busybox', 'sleep', '600']);
  await ok(['network', 'connect', 'do-apart', 'do-a3']);
  t.not(await ping('do-a3', a2), 0);
  await ok(['rm', '-f', 'do-a1', 'do-a2', 'do-a3', 'do-t1', 'do-t2']);
  await ok(['network', 'rm', 'do-apart', 'do-together']);
});

serial('option values that cannot be applied are refused, naming the option', async (t) => {
  const mtu = await engine.docker(['network', 'create', '-o', 'com.docker.network.driver.mtu=big', 'do-bad']);
  t.not(mtu.code, 0);
  t.regex(mtu.stderr, /invalid value "big" for option com\.docker\.network\.driver\.mtu: expected an MTU/);
  const icc = await engine.docker(['network', 'create', '-o', 'com.docker.network.bridge.enable_icc=maybe', 'do-bad']);
  t.regex(icc.stderr, /invalid value "maybe" for option com\.docker\.network\.bridge\.enable_icc: expected true or false/);
  t.is((await engine.docker(['network', 'inspect', 'do-bad'])).code, 1, 'no network was made');
});
