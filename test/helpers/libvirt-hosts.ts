/**
 * Two libvirt hosts on one machine: the system libvirtd (started here if it does not answer, as a machine without
 * systemd has none running), reached as qemu:///system and as qemu+ssh:// through an sshd of the test's own on a
 * loopback port, with keys made here and the host key pinned (the machine's own sshd is not touched).
 */
import {type ChildProcess, execFileSync, spawn} from 'node:child_process';
import {chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {freeTcpPort} from '../../src/common/free-port.js';

const SYSTEM = 'qemu:///system';

function answers(uri: string): boolean {
  try {
    execFileSync('virsh', ['-c', uri, 'version'], {stdio: 'ignore', timeout: 30_000});
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000}s`);
    await sleep(250);
  }
}

function pidFrom(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Without udev, /dev/kvm stays root-only; libvirt then finds KVM "gone" at every call and probes qemu's
 * capabilities again each time (a minute and more per `virsh create`). Debian's udev rule makes it root:kvm 0660.
 */
function kvmDeviceAsUdevWould(): void {
  if (!existsSync('/dev/kvm')) return;
  const st = statSync('/dev/kvm');
  if ((st.mode & 0o060) !== 0 && st.gid !== 0) return;
  const gid = Number(execFileSync('getent', ['group', 'kvm'], {encoding: 'utf8'}).split(':')[2]);
  if (!gid) return;
  chownSync('/dev/kvm', 0, gid);
  chmodSync('/dev/kvm', 0o660);
}

/** The system libvirtd answering; the returned function stops what this call started (nothing, if it ran). */
export async function ensureLibvirtd(): Promise<() => Promise<void>> {
  kvmDeviceAsUdevWould();
  if (answers(SYSTEM)) return async () => undefined;
  const started: number[] = [];
  if (!existsSync('/run/libvirt/virtlogd-sock')) {
    execFileSync('virtlogd', ['-d', '-p', '/run/virtlogd.pid']);
    await waitFor('virtlogd', () => existsSync('/run/libvirt/virtlogd-sock'));
    const pid = pidFrom('/run/virtlogd.pid');
    if (pid) started.push(pid);
  }
  execFileSync('libvirtd', ['-d', '-p', '/run/libvirtd.pid']);
  await waitFor('libvirtd', () => answers(SYSTEM));
  const pid = pidFrom('/run/libvirtd.pid');
  if (pid) started.unshift(pid);
  return async () => {
    for (const p of started) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        continue;
      }
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && existsSync(`/proc/${p}`)) await sleep(100);
    }
  };
}

export interface LoopbackSshd {
  /** qemu+ssh URI of this machine's libvirtd through the sshd, with the key and pinned host key of the test. */
  uri: string;
  port: number;
  stop(): Promise<void>;
}

export async function startLoopbackSshd(dir: string): Promise<LoopbackSshd> {
  mkdirSync(dir, {recursive: true, mode: 0o700});
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'libvirt-test', '-f', file]);
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'id_ed25519'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id_ed25519.pub')), {mode: 0o600});
  const port = await freeTcpPort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  // libvirt's ssh transport runs `command` as its ssh: this one pins the test sshd's key and never asks.
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec ssh -o UserKnownHostsFile=${join(dir, 'known_hosts')} -o StrictHostKeyChecking=yes -o BatchMode=yes -o GlobalKnownHostsFile=/dev/null "$@"\n`, {mode: 0o755});
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
  const sshd: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']});
  let log = '';
  sshd.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const uri = `qemu+ssh://root@127.0.0.1:${port}/system?keyfile=${join(dir, 'id_ed25519')}&command=${join(dir, 'ssh')}`;
  await waitFor(`sshd on 127.0.0.1:${port} (${log})`, () => sshd.exitCode === null && answers(uri), 60_000);
  return {
    uri,
    port,
    stop: async () => {
      if (sshd.exitCode !== null) return;
      const gone = new Promise((resolve) => sshd.once('exit', resolve));
      sshd.kill('SIGTERM');
      await gone;
    },
  };
}
