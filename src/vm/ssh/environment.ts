/** An Environment reached over SSH: commands through exec channels, files through SFTP, shells on a remote pty. */
import {posix} from 'node:path';
import type {SFTPWrapper} from 'ssh2';
import type {Environment, ExecOptions, ExecResult} from '../../environment/environment.js';
import type {SshConnection} from './connection.js';
import {remoteCommand, shellQuote} from './quote.js';
import {bridgeTerminal, exitStatus, localPtySize} from './terminal.js';

/** How long past its own timeout a command may take to report back before the channel is dropped. */
const GRACE_MS = 5_000;

/** SFTP status codes as the errno names fs uses, so callers handle both providers alike. */
function sftpError(error: Error & {code?: number}, op: string, path: string): NodeJS.ErrnoException {
  const names: Record<number, string> = {2: 'ENOENT', 3: 'EACCES'};
  const wrapped: NodeJS.ErrnoException = new Error(`${op} ${path}: ${error.message}`);
  wrapped.code = (typeof error.code === 'number' && names[error.code]) || 'EIO';
  wrapped.path = path;
  return wrapped;
}

function call<T>(fn: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value as T))));
}

export interface SshEnvironmentOptions {
  provider: Environment['provider'];
  id: string;
  workdir: string;
  connection: SshConnection;
  /** The login user is not root: commands go through sudo, files through cat. */
  sudo?: boolean;
  /** Called by close(), after the connection ends. */
  onClose?: () => Promise<void> | void;
}

export class SshEnvironment implements Environment {
  readonly provider: Environment['provider'];
  readonly id: string;
  readonly workdir: string;
  readonly connection: SshConnection;
  engineReady?: boolean;
  private readonly sudo: boolean;
  private readonly onClose?: () => Promise<void> | void;

  constructor(opts: SshEnvironmentOptions) {
    this.provider = opts.provider;
    this.id = opts.id;
    this.workdir = opts.workdir;
    this.connection = opts.connection;
    this.sudo = opts.sudo ?? false;
    this.onClose = opts.onClose;
  }

  async exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = remoteCommand(argv, {cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs, sudo: this.sudo});
    const channel = await this.connection.exec(command);
    return new Promise((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let status: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      channel.on('data', (c: Buffer) => out.push(c));
      channel.stderr.on('data', (c: Buffer) => err.push(c));
      channel.on('exit', (code: number | null, signal?: string) => (status = exitStatus(code, signal)));
      channel.on('close', () => {
        if (timer) clearTimeout(timer);
        resolve({code: status ?? 255, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')});
      });
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          err.push(Buffer.from(`\n(no answer ${opts.timeoutMs} ms + ${GRACE_MS} ms after the command started; gave up)\n`));
          status ??= 124;
          channel.close();
        }, opts.timeoutMs + GRACE_MS);
      }
      if (opts.input !== undefined) channel.end(opts.input);
      else channel.end();
    });
  }

  async readFile(path: string): Promise<Buffer> {
    if (this.sudo) {
      const r = await this.execRaw(`exec sudo -n -- cat -- ${shellQuote(path)}`);
      if (r.code !== 0) throw Object.assign(new Error(`read ${path}: ${r.stderr.toString('utf8').trim()}`), {code: 'ENOENT', path});
      return r.stdout;
    }
    const sftp = await this.connection.sftp();
    return call<Buffer>((cb) => sftp.readFile(path, cb)).catch((error: Error) => {
      throw sftpError(error, 'read', path);
    });
  }

  async writeFile(path: string, data: string | Buffer, mode?: number): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.sudo) {
      const dir = shellQuote(posix.dirname(path));
      const file = shellQuote(path);
      const chmod = mode !== undefined ? ` && chmod ${mode.toString(8)} ${file}` : '';
      const r = await this.execRaw(`exec sudo -n -- /bin/sh -c ${shellQuote(`mkdir -p ${dir} && cat > ${file}${chmod}`)}`, bytes);
      if (r.code !== 0) throw Object.assign(new Error(`write ${path}: ${r.stderr.toString('utf8').trim()}`), {code: 'EIO', path});
      return;
    }
    const sftp = await this.connection.sftp();
    const write = () => call<void>((cb) => sftp.writeFile(path, bytes, mode !== undefined ? {mode} : {}, (e) => cb(e)));
    try {
      await write();
    } catch (error) {
      if ((error as {code?: number}).code !== 2) throw sftpError(error as Error, 'write', path);
      await this.sftpMkdirs(sftp, posix.dirname(path));
      await write().catch((e: Error) => {
        throw sftpError(e, 'write', path);
      });
    }
    // An existing file keeps its mode on open, and a new one gets the umask's: set it explicitly.
    if (mode !== undefined) await call<void>((cb) => sftp.chmod(path, mode, (e) => cb(e)));
  }

  async shell(opts: {command?: string} = {}): Promise<number> {
    const start = `cd -- ${shellQuote(this.workdir)} 2>/dev/null || cd`;
    const body = opts.command !== undefined ? opts.command : 'exec "${SHELL:-/bin/sh}" -l';
    const inner = `${start}; ${body}`;
    const command = this.sudo ? `exec sudo -n -i -- /bin/sh -c ${shellQuote(inner)}` : inner;
    // Like ssh(1): a terminal only when ours is one; piped input gets a plain session.
    const channel = await this.connection.exec(command, process.stdin.isTTY ? {pty: localPtySize()} : {});
    return bridgeTerminal(channel);
  }

  async close(): Promise<void> {
    await this.connection.close();
    await this.onClose?.();
  }

  private async sftpMkdirs(sftp: SFTPWrapper, dir: string): Promise<void> {
    const parts = dir.split('/').filter(Boolean);
    let current = dir.startsWith('/') ? '' : '.';
    for (const part of parts) {
      current = `${current}/${part}`;
      const exists = await call<unknown>((cb) => sftp.stat(current, cb)).then(() => true, () => false);
      if (!exists) await call<void>((cb) => sftp.mkdir(current, (e) => cb(e)));
    }
  }

  /** A raw command string with bytes in and out (for the sudo file paths). */
  private async execRaw(command: string, input?: Buffer): Promise<{code: number; stdout: Buffer; stderr: Buffer}> {
    const channel = await this.connection.exec(command);
    return new Promise((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let status = 255;
      channel.on('data', (c: Buffer) => out.push(c));
      channel.stderr.on('data', (c: Buffer) => err.push(c));
      channel.on('exit', (code: number | null, signal?: string) => (status = exitStatus(code, signal)));
      channel.on('close', () => resolve({code: status, stdout: Buffer.concat(out), stderr: Buffer.concat(err)}));
      channel.end(input);
    });
  }
}
