/**
 * How an owner's end is told: a zombie (ended, not yet collected — what a slow PID 1 leaves for a while) counts as
 * ended though kill(pid, 0) still succeeds; a live owner's dir is never taken; a dir without an owner mark is
 * never judged.
 */
import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {processAlive, processStartTicks} from '../../src/common/process-alive.js';
import {abandonedEngineDirs, claimAbandoned, ownerEnded, writeOwner} from '../../src/engine/control/abandoned-engines.js';

/** A zombie for a few seconds: a child whose parent execs into sleep and never collects it. */
async function zombie(): Promise<{pid: number; stop: () => void}> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 20'], {stdio: ['ignore', 'pipe', 'ignore']});
  const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  for (let i = 0; i < 100 && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 20));
  return {pid, stop: () => parent.kill('SIGKILL')};
}

test('a zombie is not alive, though kill(pid, 0) still reaches it', async (t) => {
  const z = await zombie();
  try {
    t.notThrows(() => process.kill(z.pid, 0));
    t.false(processAlive(z.pid));
    t.true(processAlive(process.pid));
  } finally {
    z.stop();
  }
});

test('an engine dir is abandoned when its owner is a zombie, gone, or its pid now names another process', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'lab-abandoned-test-'));
  const z = await zombie();
  try {
    const dir = (name: string, owner?: object) => {
      const d = join(parent, `lab-x-${name}`);
      mkdirSync(d);
      if (owner) writeFileSync(join(d, 'owner.json'), JSON.stringify(owner));
      return d;
    };
    const mine = join(parent, 'lab-x-mine');
    mkdirSync(mine);
    writeOwner(mine);
    dir('zombie', {pid: z.pid, startTicks: processStartTicks(z.pid)});
    dir('gone', {pid: 2 ** 22 + 1});
    dir('reused', {pid: process.ppid, startTicks: '1'});
    dir('live', {pid: process.ppid, startTicks: processStartTicks(process.ppid)});
    dir('unmarked');
    t.false(ownerEnded(mine));
    t.deepEqual(abandonedEngineDirs('lab-x-', parent).map((d) => d.slice(parent.length + 7)).sort(), ['gone', 'reused', 'zombie']);
    // One remover per dir: the second claim is refused while the first claimer lives.
    t.true(claimAbandoned(join(parent, 'lab-x-gone')));
    t.false(claimAbandoned(join(parent, 'lab-x-gone')));
    // A claim whose claimer ended is taken over.
    writeFileSync(join(parent, 'lab-x-zombie', 'reaping'), JSON.stringify({pid: z.pid}));
    t.true(claimAbandoned(join(parent, 'lab-x-zombie')));
  } finally {
    z.stop();
    rmSync(parent, {recursive: true, force: true});
  }
});
