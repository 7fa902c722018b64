/**
 * This machine itself as the lab environment (`--provider local`): commands are child processes, files are plain
 * files, and the shell is $SHELL on the terminal already open.
 */
import {spawn} from 'node:child_process';
import {chmod, mkdir, readFile, writeFile} from 'node:fs/promises';
import {constants, homedir} from 'node:os';
import {dirname} from 'node:path';
import type {Environment, ExecOptions, ExecResult} from '../../environment/environment.js';
import type {Provider, ProviderStartOptions, StopOutcome} from './provider.js';

function signalStatus(signal: NodeJS.Signals | null): number {
  return 128 + ((signal && constants.signals[signal]) || 1);
}

export class LocalEnvironment implements Environment {
  readonly provider = 'local' as const;

  constructor(
    readonly id: string,
    readonly workdir: string,
    /** Variables every command here gets on top of this process's own (a self-test's private engine and state). */
    private readonly env: Record<string, string> = {},
  ) {}

  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) return Promise.reject(new Error('exec needs a program to run (argv is empty)'));
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), {cwd: opts.cwd, env: {...process.env, ...this.env, ...opts.env}, stdio: ['pipe', 'pipe', 'pipe']});
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs) : undefined;
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      // Like a shell: 127 for a program that cannot be started, 128 + n for death by signal n.
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        resolve({code: 127, stdout: '', stderr: `${argv[0]}: ${error.message}\n`});
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const status = code ?? signalStatus(signal);
        const stderr = Buffer.concat(err).toString('utf8') + (timedOut ? `\n(killed after ${opts.timeoutMs} ms)\n` : '');
        resolve({code: status, stdout: Buffer.concat(out).toString('utf8'), stderr});
      });
      child.stdin.on('error', () => undefined); // a program that exits without reading its input
      child.stdin.end(opts.input);
    });
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(path);
  }

  async writeFile(path: string, data: string | Buffer, mode?: number): Promise<void> {
    await mkdir(dirname(path), {recursive: true});
    await writeFile(path, data, mode !== undefined ? {mode} : {});
    if (mode !== undefined) await chmod(path, mode);
  }

  shell(opts: {command?: string} = {}): Promise<number> {
    const shell = process.env.SHELL || '/bin/sh';
    return new Promise((resolve, reject) => {
      const child = spawn(shell, opts.command !== undefined ? ['-c', opts.command] : ['-l'], {cwd: this.workdir, env: {...process.env, ...this.env}, stdio: 'inherit'});
      child.on('error', reject);
      child.on('close', (code, signal) => resolve(code ?? signalStatus(signal)));
    });
  }

  async close(): Promise<void> {
    // Nothing is held open.
  }
}

export interface LocalProviderOptions {
  /** Variables for every command of its environments, e.g. DOCKER_HOST for a private engine. */
  env?: Record<string, string>;
}

export class LocalProvider implements Provider {
  readonly kind = 'local' as const;
  private readonly workdirs = new Map<string, string>();

  constructor(private readonly options: LocalProviderOptions = {}) {}

  async start(opts: ProviderStartOptions): Promise<Environment> {
    await mkdir(opts.workdir, {recursive: true});
    this.workdirs.set(opts.name, opts.workdir);
    return new LocalEnvironment(opts.name, opts.workdir, this.options.env);
  }

  async connect(name: string, workdir?: string): Promise<Environment | undefined> {
    return new LocalEnvironment(name, workdir ?? this.workdirs.get(name) ?? homedir(), this.options.env);
  }

  async stop(): Promise<StopOutcome> {
    // This machine keeps running.
    return 'keeps running';
  }

  async destroy(): Promise<boolean> {
    // Its files are the student's; nothing is deleted here.
    return false;
  }
}
