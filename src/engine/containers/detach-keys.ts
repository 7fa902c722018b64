/**
 * Detach keys as the docker CLI writes them (`ctrl-p,ctrl-q`, `ctrl-x,x`, `a,ctrl-@`): comma-separated keys, each
 * one character or ctrl- and one of a-z, @, [, \, ], ^, _. Typed on an attached terminal they end the attach
 * (or exec) stream and leave the process running.
 */
import {invalidArgument, systemError} from '../errors.js';

export const defaultDetachKeys = 'ctrl-p,ctrl-q';

/** The bytes of a detach key list; undefined when the text is not one. */
function toBytes(text: string): Buffer | undefined {
  const out: number[] = [];
  for (const key of text.split(',')) {
    const k = key.toLowerCase();
    if (k.length === 1) out.push(key.charCodeAt(0));
    else if (k.startsWith('ctrl-') && k.length === 6) {
      const c = k[5];
      if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
      else if ('@[\\]^_'.includes(c)) out.push('@[\\]^_'.indexOf(c) === 0 ? 0 : 27 + '[\\]^_'.indexOf(c));
      else return undefined;
    } else return undefined;
  }
  return out.every((b) => b < 128) ? Buffer.from(out) : undefined;
}

/** For `POST /containers/{id}/attach?detachKeys=`: dockerd's words for a bad list. */
export function attachDetachKeys(text: string | null | undefined): Buffer {
  const keys = toBytes(text || defaultDetachKeys);
  if (!keys) throw invalidArgument(`Invalid detach keys (${text}) provided`);
  return keys;
}

/** For an exec's DetachKeys (dockerd 20.10 answers a bad list with a 500). */
export function execDetachKeys(text: string | null | undefined): Buffer {
  const keys = toBytes(text || defaultDetachKeys);
  if (!keys) throw systemError(`Invalid escape keys (${text}) provided`);
  return keys;
}
