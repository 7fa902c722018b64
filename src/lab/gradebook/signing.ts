/**
 * Results the teacher's side vouches for: `lab grades collect` and `lab homework check` sign what they write with
 * an Ed25519 key that exists only on the teacher's machine. The signature covers a canonical form of the whole
 * result (every key sorted, the signature itself left out), so changing any score, check or piece of evidence
 * breaks it. The gradebook verifies with the teacher's own public key, never with a key a file brings along.
 */
import {createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';

/** Where a result comes from: the student's own `lab submit`, the teacher's collection, or the homework sandbox. */
export type ResultSource = 'self-submitted' | 'collected' | 'sandbox';
export const resultSources: readonly ResultSource[] = ['self-submitted', 'collected', 'sandbox'];

export interface ResultSignature {
  algorithm: 'Ed25519';
  /** The signer's public key (raw 32 bytes, base64): shown to tell keys apart, never trusted on its own. */
  publicKey: string;
  value: string;
}

/** The teacher's config directory: $XDG_CONFIG_HOME/lab, or ~/.config/lab. */
export function teacherConfigDir(): string {
  const xdg = process.env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'lab');
}

export const keyPath = () => join(teacherConfigDir(), 'grading-key.pem');

/** JSON with every object's keys sorted, so the same result always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The bytes a signature covers: the result without its signature. */
export function signedBytes(result: object): Buffer {
  const {signature: _, ...rest} = result as {signature?: unknown};
  return Buffer.from(canonicalJson(rest), 'utf8');
}

const rawPublicKey = (key: KeyObject) => Buffer.from(key.export({format: 'jwk'}).x!, 'base64url').toString('base64');

export interface TeacherKey {
  path: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key, raw and base64. */
  publicKeyText: string;
  created: boolean;
}

/** The teacher's signing key, created (mode 0600, its directory 0700) the first time it is needed. */
export function teacherKey(create = true): TeacherKey | undefined {
  const path = keyPath();
  let created = false;
  if (!existsSync(path)) {
    if (!create) return undefined;
    mkdirSync(teacherConfigDir(), {recursive: true, mode: 0o700});
    const {privateKey} = generateKeyPairSync('ed25519');
    // 'wx': two processes creating the key at once must not overwrite each other's.
    try {
      writeFileSync(path, privateKey.export({format: 'pem', type: 'pkcs8'}), {mode: 0o600, flag: 'wx'});
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodSync(path, 0o600);
  const privateKey = createPrivateKey(readFileSync(path));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${path}: not an Ed25519 private key`);
  const publicKey = createPublicKey(privateKey);
  return {path, privateKey, publicKey, publicKeyText: rawPublicKey(publicKey), created};
}

/** The result with its source set and signed with the teacher's key. */
export function signResult<T extends {extra_data: object}>(result: T, source: Exclude<ResultSource, 'self-submitted'>, extra: Record<string, unknown> = {}): T & {signature: ResultSignature} {
  const key = teacherKey()!;
  const {signature: _, ...rest} = result as T & {signature?: unknown};
  const unsigned = {...rest, extra_data: {...result.extra_data, ...extra, source}} as unknown as T;
  const value = sign(null, signedBytes(unsigned), key.privateKey).toString('base64');
  return {...unsigned, signature: {algorithm: 'Ed25519', publicKey: key.publicKeyText, value}};
}

/** Whether `result` carries a signature the teacher's key made over exactly this content; if not, why not. */
export function checkSignature(result: {signature?: ResultSignature}, key: TeacherKey | undefined): {valid: true} | {valid: false; reason: string} {
  if (!result.signature) return {valid: false, reason: 'no signature'};
  if (!key) return {valid: false, reason: `no grading key on this machine (${keyPath()}) to verify it with`};
  const value = Buffer.from(result.signature.value, 'base64');
  if (result.signature.publicKey !== key.publicKeyText) return {valid: false, reason: 'signed with a key that is not this teacher\'s'};
  if (!verify(null, signedBytes(result), key.publicKey, value)) return {valid: false, reason: 'the signature does not match the content: the file was changed after it was signed'};
  return {valid: true};
}
