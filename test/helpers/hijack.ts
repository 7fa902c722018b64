/**
 * A hijacked Engine API stream as an SDK opens one (attach, exec start): the request with `Upgrade: tcp`, the
 * 101 answer, then raw bytes both ways. Reads what arrives and tells when the engine ends the stream.
 */
import {connect, type Socket} from 'node:net';

export interface HijackedStream {
  status: number;
  headers: string;
  socket: Socket;
  /** Everything received after the answer's head so far. */
  received(): Buffer;
  /** Resolves once the engine has ended the stream. */
  ended: Promise<void>;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
}

export function hijackStream(socketPath: string, method: string, path: string, body?: string): Promise<HijackedStream> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let head = Buffer.alloc(0);
    let data = Buffer.alloc(0);
    let headDone = false;
    const ended = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      if (headDone) {
        data = Buffer.concat([data, chunk]);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headDone = true;
      data = head.subarray(end + 4);
      const headers = head.subarray(0, end).toString('latin1');
      const stream: HijackedStream = {
        status: Number(headers.split(' ')[1]),
        headers,
        socket,
        received: () => data,
        ended,
        async waitFor(pattern, ms = 10_000) {
          const deadline = Date.now() + ms;
          while (!pattern.test(data.toString('latin1'))) {
            if (Date.now() > deadline) throw new Error(`never received ${pattern}; got ${JSON.stringify(data.toString('latin1'))}`);
            await new Promise((r) => setTimeout(r, 20));
          }
          return data.toString('latin1');
        },
      };
      resolve(stream);
    });
    const payload = body ?? '';
    socket.write(
      `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n` +
        `${body !== undefined ? 'Content-Type: application/json\r\n' : ''}Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
    );
  });
}

/** Resolves true if `p` settles within `ms`. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const result = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}
