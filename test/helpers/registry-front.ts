/**
 * A plain HTTP reverse proxy in front of a test's real registry, as nginx often stands in front of one: it passes
 * every request through unchanged and notes what went by (the method and path, the PATCHes' Content-Range, how
 * many blob uploads were open at once). With `chunkMin` it adds `OCI-Chunk-Min-Length` to the registry's answers
 * that open an upload, which is how a registry asks a client to send a blob in chunks; the registry behind it
 * still receives, assembles and verifies every byte. With `holdBlobsOver` it sends only the first bytes of a blob
 * larger than that and holds the rest until `release()`, so a test can act in the middle of a pull.
 */
import {createServer, request, type IncomingHttpHeaders} from 'node:http';

export interface SeenRequest {
  method: string;
  path: string;
  contentRange?: string;
  contentLength?: string;
}

export interface RegistryFront {
  host: string;
  seen: SeenRequest[];
  /** The most blob uploads open at the same time (from the POST that opens one to the PUT that closes it). */
  maxOpenUploads: number;
  /** Resolves when a held blob has sent its first bytes. */
  held: Promise<void>;
  /** Lets held blobs (and any later one) through. */
  release(): void;
  stop(): Promise<void>;
}

export async function startRegistryFront(backendPort: number, opts: {chunkMin?: number; holdBlobsOver?: number} = {}): Promise<RegistryFront> {
  const seen: SeenRequest[] = [];
  const open = new Set<string>();
  let onHeld = () => {};
  let released = false;
  const waiting: Array<() => void> = [];
  const held = new Promise<void>((resolve) => (onHeld = resolve));
  const release = () => {
    released = true;
    for (const go of waiting.splice(0)) go();
  };
  const front: RegistryFront = {host: '', seen, maxOpenUploads: 0, held, release, stop: async () => undefined};
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({method: req.method ?? '', path, contentRange: req.headers['content-range'], contentLength: req.headers['content-length']});
    const upstream = request({host: '127.0.0.1', port: backendPort, method: req.method, path, headers: {...req.headers, host: `127.0.0.1:${backendPort}`}}, (answer) => {
      const headers: IncomingHttpHeaders = {...answer.headers};
      // The registry's own address in Location is rewritten to this proxy's, as a reverse proxy does.
      if (headers.location) headers.location = headers.location.replace(`127.0.0.1:${backendPort}`, front.host);
      const uploadId = /\/blobs\/uploads\/([^/?]+)/.exec(headers.location ?? '')?.[1];
      if (req.method === 'POST' && answer.statusCode === 202 && uploadId) {
        open.add(uploadId);
        front.maxOpenUploads = Math.max(front.maxOpenUploads, open.size);
        if (opts.chunkMin) headers['oci-chunk-min-length'] = String(opts.chunkMin);
      }
      const closed = /\/blobs\/uploads\/([^/?]+)/.exec(path)?.[1];
      if ((req.method === 'PUT' || req.method === 'DELETE') && closed) open.delete(closed);
      res.writeHead(answer.statusCode ?? 502, headers);
      const size = Number(answer.headers['content-length']);
      if (opts.holdBlobsOver === undefined || released || req.method !== 'GET' || !/\/blobs\/sha256:/.test(path) || !(size > opts.holdBlobsOver)) {
        answer.pipe(res);
        return;
      }
      // The first 64 KiB, then nothing until released.
      let sent = 0;
      const first = 64 << 10;
      answer.on('data', (chunk: Buffer) => {
        if (sent >= first) return;
        const part = chunk.subarray(0, first - sent);
        res.write(part);
        sent += part.length;
        if (sent < first) return;
        answer.pause();
        onHeld();
        waiting.push(() => {
          const rest = chunk.subarray(part.length);
          if (rest.length > 0) res.write(rest);
          answer.removeAllListeners('data');
          answer.pipe(res);
          answer.resume();
        });
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  front.host = `127.0.0.1:${(server.address() as {port: number}).port}`;
  front.stop = () => new Promise((resolve) => {
    release();
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return front;
}
