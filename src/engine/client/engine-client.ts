/**
 * A small client of the Engine API for lab's own code (the grading collector, homework, engine control): over a
 * unix socket or TCP (TLS when given certificates), one request per call, bounded in time, typed answers.
 */
import {type IncomingHttpHeaders, request as httpRequest, type RequestOptions} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {EngineApiError, engineMessage} from './errors.js';
import type {ContainerInspect, ContainerSummary, ContainerTop, ImageHistoryEntry, ImageInspect, ImageSummary} from './types.js';

export type EngineAddress =
  | {socketPath: string}
  | {host: string; port: number; tls?: {ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer}};

export interface EngineResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestOpts {
  query?: Record<string, string | number | boolean | undefined>;
  timeoutMs?: number;
}

function withQuery(path: string, query: RequestOpts['query'] = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

const id = (ref: string) => encodeURIComponent(ref);

export class EngineClient {
  constructor(
    readonly address: EngineAddress,
    /** How long one request may take before it fails (ms). */
    readonly timeoutMs = 10_000,
  ) {}

  /** Any answer, whatever its status; a failure only when the engine cannot be reached or does not answer in time. */
  request(method: string, path: string, opts: RequestOpts = {}): Promise<EngineResponse> {
    const full = withQuery(path, opts.query);
    const timeout = opts.timeoutMs ?? this.timeoutMs;
    // The engine refuses browsers' Host names on loopback TCP (DNS rebinding): say localhost, as the docker CLI does.
    const base: RequestOptions = {method, path: full, timeout, headers: {Host: 'localhost'}};
    const a = this.address;
    const send = 'socketPath' in a ? httpRequest : a.tls ? httpsRequest : httpRequest;
    const options = 'socketPath' in a ? {...base, socketPath: a.socketPath} : {...base, host: a.host, port: a.port, ...(a.tls ?? {})};
    return new Promise((resolve, reject) => {
      const req = send(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks)}));
      });
      req.on('timeout', () => req.destroy(new Error(`${full}: the engine did not answer within ${timeout / 1000} s`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** The body of a successful answer; an EngineApiError with the status and dockerd's message otherwise. */
  async raw(method: string, path: string, opts: RequestOpts = {}): Promise<Buffer> {
    const r = await this.request(method, path, opts);
    if (r.status >= 400) throw new EngineApiError(method, withQuery(path, opts.query), r.status, engineMessage(r.body));
    return r.body;
  }

  async json<T>(method: string, path: string, opts: RequestOpts = {}): Promise<T> {
    const body = await this.raw(method, path, opts);
    return JSON.parse(body.toString('utf8') || 'null') as T;
  }

  /** GET /_ping: its status and the API version the engine speaks. */
  async ping(timeoutMs?: number): Promise<{status: number; apiVersion?: string}> {
    const r = await this.request('GET', '/_ping', {timeoutMs});
    const version = r.headers['api-version'];
    return {status: r.status, ...(typeof version === 'string' ? {apiVersion: version} : {})};
  }

  listContainers(opts: {all?: boolean} = {}): Promise<ContainerSummary[]> {
    return this.json('GET', '/containers/json', {query: {all: opts.all}});
  }

  inspectContainer(ref: string): Promise<ContainerInspect> {
    return this.json('GET', `/containers/${id(ref)}/json`);
  }

  /** The raw log stream: multiplexed frames unless the container has a TTY (see demuxLogs). */
  containerLogs(ref: string, opts: {stdout?: boolean; stderr?: boolean; tail?: number} = {}): Promise<Buffer> {
    return this.raw('GET', `/containers/${id(ref)}/logs`, {query: {stdout: opts.stdout ?? true, stderr: opts.stderr ?? true, tail: opts.tail}});
  }

  containerTop(ref: string): Promise<ContainerTop> {
    return this.json('GET', `/containers/${id(ref)}/top`);
  }

  async removeContainer(ref: string, opts: {force?: boolean; volumes?: boolean; timeoutMs?: number} = {}): Promise<void> {
    await this.raw('DELETE', `/containers/${id(ref)}`, {query: {force: opts.force, v: opts.volumes}, timeoutMs: opts.timeoutMs});
  }

  listImages(opts: {all?: boolean} = {}): Promise<ImageSummary[]> {
    return this.json('GET', '/images/json', {query: {all: opts.all}});
  }

  inspectImage(ref: string): Promise<ImageInspect> {
    return this.json('GET', `/images/${id(ref)}/json`);
  }

  imageHistory(ref: string): Promise<ImageHistoryEntry[]> {
    return this.json('GET', `/images/${id(ref)}/history`);
  }

  /** Events between two times (Unix seconds, fractions allowed), one parsed object per event. */
  async events<T = Record<string, unknown>>(opts: {since: number | string; until: number | string}): Promise<T[]> {
    const body = await this.raw('GET', '/events', {query: {since: opts.since, until: opts.until}});
    return body.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
  }
}

/** Docker's multiplexed log stream (8-byte frame headers) → its lines. */
export function demuxLogs(buf: Buffer): string[] {
  const parts: string[] = [];
  for (let o = 0; o + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(o + 4);
    parts.push(buf.subarray(o + 8, o + 8 + len).toString('utf8'));
    o += 8 + len;
  }
  return parts.join('').split('\n').filter((l) => l !== '');
}
