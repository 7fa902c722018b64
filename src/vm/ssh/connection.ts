/**
 * One SSH connection (ssh2) to a lab machine, with the host key checked against a pin before anything is sent.
 * Commands, file transfers and shells all share it as separate channels.
 */
// ssh2 is CommonJS; Node's ESM loader only sees its default export.
import ssh2, {type Client, type ClientChannel, type SFTPWrapper} from 'ssh2';
import {fingerprintOf, publicKeyLine} from './keys.js';
import {type HostKeyPolicy, verifyHostKey} from './known-hosts.js';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  privateKey: string | Buffer;
  passphrase?: string;
  hostKey: HostKeyPolicy;
  /** Added to the refusal message of an unpinned key: how this kind of target pins one. */
  pinHint?: (presented: {fingerprint: string; line: string}) => string;
  readyTimeoutMs?: number;
}

export class HostKeyError extends Error {
  constructor(
    message: string,
    readonly fingerprint: string,
  ) {
    super(message);
    this.name = 'HostKeyError';
  }
}

export class SshConnection {
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;

  private constructor(
    readonly client: Client,
    readonly target: SshTarget,
  ) {
    client.on('close', () => (this.closed = true));
  }

  static connect(target: SshTarget): Promise<SshConnection> {
    return new Promise((resolve, reject) => {
      const client = new ssh2.Client();
      let refusal: HostKeyError | undefined;
      client.once('ready', () => {
        client.removeAllListeners('error');
        // Later transport errors surface through the channel that notices them.
        client.on('error', () => undefined);
        resolve(new SshConnection(client, target));
      });
      client.once('error', (error) => {
        // A forward that accepts and drops the connection (a guest not listening yet) can fail it twice.
        client.on('error', () => undefined);
        client.end();
        reject(refusal ?? new Error(`ssh ${target.username}@${target.host}:${target.port}: ${error.message}`));
      });
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        privateKey: target.privateKey,
        passphrase: target.passphrase,
        readyTimeout: target.readyTimeoutMs ?? 20_000,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(target.hostKey, target.host, target.port, key);
          if (verdict.ok) return true;
          const fingerprint = fingerprintOf(key);
          const hint = target.pinHint?.({fingerprint, line: publicKeyLine(key)});
          refusal = new HostKeyError(`refusing to connect: ${verdict.reason}.${hint ? `\n${hint}` : ''}`, fingerprint);
          return false;
        },
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  exec(command: string, options: {pty?: {rows: number; cols: number; term: string}} = {}): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, options.pty ? {pty: options.pty} : {}, (error, channel) => (error ? reject(error) : resolve(channel)));
    });
  }

  shell(pty: {rows: number; cols: number; term: string}): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.shell(pty, (error, channel) => (error ? reject(error) : resolve(channel)));
    });
  }

  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
    }).catch((error: Error) => {
      this.sftpSession = undefined;
      throw new Error(`sftp on ${this.target.host}:${this.target.port}: ${error.message}`);
    });
    return this.sftpSession;
  }

  /** Ends the connection; a peer that vanished without closing it is not waited for. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.client.destroy(), resolve()), 2000);
      this.client.once('close', () => (clearTimeout(timer), resolve()));
      this.client.end();
    });
  }
}
