/**
 * A homework run that ends badly — a dropped SSH session (SIGHUP), a `kill` (SIGTERM), a reader that went away
 * (`| head`: EPIPE) — cleans up as Ctrl-C does. Counted before and after: the private engine and its shims, the
 * student's endless loop, the mounts under the sandbox, the sandbox's cgroups.
 */
import test from 'ava';
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {cgroupDirsOf} from '../../src/engine/runtime/cgroups.js';
import {labBin} from '../helpers/cli.js';

function cmdlines(): Array<{pid: string; cmd: string}> {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((pid) => {
    try {
      return {pid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')};
    } catch {
      return {pid, cmd: ''};
    }
  });
}

/** Every process in a cgroup or below it. */
function processesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const here = existsSync(join(dir, 'cgroup.procs')) ? readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean) : [];
  const below = readdirSync(dir, {withFileTypes: true}).filter((e) => e.isDirectory()).flatMap((e) => processesIn(join(dir, e.name)));
  return [...new Set([...here, ...below])];
}

interface Count {engine: number; shims: string[]; inCgroup: string[]; mounts: number; cgroups: number}

const parentOf = (pid: string) => {
  try {
    return /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
};

function count(sandbox: string, cgroup: string): Count {
  const inCgroup = [...new Set(cgroupDirsOf(cgroup).flatMap(processesIn))].filter((pid) => existsSync(`/proc/${pid}`));
  // A container's processes hang off its shim: the parents of the cgroup's processes that are not in it themselves.
  const shims = [...new Set(inCgroup.map(parentOf).filter((p): p is string => p !== undefined && !inCgroup.includes(p) && existsSync(`/proc/${p}`)))];
  return {
    engine: cmdlines().filter((p) => p.cmd.includes(sandbox)).length,
    shims,
    inCgroup,
    mounts: readFileSync('/proc/mounts', 'utf8').split('\n').filter((l) => l.includes(sandbox)).length,
    cgroups: cgroupDirsOf(cgroup).filter((d) => existsSync(d)).length,
  };
}

function loopSubmission(): string {
  const root = mkdtempSync(join(tmpdir(), 'lab-homework-signal-'));
  const dir = join(root, 'loop');
  mkdirSync(dir);
  writeFileSync(join(dir, 'loop.c'), 'int main(void) { for (;;) {} }\n');
  execFileSync('gcc', ['-static', '-o', join(dir, 'loop'), join(dir, 'loop.c')]);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY loop /loop\nENTRYPOINT ["/loop"]\n');
  return root;
}

for (const [how, code] of [['SIGHUP', 129], ['SIGTERM', 143], ['EPIPE', 141]] as const) {
  test(`${how} while a student's endless loop runs leaves no engine, shim, process, mount or cgroup behind`, async (t) => {
    t.timeout(3 * 60_000, `the run stopped by ${how} did not end within 3 minutes`);
    const subs = loopSubmission();
    const out = mkdtempSync(join(tmpdir(), 'lab-homework-out-'));
    t.teardown(() => {
      rmSync(subs, {recursive: true, force: true});
      rmSync(out, {recursive: true, force: true});
    });
    const child = spawn(process.execPath, [labBin, 'homework', 'check', subs, '--lab', '26', '--out', out], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}});
    let stderr = '';
    let before: Count | undefined;
    let sandbox = '';
    let cgroup = '';
    const exit = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (before || !stderr.includes('loop: running')) return;
        sandbox = /starting a private engine in (\S+)/.exec(stderr)![1];
        cgroup = /under the cgroup (\S+)/.exec(stderr)![1];
        before = {engine: 0, shims: [], inCgroup: [], mounts: 0, cgroups: 0};
        // Once the loop is spinning in its container, count, then end the run the way it ends in real life.
        const poll = setInterval(() => {
          before = count(sandbox, cgroup);
          // Until the loop runs under its shim: while runc still starts it, its parent is a runc that is about to exit.
          if (before.inCgroup.length === 0 || before.mounts === 0 || before.shims.length === 0) return;
          clearInterval(poll);
          if (how === 'EPIPE') {
            child.stdout.destroy();
            child.stderr.destroy();
          } else {
            child.kill(how);
          }
        }, 200);
      });
      child.on('close', resolve);
    });
    t.is(exit, code, stderr);
    t.truthy(before && before.engine >= 1 && before.shims.length >= 1, `the engine and a shim ran: ${JSON.stringify(before)}`);
    t.true(before!.inCgroup.length >= 1, 'the endless loop ran in the sandbox\'s cgroup');
    t.true(before!.mounts >= 1 && before!.cgroups >= 1);
    const after = count(sandbox, cgroup);
    t.deepEqual(after, {engine: 0, shims: [], inCgroup: [], mounts: 0, cgroups: 0});
    t.deepEqual([...before!.inCgroup, ...before!.shims].filter((pid) => existsSync(`/proc/${pid}`)), [], 'the loop, its container\'s processes and its shim are gone');
    t.false(existsSync(sandbox));
    if (how === 'EPIPE') {
      // A closed pipe is only noticed at the next write, which may come after the student was graded in full.
      for (const f of readdirSync(out)) t.regex(readFileSync(join(out, f), 'utf8'), /still running after 5 s/);
    } else {
      t.deepEqual(readdirSync(out), [], 'no half-checked student is graded');
    }
  });
}
