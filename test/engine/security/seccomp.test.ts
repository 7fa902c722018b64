/**
 * The default seccomp profile through the stock docker CLI: calls that reach past the container (the
 * keyring, new namespaces, mounts) fail with EPERM inside it, ordinary busybox commands work, and
 * `--security-opt seccomp=unconfined` or `--privileged` lift the filter. A small static C program makes the
 * raw system calls, so the verdict is the kernel's errno, not a tool's reading of it.
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {buildOciSpec, validateOciSpec} from '../../../src/engine/runtime/oci-spec.js';
import {busyboxArchive} from '../../helpers/busybox.js';
import {startTestEngine, type TestEngine} from '../../helpers/engine.js';

// Each probe prints "<name> ok" or "<name> <errno name>".
const probeSource = `
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
static void report(const char *name, long r) {
  printf("%s %s\\n", name, r < 0 ? (errno == EPERM ? "EPERM" : errno == ENOSYS ? "ENOSYS" : strerrorname_np(errno)) : "ok");
}
int main(void) {
  report("keyctl", syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0L));
  report("add_key", syscall(SYS_add_key, "user", "lab", "x", 1L, -3L /* KEY_SPEC_SESSION_KEYRING */));
  report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
  // Last: once in a new user namespace the process holds no capability over the old mounts.
  report("unshare_user", syscall(SYS_unshare, CLONE_NEWUSER));
  report("getpid", syscall(SYS_getpid));
  return 0;
}
`;

let engine: TestEngine;
let dir: string;
test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-seccomp-'));
  writeFileSync(join(dir, 'probe.c'), probeSource);
  const cc = spawnSync('gcc', ['-static', '-O1', '-o', join(dir, 'probe'), join(dir, 'probe.c')], {encoding: 'utf8'});
  if (cc.status !== 0) throw new Error(`gcc: ${cc.stderr}`);
  engine = await startTestEngine();
  const load = await engine.docker(['load', '-i', (await busyboxArchive('docker')).path]);
  if (load.code !== 0) throw new Error(load.stderr);
});
test.after.always(async () => {
  await engine?.stop();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

async function probe(...flags: string[]): Promise<Record<string, string>> {
  const r = await engine.docker(['run', '--rm', ...flags, '-v', `${dir}/probe:/probe:ro`, 'busybox', '/probe']);
  if (r.code !== 0) throw new Error(`probe exited ${r.code}: ${r.stderr}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
}

test.serial('default profile: the keyring, a new user namespace and mount fail with EPERM; ordinary calls work', async (t) => {
  const seen = await probe();
  t.deepEqual(seen, {keyctl: 'EPERM', add_key: 'EPERM', unshare_user: 'EPERM', mount: 'EPERM', getpid: 'ok'});
  const status = await engine.docker(['run', '--rm', 'busybox', 'grep', '^Seccomp:', '/proc/self/status']);
  t.regex(status.stdout, /Seccomp:\s+2/, 'filter mode');
});

test.serial('ordinary busybox work is untouched: files, processes, pipes, sockets, a shell script', async (t) => {
  const script = [
    'set -e', 'mkdir -p /tmp/a && echo data > /tmp/a/f && cp /tmp/a/f /tmp/a/g && ln -s g /tmp/a/h && cat /tmp/a/h',
    'chmod 600 /tmp/a/g && chown 1:1 /tmp/a/g && rm -r /tmp/a', 'sleep 0.1 & wait', 'echo abc | tr a-c x-z',
    'ps >/dev/null', 'nc -l -p 7000 -e true & sleep 0.2; echo | nc 127.0.0.1 7000; wait', 'date >/dev/null', 'echo done',
  ].join('\n');
  const r = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', script]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'data\nxyz\ndone\n');
  // exec'd processes run under the same filter and work too.
  t.is((await engine.docker(['run', '-d', '--name', 'sc-exec', 'busybox', 'sleep', '60'])).code, 0);
  const exec = await engine.docker(['exec', 'sc-exec', 'sh', '-c', 'unshare -U true; echo $?; grep ^Seccomp: /proc/self/status']);
  t.regex(exec.stdout, /^1\nSeccomp:\s+2\n$/);
  await engine.docker(['rm', '-f', 'sc-exec']);
});

test.serial('--security-opt seccomp=unconfined lifts the filter: the blocked calls work (mount still needs CAP_SYS_ADMIN)', async (t) => {
  const seen = await probe('--security-opt', 'seccomp=unconfined');
  t.is(seen.keyctl, 'ok');
  t.is(seen.add_key, 'ok');
  t.is(seen.unshare_user, 'ok');
  t.is(seen.mount, 'EPERM', 'the capability check, not the filter');
  t.is((await engine.docker(['run', '-d', '--name', 'sc-unconfined', '--security-opt', 'seccomp=unconfined', 'busybox', 'sleep', '30'])).code, 0);
  const inspect = JSON.parse((await engine.docker(['inspect', 'sc-unconfined'])).stdout);
  t.deepEqual(inspect[0].HostConfig.SecurityOpt, ['seccomp=unconfined']);
  await engine.docker(['rm', '-f', 'sc-unconfined']);
});

test.serial('--privileged runs without a filter; --cap-add SYS_ADMIN opens mount and unshare', async (t) => {
  const privileged = await probe('--privileged');
  t.is(privileged.mount, 'ok');
  t.is(privileged.unshare_user, 'ok');
  const admin = await probe('--cap-add', 'SYS_ADMIN');
  t.is(admin.unshare_user, 'ok');
  t.is(admin.keyctl, 'EPERM', 'the keyring stays closed whatever the capabilities');
});

test.serial('a custom profile from a file, and bad options are refused at create with Docker\'s words', async (t) => {
  const profile = join(dir, 'profile.json');
  writeFileSync(profile, JSON.stringify({defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 1}]}));
  const custom = await probe('--security-opt', `seccomp=${profile}`);
  t.is(custom.getpid, 'EPERM');
  t.is(custom.keyctl, 'ok');
  const bad = await engine.docker(['run', '--rm', '--security-opt', 'bogus=1', 'busybox', 'true']);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /invalid --security-opt 2: "bogus=1"/);
  const info = JSON.parse((await engine.docker(['info', '--format', '{{json .SecurityOptions}}'])).stdout);
  t.true(info.includes('name=seccomp,profile=builtin'));
});

test.serial('daemon.json seccomp-profile is every container\'s default; a container\'s own option still wins; a bad profile stops the daemon', async (t) => {
  const profile = join(dir, 'daemon-profile.json');
  writeFileSync(profile, JSON.stringify({defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 1}]}));
  const daemon = await startTestEngine({daemonJson: {'seccomp-profile': profile}});
  try {
    const load = await daemon.docker(['load', '-i', (await busyboxArchive('docker')).path]);
    t.is(load.code, 0, load.stderr);
    const run = async (...flags: string[]) => {
      const r = await daemon.docker(['run', '--rm', ...flags, '-v', `${dir}/probe:/probe:ro`, 'busybox', '/probe']);
      return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
    };
    const byDefault = await run();
    t.is(byDefault.getpid, 'EPERM', 'the daemon\'s profile applies');
    t.is(byDefault.keyctl, 'ok', 'instead of the built-in one');
    const unconfined = await run('--security-opt', 'seccomp=unconfined');
    t.is(unconfined.getpid, 'ok');
    const info = JSON.parse((await daemon.docker(['info', '--format', '{{json .SecurityOptions}}'])).stdout);
    t.true(info.includes(`name=seccomp,profile=${profile}`), JSON.stringify(info));
  } finally {
    await daemon.stop();
  }
  writeFileSync(profile, JSON.stringify({defaultAction: 'SCMP_ACT_SOMETIMES'}));
  const error = await t.throwsAsync(startTestEngine({daemonJson: {'seccomp-profile': profile}}));
  t.regex(JSON.parse(error!.message.replace(/^[^{]*/, '')).error.message, /daemon\.json: key "seccomp-profile": .*daemon-profile\.json: .*SCMP_ACT_SOMETIMES/);
  const missing = await t.throwsAsync(startTestEngine({daemonJson: {'seccomp-profile': join(dir, 'nowhere.json')}}));
  t.regex(JSON.parse(missing!.message.replace(/^[^{]*/, '')).error.message, /key "seccomp-profile": cannot read the seccomp profile .*nowhere\.json: ENOENT/);
});

test('the generated config with the profile validates against the OCI schema', (t) => {
  const record = {ID: 'a'.repeat(64), Config: {}, HostConfig: {}, ResolvConfPath: '/r', HostnamePath: '/h', HostsPath: '/s'} as never;
  const spec = buildOciSpec({record, rootPath: '/x', user: {uid: 0, gid: 0, additionalGids: [], home: '/root'}, env: ['A=1'], args: ['sh'], cwd: '/'});
  t.truthy(spec.linux.seccomp);
  t.notThrows(() => validateOciSpec(spec));
  t.throws(() => validateOciSpec({...spec, linux: {...spec.linux, seccomp: {defaultAction: 'SCMP_ACT_NOPE'}}}), {message: /seccomp\/defaultAction/});
});
