import {spawn} from 'node:child_process';
import {BuildError} from './errors.js';

export interface ExecResult {
  stdout: Buffer;
  stderr: string;
}

/** Runs a program without a shell and fails with its stderr when it exits non-zero. */
export function run(file: string, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error) => reject(new BuildError(`cannot run ${file}: ${error.message}`, {cause: error})));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolve({stdout: Buffer.concat(out), stderr});
        return;
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new BuildError(`${file} ${args.join(' ')} failed (${why})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
  });
}
