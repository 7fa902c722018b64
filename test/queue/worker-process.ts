/**
 * `lab worker` processes for the queue tests: started as a teacher starts them, their log kept, stopped with
 * SIGTERM (they remove their own sandbox). One killed with SIGKILL cannot clean up: its sandbox engine, mounts
 * and cgroup are found from its log and removed here.
 */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process';
import {existsSync, rmSync, rmdirSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {mountsBelow} from '../../src/common/mount-table.js';
import {EngineClient} from '../../src/engine/client/index.js';
import {stopEngineProcess} from '../../src/engine/control/engine-process.js';
import {cgroupDirsOf} from '../../src/engine/runtime/cgroups.js';
import {labBin} from '../helpers/cli.js';
import {waitFor} from '../helpers/wait.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** host:pid, as the worker names itself in progress reports and results. */
  id: string;
  log(): string;
  /** The job ids it started and finished, from its log. */
  started(): string[];
  finished(): string[];
  exited(): boolean;
  stop(): Promise<void>;
  /** After a SIGKILL: its sandbox engine, mounts, dir and cgroup removed. */
  removeOrphanSandbox(): Promise<void>;
}

export async function startWorker(url: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [labBin, 'worker', '--redis', url, ...args], {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, NO_COLOR: '1', ...env}});
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  await waitFor(() => / worker \S+ on /.test(log) || exited(), {timeoutMs: 60_000, what: `the worker to connect (${log})`});
  if (exited()) throw new Error(`lab worker exited: ${log}`);
  const ids = (re: RegExp) => [...log.matchAll(re)].map((m) => m[1]);
  return {
    child, id: `${hostname()}:${child.pid}`, log: () => log, exited,
    started: () => ids(/job (\S+) \(homework\), try/g),
    finished: () => ids(/job (\S+) done in/g),
    stop: async () => {
      if (exited()) return;
      child.kill('SIGTERM');
      await waitFor(exited, {timeoutMs: 120_000, what: `worker ${child.pid} to stop and remove its sandbox`});
    },
    removeOrphanSandbox: async () => {
      const m = /starting a private engine in (\S+) under the cgroup (\S+)/.exec(log);
      if (!m) return;
      const [, dir, cgroup] = m;
      if (existsSync(join(dir, 'run', 'docker.sock'))) {
        const engine = new EngineClient({socketPath: join(dir, 'run', 'docker.sock')}, 60_000);
        const containers = await engine.listContainers({all: true}).catch(() => []);
        await Promise.all(containers.map((c) => engine.removeContainer(c.Id, {force: true}).catch(() => undefined)));
        await stopEngineProcess(join(dir, 'run')).catch(() => undefined);
      }
      for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
      rmSync(dir, {recursive: true, force: true});
      for (const d of cgroupDirsOf(cgroup)) {
        try {
          if (existsSync(d)) rmdirSync(d);
        } catch {
          // a process still in it: nothing this test can do
        }
      }
    },
  };
}
