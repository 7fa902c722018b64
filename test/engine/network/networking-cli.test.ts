/**
 * Container networks through the stock docker CLI: eth0 on the bridge, container-to-container ping, none and
 * host modes, published ports reached from the host, clear errors for a taken port, nothing left after rm -f.
 *
 * This engine gets its own bridge and subnet through daemon.json ("bridge", "bip"), so it never meets the
 * engines other test files start at the same time (those share docker0; see ipam.ts for how they stay apart).
 * All traffic stays on this machine: loopback, and the bridge addresses made here.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, readdirSync, rmSync} from 'node:fs';
import {get} from 'node:http';
import {connect, createServer, type AddressInfo} from 'node:net';
import test from 'ava';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

const bridge = 'labtest-net0';
const bip = '10.229.250.1/24';
let engine: TestEngine;

test.before(async () => {
  // live-restore: one test restarts the daemon with a container running and checks that it kept its network
  // (without it the daemon stops its containers when it stops, as dockerd does).
  engine = await startTestEngine({daemonJson: {bridge, bip, 'live-restore': true}});
  const bb = await busyboxArchive('docker');
  const load = await engine.docker(['load', '-i', bb.path]);
  if (load.code !== 0) throw new Error(load.stderr);
});

test.after.always(async () => {
  const all = (await engine?.docker(['ps', '-aq']))?.stdout.split('\n').filter(Boolean) ?? [];
  if (all.length > 0) await engine.docker(['rm', '-f', ...all]);
  await engine?.docker(['network', 'prune', '-f']);
  await engine?.stop();
  try {
    execFileSync('ip', ['link', 'del', bridge], {stdio: 'ignore'});
  } catch {
    // already gone
  }
  rmSync(`/run/labd/ipam/${bridge}`, {recursive: true, force: true});
});

const inspect = async (name: string) => JSON.parse((await engine.docker(['inspect', name])).stdout)[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function httpGet(port: number): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = get({host: '127.0.0.1', port, path: '/', timeout: 3000}, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({status: res.statusCode ?? 0, body}));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
  });
}

/** httpd in the container needs a moment to listen; until then the proxy's upstream refuses. */
async function getWhenUp(port: number): Promise<{status: number; body: string}> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      return await httpGet(port);
    } catch (error) {
      last = error;
      await sleep(100);
    }
  }
  throw last;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({host: '127.0.0.1', port});
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** A host port nothing listens on now, near the one the course material uses. */
async function freePort(preferred: number): Promise<number> {
  for (let p = preferred; p < preferred + 200; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  throw new Error('no free port');
}

const bridgePorts = () => JSON.parse(execFileSync('ip', ['-j', 'link', 'show', 'master', bridge]).toString()) as Array<{ifname: string}>;
const webCmd = ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 80 -h /www'];

test.serial('run --rm busybox ip addr: eth0 with an address from the bridge subnet, lo, a default route', async (t) => {
  const r = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', 'ip addr; ip route']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\d+: lo: <LOOPBACK,UP/);
  t.regex(r.stdout, /\d+: eth0@if\d+: <BROADCAST,MULTICAST,UP/);
  t.regex(r.stdout, /inet 10\.229\.250\.\d+\/24 .*eth0/);
  t.regex(r.stdout, /link\/ether 02:42:0a:e5:fa:[0-9a-f]{2}/, 'Docker\'s MAC rule: 02:42 + the address');
  t.regex(r.stdout, /default via 10\.229\.250\.1 dev eth0/);
  const ifconfig = await engine.docker(['run', '--rm', 'busybox', 'ifconfig', 'eth0']);
  t.regex(ifconfig.stdout, /inet addr:10\.229\.250\.\d+/);
  t.deepEqual(bridgePorts(), [], '--rm left no veth on the bridge');
});

test.serial('two containers reach each other by address; inspect and network inspect show the addresses', async (t) => {
  t.is((await engine.docker(['run', '-d', '--name', 'peer1', 'busybox', 'sleep', '300'])).code, 0);
  const info = await inspect('peer1');
  const ip = info.NetworkSettings.IPAddress as string;
  t.regex(ip, /^10\.229\.250\.\d+$/);
  t.is(info.NetworkSettings.Gateway, '10.229.250.1');
  t.is(info.NetworkSettings.IPPrefixLen, 24);
  t.regex(info.NetworkSettings.MacAddress, /^02:42:0a:e5:fa:/);
  t.regex(info.NetworkSettings.SandboxKey, /^\/var\/run\/netns\/[0-9a-f]{12}$/);
  const nb = info.NetworkSettings.Networks.bridge;
  t.is(nb.IPAddress, ip);
  t.is(nb.Gateway, '10.229.250.1');
  t.is(nb.MacAddress, info.NetworkSettings.MacAddress);
  t.regex(nb.NetworkID, /^[0-9a-f]{64}$/);
  t.regex(nb.EndpointID, /^[0-9a-f]{64}$/);
  t.true(existsSync(info.NetworkSettings.SandboxKey), 'the netns is a file under /var/run/netns');

  const ping = await engine.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W2', ip]);
  t.is(ping.code, 0, ping.stdout + ping.stderr);
  t.regex(ping.stdout, /1 packets received/);
  const hosts = await engine.docker(['exec', 'peer1', 'cat', '/etc/hosts']);
  t.regex(hosts.stdout, new RegExp(`^${ip.replaceAll('.', '\\.')}\\t${info.Id.slice(0, 12)}$`, 'm'));

  const ls = await engine.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}} {{.Scope}}']);
  t.deepEqual(ls.stdout.trim().split('\n').sort(), ['bridge bridge local', 'host host local', 'none null local']);
  const net = JSON.parse((await engine.docker(['network', 'inspect', 'bridge'])).stdout)[0];
  t.deepEqual(net.IPAM.Config, [{Subnet: '10.229.250.0/24', Gateway: '10.229.250.1'}]);
  t.is(net.Options['com.docker.network.bridge.name'], bridge);
  t.is(net.Containers[info.Id].IPv4Address, `${ip}/24`);
  t.is(net.Containers[info.Id].Name, 'peer1');
});

test.serial('--network none has only lo; --network host sees the host\'s devices', async (t) => {
  const none = await engine.docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', 'link']);
  t.is(none.code, 0, none.stderr);
  t.regex(none.stdout, /: lo: /);
  t.notRegex(none.stdout, /eth0/);
  const host = await engine.docker(['run', '--rm', '--network', 'host', 'busybox', 'ip', 'link']);
  t.is(host.code, 0, host.stderr);
  t.regex(host.stdout, new RegExp(`: ${bridge}: `), 'the host network namespace, bridge included');
  const missing = await engine.docker(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /network nosuchnet not found/);
});

test.serial('-p HOST:80 publishes httpd to the host; ps, port and inspect show it; rm -f leaves nothing', async (t) => {
  const port = await freePort(18080);
  const run = await engine.docker(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', ...webCmd]);
  t.is(run.code, 0, run.stderr);
  const res = await getWhenUp(port);
  t.is(res.status, 200);
  t.is(res.body, 'hello\n');

  const ps = await engine.docker(['ps', '--filter', 'name=web', '--format', '{{.Ports}}']);
  t.is(ps.stdout.trim(), `0.0.0.0:${port}->80/tcp`);
  const dp = await engine.docker(['port', 'web']);
  t.is(dp.stdout.trim(), `80/tcp -> 0.0.0.0:${port}`);
  const info = await inspect('web');
  t.deepEqual(info.NetworkSettings.Ports, {'80/tcp': [{HostIp: '0.0.0.0', HostPort: String(port)}]});
  t.deepEqual(info.HostConfig.PortBindings, {'80/tcp': [{HostIp: '', HostPort: String(port)}]});

  const netns = info.NetworkSettings.SandboxKey as string;
  t.is(bridgePorts().length, 2, 'peer1 and web each have a veth on the bridge');
  const rm = await engine.docker(['rm', '-f', 'web']);
  t.is(rm.code, 0, rm.stderr);
  t.false(existsSync(netns), 'netns removed');
  t.is(bridgePorts().length, 1, 'web\'s veth removed');
  t.false(await portOpen(port), 'published port closed');
  t.false(readdirSync(`${engine.dataRoot}/network/endpoints`).includes(`${info.Id}.json`));
});

test.serial('-p 80 picks a free host port that docker port shows; stop closes it and start opens one again', async (t) => {
  const run = await engine.docker(['run', '-d', '--name', 'rand', '-p', '80', 'busybox', ...webCmd]);
  t.is(run.code, 0, run.stderr);
  const dp = await engine.docker(['port', 'rand', '80']);
  const m = /^0\.0\.0\.0:(\d+)$/.exec(dp.stdout.trim());
  t.truthy(m, dp.stdout);
  const port = Number(m![1]);
  t.is((await getWhenUp(port)).body, 'hello\n');
  const before = (await inspect('rand')).NetworkSettings.IPAddress;
  t.is((await engine.docker(['stop', '-t', '1', 'rand'])).code, 0);
  t.false(await portOpen(port));
  const stopped = await inspect('rand');
  t.is(stopped.NetworkSettings.IPAddress, '');
  t.deepEqual(stopped.NetworkSettings.Ports, {});
  t.is((await engine.docker(['start', 'rand'])).code, 0);
  const again = Number(/:(\d+)$/.exec((await engine.docker(['port', 'rand', '80'])).stdout.trim())![1]);
  t.is((await getWhenUp(again)).body, 'hello\n');
  t.regex((await inspect('rand')).NetworkSettings.IPAddress, /^10\.229\.250\./, `was ${before}`);
  await engine.docker(['rm', '-f', 'rand']);
});

test.serial('a host port already in use fails docker run -p with a clear error, and the container does not start', async (t) => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, '0.0.0.0', () => r()));
  const port = (holder.address() as AddressInfo).port;
  try {
    const r = await engine.docker(['run', '-d', '--name', 'clash', '-p', `${port}:80`, 'busybox', 'sleep', '300']);
    t.not(r.code, 0);
    t.regex(r.stderr, new RegExp(`Bind for 0\\.0\\.0\\.0:${port} failed: port is already allocated`));
    const info = await inspect('clash');
    t.false(info.State.Running);
    t.is(info.State.Status, 'created');
    t.is(bridgePorts().length, 1, 'no veth was left for it (only peer1\'s)');
    t.false(existsSync(`/var/run/netns/${info.Id.slice(0, 12)}`));
  } finally {
    holder.close();
    await engine.docker(['rm', '-f', 'clash']);
  }
});

test.serial('a daemon restart keeps a running container\'s address and reopens its published port', async (t) => {
  const port = await freePort(18180);
  t.is((await engine.docker(['run', '-d', '--name', 'keeper', '-p', `${port}:80`, 'busybox', ...webCmd])).code, 0);
  await getWhenUp(port);
  const before = await inspect('keeper');
  await engine.restart();
  const after = await inspect('keeper');
  t.true(after.State.Running);
  t.is(after.NetworkSettings.IPAddress, before.NetworkSettings.IPAddress);
  t.is((await getWhenUp(port)).body, 'hello\n');
  const ping = await engine.docker(['run', '--rm', 'busybox', 'ping', '-c1', '-W2', after.NetworkSettings.IPAddress]);
  t.is(ping.code, 0, ping.stdout);
  await engine.docker(['rm', '-f', 'keeper']);
  t.false(await portOpen(port));
});

test.serial('user networks: create, run on it, refuse rm while in use, rm', async (t) => {
  const create = await engine.docker(['network', 'create', '--subnet', '10.229.251.0/24', 'labtest-user']);
  t.is(create.code, 0, create.stderr);
  const net = JSON.parse((await engine.docker(['network', 'inspect', 'labtest-user'])).stdout)[0];
  // As dockerd, a user network shows only the options it was given; its bridge is br-<id12>.
  t.deepEqual(net.Options, {});
  const userBridge = `br-${(net.Id as string).slice(0, 12)}`;
  t.true(existsSync(`/sys/class/net/${userBridge}`));
  t.is((await engine.docker(['run', '-d', '--name', 'u1', '--network', 'labtest-user', 'busybox', 'sleep', '300'])).code, 0);
  const ip = (await inspect('u1')).NetworkSettings.Networks['labtest-user'].IPAddress;
  t.is(ip, '10.229.251.2');
  const ping = await engine.docker(['run', '--rm', '--network', 'labtest-user', 'busybox', 'ping', '-c1', '-W2', ip]);
  t.is(ping.code, 0, ping.stdout);
  const busy = await engine.docker(['network', 'rm', 'labtest-user']);
  t.not(busy.code, 0);
  t.regex(busy.stderr, /has active endpoints/);
  await engine.docker(['rm', '-f', 'u1']);
  t.is((await engine.docker(['network', 'rm', 'labtest-user'])).code, 0);
  t.false(existsSync(`/sys/class/net/${userBridge}`), 'its bridge is gone');
});
