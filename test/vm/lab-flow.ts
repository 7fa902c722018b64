/**
 * A lab the way a student meets it with the default provider: `lab start LAB` boots a VM; each step's solve
 * script runs inside it through `lab ssh` (questions answered with `lab answer` inside the VM); `lab check` on the
 * host gives full marks; the copy of the session inside agrees; `lab destroy` leaves nothing behind.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';
import {packageRoot} from '../../src/common/package-root.js';
import {paramEnv} from '../../src/lab/session/params.js';
import {shellJoin} from '../../src/vm/ssh/quote.js';
import {runLab} from '../helpers/cli.js';
import {listenersOf} from './listener.js';

function processesMentioning(dir: string): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid) && Number(pid) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/`);
      } catch {
        return false;
      }
    });
}

/** What the engine inside said and what runs there, so a failed step in CI can be understood afterwards. */
async function logInside(t: ExecutionContext, vm: string, env: NodeJS.ProcessEnv): Promise<void> {
  const what = 'tail -n 60 /var/log/lab-engine-start.log /var/run/docker/labd.log; ps -eo pid,ppid,stat,etime,args --forest | grep -v "\\[" | tail -n 60; dmesg | tail -n 15; free -m';
  const r = await runLab(['ssh', vm, '--', what], env, 60_000).catch((e: Error) => ({code: -1, stdout: '', stderr: e.message}));
  t.log(`inside ${vm} after the failure (exit ${r.code}):\n${r.stdout}${r.stderr}`);
}

export async function labInVm(t: ExecutionContext, lab: string, env: NodeJS.ProcessEnv): Promise<void> {
  const run = async (args: string[], timeoutMs = 600_000) => {
    const r = await runLab(args, env, timeoutMs);
    if (r.code !== 0) {
      await logInside(t, vm, env);
      throw new Error(`lab ${args.join(' ')} exited ${r.code}${r.code === -1 ? ` (killed after ${timeoutMs / 1000} s)` : ''}: ${(r.stdout + r.stderr).trim().slice(-1500)}`);
    }
    return r;
  };
  const vm = `lab${lab}`;
  let started = performance.now();
  const start = await run(['start', lab, '--lang', 'en']);
  t.regex(start.stderr, /environment: qemu/);
  t.true(start.stdout.includes(`lab ssh ${vm}`), 'the student is told how to get inside');
  t.log(`lab start ${lab}: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const session = JSON.parse(readFileSync(join(env.XDG_STATE_HOME!, 'lab', 'sessions', `${lab}.json`), 'utf8')) as {workdir: string; params?: Record<string, string>};
  if (lab === '26') {
    // mywc's package was made with the image (lab.json imageBuild): lab start copied it instead of compiling it.
    const deb = 'mywc_1.0_amd64.deb';
    const same = await run(['ssh', vm, '--', `cmp ${shellJoin([`${session.workdir}/${deb}`])} /opt/lab/exercises/26/files/mywc/prebuilt/${deb} && echo same`]);
    t.is(same.stdout.trim(), 'same');
  }
  const vars = Object.entries({LAB_EXERCISE_DIR: `/opt/lab/exercises/${lab}`, ...paramEnv(session.params ?? {})}).map(([k, v]) => `${k}=${shellJoin([v])}`);
  started = performance.now();
  for (const script of readdirSync(join(packageRoot(), 'exercises', lab, 'solve')).sort()) {
    const inside = `cd ${shellJoin([session.workdir])} && export ${vars.join(' ')} && sh -x /opt/lab/exercises/${lab}/solve/${script}`;
    // 15 minutes: the first docker run postgres pulls its image from the course registry inside the VM, which
    // took over 12 minutes under TCG on a busy host.
    await run(['ssh', vm, '--', inside], 900_000);
  }
  t.log(`solve scripts inside the VM: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  started = performance.now();
  const check = JSON.parse((await run(['check', '--json'])).stdout) as {score: number; maxScore: number; steps: Array<{id: string; done: boolean}>};
  t.log(`lab check: ${((performance.now() - started) / 1000).toFixed(1)} s, ${check.score}/${check.maxScore}`);
  t.deepEqual(check.steps.filter((s) => !s.done).map((s) => s.id), [], 'every step is done');
  t.is(check.score, check.maxScore);

  // The host pushed its progress into the VM: `lab status` inside (the session's VM, no name given) sees the same score.
  const inside = JSON.parse((await run(['ssh', '--', 'lab', 'status', '--json'])).stdout) as {score: number};
  t.is(inside.score, check.maxScore);

  if (lab === 'arch') {
    // The student moved the daemon onto TCP through daemon.json and DOCKER_OPTS: lab reset puts both back as they
    // were at the start (daemon.json naming only the course registry's mirror) and restarts the engine from them,
    // so it answers on the unix socket alone again.
    started = performance.now();
    await run(['reset', lab, '--force']);
    t.log(`lab reset: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const after = (await run(['ssh', vm, '--', 'cat /etc/default/docker /etc/docker/daemon.json; docker version --format "unix {{.Server.APIVersion}}"; docker -H tcp://127.0.0.1:2375 version >/dev/null 2>&1 && echo tcp answers; true'])).stdout;
    t.regex(after, /^DOCKER_OPTS="-H unix:\/\/\/var\/run\/docker.sock"$/m);
    t.regex(after, /"registry-mirrors": \[\s*"http:\/\/127\.0\.0\.1:\d+"/);
    t.notRegex(after, /"hosts"|tcp answers/);
    t.regex(after, /^unix 1\.\d+$/m);
    t.is((JSON.parse((await run(['status', lab, '--json'])).stdout) as {score: number}).score, 0);
  }

  const disk = statSync(join(env.XDG_STATE_HOME!, 'lab', 'vms', vm, 'disk.qcow2'));
  t.log(`the VM's own disk (copy-on-write over the base) after the whole lab: ${((disk.blocks * 512) / 1048576).toFixed(0)} MiB`);

  const vmFolder = join(env.XDG_STATE_HOME!, 'lab', 'vms', vm);
  const {sshPort} = JSON.parse(readFileSync(join(vmFolder, 'vm.json'), 'utf8')) as {sshPort: number};
  const destroyed = JSON.parse((await run(['destroy', lab, '--json'])).stdout) as {vmDestroyed: boolean};
  t.true(destroyed.vmDestroyed);
  const left = await runLab(['vm', 'ls', '--json'], env);
  t.deepEqual(JSON.parse(left.stdout), [], 'no VM is left');
  t.false(existsSync(vmFolder), 'no file of the VM is left');
  t.deepEqual(processesMentioning(vmFolder), [], 'no process of the VM is left');
  t.deepEqual(listenersOf(sshPort).filter((c) => c.includes(vmFolder)), [], 'its SSH port is closed');
}
