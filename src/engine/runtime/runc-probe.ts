/** `runc exec` of a short command with its output captured and a deadline: what a health probe runs. */
import {spawn} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import type {ProbeOptions, ProbeResult} from './oci-runtime.js';

export function runcProbe(binary: string, root: string, id: string, args: string[], opts: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['--root', root, 'exec', '--pid-file', opts.pidFile, id, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
    let output = '';
    const take = (d: Buffer) => {
      if (output.length < opts.maxOutput) output = (output + d.toString()).slice(0, opts.maxOutput);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    let fallback: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      // The probe's process goes first, so that runc exec (its parent) reaps it and ends; killing runc first
      // would leave it to the container's PID 1, which may never reap it.
      try {
        process.kill(Number(readFileSync(opts.pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // not started yet, or already gone
      }
      fallback = setTimeout(() => child.kill('SIGKILL'), 2000);
    }, opts.timeoutMs);
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(fallback);
      rmSync(opts.pidFile, {force: true});
      resolve({exitCode: code, output, timedOut});
    };
    child.on('error', () => finish(-1));
    child.on('close', (code) => finish(code ?? -1));
  });
}
