import {spawn} from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  input?: Buffer;
}

/** Runs a helper program without a shell; rejects with its stderr when it fails. */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']});
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    // A helper that exits early closes its stdin; that EPIPE is reported via the exit code.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(stdout));
        return;
      }
      const message = Buffer.concat(stderr).toString('utf8').trim();
      reject(new Error(`${command} failed (${signal ?? `exit ${code}`})${message ? `: ${message}` : ''}`));
    });
  });
}
