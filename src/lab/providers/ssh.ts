/**
 * An existing machine as the lab environment, reached over SSH with a key the student or teacher provides. Its
 * host key must be pinned (known_hosts or a fingerprint): an unknown key is refused, with the line to pin it.
 * The machine is never created or removed here; stop and destroy only end this side's connections.
 */
import {existsSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';
import {SshConnection} from '../../vm/ssh/connection.js';
import {SshEnvironment} from '../../vm/ssh/environment.js';
import {hostToken} from '../../vm/ssh/known-hosts.js';
import type {Environment} from '../../environment/environment.js';
import type {Provider, ProviderStartOptions, StopOutcome} from './provider.js';

export interface SshProviderOptions {
  host: string;
  port?: number;
  /** Login user; anyone but root runs commands through `sudo -n`. */
  user?: string;
  /** Private key file (OpenSSH or PEM). */
  keyPath: string;
  passphrase?: string;
  /** known_hosts file with the machine's key; default ~/.ssh/known_hosts when no fingerprint is given. */
  knownHostsPath?: string;
  /** Accepted host key fingerprints ("SHA256:..."), e.g. from `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`. */
  fingerprints?: string[];
  /** The workdir connect() reports when start() was not called in this process. */
  defaultWorkdir?: string;
}

export class SshProvider implements Provider {
  readonly kind = 'ssh' as const;
  private readonly workdirs = new Map<string, string>();

  constructor(private readonly options: SshProviderOptions) {}

  async start(opts: ProviderStartOptions): Promise<Environment> {
    this.workdirs.set(opts.name, opts.workdir);
    opts.onProgress?.(`connecting to ${this.options.user ?? 'root'}@${this.options.host}:${this.options.port ?? 22}`);
    const env = await this.open(opts.name, opts.workdir);
    const made = await env.exec(['mkdir', '-p', '--', opts.workdir]);
    if (made.code !== 0) {
      await env.close();
      throw new Error(`cannot create ${opts.workdir} on ${this.options.host}: ${made.stderr.trim()}`);
    }
    return env;
  }

  async connect(name: string, workdir?: string): Promise<Environment | undefined> {
    return this.open(name, workdir ?? this.workdirs.get(name) ?? this.options.defaultWorkdir ?? '/root');
  }

  async stop(): Promise<StopOutcome> {
    // Someone else's machine keeps running.
    return 'keeps running';
  }

  async destroy(): Promise<boolean> {
    // Nor is it ever deleted.
    return false;
  }

  private async open(name: string, workdir: string): Promise<SshEnvironment> {
    const {host, user = 'root', keyPath} = this.options;
    const port = this.options.port ?? 22;
    const knownHostsPath = this.options.knownHostsPath ?? (this.options.fingerprints?.length ? undefined : defaultKnownHosts());
    const knownHosts = knownHostsPath ? await readFile(knownHostsPath, 'utf8') : undefined;
    const privateKey = await readFile(keyPath).catch((error: Error) => {
      throw new Error(`cannot read the SSH key ${keyPath}: ${error.message}`);
    });
    const connection = await SshConnection.connect({
      host,
      port,
      username: user,
      privateKey,
      passphrase: this.options.passphrase,
      hostKey: {knownHosts, fingerprints: this.options.fingerprints},
      pinHint: ({fingerprint, line}) =>
        `Check the key on the machine itself (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub should print ${fingerprint}), then pin it:\n` +
        `  pass --host-fingerprint ${fingerprint}\n` +
        `  or add this line to ${knownHostsPath ?? '~/.ssh/known_hosts'}:\n    ${hostToken(host, port)} ${line}`,
    });
    return new SshEnvironment({provider: 'ssh', id: name, workdir, connection, sudo: user !== 'root'});
  }
}

function defaultKnownHosts(): string | undefined {
  const path = join(homedir(), '.ssh', 'known_hosts');
  return existsSync(path) ? path : undefined;
}
