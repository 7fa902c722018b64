/** The local provider: the lab runs on this machine itself (root, the engine on Docker's paths). */
import {spawn} from 'node:child_process';
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {Environment, ExecOptions, ExecResult, Provider, ProviderStartOptions} from './provider.js';

function exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {cwd: opts.cwd, env: {...process.env, ...opts.env}, stdio: ['pipe', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({code: code ?? 1, stdout, stderr});
    });
    child.stdin.end(opts.input);
  });
}

function environment(name: string, workdir: string): Environment {
  return {
    provider: 'local',
    id: `local:${name}`,
    workdir,
    exec,
    readFile: async (path) => readFileSync(path),
    writeFile: async (path, data, mode) => {
      mkdirSync(dirname(path), {recursive: true});
      writeFileSync(path, data);
      if (mode !== undefined) chmodSync(path, mode);
    },
    shell: (opts = {}) =>
      new Promise((resolve) => {
        const shell = process.env.SHELL || '/bin/bash';
        const child = spawn(shell, opts.command ? ['-c', opts.command] : [], {cwd: workdir, stdio: 'inherit'});
        child.on('close', (code) => resolve(code ?? 1));
      }),
    close: async () => {},
  };
}

export class LocalProvider implements Provider {
  readonly kind = 'local' as const;

  async start(opts: ProviderStartOptions): Promise<Environment> {
    mkdirSync(opts.workdir, {recursive: true});
    return environment(opts.name, opts.workdir);
  }

  async connect(name: string): Promise<Environment | undefined> {
    return environment(name, process.cwd());
  }

  async stop(): Promise<void> {}

  async destroy(): Promise<void> {}
}
