/**
 * Legacy links through the stock docker CLI: `--link other:alias` gives /etc/hosts entries and the link
 * variables dockerd sets, HostConfig.Links in dockerd's stored form, `docker rm --link` removing one, a link on a
 * user network answered by the embedded DNS server, and dockerd's refusals in its words.
 */
import test from 'ava';
import {networkEngine} from '../../helpers/network-engine.js';

const bridge = 'labtest-lk0';
const {engine, ok, serial} = networkEngine(test, {bridge, bip: '10.229.249.1/24'});

serial('--link gives /etc/hosts entries and the link variables; rm --link removes it', async (t) => {
  await ok(['run', '-d', '--name', 'lk-db', '--hostname', 'dbhost', '-e', 'SECRET=s3=x', '--expose', '5432', '--expose', '53/udp', 'busybox', 'sleep', '600']);
  const dbIp = await ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'lk-db']);
  await ok(['run', '-d', '--name', 'lk-app', '--link', 'lk-db:db', 'busybox', 'sleep', '600']);
  t.deepEqual(JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk-app'])), ['/lk-db:/lk-app/db']);
  const hosts = await ok(['exec', 'lk-app', 'cat', '/etc/hosts']);
  t.regex(hosts, new RegExp(`^${dbIp.replaceAll('.', '\\.')}\\tdb dbhost lk-db$`, 'm'));
  t.is((await engine.docker(['exec', 'lk-app', 'ping', '-c', '1', '-W', '2', 'db'])).code, 0);
  const env = (await ok(['exec', 'lk-app', 'env'])).split('\n').filter((l) => l.startsWith('DB_')).sort();
  t.deepEqual(env, [
    'DB_ENV_SECRET=s3=x',
    'DB_NAME=/lk-app/db',
    // The lowest port, tcp first among equals, as dockerd picks it.
    `DB_PORT=udp://${dbIp}:53`,
    `DB_PORT_53_UDP=udp://${dbIp}:53`,
    `DB_PORT_53_UDP_ADDR=${dbIp}`,
    'DB_PORT_53_UDP_PORT=53',
    'DB_PORT_53_UDP_PROTO=udp',
    `DB_PORT_5432_TCP=tcp://${dbIp}:5432`,
    `DB_PORT_5432_TCP_ADDR=${dbIp}`,
    'DB_PORT_5432_TCP_PORT=5432',
    'DB_PORT_5432_TCP_PROTO=tcp',
  ]);

  t.is(await ok(['rm', '--link', '/lk-app/db']), '/lk-app/db');
  t.is(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'lk-app']), 'null');
  const unknown = await engine.docker(['rm', '--link', '/lk-app/zz']);
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /No such container: lk-app\/zz/);
  t.is(await ok(['inspect', '-f', '{{.State.Running}}', 'lk-db']), 'true', 'removing a link leaves both containers');
  await ok(['rm', '-f', 'lk-app', 'lk-db']);
});

serial('links to a missing or stopped container are refused in dockerd\'s words', async (t) => {
  const missing = await engine.docker(['create', '--name', 'lk-x', '--link', 'lk-nope:n', 'busybox', 'true']);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /could not get container for lk-nope/);
  await ok(['create', '--name', 'lk-stopped', 'busybox', 'true']);
  await ok(['create', '--name', 'lk-y', '--link', 'lk-stopped:s', 'busybox', 'true']);
  const start = await engine.docker(['start', 'lk-y']);
  t.not(start.code, 0);
  t.regex(start.stderr, /Cannot link to a non running container: \/lk-stopped AS \/lk-y\/s/);
  await ok(['rm', '-f', 'lk-y', 'lk-stopped']);
});

serial('on a user network a link alias is a name the embedded DNS server answers', async (t) => {
  await ok(['network', 'create', '--subnet', '10.233.1.0/24', 'lk-net']);
  await ok(['run', '-d', '--name', 'lk-target', '--network', 'lk-net', '--ip', '10.233.1.5', 'busybox', 'sleep', '600']);
  await ok(['run', '-d', '--name', 'lk-user', '--network', 'lk-net', '--link', 'lk-target:backend', 'busybox', 'sleep', '600']);
  const r = await ok(['exec', 'lk-user', 'nslookup', '-type=a', 'backend']);
  t.regex(r.split(/\n\s*\n/).slice(1).join('\n'), /Address:\s*10\.233\.1\.5\s*$/m);
  await ok(['rm', '-f', 'lk-user', 'lk-target']);
  await ok(['network', 'rm', 'lk-net']);
});
