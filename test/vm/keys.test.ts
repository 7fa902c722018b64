import {execFileSync} from 'node:child_process';
import {createHmac, randomBytes} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import ssh2 from 'ssh2';
import {dropbearEd25519, fingerprintOf, generateClientKey, generateHostKey, parsePublicKeyLine} from '../../src/vm/ssh/keys.js';
import {hostToken, verifyHostKey} from '../../src/vm/ssh/known-hosts.js';
import {when} from '../helpers/needs.js';

const hasSshKeygen = (() => {
  try {
    execFileSync('ssh-keygen', ['-?'], {stdio: 'ignore'});
    return true;
  } catch (error) {
    return (error as {status?: number}).status !== undefined;
  }
})();

test("dropbear's ed25519 file is two SSH strings: the type, then seed and public key", (t) => {
  const seed = Buffer.alloc(32, 1);
  const pub = Buffer.alloc(32, 2);
  const file = dropbearEd25519(seed, pub);
  t.is(file.readUInt32BE(0), 11);
  t.is(file.toString('latin1', 4, 15), 'ssh-ed25519');
  t.is(file.readUInt32BE(15), 64);
  t.deepEqual(file.subarray(19), Buffer.concat([seed, pub]));
  t.throws(() => dropbearEd25519(Buffer.alloc(31), pub));
});

test('a generated host key: its dropbear file carries the public key that its line and fingerprint describe', (t) => {
  const key = generateHostKey();
  t.deepEqual(key.dropbear.subarray(19 + 32), key.blob.subarray(19));
  t.deepEqual(parsePublicKeyLine(key.line), key.blob);
  t.regex(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
});

when({'needs ssh-keygen (openssh-client)': hasSshKeygen})('fingerprints agree with ssh-keygen, and client keys are OpenSSH keys it reads', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lab-keys-'));
  t.teardown(() => rm(dir, {recursive: true, force: true}));
  const host = generateHostKey();
  await writeFile(join(dir, 'host.pub'), `${host.line}\n`);
  t.true(execFileSync('ssh-keygen', ['-lf', join(dir, 'host.pub')], {encoding: 'utf8'}).includes(host.fingerprint));
  const client = generateClientKey('lab-test');
  await writeFile(join(dir, 'id'), client.privateKey, {mode: 0o600});
  t.is(execFileSync('ssh-keygen', ['-yf', join(dir, 'id')], {encoding: 'utf8'}).trim().split(' ').slice(0, 2).join(' '), client.publicKey.split(' ').slice(0, 2).join(' '));
});

test('a pinned blob or fingerprint is accepted, anything else refused with the presented fingerprint', (t) => {
  const good = generateHostKey();
  const evil = generateHostKey();
  t.true(verifyHostKey({blobs: [good.blob]}, '127.0.0.1', 2222, good.blob).ok);
  t.true(verifyHostKey({fingerprints: [good.fingerprint]}, 'h', 22, good.blob).ok);
  const refused = verifyHostKey({blobs: [good.blob]}, '127.0.0.1', 2222, evil.blob);
  t.false(refused.ok);
  t.regex((refused as {reason: string}).reason, new RegExp(`not pinned .*${evil.fingerprint.replace(/[+/]/g, '\\$&')}`));
  t.false(verifyHostKey({}, 'h', 22, good.blob).ok);
});

test('known_hosts: plain, wildcard, hashed and port-qualified entries; mismatch and @revoked refused', (t) => {
  const a = generateHostKey();
  const b = generateHostKey();
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[lab.example]:2200').digest('base64')}`;
  const knownHosts = [
    '# comment',
    `plain.example,other.example ${a.line}`,
    `*.wild.example,!bad.wild.example ${a.line}`,
    `${hashed} ${a.line}`,
    `@revoked revoked.example ${b.line}`,
    `revoked.example ${b.line}`,
  ].join('\n');
  t.is(hostToken('h', 22), 'h');
  t.is(hostToken('h', 2200), '[h]:2200');
  t.true(verifyHostKey({knownHosts}, 'other.example', 22, a.blob).ok);
  t.true(verifyHostKey({knownHosts}, 'x.wild.example', 22, a.blob).ok);
  t.false(verifyHostKey({knownHosts}, 'bad.wild.example', 22, a.blob).ok);
  t.true(verifyHostKey({knownHosts}, 'lab.example', 2200, a.blob).ok);
  t.false(verifyHostKey({knownHosts}, 'lab.example', 22, a.blob).ok);
  const mismatch = verifyHostKey({knownHosts}, 'plain.example', 22, b.blob);
  t.regex((mismatch as {reason: string}).reason, /HOST KEY MISMATCH .*line 2/);
  t.regex((verifyHostKey({knownHosts}, 'revoked.example', 22, b.blob) as {reason: string}).reason, /@revoked/);
  t.is(fingerprintOf(a.blob), a.fingerprint);
});

test('every client key reads back with the parser that will use it (ssh2 writes an unreadable one now and then)', (t) => {
  // At ssh2's rate of about one bad key in 300, 2000 keys would all but surely include one.
  for (let i = 0; i < 2000; i++) {
    const key = generateClientKey('lab-vm-lab26');
    const parsed = ssh2.utils.parseKey(key.privateKey);
    if (parsed instanceof Error) return t.fail(`key ${i}: ${parsed.message}`);
    t.is(parsed.getPublicSSH().toString('base64'), key.publicKey.split(' ')[1]);
  }
});
