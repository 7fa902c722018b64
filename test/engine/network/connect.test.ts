/**
 * `docker network connect | disconnect` on stopped and running containers, through the stock docker CLI:
 * endpoint settings kept as sent, a new interface with its address in a running container's netns (and gone
 * again on disconnect), /etc/hosts rewritten, and dockerd's refusals in its words.
 *
 * The engine has its own bridge and subnet (daemon.json), and the user networks here take fixed subnets in
 * 10.231.0.0/16, so nothing meets the engines other test files start.
 */
import test from 'ava';
import {networkEngine} from '../../helpers/network-engine.js';

const bridge = 'labtest-cn0';
const {engine, ok, serial} = networkEngine(test, {bridge, bip: '10.229.246.1/24', routePrefix: '10.231.'});
const networks = async (name: string) => JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', name]));

serial('a stopped container keeps what connect sent, and gets it at start', async (t) => {
  await ok(['network', 'create', '--subnet', '10.231.1.0/24', 'cn-a']);
  await ok(['create', '--name', 'cn-s1', 'busybox', 'sleep', '600']);
  await ok(['network', 'connect', '--alias', 'db', '--ip', '10.231.1.30', '--driver-opt', 'x=y', 'cn-a', 'cn-s1']);
  const before = await networks('cn-s1');
  t.deepEqual(Object.keys(before).sort(), ['bridge', 'cn-a']);
  t.deepEqual(before['cn-a'].IPAMConfig, {IPv4Address: '10.231.1.30'});
  t.deepEqual(before['cn-a'].Aliases, ['db']);
  t.deepEqual(before['cn-a'].DriverOpts, {x: 'y'});
  t.is(before['cn-a'].IPAddress, '');

  await ok(['start', 'cn-s1']);
  const after = await networks('cn-s1');
  t.is(after['cn-a'].IPAddress, '10.231.1.30');
  t.deepEqual(after['cn-a'].Aliases, ['db']);
  t.regex(after.bridge.IPAddress, /^10\.229\.246\./);
  const addrs = await ok(['exec', 'cn-s1', 'ip', '-4', '-o', 'addr']);
  t.regex(addrs, /eth0\s+inet 10\.229\.246\.\d+\/24/);
  t.regex(addrs, /eth1\s+inet 10\.231\.1\.30\/24/);
  t.regex(await ok(['exec', 'cn-s1', 'cat', '/etc/hosts']), /10\.231\.1\.30\t/);
  await ok(['rm', '-f', 'cn-s1']);
});

serial('a running container gets a new interface on connect and loses it on disconnect', async (t) => {
  await ok(['network', 'create', '--subnet', '10.231.2.0/24', 'cn-b']);
  await ok(['run', '-d', '--name', 'cn-r1', 'busybox', 'sleep', '600']);
  await ok(['network', 'connect', '--ip', '10.231.2.44', '--alias', 'web', 'cn-b', 'cn-r1']);
  t.regex(await ok(['exec', 'cn-r1', 'ip', '-4', '-o', 'addr']), /eth1\s+inet 10\.231\.2\.44\/24/);
  t.regex(await ok(['exec', 'cn-r1', 'cat', '/etc/hosts']), /10\.231\.2\.44\t/);
  const view = JSON.parse(await ok(['network', 'inspect', 'cn-b']))[0];
  t.is(Object.values<{IPv4Address: string}>(view.Containers)[0]?.IPv4Address, '10.231.2.44/24');
  // Another container on the network reaches it through the new interface.
  await ok(['run', '-d', '--name', 'cn-r2', '--network', 'cn-b', 'busybox', 'sleep', '600']);
  t.is((await engine.docker(['exec', 'cn-r2', 'ping', '-c', '1', '-W', '2', '10.231.2.44'])).code, 0);

  const again = await engine.docker(['network', 'connect', 'cn-b', 'cn-r1']);
  t.is(again.code, 1);
  t.regex(again.stderr, /endpoint with name cn-r1 already exists in network cn-b/);

  await ok(['network', 'disconnect', 'cn-b', 'cn-r1']);
  t.notRegex(await ok(['exec', 'cn-r1', 'ip', '-4', '-o', 'addr']), /10\.231\.2\./);
  t.notRegex(await ok(['exec', 'cn-r1', 'cat', '/etc/hosts']), /10\.231\.2\.44/);
  t.deepEqual(Object.keys(await networks('cn-r1')), ['bridge']);
  const twice = await engine.docker(['network', 'disconnect', 'cn-b', 'cn-r1']);
  t.is(twice.code, 1);
  t.regex(twice.stderr, /container [0-9a-f]{64} is not connected to network cn-b/);
  // The address is free again.
  await ok(['network', 'connect', '--ip', '10.231.2.44', 'cn-b', 'cn-r1']);
  await ok(['rm', '-f', 'cn-r1', 'cn-r2']);
});

serial('connect refuses what dockerd refuses, in its words', async (t) => {
  await ok(['network', 'create', 'cn-auto']);
  await ok(['network', 'create', '--subnet', '10.231.3.0/24', 'cn-c']);
  await ok(['run', '-d', '--name', 'cn-e1', '--network', 'cn-c', '--ip', '10.231.3.7', 'busybox', 'sleep', '600']);
  const cases: Array<[string[], RegExp]> = [
    [['network', 'connect', 'host', 'cn-e1'], /container cannot be disconnected from host network or connected to host network/],
    [['network', 'connect', '--ip', '10.231.3.8', 'bridge', 'cn-e1'], /user specified IP address is supported on user defined networks only/],
    [['network', 'connect', '--ip', '10.231.3.8', 'cn-auto', 'cn-e1'], /user specified IP address is supported only when connecting to networks with user configured subnets/],
    [['network', 'connect', 'cn-c', 'nope-container'], /No such container: nope-container/],
    [['network', 'disconnect', 'cn-auto', 'cn-e1'], /is not connected to network cn-auto/],
  ];
  for (const [args, words] of cases) {
    const r = await engine.docker(args);
    t.is(r.code, 1, args.join(' '));
    t.regex(r.stderr, words, args.join(' '));
  }
  const taken = await engine.docker(['run', '-d', '--name', 'cn-e2', '--network', 'cn-c', '--ip', '10.231.3.7', 'busybox', 'sleep', '600']);
  t.regex(taken.stderr, /Address already in use/);
  const outside = await engine.docker(['run', '-d', '--name', 'cn-e3', '--network', 'cn-c', '--ip', '10.98.0.20', 'busybox', 'sleep', '600']);
  t.regex(outside.stderr, /Invalid address 10\.98\.0\.20: It does not belong to any of this network's subnets/);
  const alias = await engine.docker(['run', '-d', '--name', 'cn-e4', '--network-alias', 'x', 'busybox', 'sleep', '600']);
  t.not(alias.code, 0);
  t.regex(alias.stderr, /network-scoped alias/);
  // The requested address is the one the container has: never silently replaced.
  t.is(JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'cn-e1']))['cn-c'].IPAddress, '10.231.3.7');
  await engine.docker(['rm', '-f', 'cn-e1', 'cn-e2', 'cn-e3', 'cn-e4']);
});

serial('a stopped container leaves a network quietly; disconnect --force of a container the engine never had is refused', async (t) => {
  await ok(['network', 'create', '--subnet', '10.231.4.0/24', 'cn-d']);
  await ok(['create', '--name', 'cn-f1', '--network', 'cn-d', 'busybox', 'sleep', '600']);
  await ok(['network', 'connect', 'bridge', 'cn-f1']);
  await ok(['network', 'disconnect', 'cn-d', 'cn-f1']);
  t.deepEqual(Object.keys(await networks('cn-f1')), ['bridge']);
  const notThere = await engine.docker(['network', 'disconnect', 'cn-d', 'cn-f1']);
  t.regex(notThere.stderr, /container [0-9a-f]{64} is not connected to the network cn-d/);
  const gone = await engine.docker(['network', 'disconnect', '--force', 'cn-d', 'no-such-container']);
  t.regex(gone.stderr, /endpoint no-such-container not found/);
  await ok(['rm', '-f', 'cn-f1']);
  await ok(['network', 'rm', 'cn-d']);
});

serial('a container created on two networks with its own MAC address has both, as sent', async (t) => {
  await ok(['network', 'create', '--subnet', '10.231.5.0/24', 'cn-m1']);
  await ok(['network', 'create', '--subnet', '10.231.6.0/24', 'cn-m2']);
  await ok(['run', '-d', '--name', 'cn-mac', '--network', 'name=cn-m1,mac-address=02:42:0a:e7:05:aa,alias=first', '--network', 'cn-m2', 'busybox', 'sleep', '600']);
  const nets = await networks('cn-mac');
  t.deepEqual(Object.keys(nets).sort(), ['cn-m1', 'cn-m2']);
  t.is(nets['cn-m1'].MacAddress, '02:42:0a:e7:05:aa');
  t.deepEqual(nets['cn-m1'].Aliases, ['first']);
  t.regex(nets['cn-m2'].IPAddress, /^10\.231\.6\./);
  const links = await ok(['exec', 'cn-mac', 'ip', '-o', 'link']);
  t.regex(links, /link\/ether 02:42:0a:e7:05:aa/);
  t.regex(await ok(['exec', 'cn-mac', 'ip', '-4', '-o', 'addr']), /inet 10\.231\.6\.\d+\/24/);
  await ok(['rm', '-f', 'cn-mac']);
});
