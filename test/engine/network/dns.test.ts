/**
 * The embedded DNS server on user-defined networks, through the stock docker CLI and busybox's resolver:
 * resolv.conf names 127.0.0.11; container names, network aliases and replicas sharing an alias (round robin)
 * resolve on the networks the asker is on and nowhere else, over UDP and TCP; other names go to the host's resolvers.
 */
import {execFileSync} from 'node:child_process';
import test from 'ava';
import {networkEngine} from '../../helpers/network-engine.js';
import {isRoot, when} from '../../helpers/needs.js';

const bridge = 'labtest-dn0';
// live-restore: one test restarts the daemon with containers running and asks them to resolve names again.
const {engine, ok, serial} = networkEngine(test, {bridge, bip: '10.229.247.1/24', routePrefix: '10.232.', daemonJson: {'live-restore': true}});

/** The IPv4 addresses busybox's nslookup prints for `name`, in order (the server's own line left out). */
async function resolve(from: string, name: string): Promise<string[] | undefined> {
  const r = await engine.docker(['exec', from, 'nslookup', '-type=a', name]);
  if (r.code !== 0) return undefined;
  const answer = r.stdout.split(/\n\s*\n/).slice(1).join('\n');
  return [...answer.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]);
}

serial('names, aliases and replicas resolve on the network through 127.0.0.11', async (t) => {
  await ok(['network', 'create', '--subnet', '10.232.1.0/24', 'dn-app']);
  await ok(['network', 'create', '--subnet', '10.232.2.0/24', 'dn-other']);
  await ok(['run', '-d', '--name', 'dn-db', '--network', 'dn-app', '--network-alias', 'database', '--ip', '10.232.1.10', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-w1', '--network', 'dn-app', '--network-alias', 'worker', '--ip', '10.232.1.21', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-w2', '--network', 'dn-app', '--network-alias', 'worker', '--ip', '10.232.1.22', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-client', '--network', 'dn-app', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-outsider', '--network', 'dn-other', 'busybox', 'sleep', '600']);

  t.regex(await ok(['exec', 'dn-client', 'cat', '/etc/resolv.conf']), /^nameserver 127\.0\.0\.11$/m);
  t.deepEqual(await resolve('dn-client', 'dn-db'), ['10.232.1.10']);
  t.deepEqual(await resolve('dn-client', 'database'), ['10.232.1.10']);
  t.deepEqual(await resolve('dn-client', 'DN-DB'), ['10.232.1.10'], 'names are matched without regard to case');
  const dbId = (await ok(['inspect', '-f', '{{.Id}}', 'dn-db'])).slice(0, 12);
  t.deepEqual(await resolve('dn-client', dbId), ['10.232.1.10'], 'the short ID is a name too');
  // Every replica, each answer starting one further.
  const first = await resolve('dn-client', 'worker');
  const second = await resolve('dn-client', 'worker');
  t.deepEqual([...(first ?? [])].sort(), ['10.232.1.21', '10.232.1.22']);
  t.deepEqual([...(second ?? [])].sort(), ['10.232.1.21', '10.232.1.22']);
  t.not(first?.[0], second?.[0]);
  // Reached by name, not only resolved.
  t.is((await engine.docker(['exec', 'dn-client', 'ping', '-c', '1', '-W', '2', 'database'])).code, 0);

  // A container on another network does not see these names; after connecting it does.
  t.is(await resolve('dn-outsider', 'dn-db'), undefined);
  await ok(['network', 'connect', '--alias', 'late', 'dn-app', 'dn-outsider']);
  t.deepEqual(await resolve('dn-outsider', 'dn-db'), ['10.232.1.10']);
  t.is((await resolve('dn-client', 'late'))?.length, 1);
  // A stopped container's name no longer resolves.
  await ok(['stop', '-t', '1', 'dn-w2']);
  t.deepEqual(await resolve('dn-client', 'worker'), ['10.232.1.21']);
  await ok(['rm', '-f', 'dn-db', 'dn-w1', 'dn-w2', 'dn-client', 'dn-outsider']);
});

serial('containers on the default bridge keep the host resolvers; inspect shows the DNS names', async (t) => {
  const plain = await ok(['run', '--rm', 'busybox', 'cat', '/etc/resolv.conf']);
  t.notRegex(plain, /127\.0\.0\.11/);
  await ok(['network', 'create', '--subnet', '10.232.3.0/24', 'dn-names']);
  await ok(['run', '-d', '--name', 'dn-n1', '--network', 'dn-names', '--network-alias', 'svc', 'busybox', 'sleep', '600']);
  const ep = JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'dn-n1']))['dn-names'];
  t.deepEqual(ep.Aliases, ['svc']);
  t.true(ep.DNSNames === undefined || (ep.DNSNames.includes('dn-n1') && ep.DNSNames.includes('svc')), JSON.stringify(ep.DNSNames));
  await ok(['rm', '-f', 'dn-n1']);
});

serial('names still resolve after a daemon restart with the containers running', async (t) => {
  await ok(['network', 'create', '--subnet', '10.232.5.0/24', 'dn-restart']);
  await ok(['run', '-d', '--name', 'dn-r1', '--network', 'dn-restart', '--ip', '10.232.5.9', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-r2', '--network', 'dn-restart', 'busybox', 'sleep', '600']);
  t.deepEqual(await resolve('dn-r2', 'dn-r1'), ['10.232.5.9']);
  await engine.restart();
  t.is(await ok(['inspect', '-f', '{{.State.Running}}', 'dn-r2']), 'true');
  t.deepEqual(await resolve('dn-r2', 'dn-r1'), ['10.232.5.9']);
  await ok(['rm', '-f', 'dn-r1', 'dn-r2']);
});

/**
 * One raw query over TCP to 127.0.0.11:53 from inside the container (busybox's printf and nc): the answer's
 * bytes after the TCP length prefix.
 */
async function askOverTcp(from: string, name: string, type: number): Promise<number[]> {
  const octal = (n: number) => `\\${n.toString(8).padStart(3, '0')}`;
  const question = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, name.length, ...Buffer.from(name), 0, 0, type, 0, 1];
  const bytes = [0, question.length, ...question].map(octal).join('');
  const r = await engine.docker(['exec', from, 'sh', '-c', `printf '${bytes}' | nc -w 2 127.0.0.11 53 | od -An -tu1`]);
  if (r.code !== 0) throw new Error(`the TCP query failed: ${r.stderr}`);
  return r.stdout.split(/\s+/).filter(Boolean).map(Number).slice(2);
}

serial('the embedded server answers over TCP too, and AAAA for an IPv4-only name with an empty answer', async (t) => {
  await ok(['network', 'create', '--subnet', '10.232.6.0/24', 'dn-tcp']);
  await ok(['run', '-d', '--name', 'dn-t1', '--network', 'dn-tcp', '--ip', '10.232.6.7', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'dn-t2', '--network', 'dn-tcp', 'busybox', 'sleep', '600']);
  const a = await askOverTcp('dn-t2', 'dn-t1', 1);
  t.deepEqual(a.slice(0, 2), [0x12, 0x34], `the answer carries the query's ID: ${JSON.stringify(a)}`);
  t.is(a[3]! & 0x0f, 0, 'NOERROR');
  t.is(a[7], 1, 'one answer');
  t.deepEqual(a.slice(-4), [10, 232, 6, 7], 'the A record is the container\'s address');
  // dockerd answers AAAA for a name it knows with no IPv6 address: NOERROR and no record, so resolvers use the A.
  const aaaa = await askOverTcp('dn-t2', 'dn-t1', 28);
  t.is(aaaa[3]! & 0x0f, 0, 'NOERROR, not NXDOMAIN');
  t.is(aaaa[7], 0, 'no AAAA record');
  const udp = await engine.docker(['exec', 'dn-t2', 'nslookup', '-type=aaaa', 'dn-t1']);
  t.notRegex(udp.stdout + udp.stderr, /NXDOMAIN/);
  await ok(['rm', '-f', 'dn-t1', 'dn-t2']);
});

let hostAnswer: string | undefined;
try {
  // Synchronously: tests are declared before the file's first await.
  hostAnswer = execFileSync('getent', ['ahostsv4', 'deb.debian.org'], {encoding: 'utf8', timeout: 5000}).split(/\s/)[0] || undefined;
} catch {
  hostAnswer = undefined;
}

when({'needs root': isRoot, 'needs the host to resolve deb.debian.org': hostAnswer !== undefined}, test.serial)('other names are forwarded to the host resolvers', async (t) => {
  await ok(['network', 'create', '--subnet', '10.232.4.0/24', 'dn-fwd']);
  await ok(['run', '-d', '--name', 'dn-f1', '--network', 'dn-fwd', 'busybox', 'sleep', '600']);
  const got = await resolve('dn-f1', 'deb.debian.org');
  t.truthy(got && got.length > 0, 'deb.debian.org resolves in the container');
  await ok(['rm', '-f', 'dn-f1']);
});
