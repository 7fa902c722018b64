/**
 * Engines started with Docker's defaults share the default bridge (docker0, 172.17.0.0/16 unless taken),
 * as the engines of other test files do meanwhile: each container still gets an address of its own.
 */
import test from 'ava';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

const engines: TestEngine[] = [];

test.before(async () => {
  const bb = await busyboxArchive('docker');
  for (let i = 0; i < 2; i++) {
    const e = await startTestEngine();
    const load = await e.docker(['load', '-i', bb.path]);
    if (load.code !== 0) throw new Error(load.stderr);
    engines.push(e);
  }
});

test.after.always(async () => {
  for (const e of engines) {
    await e.docker(['rm', '-f', 'shared']);
    await e.stop();
  }
});

test('two engines on the default bridge: 172.x addresses, never the same one, and they reach each other', async (t) => {
  const [a, b] = engines;
  const show = await a.docker(['run', '--rm', 'busybox', 'ip', '-4', 'addr', 'show', 'eth0']);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /inet 172\.\d+\.\d+\.\d+\/16/);

  for (const e of engines) t.is((await e.docker(['run', '-d', '--name', 'shared', 'busybox', 'sleep', '300'])).code, 0);
  const ipOf = async (e: TestEngine) => (await e.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'shared'])).stdout.trim();
  const [ipA, ipB] = [await ipOf(a), await ipOf(b)];
  t.regex(ipA, /^172\./);
  t.regex(ipB, /^172\./);
  t.not(ipA, ipB);
  const bridgeA = JSON.parse((await a.docker(['network', 'inspect', 'bridge'])).stdout)[0].Options['com.docker.network.bridge.name'];
  const bridgeB = JSON.parse((await b.docker(['network', 'inspect', 'bridge'])).stdout)[0].Options['com.docker.network.bridge.name'];
  t.is(bridgeA, bridgeB);
  const ping = await a.docker(['exec', 'shared', 'ping', '-c1', '-W2', ipB]);
  t.is(ping.code, 0, ping.stdout + ping.stderr);
});
