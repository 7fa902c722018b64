/**
 * A loopback SSH server for tests (ssh2's own server side): it accepts one client key and runs each exec request
 * with /bin/sh -c on this machine, like a login shell would. Enough to test host key pinning, command quoting,
 * stdin, exit codes and signals without booting a VM.
 */
import {spawn} from 'node:child_process';
import type {AddressInfo} from 'node:net';
import ssh2 from 'ssh2';
import {fingerprintOf, generateClientKey, publicKeyLine} from '../../src/vm/ssh/keys.js';

export interface FakeSshd {
  port: number;
  hostBlob: Buffer;
  hostLine: string;
  hostFingerprint: string;
  clientPrivateKey: string;
  execs: string[];
  close: () => Promise<void>;
}

export async function startFakeSshd(): Promise<FakeSshd> {
  const hostPair = ssh2.utils.generateKeyPairSync('ed25519');
  const hostBlob = (ssh2.utils.parseKey(hostPair.public) as ssh2.ParsedKey).getPublicSSH();
  const client = generateClientKey('test-client');
  const allowed = (ssh2.utils.parseKey(client.publicKey) as ssh2.ParsedKey).getPublicSSH();
  const execs: string[] = [];
  const server = new ssh2.Server({hostKeys: [hostPair.private]}, (conn) => {
    conn.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && ctx.key.data.equals(allowed)) return ctx.accept();
      ctx.reject(['publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          execs.push(info.command);
          const stream = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], {stdio: ['pipe', 'pipe', 'pipe']});
          stream.pipe(child.stdin);
          child.stdout.pipe(stream, {end: false});
          child.stderr.pipe(stream.stderr, {end: false});
          child.on('close', (code, signal) => {
            if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
            else stream.exit(code ?? 255);
            stream.end();
          });
        });
      });
    });
    conn.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hostBlob,
    hostLine: publicKeyLine(hostBlob),
    hostFingerprint: fingerprintOf(hostBlob),
    clientPrivateKey: client.privateKey,
    execs,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
