/**
 * The few DNS messages the embedded server reads and writes (RFC 1035): a query's question, and an answer of
 * A records, an empty answer or a failure. Everything else is forwarded to the host's resolvers untouched.
 */

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

export interface Question {
  /** Lower case, without the final dot. */
  name: string;
  type: number;
  /** Offset just after the question section. */
  end: number;
}

/** The first question of a standard query, or undefined for anything else (answers, other opcodes, junk). */
export function parseQuestion(msg: Buffer): Question | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  const isQuery = (flags & 0x8000) === 0 && ((flags >> 11) & 0xf) === 0;
  if (!isQuery || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= msg.length) return undefined;
    const len = msg[at];
    if (len === 0) break;
    // Compression pointers cannot appear in the first question; a label over 63 bytes is malformed.
    if (len > 63 || at + 1 + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  at += 1;
  if (at + 4 > msg.length) return undefined;
  return {name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(at), end: at + 4};
}

function header(query: Buffer, rcode: number, answers: number): Buffer {
  const h = Buffer.alloc(12);
  query.copy(h, 0, 0, 2);
  // QR, the query's opcode and RD, RA; authoritative for the names it knows, as dockerd's server answers.
  const rd = query.readUInt16BE(2) & 0x0100;
  h.writeUInt16BE(0x8000 | 0x0400 | rd | 0x0080 | rcode, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers, 6);
  return h;
}

/** An answer to `query` with one A record per address (an empty list answers "no such record" for this type). */
export function answerA(query: Buffer, q: Question, addresses: string[], ttl = 600): Buffer {
  const records = addresses.map((ip) => {
    const r = Buffer.alloc(16);
    r.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    r.writeUInt16BE(TYPE_A, 2);
    r.writeUInt16BE(1, 4); // class IN
    r.writeUInt32BE(ttl, 6);
    r.writeUInt16BE(4, 10);
    ip.split('.').forEach((b, i) => r.writeUInt8(Number(b), 12 + i));
    return r;
  });
  return Buffer.concat([header(query, 0, records.length), query.subarray(12, q.end), ...records]);
}

/** A failure (SERVFAIL, NXDOMAIN) carrying the question back. */
export function failure(query: Buffer, q: Question | undefined, rcode: number): Buffer {
  const h = header(query.length >= 12 ? query : Buffer.alloc(12), rcode, 0);
  if (!q) h.writeUInt16BE(0, 4);
  return Buffer.concat([h, q ? query.subarray(12, q.end) : Buffer.alloc(0)]);
}
