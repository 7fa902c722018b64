/**
 * A real labd for a test: its own data-root, exec-root and unix socket in a temp dir, driven with the stock
 * docker CLI through DOCKER_HOST. Stopped and removed when the test file ends.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {mountsBelow} from '../../src/common/mount-table.js';
import {runCommand, runLab, type CliResult} from './cli.js';

export interface TestEngine {
  dir: string;
  dataRoot: string;
  execRoot: string;
  socket: string;
  host: string;
  docker(args: string[], input?: Buffer | string): Promise<CliResult>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestEngine(opts: {daemonJson?: Record<string, unknown>; args?: string[]} = {}): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-engine-'));
  writeFileSync(join(dir, 'daemon.json'), JSON.stringify(opts.daemonJson ?? {}));
  const extraArgs = opts.args ?? [];
  const dataRoot = join(dir, 'data');
  const execRoot = join(dir, 'run');
  const socket = join(execRoot, 'docker.sock');
  const host = `unix://${socket}`;
  const hostArgs = opts.daemonJson?.hosts ? [] : ['-H', host];
  const args = ['engine', 'start', '--json', '--data-root', dataRoot, '--exec-root', execRoot, ...hostArgs, '--config-file', join(dir, 'daemon.json'), ...extraArgs];
  const start = async () => {
    const r = await runLab(args);
    if (r.code !== 0) throw new Error(`lab engine start failed: ${r.stderr || r.stdout}`);
  };
  try {
    await start();
  } catch (error) {
    // A refused configuration is what some tests want: their temp dir goes with the failure.
    rmSync(dir, {recursive: true, force: true});
    throw error;
  }
  const stop = async () => {
    await runLab(['engine', 'stop', '--exec-root', execRoot]);
  };
  return {
    dir, dataRoot, execRoot, socket, host,
    docker: (dockerArgs, input) => runCommand('docker', dockerArgs, {DOCKER_HOST: host, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: join(dir, 'docker-config')}, 300_000, input),
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      // Layer dirs may hold mounts in later engine parts; unmount anything left under the dir before removing it.
      for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
      rmSync(dir, {recursive: true, force: true});
    },
  };
}
