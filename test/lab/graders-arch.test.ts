/** The arch lab's graders on the state they must accept and the near misses they must reject. */
import test from 'ava';
import {graders} from '../../graders/index.js';
import {samePath} from '../../graders/mounts.js';
import type {ContainerSnapshot, DaemonSnapshot, DirListing, FileInfo, ImageSnapshot, OverlayMount, Snapshot} from '../../graders/snapshot.js';

const file = (path: string, sha: string, extra: Partial<FileInfo> = {}): FileInfo => ({path, exists: true, type: 'file', mode: 0o644, size: 10, sha256: sha, ...extra});
const whiteout = (path: string): FileInfo => ({path, exists: true, type: 'other', mode: 0, size: 0, whiteout: true});
const dir = (path: string, entries: FileInfo[]): DirListing => ({path, exists: true, entries: Object.fromEntries(entries.map((e) => [e.path, e]))});

function snapshot(parts: {dirs?: DirListing[]; overlays?: OverlayMount[]; images?: ImageSnapshot[]; containers?: ContainerSnapshot[]; daemon?: DaemonSnapshot; answers?: Record<string, string>} = {}): Snapshot {
  return {
    takenAt: '', answers: parts.answers ?? {},
    host: {namespaces: {}, files: {}, dirs: Object.fromEntries((parts.dirs ?? []).map((d) => [d.path, d])), overlays: parts.overlays ?? []},
    engine: {reachable: true, images: parts.images ?? [], containers: parts.containers ?? [], events: []},
    ...(parts.daemon ? {daemon: parts.daemon} : {}),
  };
}

const mount = (mountPoint: string, lower: string[], upper?: string, work?: string, resolved?: string[]): OverlayMount => ({
  mountPoint, lower, upper, work, resolved: {lower: resolved ?? lower, upper, work},
});

const W = '/root/labarch/overlay';
const lowers = [`${W}/lower1`, `${W}/lower2`, `${W}/lower3`];
const order = {mountPoint: `${W}/merged`, lower: lowers, upper: `${W}/upper`, work: `${W}/work`};

test('samePath: absolute paths exactly, relative ones (as the kernel shows them) by their trailing components', (t) => {
  t.true(samePath('/a/b/', '/a/b'));
  t.true(samePath('lower1', `${W}/lower1`));
  t.true(samePath('./overlay/lower1', `${W}/lower1`));
  t.false(samePath('../lower1', `${W}/lower1`));
  t.false(samePath('lower2', `${W}/lower1`));
  t.false(samePath(undefined, `${W}/lower1`));
});

test('overlayfs.mountedInOrder wants the asked order, an upper and a work dir', (t) => {
  const g = graders['overlayfs.mountedInOrder'];
  t.true(g(snapshot({overlays: [mount(`${W}/merged`, ['lower1', 'lower2', 'lower3'], 'upper', 'work')]}), order).pass, 'relative paths');
  t.true(g(snapshot({overlays: [mount(`${W}/merged`, lowers, `${W}/upper`, `${W}/work`)]}), order).pass, 'absolute paths');
  const reversed = g(snapshot({overlays: [mount(`${W}/merged`, ['lower3', 'lower2', 'lower1'], 'upper', 'work')]}), order);
  t.false(reversed.pass);
  t.regex(reversed.observed, /another order/);
  t.regex(g(snapshot({overlays: [mount(`${W}/merged`, ['lower1', 'lower2', 'lower3'])]}), order).observed, /read-only/);
  t.regex(g(snapshot({overlays: [mount('/elsewhere', lowers, 'upper', 'work')]}), order).observed, /nothing of type overlay is mounted/);
  t.false(g(snapshot({overlays: [mount(`${W}/merged`, ['lower1', 'lower2'], 'upper', 'work')]}), order).pass, 'a layer missing');
});

const pristine = {
  l1: dir(`${W}/lower1`, [file('lower1.txt', 'a1')]),
  l2: dir(`${W}/lower2`, [file('test.txt', 'b1'), file('old.txt', 'b2')]),
  l3: dir(`${W}/lower3`, [file('test.txt', 'c1'), file('base.txt', 'c2')]),
};
const manifest = [{dir: `${W}/lower1`, files: {'lower1.txt': 'a1'}}, {dir: `${W}/lower2`, files: {'test.txt': 'b1', 'old.txt': 'b2'}}, {dir: `${W}/lower3`, files: {'test.txt': 'c1', 'base.txt': 'c2'}}];

test('overlayfs: a new file in upper only, a copy-up, a whiteout, and the lowers untouched', (t) => {
  const upper = dir(`${W}/upper`, [file('new.txt', 'n'), file('base.txt', 'c2-changed'), whiteout('old.txt')]);
  const solved = snapshot({dirs: [pristine.l1, pristine.l2, pristine.l3, upper]});
  t.true(graders['overlayfs.newFileInUpper'](solved, {upper: `${W}/upper`, lowers, file: 'new.txt'}).pass);
  t.true(graders['overlayfs.copiedUp'](solved, {upper: `${W}/upper`, lower: `${W}/lower3`, file: 'base.txt', originalSha256: 'c2'}).pass);
  t.true(graders['overlayfs.whiteout'](solved, {upper: `${W}/upper`, lower: `${W}/lower2`, file: 'old.txt'}).pass);
  t.true(graders['overlayfs.lowersUntouched'](solved, {manifest}).pass);

  const inLower = snapshot({dirs: [dir(`${W}/lower1`, [file('lower1.txt', 'a1'), file('new.txt', 'n')]), pristine.l2, pristine.l3, dir(`${W}/upper`, [])]});
  t.regex(graders['overlayfs.newFileInUpper'](inLower, {upper: `${W}/upper`, lowers, file: 'new.txt'}).observed, /written into a lower layer/);
  t.regex(graders['overlayfs.lowersUntouched'](inLower, {manifest}).observed, /lower1\/new\.txt was added/);

  const lowerChanged = snapshot({dirs: [pristine.l1, pristine.l2, dir(`${W}/lower3`, [file('test.txt', 'c1'), file('base.txt', 'edited')]), dir(`${W}/upper`, [])]});
  t.false(graders['overlayfs.copiedUp'](lowerChanged, {upper: `${W}/upper`, lower: `${W}/lower3`, file: 'base.txt', originalSha256: 'c2'}).pass);
  const onlyCopied = snapshot({dirs: [pristine.l3, dir(`${W}/upper`, [file('base.txt', 'c2')])]});
  t.regex(graders['overlayfs.copiedUp'](onlyCopied, {upper: `${W}/upper`, lower: `${W}/lower3`, file: 'base.txt', originalSha256: 'c2'}).observed, /copied up, but not changed/);

  const deletedInLower = snapshot({dirs: [dir(`${W}/lower2`, [file('test.txt', 'b1')]), dir(`${W}/upper`, [])]});
  t.regex(graders['overlayfs.whiteout'](deletedInLower, {upper: `${W}/upper`, lower: `${W}/lower2`, file: 'old.txt'}).observed, /deleted in the lower layer itself/);
  const plainFile = snapshot({dirs: [pristine.l2, dir(`${W}/upper`, [file('old.txt', 'x')])]});
  t.regex(graders['overlayfs.whiteout'](plainFile, {upper: `${W}/upper`, lower: `${W}/lower2`, file: 'old.txt'}).observed, /not a whiteout/);
});

const D = '/var/lib/docker/overlay2';
const walk = (extra: Partial<ImageSnapshot> = {}): ImageSnapshot => ({
  id: 'sha256:walk', tags: ['walk:abc123'], parent: '', created: '', config: {}, history: [], files: {},
  layerDirs: [`${D}/${'a'.repeat(64)}/diff`, `${D}/${'b'.repeat(64)}/diff`, `${D}/${'c'.repeat(64)}/diff`], ...extra,
});
const I = '/root/labarch/image';

test('layerdb.imageMounted wants every layer dir of the image, top first, whatever names the mount used', (t) => {
  const g = graders['layerdb.imageMounted'];
  const params = {image: 'walk:abc123', mountPoint: `${I}/merged`, upper: `${I}/upper`};
  const topFirst = [...walk().layerDirs].reverse();
  const viaLinks = mount(`${I}/merged`, [`${D}/l/X`, `${D}/l/Y`, `${D}/l/Z`], `${I}/upper`, `${I}/work`, topFirst);
  t.true(g(snapshot({images: [walk()], overlays: [viaLinks]}), params).pass, 'overlay2/l/ short links resolved');
  const bottomUp = g(snapshot({images: [walk()], overlays: [mount(`${I}/merged`, walk().layerDirs, `${I}/upper`, `${I}/work`)]}), params);
  t.false(bottomUp.pass);
  t.regex(bottomUp.observed, /bottom-up/);
  const partial = g(snapshot({images: [walk()], overlays: [mount(`${I}/merged`, topFirst.slice(0, 2), `${I}/upper`, `${I}/work`)]}), params);
  t.regex(partial.observed, /1 of the image's 3 layers missing/);
  t.regex(g(snapshot({images: [walk()], overlays: [mount(`${I}/merged`, topFirst, `${D}/x/diff`, `${I}/work`)]}), params).observed, /upperdir is/);
  t.regex(g(snapshot({images: [], overlays: []}), params).observed, /no image is tagged/);
});

test('layerdb.fileInUpperOnly and layerdb.cacheIds', (t) => {
  const params = {image: 'walk:abc123', upper: `${I}/upper`, file: '/walk.txt'};
  const upper = dir(`${I}/upper`, [file('walk.txt', 'w')]);
  t.true(graders['layerdb.fileInUpperOnly'](snapshot({images: [walk({files: {'/walk.txt': {path: '/walk.txt', exists: false}}})], dirs: [upper]}), params).pass);
  t.regex(graders['layerdb.fileInUpperOnly'](snapshot({images: [walk({files: {'/walk.txt': file('/walk.txt', 'w')}})], dirs: [upper]}), params).observed, /inside the image's layers/);
  t.false(graders['layerdb.fileInUpperOnly'](snapshot({images: [walk()], dirs: [dir(`${I}/upper`, [])]}), params).pass);

  const g = graders['layerdb.cacheIds'];
  const p = {image: 'walk:abc123', answer: 'cache-ids'};
  t.true(g(snapshot({images: [walk()], answers: {'cache-ids': `${'c'.repeat(64)} ${'a'.repeat(64)} ${'b'.repeat(64)}`}}), p).pass, 'any order');
  t.regex(g(snapshot({images: [walk()], answers: {'cache-ids': 'a'.repeat(64)}}), p).observed, /2 missing/);
  t.regex(g(snapshot({images: [walk()], answers: {'cache-ids': `${'a'.repeat(64)} ${'d'.repeat(64)}`}}), p).observed, /is not the cache-id/);
  t.regex(g(snapshot({images: [walk()]}), p).observed, /no answer yet/);
});

const daemon = (extra: Partial<DaemonSnapshot> = {}): DaemonSnapshot => ({
  pidfile: '/var/run/docker.pid', pid: 100, comm: 'labd',
  configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"]}'},
  optionsFile: {path: '/etc/default/docker', text: '# Debian\nDOCKER_OPTS=""\n'},
  listeners: [{family: 4, address: '127.0.0.1', port: 2375, inode: 555, ownedByDaemon: true}],
  api: {port: 2375, ok: true, apiVersion: '1.47'},
  ...extra,
});

test('daemon.configured: hosts in daemon.json, no -H left, loopback only', (t) => {
  const g = graders['daemon.configured'];
  t.true(g(snapshot({daemon: daemon()}), {port: 2375}).pass);
  const both = g(snapshot({daemon: daemon({optionsFile: {path: '/etc/default/docker', text: 'DOCKER_OPTS="-H unix:///var/run/docker.sock"\n'}})}), {port: 2375});
  t.regex(both.observed, /still sets -H/);
  const flagsOnly = g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{}'}, optionsFile: {path: '/etc/default/docker', text: 'DOCKER_OPTS="-H unix:///var/run/docker.sock -H tcp://127.0.0.1:2375"\n'}})}), {port: 2375});
  t.regex(flagsOnly.observed, /still flags/);
  const open = g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"], "allow-insecure-tcp": true}'}})}), {port: 2375});
  t.false(open.pass);
  t.truthy(open.warning);
  const withTls = g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"], "tlsverify": true}'}})}), {port: 2375});
  t.false(withTls.pass);
  t.is(withTls.warning, undefined, 'TLS beyond loopback is not an exposure, only not what the step asks');
  t.regex(g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ["tcp://127.0.0.1:2375"]}'}})}), {port: 2375}).observed, /unix socket is gone/);
  t.regex(g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ["unix:///var/run/docker.sock", "tcp://localhost:2376"]}'}})}), {port: 2375}).observed, /nothing on tcp port 2375/);
  t.regex(g(snapshot({daemon: daemon({configFile: {path: '/etc/docker/daemon.json', text: '{"hosts": ['}})}), {port: 2375}).observed, /not valid JSON/);
});

test('daemon.listening crosses the socket table with the daemon\'s open files; daemon.apiAnswers asks /version', (t) => {
  const g = graders['daemon.listening'];
  t.true(g(snapshot({daemon: daemon()}), {port: 2375}).pass);
  t.regex(g(snapshot({daemon: daemon({listeners: [{family: 4, address: '127.0.0.1', port: 2375, inode: 9, ownedByDaemon: false}]})}), {port: 2375}).observed, /not the daemon/);
  const open = g(snapshot({daemon: daemon({listeners: [{family: 4, address: '0.0.0.0', port: 2375, inode: 9, ownedByDaemon: true}]})}), {port: 2375});
  t.false(open.pass);
  t.regex(open.warning ?? '', /root on this machine/);
  t.regex(g(snapshot({daemon: daemon({listeners: []})}), {port: 2375}).observed, /nothing listens/);
  t.regex(g(snapshot({daemon: daemon({pid: undefined, pidError: 'no process'})}), {port: 2375}).observed, /not running/);
  t.true(graders['daemon.apiAnswers'](snapshot({daemon: daemon()}), {port: 2375}).pass);
  t.false(graders['daemon.apiAnswers'](snapshot({daemon: daemon({api: {port: 2375, ok: false, error: 'ECONNREFUSED'}})}), {port: 2375}).pass);
});

const running = (id: string, path: string, args: string[], pid: number, tty: boolean, nspid: number[]): ContainerSnapshot => ({
  id: id.repeat(12), name: id, image: 'sha256:busybox', imageName: 'busybox', path, args, created: '', tty,
  state: {status: 'running', running: true, exitCode: 0, error: '', pid, startedAt: '', finishedAt: '', oomKilled: false},
  upperDir: '/u', lowerDirs: [], files: {}, logTail: [],
  process: {pid, nspid, chain: [{pid, ppid: 50, comm: path, program: path}, {pid: 50, ppid: 10, comm: 'labd-shim', program: 'labd-shim'}, {pid: 10, ppid: 1, comm: 'node', program: 'labd'}]},
});

test('processes: the shell and the server run; the PIDs reported are the server\'s, outside and inside', (t) => {
  const shell = running('s', 'sh', [], 300, true, [300, 1]);
  const web = running('w', 'httpd', ['-f', '-p', '8080'], 400, false, [400, 1]);
  const both = (answers: Record<string, string>) => snapshot({containers: [shell, web], answers});
  const host = {program: 'httpd', answer: 'server-pid-host'};
  const inside = {program: 'httpd', answer: 'server-pid-inside'};
  t.true(graders['processes.interactiveShell'](both({}), {program: 'sh'}).pass);
  const server = graders['processes.serverRunning'](both({}), {program: 'httpd'});
  t.true(server.pass);
  t.regex(server.observed, /labd \(10\) → labd-shim \(50\) → httpd \(400\)/);
  t.true(graders['processes.hostPid'](both({'server-pid-host': '400'}), host).pass);
  t.regex(graders['processes.hostPid'](both({'server-pid-host': '1'}), host).observed, /inside the container/);
  t.regex(graders['processes.hostPid'](both({'server-pid-host': '300'}), host).observed, /container s{12} \(s\)/);
  t.regex(graders['processes.hostPid'](both({'server-pid-host': '50'}), host).observed, /labd-shim, an ancestor/);
  t.true(graders['processes.insidePid'](both({'server-pid-inside': '1'}), inside).pass);
  t.regex(graders['processes.insidePid'](both({'server-pid-inside': '400'}), inside).observed, /on the host/);
  t.false(graders['processes.serverRunning'](snapshot({containers: [shell]}), {program: 'httpd'}).pass);
  t.false(graders['processes.interactiveShell'](snapshot({containers: [web]}), {program: 'sh'}).pass);
});
