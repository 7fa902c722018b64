/** Content addressing: sha256 digests, chain IDs and short IDs as Docker computes and prints them. */
import {createHash} from 'node:crypto';

export function sha256(data: string | Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainId(parent: string | undefined, diffId: string): string {
  return parent ? sha256(`${parent} ${diffId}`) : diffId;
}

export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(chainId(out.at(-1), d));
  return out;
}

export const hex = (digest: string) => digest.replace(/^sha256:/, '');
export const shortId = (digest: string) => hex(digest).slice(0, 12);
export const isDigest = (s: string) => /^sha256:[a-f0-9]{64}$/.test(s);
