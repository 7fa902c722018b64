/**
 * A private engine outlives an owner killed with SIGKILL: labd runs detached, its shims and containers with it,
 * and the dir keeps its mounts. So each private engine's dir names its owner (owner.json: the pid and when that
 * process started, which a reused pid cannot match), and a later owner of the same kind finds the dirs whose
 * owner has ended and removes what is left in them.
 */
import {spawnSync} from 'node:child_process';
import {readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {mountsBelow} from '../../common/mount-table.js';
import {processAlive, processStartTicks} from '../../common/process-alive.js';
import {EngineClient} from '../client/index.js';
import {readState, stopEngineProcess} from './engine-process.js';

interface Owner {
  pid: number;
  startTicks?: string;
}

const ownerFile = (dir: string) => join(dir, 'owner.json');

/** Marks `dir` as this process's. */
export function writeOwner(dir: string): void {
  const owner: Owner = {pid: process.pid, startTicks: processStartTicks(process.pid)};
  writeFileSync(ownerFile(dir), JSON.stringify(owner));
}

/** Whether the process that made `dir` has ended. A dir without a readable mark is never judged: it may be brand new. */
export function ownerEnded(dir: string): boolean {
  let owner: Owner;
  try {
    owner = JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as Owner;
  } catch {
    return false;
  }
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  if (owner.pid === process.pid) return false;
  if (!processAlive(owner.pid)) return true;
  return owner.startTicks !== undefined && processStartTicks(owner.pid) !== owner.startTicks;
}

/**
 * Claims an abandoned dir for removal, so that two owners starting at once do not both remove it: the first to
 * create its `reaping` mark takes it (a mark left by a remover that ended too is taken over).
 */
export function claimAbandoned(dir: string): boolean {
  const mark = join(dir, 'reaping');
  try {
    writeFileSync(mark, JSON.stringify({pid: process.pid, startTicks: processStartTicks(process.pid)}), {flag: 'wx'});
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  try {
    const other = JSON.parse(readFileSync(mark, 'utf8')) as Owner;
    if (processAlive(other.pid) && (other.startTicks === undefined || processStartTicks(other.pid) === other.startTicks)) return false;
  } catch {
    // a mark being written: its writer lives
    return false;
  }
  writeFileSync(mark, JSON.stringify({pid: process.pid, startTicks: processStartTicks(process.pid)}));
  return true;
}

/** The dirs under `parent` named `<prefix>…` whose owner has ended. */
export function abandonedEngineDirs(prefix: string, parent = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(parent).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  return names.map((n) => join(parent, n)).filter((dir) => {
    try {
      return statSync(dir).isDirectory() && ownerEnded(dir);
    } catch {
      return false;
    }
  });
}

/** Pids of the processes whose command line names something inside `dir` (shims, registries, helpers). */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.startsWith(`${dir}/`) || a.includes(`=${dir}/`))) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * What an ended owner left in `dir`: its containers (through the engine while it still answers, so their shims
 * end too), the engine, any process still naming the dir, the mounts under it, the dir.
 */
export async function removeAbandonedEngine(dir: string, opts: {beforeUnmount?: () => Promise<void>} = {}): Promise<void> {
  const execRoot = join(dir, 'run');
  const state = readState(execRoot);
  if (state && processAlive(state.pid)) {
    const client = new EngineClient({socketPath: join(execRoot, 'docker.sock')}, 60_000);
    const containers = await client.listContainers({all: true}).catch(() => []);
    await Promise.all(containers.map((c) => client.removeContainer(c.Id, {force: true}).catch(() => undefined)));
  }
  await stopEngineProcess(execRoot, 30_000).catch(() => undefined);
  for (const pid of processesUsing(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  await opts.beforeUnmount?.();
  for (const point of mountsBelow(dir)) spawnSync('umount', ['-l', point]);
  rmSync(dir, {recursive: true, force: true});
}
