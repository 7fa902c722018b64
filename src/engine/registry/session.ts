/**
 * A conversation with one registry about one repository: the endpoint that answered `GET /v2/` (HTTPS, or HTTP
 * for an insecure registry), the authorization its challenge asks for, and requests under `/v2/<path>/`.
 */
import type {OutgoingHttpHeaders} from 'node:http';
import type {Readable} from 'node:stream';
import {basicHeader, fetchToken, parseChallenges, type Challenge, type Credentials} from './auth.js';
import type {Endpoint, Repository} from './endpoint.js';
import {RegistryError, registryErrorText} from './registry-error.js';
import {readBody, send, type Response} from './transport.js';

export class RegistrySession {
  private authorization: string | undefined;

  private constructor(
    readonly endpoint: Endpoint,
    readonly repo: Repository,
    private readonly creds: Credentials,
    private readonly scopes: string[],
    private challenge: Challenge | undefined,
  ) {}

  /** Pings each endpoint in turn (HTTPS then HTTP for an insecure one); the first that speaks the API is used. */
  static async open(endpoints: Endpoint[], repo: Repository, creds: Credentials, actions: string[]): Promise<RegistrySession> {
    let last: Error | undefined;
    for (const endpoint of endpoints) {
      try {
        const challenge = await ping(endpoint);
        const scopes = [`repository:${repo.path}:${actions.join(',')}`];
        return new RegistrySession(endpoint, repo, creds, scopes, challenge);
      } catch (error) {
        last = error as Error;
      }
    }
    throw last ?? new RegistryError(`no endpoint for ${repo.registry}`);
  }

  get base(): string {
    return this.endpoint.base;
  }

  private async authorize(method: string, url: URL): Promise<void> {
    const c = this.challenge;
    if (!c || this.authorization) return;
    if (c.scheme === 'basic') {
      if (!this.creds.username) throw new RegistryError(`${method[0]}${method.slice(1).toLowerCase()} "${url.href}": no basic auth credentials`, 'unauthorized', 'UNAUTHORIZED');
      this.authorization = basicHeader(this.creds);
      return;
    }
    if (this.creds.registrytoken) {
      this.authorization = `Bearer ${this.creds.registrytoken}`;
      return;
    }
    this.authorization = `Bearer ${await fetchToken(c, this.scopes, this.creds, this.endpoint.tls)}`;
  }

  /** A request under /v2/<repository>/; a 401 with a fresh challenge is answered once. */
  async request(method: string, subpath: string, opts: {headers?: OutgoingHttpHeaders; body?: Buffer | Readable; absolute?: URL} = {}): Promise<Response> {
    const url = opts.absolute ?? new URL(`${this.base}/v2/${this.repo.path}/${subpath}`);
    for (let attempt = 0; ; attempt++) {
      await this.authorize(method, url);
      const headers = {...opts.headers, ...(this.authorization ? {Authorization: this.authorization} : {})};
      const res = await send(url, {method, headers, body: opts.body, tls: this.endpoint.tls});
      if (res.status !== 401 || attempt > 0 || (opts.body && !Buffer.isBuffer(opts.body))) return res;
      const fresh = parseChallenges(res.headers['www-authenticate'])[0];
      if (!fresh) return res;
      res.body.resume();
      this.challenge = fresh;
      this.authorization = undefined;
    }
  }

  /** The registry's error for an answer that is not the success expected, in distribution's words. */
  async failure(res: Response, action: string): Promise<RegistryError> {
    const body = (await readBody(res, 1 << 20, 'error').catch(() => Buffer.alloc(0))).toString('utf8');
    // A Bearer challenge's error says more than the body (RFC 6750): missing scope is "denied", as dockerd reads it.
    const bearer = parseChallenges(res.headers['www-authenticate']).find((c) => c.scheme === 'bearer' && c.params.error);
    if (bearer?.params.error === 'insufficient_scope') {
      return new RegistryError(`denied: ${bearer.params.error_description || 'requested access to the resource is denied'}`, 'forbidden', 'DENIED');
    }
    if (bearer?.params.error === 'invalid_token') {
      return new RegistryError(`unauthorized: ${bearer.params.error_description || 'authentication required'}`, 'unauthorized', 'UNAUTHORIZED');
    }
    const parsed = registryErrorText(body);
    const kind = res.status === 401 ? 'unauthorized' : res.status === 404 ? 'not-found' : res.status === 403 ? 'forbidden' : 'system';
    const text = parsed?.text ?? (res.status === 401 ? 'unauthorized: authentication required' : `unexpected status ${res.status} from ${action} "${res.url.href}"`);
    return new RegistryError(text, kind, parsed?.code);
  }
}

async function ping(endpoint: Endpoint): Promise<Challenge | undefined> {
  const url = new URL(`${endpoint.base}/v2/`);
  const res = await send(url, {tls: endpoint.tls, timeoutMs: 15_000});
  res.body.resume();
  if (res.status === 401) {
    const challenges = parseChallenges(res.headers['www-authenticate']);
    return challenges.find((c) => c.scheme === 'bearer') ?? challenges[0] ?? {scheme: 'basic', params: {}};
  }
  if (res.status >= 200 && res.status < 300) return undefined;
  throw new RegistryError(`"${url.href}" does not answer as a registry (status ${res.status})`);
}
