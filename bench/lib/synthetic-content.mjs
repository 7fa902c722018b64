// Deterministic file content for the generated image: the same seed gives the same bytes on every machine,
// and the bytes are not compressible to nothing (text of picked words, binaries of a keystream).
import {createCipheriv, createHash} from 'node:crypto';

/** Small fast PRNG (sfc32) seeded from a string: picks sizes, names and words. */
export function prng(seed) {
  const h = createHash('sha256').update(seed).digest();
  let a = h.readUInt32LE(0), b = h.readUInt32LE(4), c = h.readUInt32LE(8), d = h.readUInt32LE(12);
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

export const WORDS = (
  'the of and to in is for on that with as by this be are from at or an it not which have has can will all if ' +
  'return const let var function class import export default async await new null true false undefined string number ' +
  'buffer stream layer image container config error path file directory mount overlay kernel process signal socket ' +
  'request response handler router engine daemon client server version license copyright permission warranty ' +
  'software without limitation including merchantability fitness particular purpose author contributors library ' +
  'package module install build test debug release linux amd64 x86_64 gnu glibc python node java ruby perl shell'
).split(' ');

/** Text-like bytes (source, docs, config): lines of words from the vocabulary, with indentation and punctuation. */
export function textContent(rand, size) {
  const parts = [];
  let len = 0;
  while (len < size) {
    const indent = ' '.repeat(rand.int(0, 4) * 2);
    let line = indent;
    const words = rand.int(3, 14);
    for (let i = 0; i < words; i++) line += (i ? ' ' : '') + rand.pick(WORDS);
    line += rand.pick([';', '', ',', '.', ' {', ' }', ':', '']) + '\n';
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join('').slice(0, size), 'latin1');
}

/**
 * Binary-like bytes (executables, shared objects, data): an AES-CTR keystream keyed by the seed and the file's
 * name, with about a quarter of the 4 KiB pages zeroed the way padding and tables are in real binaries.
 */
export function binaryContent(seed, name, size) {
  const key = createHash('sha256').update(`${seed}\0key`).digest();
  const iv = createHash('sha256').update(`${seed}\0${name}`).digest().subarray(0, 16);
  const out = createCipheriv('aes-256-ctr', key, iv).update(Buffer.alloc(size));
  const rand = prng(`${seed}\0pages\0${name}`);
  for (let page = 0; page < size; page += 4096) if (rand.next() < 0.25) out.fill(0, page, Math.min(size, page + 4096));
  return out;
}
