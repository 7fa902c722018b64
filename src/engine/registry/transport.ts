/**
 * One HTTP exchange with a registry, over node's http/https: TLS as the endpoint needs it, redirects followed
 * (to another host too, as registries send blobs to storage; never to a scheme other than http or https), and
 * HTTPS_PROXY/HTTP_PROXY with NO_PROXY honoured through a CONNECT tunnel.
 */
import {request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders} from 'node:http';
import {request as httpsRequest} from 'node:https';
import type {Readable} from 'node:stream';
import type {TlsSettings} from './endpoint.js';
import {proxyAgentFor} from './proxy.js';
import {RegistryError} from './registry-error.js';

export interface SendOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | Readable;
  tls: TlsSettings;
  /** Called with the URL a redirect leads to; Authorization is kept only on the same host. */
  maxRedirects?: number;
  timeoutMs?: number;
}

export interface Response {
  url: URL;
  status: number;
  headers: IncomingMessage['headers'];
  body: IncomingMessage;
}

const goMethod = (m: string) => m[0] + m.slice(1).toLowerCase();

const unknownAuthority = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** Network failures in the words of Go's net package, which dockerd's messages carry. */
function goNetError(url: URL, error: NodeJS.ErrnoException): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const addr = `${url.hostname}:${port}`;
  if (error.code === 'ECONNREFUSED') return `dial tcp ${addr}: connect: connection refused`;
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `dial tcp: lookup ${url.hostname}: no such host`;
  if (error.code === 'ETIMEDOUT') return `dial tcp ${addr}: i/o timeout`;
  // TLS failures in crypto/x509's words.
  if (error.code && unknownAuthority.has(error.code)) return 'x509: certificate signed by unknown authority';
  if (error.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `x509: certificate is not valid for ${url.hostname}`;
  if (error.code === 'CERT_HAS_EXPIRED') return 'x509: certificate has expired or is not yet valid';
  return error.message;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

function sendOnce(url: URL, opts: SendOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const options = {
      method: opts.method ?? 'GET',
      headers: {'User-Agent': 'labd', ...opts.headers},
      agent: proxyAgentFor(url, opts.tls),
      ...(secure ? {ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key, rejectUnauthorized: opts.tls.rejectUnauthorized} : {}),
    };
    const req = (secure ? httpsRequest : httpRequest)(url, options, resolve);
    req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new RegistryError(`${options.method} "${url.href}": no answer in ${(opts.timeoutMs ?? 60_000) / 1000}s`)));
    req.on('error', (error) => reject(error instanceof RegistryError ? error : new RegistryError(`${goMethod(options.method)} "${url.href}": ${goNetError(url, error as NodeJS.ErrnoException)}`, 'system', (error as NodeJS.ErrnoException).code)));
    if (opts.body && !Buffer.isBuffer(opts.body)) {
      opts.body.on('error', (error) => req.destroy(error));
      opts.body.pipe(req);
    } else req.end(opts.body);
  });
}

/** Sends a request and follows redirects; a body (only for uploads) is never resent. */
export async function send(url: URL, opts: SendOptions): Promise<Response> {
  let current = url;
  let headers = {...opts.headers};
  for (let hops = 0; ; hops++) {
    const res = await sendOnce(current, {...opts, headers});
    if (!redirectStatuses.has(res.statusCode ?? 0) || opts.body) {
      return {url: current, status: res.statusCode ?? 0, headers: res.headers, body: res};
    }
    res.resume();
    const location = res.headers.location;
    if (!location) throw new RegistryError(`"${current.href}" answered ${res.statusCode} with no Location`);
    if (hops >= (opts.maxRedirects ?? 10)) throw new RegistryError(`"${url.href}": stopped after ${hops} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RegistryError(`"${current.href}" redirected to an invalid URL "${location}"`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new RegistryError(`"${current.href}" redirected to "${next.href}": only http and https redirects are followed`);
    }
    // Credentials meant for the registry are not handed to the storage a blob is redirected to.
    if (next.host !== current.host) {
      const {authorization: _dropped, Authorization: _dropped2, ...rest} = headers as Record<string, unknown>;
      headers = rest as OutgoingHttpHeaders;
    }
    current = next;
  }
}

/** Reads a body of at most `limit` bytes; a larger one is refused, not buffered. */
export async function readBody(res: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > limit) {
    res.body.destroy();
    throw new RegistryError(`${what} from ${res.url.href} is too large (${declared} bytes; at most ${limit})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      throw new RegistryError(`${what} from ${res.url.href} is too large (more than ${limit} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
