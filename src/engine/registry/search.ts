/**
 * `docker search`: the registry's v1 search endpoint (Docker Hub's index has it; distribution does not, and
 * then the answer is dockerd's "Unexpected status code").
 */
import type {Credentials} from './auth.js';
import {basicHeader} from './auth.js';
import {endpointsFor} from './endpoint.js';
import {hubName, type RegistryOptions} from './options.js';
import {RegistryError} from './registry-error.js';
import {readBody, send} from './transport.js';

export interface SearchResult {
  name: string;
  description: string;
  star_count: number;
  is_official: boolean;
  is_automated: boolean;
}

/** `term` may name a registry (`127.0.0.1:5000/redis`); otherwise Docker Hub is asked. */
export async function search(term: string, limit: number, creds: Credentials, opts: RegistryOptions): Promise<SearchResult[]> {
  const first = term.split('/')[0];
  const hasHost = term.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasHost ? first : hubName;
  const query = hasHost ? term.slice(first.length + 1) : term;
  const endpoints = await endpointsFor({registry, path: '', familiar: ''}, {...opts, mirrors: []});
  let last: Error | undefined;
  for (const endpoint of endpoints) {
    const base = registry === hubName ? 'https://index.docker.io' : endpoint.base;
    const url = new URL(`${base}/v1/search`);
    url.searchParams.set('q', query);
    url.searchParams.set('n', String(limit));
    let res;
    try {
      res = await send(url, {tls: endpoint.tls, headers: creds.username ? {Authorization: basicHeader(creds)} : {}, timeoutMs: 30_000});
    } catch (error) {
      last = error as Error;
      continue;
    }
    const body = await readBody(res, 8 << 20, 'search results');
    if (res.status !== 200) throw new RegistryError(`Unexpected status code ${res.status}`, res.status === 404 ? 'not-found' : 'system');
    try {
      const data = JSON.parse(body.toString('utf8')) as {results?: SearchResult[]};
      return (data.results ?? []).slice(0, limit);
    } catch {
      throw new RegistryError(`the search results from ${url.origin} are not valid JSON`);
    }
  }
  throw last ?? new RegistryError(`no endpoint to search ${registry}`);
}
