/** Graders are pure functions of observed state: each is tested on the state it must accept and near misses it must reject. */
import test from 'ava';
import {graders} from '../../graders/index.js';
import {overlays, parseMountinfo} from '../../graders/mounts.js';
import type {ContainerSnapshot, FileInfo, ImageSnapshot, Snapshot} from '../../graders/snapshot.js';

const dyn: FileInfo = {path: '/hello', exists: true, type: 'file', mode: 0o755, size: 16000, elf: {interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], static: false}, contains: {'Hello, %s': true}};
const stat: FileInfo = {...dyn, size: 800000, elf: {needed: [], static: true}};

function snapshot(parts: Partial<Snapshot['engine']> & {hostFiles?: Record<string, FileInfo>; answers?: Record<string, string>} = {}): Snapshot {
  return {
    takenAt: '', answers: parts.answers ?? {},
    host: {namespaces: {pid: 'pid:[1]', mnt: 'mnt:[1]', uts: 'uts:[1]', ipc: 'ipc:[1]', net: 'net:[1]'}, files: parts.hostFiles ?? {}},
    engine: {reachable: true, images: parts.images ?? [], containers: parts.containers ?? [], events: parts.events ?? []},
  };
}

const image = (id: string, files: Record<string, FileInfo>, extra: Partial<ImageSnapshot> = {}): ImageSnapshot => ({
  id, tags: [], parent: '', created: '', config: {Entrypoint: ['./hello']}, layerDirs: ['/l1'], history: [], files, ...extra,
});

const container = (id: string, imageId: string, extra: Partial<ContainerSnapshot> = {}): ContainerSnapshot => ({
  id, name: id, image: imageId, imageName: 'hello', path: './hello', args: ['123'], created: '',
  state: {status: 'exited', running: false, exitCode: 0, error: '', pid: 0, startedAt: '', finishedAt: '', oomKilled: false},
  upperDir: '/u', lowerDirs: [], files: {}, logTail: [], ...extra,
});

test('elf.hostBinary tells dynamic from static and the lab program from another', (t) => {
  const params = {path: '/w/hello_not_static', linkage: 'dynamic', contains: 'Hello, %s'};
  t.true(graders['elf.hostBinary'](snapshot({hostFiles: {'/w/hello_not_static': {...dyn, path: '/w/hello_not_static'}}}), params).pass);
  t.false(graders['elf.hostBinary'](snapshot({hostFiles: {'/w/hello_not_static': {...stat, path: '/w/hello_not_static'}}}), params).pass);
  t.false(graders['elf.hostBinary'](snapshot({hostFiles: {'/w/hello_not_static': {...dyn, contains: {'Hello, %s': false}}}}), params).pass);
  const missing = graders['elf.hostBinary'](snapshot(), params);
  t.false(missing.pass);
  t.regex(missing.observed, /does not exist/);
});

test('images.scratchImageWithFile wants one layer, the right linkage and the entrypoint', (t) => {
  const params = {path: '/hello', linkage: 'static', entrypoint: ['./hello'], tag: 'hello:latest'};
  const g = graders['images.scratchImageWithFile'];
  t.true(g(snapshot({images: [image('sha256:a', {'/hello': stat}, {tags: ['hello:latest']})]}), params).pass);
  t.false(g(snapshot({images: [image('sha256:a', {'/hello': dyn}, {tags: ['hello:latest']})]}), params).pass, 'dynamic binary in the final image');
  t.false(g(snapshot({images: [image('sha256:a', {'/hello': stat}, {tags: ['hello:latest'], layerDirs: ['/l0', '/l1']})]}), params).pass, 'not from scratch');
  t.false(g(snapshot({images: [image('sha256:a', {'/hello': stat}, {tags: ['other:latest']})]}), params).pass, 'not tagged hello');
});

test('containers.failedRun and succeededRun read exit codes and output', (t) => {
  const images = [image('sha256:d', {'/hello': dyn}), image('sha256:s', {'/hello': stat})];
  const failed = container('c1', 'sha256:d', {state: {...container('x', '').state, exitCode: 127, error: 'exec /hello: no such file or directory'}});
  t.true(graders['containers.failedRun'](snapshot({images, containers: [failed]}), {imagePath: '/hello', linkage: 'dynamic'}).pass);
  t.false(graders['containers.failedRun'](snapshot({images, containers: []}), {imagePath: '/hello', linkage: 'dynamic'}).pass);
  const ok = container('c2', 'sha256:s', {logTail: ['Hello, 123']});
  t.true(graders['containers.succeededRun'](snapshot({images, containers: [ok]}), {imagePath: '/hello', linkage: 'static', output: 'Hello, 123'}).pass);
  const noArg = container('c3', 'sha256:s', {logTail: ['Enter the string!']});
  t.false(graders['containers.succeededRun'](snapshot({images, containers: [noArg]}), {imagePath: '/hello', linkage: 'static', output: 'Hello, 123'}).pass);
});

test('overlay.copyUpRestored and files.hostModeIs: changed in the container, not on the host', (t) => {
  const chmod = (mode: number): FileInfo => ({path: '/bin/chmod', exists: true, type: 'file', mode, size: 64000, sha256: 'abc'});
  const c = container('c1', 'sha256:deb', {files: {'/bin/chmod': {upper: chmod(0o755), lower: chmod(0o755)}}});
  const params = {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755};
  t.true(graders['overlay.copyUpRestored'](snapshot({containers: [c]}), params).pass);
  const broken = container('c1', 'sha256:deb', {files: {'/bin/chmod': {upper: chmod(0o644), lower: chmod(0o755)}}});
  t.false(graders['overlay.copyUpRestored'](snapshot({containers: [broken]}), params).pass);
  const untouched = container('c1', 'sha256:deb', {files: {'/bin/chmod': {upper: {path: '/bin/chmod', exists: false}, lower: chmod(0o755)}}});
  t.false(graders['overlay.copyUpRestored'](snapshot({containers: [untouched]}), params).pass);
  const host = graders['files.hostModeIs'](snapshot({hostFiles: {'/usr/bin/chmod': chmod(0o644)}}), {path: '/usr/bin/chmod', mode: 0o755});
  t.false(host.pass);
  t.regex(host.warning ?? '', /repair/);
});

test('overlay.copyUpRestored refuses a mode given back from the host after the shell exited (the copy\'s ctime)', (t) => {
  const chmod = (ctimeMs: number): FileInfo => ({path: '/bin/chmod', exists: true, type: 'file', mode: 0o755, size: 64000, sha256: 'abc', mtimeMs: 1000, ctimeMs});
  const params = {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755, interactive: true};
  const id = 'sandbox'.padEnd(64, '0');
  const event = (Action: string, ms: number) => ({Type: 'container', Action, Actor: {ID: id, Attributes: {}}, time: Math.floor(ms / 1000), timeNano: ms * 1e6});
  const events = [event('start', 100_000), event('die', 200_000)];
  const sandbox = (ctimeMs: number) => container(id, 'sha256:deb', {tty: true, openStdin: true, files: {'/bin/chmod': {upper: chmod(ctimeMs), lower: {...chmod(1000), ctimeMs: 1000}}}});
  const g = graders['overlay.copyUpRestored'];
  t.true(g(snapshot({containers: [sandbox(150_000)], events}), params).pass, 'restored while the shell ran');
  t.regex(g(snapshot({containers: [sandbox(260_000)], events}), params).observed, /while the container was not running: it was changed from the host/);
  t.true(g(snapshot({containers: [sandbox(260_000)], events: [...events, event('start', 250_000)]}), params).pass, 'a later run that is still going');
  t.true(g(snapshot({containers: [sandbox(260_000)], events: []}), params).pass, 'no events seen: no judgement on the time');
});

test('overlay.copyUpRestored refuses a copy made by touch, and one not made in an interactive shell', (t) => {
  const chmod = (mtimeMs: number): FileInfo => ({path: '/bin/chmod', exists: true, type: 'file', mode: 0o755, size: 64000, sha256: 'abc', mtimeMs});
  const params = {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755, interactive: true};
  const g = graders['overlay.copyUpRestored'];
  const honest = container('sandbox', 'sha256:deb', {tty: true, openStdin: true, files: {'/bin/chmod': {upper: chmod(1000), lower: chmod(1000)}}});
  t.true(g(snapshot({containers: [honest]}), params).pass);
  // docker run --name t debian touch /bin/chmod: copied up, mode intact, but written (a new mtime) and no shell.
  const touched = container('t', 'sha256:deb', {files: {'/bin/chmod': {upper: chmod(5_000_000), lower: chmod(1000)}}});
  const v = g(snapshot({containers: [touched]}), params);
  t.false(v.pass);
  t.regex(v.observed, /new modification time.*not only chmod-ed/);
  // The right commands through bash -c: no terminal, no stdin.
  const scripted = {...honest, id: 'script', name: 'script', tty: false, openStdin: false};
  t.regex(g(snapshot({containers: [scripted]}), params).observed, /not run interactively/);
  // A near miss next to the real thing does not hide it, in either order.
  t.true(g(snapshot({containers: [touched, honest]}), params).pass);
  t.true(g(snapshot({containers: [honest, touched]}), params).pass);
  // Without interactive, the grader keeps its old meaning (other labs).
  t.true(g(snapshot({containers: [scripted]}), {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755}).pass);
});

test('containers.restartedAndAttached with a mode: the restarted container is the one the chmod step accepts', (t) => {
  const chmod = (mtimeMs: number): FileInfo => ({path: '/bin/chmod', exists: true, type: 'file', mode: 0o755, size: 64000, sha256: 'abc', mtimeMs});
  const ev = (id: string, Action: string, timeNano: number) => ({Type: 'container', Action, Actor: {ID: id, Attributes: {}}, time: 0, timeNano});
  const g = graders['containers.restartedAndAttached'];
  const params = {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755, interactive: true};
  const touched = container('t', 'sha256:deb', {files: {'/bin/chmod': {upper: chmod(5_000_000), lower: chmod(1000)}}});
  const restartedTouch = [ev('t', 'start', 1), ev('t', 'die', 2), ev('t', 'attach', 3), ev('t', 'start', 4)];
  // The false credit: docker run --name t debian touch /bin/chmod, then docker start -a t.
  const v = g(snapshot({containers: [touched], events: restartedTouch}), params);
  t.false(v.pass);
  t.regex(v.observed, /previous step.*modification time/);
  const sandbox = container('s', 'sha256:deb', {tty: true, openStdin: true, files: {'/bin/chmod': {upper: chmod(1000), lower: chmod(1000)}}});
  t.false(g(snapshot({containers: [touched, sandbox], events: [...restartedTouch, ev('s', 'start', 1), ev('s', 'die', 2)]}), params).pass, 'the sandbox itself was never restarted');
  t.true(g(snapshot({containers: [touched, sandbox], events: [ev('s', 'start', 1), ev('s', 'die', 2), ev('s', 'attach', 3), ev('s', 'start', 4)]}), params).pass);
});

test('containers.restartedAndAttached needs the same container started twice and attached after it exited', (t) => {
  const c = container('c1', 'sha256:deb', {files: {'/bin/chmod': {upper: {path: '/bin/chmod', exists: true}, lower: {path: '/bin/chmod', exists: true}}}});
  const ev = (Action: string, timeNano: number) => ({Type: 'container', Action, Actor: {ID: 'c1', Attributes: {}}, time: 0, timeNano});
  const params = {imageId: 'sha256:deb', path: '/bin/chmod'};
  const g = graders['containers.restartedAndAttached'];
  t.true(g(snapshot({containers: [c], events: [ev('start', 1), ev('die', 2), ev('attach', 3), ev('start', 4)]}), params).pass);
  t.false(g(snapshot({containers: [c], events: [ev('start', 1), ev('die', 2), ev('start', 4)]}), params).pass, 'no attach');
  t.false(g(snapshot({containers: [c], events: [ev('attach', 0), ev('start', 1)]}), params).pass, 'started once');
});

test('namespaces.isolated compares ns inodes with the host', (t) => {
  const running = container('c1', 'i', {state: {...container('x', '').state, running: true, status: 'running', pid: 42}, namespaces: {pid: 'pid:[2]', mnt: 'mnt:[2]', uts: 'uts:[2]', ipc: 'ipc:[2]', net: 'net:[2]'}});
  t.true(graders['namespaces.isolated'](snapshot({containers: [running]}), {}).pass);
  const hostNet = {...running, namespaces: {...running.namespaces!, net: 'net:[1]'}};
  const v = graders['namespaces.isolated'](snapshot({containers: [hostNet]}), {});
  t.false(v.pass);
  t.regex(v.observed, /shares the host's net/);
});

test('mountinfo parsing finds overlay layers in the kernel\'s order', (t) => {
  const text = '120 29 0:50 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay rw,lowerdir=l/AAA:l/BBB,upperdir=/x/abc/diff,workdir=/x/abc/work\n31 1 8:1 / / rw - ext4 /dev/vda rw';
  const [o] = overlays(parseMountinfo(text));
  t.deepEqual(o, {mountPoint: '/var/lib/docker/overlay2/abc/merged', lower: ['l/AAA', 'l/BBB'], upper: '/x/abc/diff', work: '/x/abc/work'});
});
