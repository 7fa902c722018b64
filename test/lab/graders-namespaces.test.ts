/** The namespaces lab's graders on the state they must accept and the near misses they must reject. */
import test from 'ava';
import {decodeCapEff} from '../../graders/capabilities.js';
import {graders} from '../../graders/index.js';
import type {CgroupLimits, ContainerSnapshot, NamespacedProcess, Snapshot} from '../../graders/snapshot.js';

const host = {pid: 'pid:[1]', mnt: 'mnt:[2]', uts: 'uts:[3]', ipc: 'ipc:[4]', net: 'net:[5]'};

function container(name: string, ns: Partial<typeof host>, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot {
  return {
    id: `${name}`.padEnd(64, '0'), name, image: 'sha256:b', imageName: 'busybox', path: 'sleep', args: ['1d'], created: '',
    state: {status: 'running', running: true, exitCode: 0, error: '', pid: 100 + name.length, startedAt: '', finishedAt: '', oomKilled: false},
    upperDir: '', lowerDirs: [], files: {}, logTail: [], namespaces: {...host, ...ns}, ...extra,
  };
}

const proc = (pid: number, ns: Partial<typeof host>, chain: string[], extra: Partial<NamespacedProcess> = {}): NamespacedProcess => ({
  pid, nspid: [pid], chain: chain.map((comm, i) => ({pid: pid - i, ppid: pid - i - 1, comm})), namespaces: {...host, ...ns}, ...extra,
});

function snapshot(parts: {containers?: ContainerSnapshot[]; processes?: NamespacedProcess[]; answers?: Record<string, string>}): Snapshot {
  return {
    takenAt: '', answers: parts.answers ?? {},
    host: {namespaces: host, files: {}, processes: parts.processes ?? []},
    engine: {reachable: true, images: [], containers: parts.containers ?? [], events: []},
  };
}

test('namespaces: --pid=host, --network container:X and the inode they share, each near miss named', (t) => {
  const web = container('web', {pid: 'pid:[10]', mnt: 'mnt:[11]', net: 'net:[12]'});
  const sidecar = container('sidecar', {pid: 'pid:[20]', mnt: 'mnt:[21]', net: 'net:[12]'});
  const hostpid = container('hostpid', {mnt: 'mnt:[31]', net: 'net:[32]'});
  const s = snapshot({containers: [web, sidecar, hostpid], answers: {'shared-net': 'net:[12]'}});
  t.true(graders['namespaces.hostPid'](s, {}).pass);
  t.true(graders['namespaces.sharedNetwork'](s, {}).pass);
  t.true(graders['namespaces.sharedNetworkAnswer'](s, {answer: 'shared-net'}).pass);
  t.true(graders['namespaces.sharedNetworkAnswer']({...s, answers: {'shared-net': '12'}}, {answer: 'shared-net'}).pass, 'the bare inode');
  t.regex(graders['namespaces.sharedNetworkAnswer']({...s, answers: {'shared-net': '10'}}, {answer: 'shared-net'}).observed, /is a pid namespace/);
  t.regex(graders['namespaces.sharedNetworkAnswer']({...s, answers: {'shared-net': '5'}}, {answer: 'shared-net'}).observed, /host's own/);
  const onHost = snapshot({containers: [web, container('sidecar', {pid: 'pid:[20]', mnt: 'mnt:[21]'})]});
  t.regex(graders['namespaces.sharedNetwork'](onHost, {}).observed, /--network host/);
});

test('unshare: PID 1 of its own namespace with its own /proc; engines\' containers never count', (t) => {
  const g = graders['unshare.ownPidNamespace'];
  const good = proc(500, {pid: 'pid:[50]', mnt: 'mnt:[51]'}, ['sleep', 'unshare', 'bash'], {nspid: [500, 1], proc: {own: true, count: 1, first: [1]}});
  t.true(g(snapshot({processes: [good]}), {}).pass);
  t.regex(g(snapshot({processes: [{...good, proc: {own: false, count: 200, first: [1, 2]}}]}), {}).observed, /its \/proc is the host's/);
  // Another engine's container: PID 1 of its own namespace with its own /proc, but under a shim.
  const other = proc(600, {pid: 'pid:[60]', mnt: 'mnt:[61]'}, ['sleep', 'containerd-shim'], {nspid: [600, 1], proc: {own: true, count: 1, first: [1]}});
  t.false(g(snapshot({processes: [other]}), {}).pass);
});

test('unshare: the hostname of its own uts namespace; nsenter into every namespace of a container', (t) => {
  const uts = proc(700, {uts: 'uts:[70]'}, ['sleep', 'bash'], {hostname: 'ns-abc123'});
  t.true(graders['unshare.ownHostname'](snapshot({processes: [uts]}), {hostname: 'ns-abc123'}).pass);
  t.regex(graders['unshare.ownHostname'](snapshot({processes: [{...uts, hostname: 'vm'}]}), {hostname: 'ns-abc123'}).observed, /its hostname is vm/);
  const web = container('web', {pid: 'pid:[10]', mnt: 'mnt:[11]', uts: 'uts:[13]', ipc: 'ipc:[14]', net: 'net:[12]'});
  const all = {pid: 'pid:[10]', mnt: 'mnt:[11]', uts: 'uts:[13]', ipc: 'ipc:[14]', net: 'net:[12]'};
  const g = graders['unshare.enteredContainer'];
  t.true(g(snapshot({containers: [web], processes: [proc(800, all, ['sleep', 'nsenter', 'bash'])]}), {}).pass);
  t.regex(g(snapshot({containers: [web], processes: [proc(800, all, ['sleep', 'labd-shim', 'labd'])]}), {}).observed, /the engine started it/);
  t.regex(g(snapshot({containers: [web], processes: [proc(800, {net: 'net:[12]'}, ['sleep', 'bash'])]}), {}).observed, /pid, mnt, uts, ipc namespaces are not/);
  // Sharing the host's pid namespace with a --pid=host container is no way into it.
  const hostpid = container('hostpid', {mnt: 'mnt:[31]', net: 'net:[32]'});
  t.regex(g(snapshot({containers: [hostpid], processes: [proc(27, {mnt: 'mnt:[90]'}, ['kdevtmpfs'])]}), {}).observed, /no process besides/);
});

test('cgroups: limits as the files hold them, each wrong one named; an OOM kill told from docker kill', (t) => {
  const limits = (l: Partial<CgroupLimits>): CgroupLimits => ({version: 2, memory: 67108864, cpu: {quota: 50000, period: 100000}, pids: 20, oomKills: 0, files: {}, ...l});
  const g = graders['cgroups.limits'];
  const want = {memory: 67108864, cpus: 0.5, pids: 20};
  t.true(g(snapshot({containers: [container('limited', {}, {cgroup: limits({})})]}), want).pass);
  t.regex(g(snapshot({containers: [container('limited', {}, {cgroup: limits({memory: null})})]}), want).observed, /no hard memory limit/);
  t.regex(g(snapshot({containers: [container('limited', {}, {cgroup: limits({cpu: {quota: 100000, period: 100000}})})]}), want).observed, /1\.00 CPUs, not 0\.5/);
  const exited = (oomKilled: boolean) => container('hog', {}, {state: {status: 'exited', running: false, exitCode: 137, error: '', pid: 0, startedAt: '', finishedAt: '', oomKilled}});
  t.true(graders['cgroups.oomKilled'](snapshot({containers: [exited(true)]}), {}).pass);
  t.regex(graders['cgroups.oomKilled'](snapshot({containers: [exited(false)]}), {}).observed, /not by the OOM killer/);
});

test('capabilities: CapEff decoded by bit number; none left, NET_ADMIN alone with its link, the defaults named', (t) => {
  t.deepEqual(decodeCapEff('0000000000001000'), ['NET_ADMIN']);
  t.is(decodeCapEff('00000000a80425fb').length, 14);
  t.deepEqual(decodeCapEff('0000000000000000'), []);
  const web = container('web', {}, {capEff: '00000000a80425fb'});
  const nocaps = container('nocaps', {}, {capEff: '0000000000000000', capsChanged: true});
  const netadmin = container('netadmin', {}, {capEff: '0000000000001000', capsChanged: true, links: ['lo', 'eth0', 'lab0']});
  const names = 'CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP';
  const s = snapshot({containers: [web, nocaps, netadmin], answers: {'default-caps': names.toLowerCase().replace(/ /g, ',')}});
  t.true(graders['capabilities.noneLeft'](s, {}).pass);
  t.true(graders['capabilities.onlyNetAdmin'](s, {link: 'lab0'}).pass);
  t.true(graders['capabilities.decodedDefaults'](s, {answer: 'default-caps'}).pass, 'lower case, commas');
  t.regex(graders['capabilities.onlyNetAdmin'](snapshot({containers: [{...netadmin, links: ['lo', 'eth0']}]}), {link: 'lab0'}).observed, /no lab0/);
  t.false(graders['capabilities.decodedDefaults']({...s, answers: {'default-caps': 'CHOWN NET_ADMIN'}}, {answer: 'default-caps'}).pass);
});
