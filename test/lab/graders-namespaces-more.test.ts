/** The namespaces lab's later graders (veth by hand, the process chain, commit vs build, Compose) on near misses a student would try. */
import test from 'ava';
import {graders} from '../../graders/index.js';
import {parseIpAddr} from '../../src/lab/grading/collect-links.js';
import type {ContainerSnapshot, ImageSnapshot, NamespacedProcess, NetLink, Snapshot} from '../../graders/snapshot.js';

const host = {pid: 'pid:[1]', mnt: 'mnt:[2]', uts: 'uts:[3]', ipc: 'ipc:[4]', net: 'net:[5]'};

function container(name: string, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: name.padEnd(64, '0'), name, image: 'sha256:b', imageName: 'busybox', path: 'sleep', args: ['1d'], created: '',
    state: {status: 'running', running: true, exitCode: 0, error: '', pid: 500, startedAt: '', finishedAt: '', oomKilled: false},
    upperDir: '', lowerDirs: [], files: {}, logTail: [], namespaces: {...host, pid: `pid:[${name.length}0]`, net: `net:[${name.length}1]`}, ...extra,
  };
}

function snapshot(parts: {containers?: ContainerSnapshot[]; images?: ImageSnapshot[]; processes?: NamespacedProcess[]; links?: NetLink[]; answers?: Record<string, string>}): Snapshot {
  return {
    takenAt: '', answers: parts.answers ?? {},
    host: {namespaces: host, files: {}, processes: parts.processes ?? [], links: parts.links ?? []},
    engine: {reachable: true, images: parts.images ?? [], containers: parts.containers ?? [], events: []},
  };
}

// What iproute2 prints for a veth end inside a namespace (trimmed to the keys read).
const ipJson = JSON.stringify([
  {ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP'], addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8}]},
  {ifindex: 7, ifname: 'veth-ns', flags: ['BROADCAST', 'UP'], link_index: 8, linkinfo: {info_kind: 'veth'}, addr_info: [{family: 'inet', local: '10.200.9.2', prefixlen: 24}, {family: 'inet6', local: 'fe80::1', prefixlen: 64}]},
]);

test('ip -j -d addr: veth ends, their peers, IPv4 addresses and whether they are up', (t) => {
  const [lo, veth] = parseIpAddr(ipJson);
  t.deepEqual(lo, {ifindex: 1, name: 'lo', up: true, addresses: ['127.0.0.1/8']});
  t.deepEqual(veth, {ifindex: 7, name: 'veth-ns', kind: 'veth', up: true, peerIndex: 8, addresses: ['10.200.9.2/24']});
});

test('veth: a namespace made by hand passes; one joined with nsenter or a container\'s does not count', (t) => {
  const inside = parseIpAddr(ipJson);
  const hostEnd: NetLink = {ifindex: 8, name: 'veth-lab', kind: 'veth', up: true, peerIndex: 7, addresses: ['10.200.9.1/24']};
  const byHand: NamespacedProcess = {pid: 90, nspid: [90], chain: [{pid: 90, ppid: 80, comm: 'sleep'}, {pid: 80, ppid: 1, comm: 'bash'}], namespaces: {...host, net: 'net:[77]'}, links: inside};
  const params = {address: '10.200.9.2/24', hostAddress: '10.200.9.1/24'};
  t.true(graders['netns.vethIntoNamespace'](snapshot({processes: [byHand], links: [hostEnd]}), params).pass);
  const entered = {...byHand, chain: [byHand.chain[0], {pid: 80, ppid: 1, comm: 'nsenter'}]};
  t.regex(graders['netns.vethIntoNamespace'](snapshot({processes: [entered], links: [hostEnd]}), params).observed, /no process outside the containers/);
  const web = container('web');
  const inContainer = {...byHand, namespaces: {...host, net: web.namespaces!.net}};
  t.false(graders['netns.vethIntoNamespace'](snapshot({containers: [web], processes: [inContainer], links: [hostEnd]}), params).pass, 'the engine made that namespace');
  t.regex(graders['netns.vethIntoNamespace'](snapshot({processes: [byHand], links: [{...hostEnd, addresses: ['10.200.10.1/24']}]}), params).observed, /host's end veth-lab has 10\.200\.10\.1\/24, not 10\.200\.9\.1\/24/);
});

test('process chain: the three host PIDs in order; the inside PID, a stranger and a wrong order are each named', (t) => {
  const chain = [{pid: 30, ppid: 20, comm: 'sleep'}, {pid: 20, ppid: 10, comm: 'labd-shim'}, {pid: 10, ppid: 1, comm: 'node', program: 'labd'}];
  const c = container('chain', {process: {pid: 30, nspid: [30, 1], chain}});
  const grade = (answer: string) => graders['processes.chainAnswer'](snapshot({containers: [c], answers: {chain: answer}}), {container: 'chain', answer: 'chain'});
  t.true(grade('10 20 30').pass);
  t.regex(grade('10 20 1').observed, /1 is the process's PID inside its own pid namespace/);
  t.regex(grade('30 20 10').observed, /not in the order/);
  t.regex(grade('10 20 31').observed, /31 is not among/);
  t.regex(grade('10 20').observed, /not three PIDs/);
});

test('Compose: a log line naming an address db does not have is refused (a typed-in PING line)', (t) => {
  const labels = (service: string) => ({'com.docker.compose.project': 'app', 'com.docker.compose.service': service});
  const db = container('app_db_1', {labels: labels('db'), networks: {app_default: {ip: '172.20.0.2', aliases: ['db']}}});
  const web = (log: string) => container('app_web_1', {labels: labels('web'), networks: {app_default: {ip: '172.20.0.3', aliases: ['web']}}, logTail: [log]});
  const grade = (log: string) => graders['compose.servicesByName'](snapshot({containers: [web(log), db]}), {client: 'web', server: 'db'});
  t.true(grade('PING db (172.20.0.2): 56 data bytes').pass);
  t.regex(grade('PING db (172.20.0.9): 56 data bytes').observed, /shows no PING db \(172\.20\.0\.2\)/);
  t.regex(grade("ping: bad address 'db'").observed, /bad address/);
  const elsewhere = container('other_db_1', {labels: {...labels('db'), 'com.docker.compose.project': 'other'}, networks: {other_default: {ip: '172.21.0.2', aliases: []}}});
  t.regex(graders['compose.servicesByName'](snapshot({containers: [web('PING db (172.21.0.2)'), elsewhere]}), {client: 'web', server: 'db'}).observed, /project app has no running db service/);
});

test('commit vs build: a history entry copied from a container name that never held the change is refused', (t) => {
  const image = (tag: string, createdBy: string, token: string | undefined): ImageSnapshot => ({
    id: `sha256:${tag}`, tags: [`${tag}:latest`], parent: '', created: '', config: {}, layerDirs: ['/l1', '/l2'],
    history: [{created_by: 'busybox'}, {created_by: createdBy}],
    files: {'/etc/lab-token': token ? {path: '/etc/lab-token', exists: true, contains: {abc123: token === 'abc123'}} : {path: '/etc/lab-token', exists: false}},
  });
  const changed = container('changed', {files: {'/etc/lab-token': {upper: {path: '/etc/lab-token', exists: true, contains: {abc123: true}}, lower: {path: '/etc/lab-token', exists: false}}}});
  const untouched = container('other', {args: ['2d']});
  const p = {image: 'ns-commit', path: '/etc/lab-token', token: 'abc123'};
  t.true(graders['commit.committedFromContainer'](snapshot({containers: [changed], images: [image('ns-commit', 'sleep 1d', 'abc123')]}), p).pass);
  t.regex(graders['commit.committedFromContainer'](snapshot({containers: [untouched], images: [image('ns-commit', 'sleep 2d', 'abc123')]}), p).observed, /no container has \/etc\/lab-token/);
  t.regex(graders['commit.committedFromContainer'](snapshot({containers: [changed], images: [image('ns-commit', 'sleep 1d', 'zzz')]}), p).observed, /does not hold your token/);
  const b = {...p, image: 'ns-built'};
  t.true(graders['commit.builtFromDockerfile'](snapshot({containers: [changed], images: [image('ns-built', '/bin/sh -c echo abc123 > /etc/lab-token', 'abc123')]}), b).pass);
  t.regex(graders['commit.builtFromDockerfile'](snapshot({containers: [changed], images: [image('ns-built', 'sleep 1d', 'abc123')]}), b).observed, /committed, not built/);
});
