/**
 * A cgroup over everything the sandbox engine runs — containers and build steps alike — with a memory and a
 * process limit of its own: the engine's cgroup-parent. A container's own limits come from `docker run`; this
 * one also bounds what a Dockerfile's RUN does, which the classic build API cannot limit in processes.
 */
import {randomBytes} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {cgroupDirsOf, v1Mounts} from '../../engine/runtime/cgroups.js';
import {cgroupMode} from '../../engine/util/cgroup-mode.js';

export interface ParentCgroup {
  /** The cgroup path to give the engine as cgroup-parent. */
  path: string;
  remove(): void;
}

export function makeParentCgroup(limits: {memoryBytes: number; pids: number}): ParentCgroup {
  const path = `/lab-homework-${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  const make = (dir: string, files: Record<string, string>) => {
    mkdirSync(dir, {recursive: true});
    dirs.push(dir);
    for (const [file, value] of Object.entries(files)) writeFileSync(join(dir, file), value);
  };
  if (cgroupMode() === 'v2') {
    // The controllers must be on for the root's children before the parent can carry their limits.
    writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+memory +pids');
    make(join('/sys/fs/cgroup', path), {'memory.max': String(limits.memoryBytes), 'pids.max': String(limits.pids)});
  } else {
    const mounts = v1Mounts();
    const memory = mounts.get('memory');
    const pids = mounts.get('pids');
    if (!memory || !pids) throw new Error('the memory and pids cgroup controllers are needed to sandbox homework (see lab doctor)');
    make(join(memory, path), {'memory.limit_in_bytes': String(limits.memoryBytes)});
    make(join(pids, path), {'pids.max': String(limits.pids)});
  }
  return {
    path,
    remove() {
      // runc made the parent in the other hierarchies too (cpu, blkio, ..., and a hybrid host's unified one).
      for (const dir of [...new Set([...dirs, ...cgroupDirsOf(path)])]) {
        try {
          if (existsSync(dir)) rmdirSync(dir);
        } catch {
          // still busy: a process the engine could not remove; the empty cgroup is harmless
        }
      }
    },
  };
}

/** Every cgroup dir at and below `dir`, deepest first. */
function treeBottomUp(dir: string): string[] {
  let children: string[] = [];
  try {
    children = readdirSync(dir, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
  return [...children.flatMap(treeBottomUp), dir];
}

/**
 * For a sandbox whose owner was killed: whatever still runs in its parent cgroup (a container whose engine is
 * gone too) is killed, then the cgroup and the containers' under it are removed, in every hierarchy.
 */
export async function removeAbandonedCgroup(path: string): Promise<void> {
  if (!/^\/lab-homework-[0-9a-f]+$/.test(path)) return;
  const dirs = cgroupDirsOf(path).filter((d) => existsSync(d));
  for (let round = 0; round < 50; round++) {
    let left = 0;
    for (const dir of dirs.flatMap(treeBottomUp)) {
      let pids: number[] = [];
      try {
        pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        continue;
      }
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
          left++;
        } catch {
          // ended meanwhile
        }
      }
    }
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const dir of dirs.flatMap(treeBottomUp)) {
    try {
      rmdirSync(dir);
    } catch {
      // a zombie not yet reaped keeps it busy; the empty cgroup is harmless
    }
  }
}
