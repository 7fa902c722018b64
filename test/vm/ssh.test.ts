import {mkdtemp, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {SshProvider} from '../../src/lab/providers/ssh.js';
import {HostKeyError, SshConnection} from '../../src/vm/ssh/connection.js';
import {SshEnvironment} from '../../src/vm/ssh/environment.js';
import {generateHostKey} from '../../src/vm/ssh/keys.js';
import {startFakeSshd, type FakeSshd} from './fake-sshd.js';

let sshd: FakeSshd;
let dir: string;

test.before(async () => {
  sshd = await startFakeSshd();
  dir = await mkdtemp(join(tmpdir(), 'lab-ssh-'));
  await writeFile(join(dir, 'id'), sshd.clientPrivateKey, {mode: 0o600});
});
test.after.always(async () => {
  await sshd?.close();
  await rm(dir, {recursive: true, force: true});
});

async function environment(): Promise<SshEnvironment> {
  const connection = await SshConnection.connect({host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.clientPrivateKey, hostKey: {blobs: [sshd.hostBlob]}});
  return new SshEnvironment({provider: 'qemu', id: 't', workdir: dir, connection});
}

test('exec passes argv, stdin, cwd and environment through, and reports exit codes and stderr', async (t) => {
  const env = await environment();
  t.teardown(() => env.close());
  const words = ['a b', "it's", '$HOME', '`id`', '', 'ünï'];
  const echoed = await env.exec(['printf', '%s\\n', ...words]);
  t.is(echoed.code, 0);
  t.deepEqual(echoed.stdout.split('\n').slice(0, -1), words);
  const piped = await env.exec(['sh', '-c', 'tr a-z A-Z; echo oops >&2; exit 3'], {input: 'shout'});
  t.deepEqual(piped, {code: 3, stdout: 'SHOUT', stderr: 'oops\n'});
  const where = await env.exec(['sh', '-c', 'echo "$PWD $LAB_X"'], {cwd: dir, env: {LAB_X: 'x y'}});
  t.is(where.stdout, `${dir} x y\n`);
  const missing = await env.exec(['/no/such/program']);
  t.is(missing.code, 127);
});

test('a command past its timeout is killed and reported as such', async (t) => {
  const env = await environment();
  t.teardown(() => env.close());
  const started = Date.now();
  const r = await env.exec(['sleep', '30'], {timeoutMs: 500});
  t.is(r.code, 137);
  t.true(Date.now() - started < 10_000);
});

test('an unpinned host key is refused before authenticating, naming its fingerprint', async (t) => {
  const other = generateHostKey();
  const error = await t.throwsAsync(
    SshConnection.connect({host: '127.0.0.1', port: sshd.port, username: 'root', privateKey: sshd.clientPrivateKey, hostKey: {blobs: [other.blob]}}),
    {instanceOf: HostKeyError},
  );
  t.is(error.fingerprint, sshd.hostFingerprint);
});

test('the ssh provider pins by fingerprint or known_hosts and tells how to pin an unknown key', async (t) => {
  const byFingerprint = new SshProvider({host: '127.0.0.1', port: sshd.port, keyPath: join(dir, 'id'), fingerprints: [sshd.hostFingerprint]});
  const env = await byFingerprint.start({name: 'remote', workdir: join(dir, 'lab26')});
  t.teardown(() => env.close());
  t.true((await stat(join(dir, 'lab26'))).isDirectory());
  t.is((await env.exec(['echo', 'ok'])).stdout, 'ok\n');

  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${sshd.hostLine}\n`);
  const byKnownHosts = new SshProvider({host: '127.0.0.1', port: sshd.port, keyPath: join(dir, 'id'), knownHostsPath: join(dir, 'known_hosts')});
  const env2 = await byKnownHosts.connect('remote');
  t.teardown(() => env2!.close());
  t.is((await env2!.exec(['true'])).code, 0);

  await writeFile(join(dir, 'empty_known_hosts'), '');
  const unpinned = new SshProvider({host: '127.0.0.1', port: sshd.port, keyPath: join(dir, 'id'), knownHostsPath: join(dir, 'empty_known_hosts')});
  const error = await t.throwsAsync(unpinned.connect('remote'), {instanceOf: HostKeyError});
  t.regex(error.message, /not pinned/);
  t.true(error.message.includes(`--host-fingerprint ${sshd.hostFingerprint}`));
  t.true(error.message.includes(`[127.0.0.1]:${sshd.port} ${sshd.hostLine}`));
});
