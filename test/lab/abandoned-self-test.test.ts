/**
 * A `lab exercise test` killed with SIGKILL (a CI job cancelled, an impatient author) cannot remove its private
 * engine: labd runs detached and keeps its dir, socket and mounts. The next `lab exercise test` on the machine
 * finds that dir by its dead owner and removes it, whatever lab either ran.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {removeAbandonedSandboxes, SELF_TEST_PREFIX} from '../../src/lab/homework/abandoned-sandboxes.js';
import {labBin} from '../helpers/cli.js';
import {hasCommand, isRoot, when} from '../helpers/needs.js';
import {waitFor} from '../helpers/wait.js';
import {processesUsing} from '../helpers/processes-using.js';

const needs = {'needs root': isRoot, 'needs runc': hasCommand('runc'), 'needs the docker CLI': hasCommand('docker')};

/** `lab exercise test LAB` with its temp dirs under `scratch`; its progress (stderr) and report (stdout) collected. */
function selfTestProcess(lab: string, scratch: string): {child: ChildProcess; output: () => string} {
  let text = '';
  const child = spawn(process.execPath, [labBin, 'exercise', 'test', lab], {env: {...process.env, TMPDIR: scratch, FORCE_COLOR: '0'}, stdio: ['ignore', 'pipe', 'pipe']});
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return {child, output: () => text};
}

async function killed(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

when(needs, test.serial)('a self-test killed with SIGKILL: the next one removes its engine, processes and dir first', async (t) => {
  t.timeout(10 * 60_000);
  // A temp dir of this test's own: other self-tests running on the machine at once sweep the default one.
  const scratch = mkdtempSync(join(tmpdir(), 'lab-abandoned-selftest-'));
  t.teardown(async () => {
    await removeAbandonedSandboxes(() => undefined, scratch, SELF_TEST_PREFIX);
    rmSync(scratch, {recursive: true, force: true});
  });
  const first = selfTestProcess('namespaces', scratch);
  // The first step's checks have run: the engine is up and serving.
  await waitFor(() => /^\s*✓ .* before /m.test(first.output()), {timeoutMs: 300_000, intervalMs: 200, what: 'the first self-test\'s first checks'});
  const [dir] = readdirSync(scratch).filter((n) => n.startsWith(`${SELF_TEST_PREFIX}namespaces-`)).map((n) => join(scratch, n));
  t.truthy(dir, 'the first self-test made its dir');
  await killed(first.child);
  const left = processesUsing(dir);
  t.true(left.some((p) => /labd/.test(p)), `its engine outlives it: ${left.join('; ')}`);

  const second = selfTestProcess('arch', scratch);
  try {
    await waitFor(() => second.output().includes(`removed ${dir}`), {timeoutMs: 300_000, intervalMs: 200, what: `the second self-test's removal of ${dir}`});
    t.false(existsSync(dir), 'the dir is gone');
    t.deepEqual(processesUsing(dir), [], 'no process of it is left');
  } finally {
    await killed(second.child);
  }
});
