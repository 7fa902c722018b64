/**
 * Who restored a container's file mode, read from the kernel's audit records: the parser on records as auditd
 * writes them (ENRICHED format), and the judgement on each way a student could give the bit back.
 */
import test from 'ava';
import {graders} from '../../graders/index.js';
import {devName, restoredInside} from '../../graders/chmod-audit.js';
import type {AuditChmod, AuditLog, ContainerSnapshot, FileInfo, Snapshot} from '../../graders/snapshot.js';
import {parseChmods} from '../../src/lab/grading/collect-audit.js';

const G = '\x1d';
// A chmod -x inside a container (no login uid, through the overlay: device 00:33, the lower file's inode, with
// the copy-up's items after it), then a chmod +x of the upper dir's copy from a login session (auid 1000, the disk).
const raw = [
  `type=SYSCALL msg=audit(1796659541.518:155): arch=c000003e syscall=268 success=yes exit=0 a0=ffffff9c a1=55 a2=1a4 a3=0 items=5 ppid=900 pid=901 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=4294967295 comm="chmod" exe="/usr/bin/chmod" key="lab26-k"${G}ARCH=x86_64 SYSCALL=fchmodat AUID="unset"`,
  'type=CWD msg=audit(1796659541.518:155): cwd="/"',
  `type=PATH msg=audit(1796659541.518:155): item=0 name="/bin/chmod" inode=2163189 dev=00:33 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0${G}OUID="root"`,
  'type=PATH msg=audit(1796659541.518:155): item=4 name=(null) inode=2163359 dev=fe:00 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=CREATE',
  'type=PROCTITLE msg=audit(1796659541.518:155): proctitle=63686D6F64',
  'type=SYSCALL msg=audit(1796659545.100:160): arch=c000003e syscall=268 success=yes exit=0 a0=ffffff9c a1=55 a2=1ed a3=0 items=1 ppid=700 pid=702 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=3 comm="chmod" exe="/usr/bin/chmod" key="lab26-k"',
  'type=CWD msg=audit(1796659545.100:160): cwd=2F726F6F74206469722F',
  'type=PATH msg=audit(1796659545.100:160): item=0 name="/var/lib/docker/overlay2/abc/diff/usr/bin/chmod" inode=2163359 dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL',
].join('\n');

test('ausearch --raw records become one chmod call each: who, how and the file as it was reached', (t) => {
  const [inside, host] = parseChmods(raw);
  t.like(inside, {serial: 155, timeMs: 1796659541518, syscall: 'fchmodat', success: true, pid: 901, comm: 'chmod', newMode: 0o644, cwd: '/', path: {name: '/bin/chmod', inode: 2163189, dev: '00:33', mode: 0o755}});
  t.is(inside!.auid, undefined, 'unset login uid');
  t.like(host, {serial: 160, auid: 1000, newMode: 0o755, cwd: '/root dir/', path: {name: '/var/lib/docker/overlay2/abc/diff/usr/bin/chmod', inode: 2163359, dev: 'fe:00', mode: 0o644}});
  t.is(devName(0xfe00), 'fe:00');
  t.is(devName(0x33), '00:33');
});

const lower: FileInfo = {path: '/bin/chmod', exists: true, type: 'file', mode: 0o755, sha256: 'abc', mtimeMs: 1000, ino: 2163189, dev: 0xfe00};
const upperAt = (ctimeMs: number): FileInfo => ({...lower, ctimeMs, ino: 2163359});
const id = 'sandbox'.padEnd(64, '0');
const sandbox = (ctimeMs: number): ContainerSnapshot => ({
  id, name: 'sandbox', image: 'sha256:deb', imageName: 'debian', path: 'bash', args: [], created: '', tty: true, openStdin: true,
  state: {status: 'running', running: true, exitCode: 0, error: '', pid: 900, startedAt: '', finishedAt: '', oomKilled: false},
  upperDir: '/var/lib/docker/overlay2/abc/diff', lowerDirs: [], files: {'/bin/chmod': {upper: upperAt(ctimeMs), lower}}, logTail: [],
});
const call = (timeMs: number, extra: Partial<AuditChmod>): AuditChmod => ({
  timeMs, serial: timeMs, syscall: 'fchmodat', success: true, pid: 901, ppid: 900, comm: 'chmod', exe: '/usr/bin/chmod', newMode: 0o755, cwd: '/',
  path: {name: '/bin/chmod', inode: 2163189, dev: '00:33', mode: 0o644}, ...extra,
});
const removed = call(10_000, {newMode: 0o644, path: {name: '/bin/chmod', inode: 2163189, dev: '00:33', mode: 0o755}});
const log = (...chmods: AuditChmod[]): AuditLog => ({key: 'lab26-k', available: true, chmods});

test('the restore made in the container (the dynamic loader running chmod) is credited', (t) => {
  const restore = call(20_000, {comm: 'ld-linux-x86-64', exe: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'});
  t.is(restoredInside(sandbox(20_002), '/bin/chmod', 0o755, log(removed, restore)).miss, undefined);
  // docker exec: the engine starts it, so it has no login uid either.
  t.is(restoredInside(sandbox(20_002), '/bin/chmod', 0o755, log(removed, call(20_000, {ppid: 1}))).miss, undefined);
});

test('each way of giving the bit back from the host is refused, with what the record shows', (t) => {
  const judge = (c: AuditChmod, ctime = c.timeMs + 2) => restoredInside(sandbox(ctime), '/bin/chmod', 0o755, log(removed, c)).miss ?? '';
  // chmod of the copy in the upper dir, from a login session or from a privileged container that mounts the host's /.
  const upper = {name: '/var/lib/docker/overlay2/abc/diff/usr/bin/chmod', inode: 2163359, dev: 'fe:00', mode: 0o644};
  t.regex(judge(call(20_000, {auid: 1000, path: upper})), /from the host, through the upper dir on the disk/);
  t.regex(judge(call(20_000, {path: {...upper, name: '/host/var/lib/docker/overlay2/abc/diff/usr/bin/chmod'}})), /through the upper dir/);
  // Through the merged dir or /proc/<pid>/root (the overlay's device and inode, a path that even reads like the
  // container's own when the shell cd's there first): only the session's login uid gives it away.
  t.regex(judge(call(20_000, {auid: 1000, cwd: '/usr/bin', path: {name: 'chmod', inode: 2163189, dev: '00:33', mode: 0o644}})), /from a login session on the host/);
  // python's os.fchmod, install -m (an open file, no path): a login session's call at the file's last change.
  t.regex(judge(call(20_000, {syscall: 'fchmod', auid: 1000, path: undefined})), /open file descriptor/);
  // The file replaced (cp, mv): its last change is no chmod at all.
  t.regex(restoredInside(sandbox(30_000), '/bin/chmod', 0o755, log(removed)).miss ?? '', /no chmod recorded then explains it/);
  // Given back from the host first, then chmod +x again inside (the bit was already there).
  const again = call(25_000, {path: {name: '/bin/chmod', inode: 2163189, dev: '00:33', mode: 0o755}});
  t.regex(restoredInside(sandbox(25_001), '/bin/chmod', 0o755, log(removed, call(20_000, {auid: 1000, path: upper}), again)).miss ?? '', /already/);
  // A chmod inside another container of the image (the same lower inode) at the moment of the host's call.
  const other = call(20_010, {pid: 950, path: {name: '/bin/chmod', inode: 2163189, dev: '00:34', mode: 0o644}});
  t.regex(restoredInside(sandbox(20_002), '/bin/chmod', 0o755, log(removed, call(20_000, {auid: 1000, path: upper}), other)).miss ?? '', /another call changed \/bin\/chmod from outside/);
});

test('without audit records the check says it cannot tell, and does not credit', (t) => {
  const off: AuditLog = {key: 'lab26-k', available: false, error: 'auditctl -s failed (spawnSync auditctl ENOENT): the kernel\'s audit is not available here', chmods: []};
  t.regex(restoredInside(sandbox(20_000), '/bin/chmod', 0o755, off).miss ?? '', /cannot be told: auditctl -s failed/);
  t.regex(restoredInside(sandbox(20_000), '/bin/chmod', 0o755, undefined).miss ?? '', /did not ask/);
});

test('overlay.copyUpRestored with audited: the grader refuses the host\'s chmod while the shell is open', (t) => {
  const params = {imageId: 'sha256:deb', path: '/bin/chmod', mode: 0o755, interactive: true, audited: true};
  const snap = (audit: AuditLog): Snapshot => ({
    takenAt: '', answers: {}, audit,
    host: {namespaces: {}, files: {}},
    engine: {reachable: true, images: [], containers: [sandbox(20_002)], events: [{Type: 'container', Action: 'start', Actor: {ID: id, Attributes: {}}, time: 5, timeNano: 5e9}]},
  });
  const g = graders['overlay.copyUpRestored'];
  t.true(g(snap(log(removed, call(20_000, {}))), params).pass);
  const v = g(snap(log(removed, call(20_000, {auid: 1000, path: {name: '/var/lib/docker/overlay2/abc/diff/usr/bin/chmod', inode: 2163359, dev: 'fe:00', mode: 0o644}}))), params);
  t.false(v.pass);
  t.regex(v.observed, /given back from the host, through the upper dir/);
});
