/**
 * Registry authentication as the distribution spec has it: the `WWW-Authenticate` challenge of `GET /v2/`
 * says Basic (send the credentials) or Bearer (ask the token endpoint for a token with the needed scope,
 * anonymously or with the credentials). Credentials come from the client's X-Registry-Auth header.
 */
import type {TlsSettings} from './endpoint.js';
import {RegistryError, registryErrorText} from './registry-error.js';
import {readBody, send} from './transport.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (OAuth2 flow). */
  identitytoken?: string;
  /** A token the registry accepts as is. */
  registrytoken?: string;
  serveraddress?: string;
}

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses `Bearer realm="https://auth/token",service="registry",scope="..."` (several challenges may be listed). */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const out: Challenge[] = [];
  for (const value of [header ?? []].flat()) {
    const re = /([A-Za-z]+)\s+((?:[A-Za-z0-9_-]+=(?:"(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?\s*)*)/g;
    for (const m of value.matchAll(re)) {
      const scheme = m[1].toLowerCase();
      if (scheme !== 'basic' && scheme !== 'bearer') continue;
      const params: Record<string, string> = {};
      for (const p of m[2].matchAll(/([A-Za-z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1].toLowerCase()] = (p[2] ?? p[3]).replace(/\\(.)/g, '$1');
      out.push({scheme, params});
    }
  }
  return out;
}

/** `X-Registry-Auth`: base64url JSON of the credentials; the CLI sends `{}` (or nothing) when it has none. */
export function decodeRegistryAuth(header: string | undefined): Credentials {
  if (!header) return {};
  try {
    const data = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as unknown;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return {};
    const creds = data as Credentials & {auth?: string};
    // The CLI's config keeps `auth` = base64("user:pass"); it may arrive in that form.
    if (!creds.username && creds.auth) {
      const plain = Buffer.from(creds.auth, 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      if (colon > 0) return {...creds, username: plain.slice(0, colon), password: plain.slice(colon + 1)};
    }
    return creds;
  } catch {
    return {};
  }
}

const hasUser = (c: Credentials) => Boolean(c.username || c.identitytoken);

export const basicHeader = (c: Credentials) => `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;

/** Asks the challenge's token endpoint for a token; refusals carry the endpoint's own words. */
export async function fetchToken(challenge: Challenge, scopes: string[], creds: Credentials, tls: TlsSettings): Promise<string> {
  const realm = challenge.params.realm;
  if (!realm) throw new RegistryError('the registry asked for a bearer token but named no realm');
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError(`the registry's token realm "${realm}" is not a URL`);
  }
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  if (creds.username) url.searchParams.set('account', creds.username);
  const headers: Record<string, string> = {};
  if (hasUser(creds) && !creds.identitytoken) headers.Authorization = basicHeader(creds);
  const res = await send(url, {headers, tls});
  const body = (await readBody(res, 1 << 20, 'token')).toString('utf8');
  if (res.status === 401 || res.status === 403) {
    // Docker Hub's token service (and others modelled on it) explains a refusal in `details`.
    let details: string | undefined;
    try {
      details = (JSON.parse(body) as {details?: string}).details;
    } catch {
      details = undefined;
    }
    const text = details ?? registryErrorText(body)?.text ?? (body.trim() || 'authentication required');
    throw new RegistryError(`unauthorized: ${text.replace(/^unauthorized: /, '')}`, 'unauthorized', 'UNAUTHORIZED');
  }
  if (res.status !== 200) throw new RegistryError(`token endpoint ${url.origin}${url.pathname} answered ${res.status}`);
  let data: {token?: string; access_token?: string};
  try {
    data = JSON.parse(body) as typeof data;
  } catch {
    throw new RegistryError(`token endpoint ${url.origin}${url.pathname} answered with no JSON`);
  }
  const token = data.token ?? data.access_token;
  if (!token) throw new RegistryError(`token endpoint ${url.origin}${url.pathname} gave no token`);
  return token;
}
