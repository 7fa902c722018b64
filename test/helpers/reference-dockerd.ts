/**
 * Debian's real dockerd as the reference a test compares labd with: a private instance on its own data-root,
 * exec-root, socket and containerd namespace in a temp dir (never the system one), with no bridge and no
 * iptables. Its user networks come from a pool of its own (10.228.0.0/16 in /24s), never Docker's default
 * 172.17-31.x ranges that the test engines' bridges use, and are removed before it stops (dockerd leaves a
 * network's bridge behind when it exits). Tests that use it register with `needsDockerd` so they skip where /usr/sbin/dockerd is missing.
 */
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runCommand, type CliResult} from './cli.js';
import {isRoot} from './needs.js';

export const dockerdPath = '/usr/sbin/dockerd';
/** The needs of a comparison test, for `when`. */
export const needsDockerd = {'needs root': isRoot, [`needs Debian's dockerd (${dockerdPath}, package docker.io)`]: existsSync(dockerdPath)};

export interface ReferenceDockerd {
  dir: string;
  socket: string;
  docker(args: string[], input?: Buffer | string): Promise<CliResult>;
  stop(): Promise<void>;
}

const exited = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

async function waitUntil(what: string, ms: number, ready: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startReferenceDockerd(): Promise<ReferenceDockerd> {
  const dir = mkdtempSync(join(tmpdir(), 'ref-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const env = {DOCKER_HOST: `unix://${socket}`};
  const docker = (args: string[], input?: Buffer | string) => runCommand('docker', args, env, 300_000, input);
  const args = [
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'run'), '--pidfile', join(dir, 'dockerd.pid'), '-H', `unix://${socket}`,
    '--bridge=none', '--iptables=false', '--ip6tables=false', '--default-address-pool', 'base=10.228.0.0/16,size=24', '--containerd-namespace', 'labref', '--containerd-plugins-namespace', 'labref-plugins',
  ];
  // With no containerd socket at the default place, dockerd runs a containerd of its own under its exec-root.
  if (existsSync('/run/containerd/containerd.sock')) throw new Error('a system containerd is running: the reference dockerd would share it');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(dockerdPath, args, {stdio: ['ignore', log, log], detached: true});
  const pid = child.pid!;
  child.unref();
  const stop = async () => {
    // dockerd stops its containerd on the way out; wait for both before the dirs go.
    const containerdPidFile = join(dir, 'run', 'containerd', 'containerd.pid');
    const containerd = existsSync(containerdPidFile) ? Number(readFileSync(containerdPidFile, 'utf8')) : 0;
    if (!exited(pid)) {
      const custom = (await docker(['network', 'ls', '-q', '--filter', 'type=custom']).catch(() => undefined))?.stdout.split('\n').filter(Boolean) ?? [];
      if (custom.length > 0) {
        await docker(['rm', '-f', ...(await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean)]).catch(() => undefined);
        await docker(['network', 'rm', ...custom]).catch(() => undefined);
      }
      process.kill(pid, 'SIGTERM');
    }
    await waitUntil('dockerd to exit', 30_000, () => exited(pid)).catch(() => process.kill(pid, 'SIGKILL'));
    if (containerd > 0 && !exited(containerd)) {
      process.kill(containerd, 'SIGTERM');
      await waitUntil('containerd to exit', 15_000, () => exited(containerd)).catch(() => process.kill(containerd, 'SIGKILL'));
    }
    await runCommand('umount', ['-R', '-l', join(dir, 'data')]).catch(() => undefined);
    rmSync(dir, {recursive: true, force: true});
  };
  try {
    await waitUntil('dockerd to answer', 60_000, async () => {
      if (exited(pid)) throw new Error(`dockerd exited at start-up:\n${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
      return (await docker(['version'])).code === 0;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {dir, socket, docker, stop};
}
