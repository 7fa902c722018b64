/** One raw Engine API request over a unix socket: the status and the body, for comparing engines answer by answer. */
import {request} from 'node:http';
import type {IncomingHttpHeaders} from 'node:http';

export interface ApiAnswer {
  status: number;
  body: string;
  /** The body's JSON, or undefined when it is not JSON. */
  json: unknown;
  headers: IncomingHttpHeaders;
}

export function apiRequest(socket: string, method: string, path: string, opts: {body?: string | Buffer; contentType?: string; timeoutMs?: number} = {}): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {Host: 'localhost'};
    if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    const req = request({socketPath: socket, method, path, headers}, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        resolve({status: res.statusCode ?? 0, body, json, headers: res.headers});
      });
    });
    req.on('error', reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.end(opts.body);
  });
}
