/**
 * Ed25519 keys in the three shapes a lab VM needs: OpenSSH (the client's key for ssh2, authorized_keys lines),
 * Dropbear's own private key file (the guest's SSH server), and the raw public blob the client pins.
 */
import {createHash, generateKeyPairSync} from 'node:crypto';
import ssh2 from 'ssh2';

const ED25519 = 'ssh-ed25519';

/** SSH wire "string": a 32-bit big-endian length, then the bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** The public key blob the server presents during key exchange (and that known_hosts stores in base64). */
export function ed25519PublicBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(ED25519), sshString(publicKey)]);
}

/** OpenSSH's fingerprint form: "SHA256:" and unpadded base64 of the blob's SHA-256. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** "ssh-ed25519 AAAA... comment": one authorized_keys or known_hosts key. */
export function publicKeyLine(blob: Buffer, comment?: string): string {
  const type = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1');
  return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** Parses "ssh-ed25519 AAAA... [comment]" back into the blob, checking that the type inside matches. */
export function parsePublicKeyLine(line: string): Buffer {
  const [type, b64] = line.trim().split(/\s+/);
  if (!type || !b64) throw new Error(`not an SSH public key: ${JSON.stringify(line.slice(0, 60))}`);
  const blob = Buffer.from(b64, 'base64');
  const inner = blob.length >= 4 ? blob.subarray(4, 4 + blob.readUInt32BE(0)).toString('latin1') : '';
  if (inner !== type) throw new Error(`SSH public key says ${type} outside but ${inner || 'nothing'} inside`);
  return blob;
}

/**
 * Dropbear's ed25519 key file: string "ssh-ed25519", then one string holding the 32-byte seed followed by the
 * 32-byte public key (what dropbearkey -t ed25519 writes).
 */
export function dropbearEd25519(seed: Buffer, publicKey: Buffer): Buffer {
  if (seed.length !== 32 || publicKey.length !== 32) throw new Error('ed25519 seed and public key are 32 bytes each');
  return Buffer.concat([sshString(ED25519), sshString(Buffer.concat([seed, publicKey]))]);
}

export interface HostKey {
  /** Dropbear's private key file for the guest. */
  dropbear: Buffer;
  blob: Buffer;
  line: string;
  fingerprint: string;
}

export function generateHostKey(): HostKey {
  const {privateKey} = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({format: 'jwk'});
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const blob = ed25519PublicBlob(pub);
  return {dropbear: dropbearEd25519(seed, pub), blob, line: publicKeyLine(blob), fingerprint: fingerprintOf(blob)};
}

export interface ClientKey {
  /** OpenSSH private key file (what ssh2 and ssh -i read). */
  privateKey: string;
  /** The authorized_keys line. */
  publicKey: string;
}

export function generateClientKey(comment: string): ClientKey {
  // ssh2's generator writes a file its own parser rejects ("Malformed OpenSSH private key") for about one key in
  // 300; such a key would lock the host out of its new VM, so a key is only handed out once it reads back.
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', {comment});
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return {privateKey: pair.private, publicKey: pair.public.trim()};
  }
  throw new Error('could not generate an SSH key that reads back');
}
