/**
 * `docker login`: the credentials are tried against the registry as dockerd does (the `GET /v2/` challenge
 * answered with them: Basic directly, Bearer through the token endpoint); the CLI keeps them when this succeeds.
 */
import {basicHeader, fetchToken, parseChallenges, type Credentials} from './auth.js';
import {endpointsFor, type Endpoint} from './endpoint.js';
import {hubName, type RegistryOptions} from './options.js';
import {RegistryError} from './registry-error.js';
import {send} from './transport.js';

/** `https://index.docker.io/v1/`, `127.0.0.1:5000`, `http://host:5000/` → the registry as references name it. */
export function registryOfServerAddress(address: string | undefined): string {
  const bare = (address ?? '').replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  return bare === '' || bare === 'index.docker.io' || bare === 'registry-1.docker.io' || bare === 'docker.io' ? hubName : bare;
}

async function tryLogin(endpoint: Endpoint, creds: Credentials): Promise<void> {
  const url = new URL(`${endpoint.base}/v2/`);
  const first = await send(url, {tls: endpoint.tls, timeoutMs: 15_000});
  first.body.resume();
  if (first.status !== 401) {
    if (first.status >= 200 && first.status < 300) return;
    throw new RegistryError(`login attempt to ${url.href} failed with status: ${first.status}`);
  }
  const challenge = parseChallenges(first.headers['www-authenticate'])[0];
  let authorization: string;
  if (challenge?.scheme === 'bearer') {
    try {
      authorization = `Bearer ${await fetchToken(challenge, [], creds, endpoint.tls)}`;
    } catch (error) {
      if (error instanceof RegistryError) throw new RegistryError(`Get "${url.href}": ${error.message}`, error.kind, error.code);
      throw error;
    }
  }
  else authorization = basicHeader(creds);
  const second = await send(url, {tls: endpoint.tls, headers: {Authorization: authorization}, timeoutMs: 15_000});
  second.body.resume();
  if (second.status >= 200 && second.status < 300) return;
  const words = second.status === 401 ? '401 Unauthorized' : String(second.status);
  throw new RegistryError(`login attempt to ${url.href} failed with status: ${words}`, second.status === 401 ? 'unauthorized' : 'system');
}

export async function login(creds: Credentials, opts: RegistryOptions): Promise<void> {
  const registry = registryOfServerAddress(creds.serveraddress);
  // Mirrors are for pulls only; a login goes to the registry itself.
  const endpoints = await endpointsFor({registry, path: '', familiar: ''}, {...opts, mirrors: []});
  let last: Error | undefined;
  for (const endpoint of endpoints) {
    try {
      await tryLogin(endpoint, creds);
      return;
    } catch (error) {
      last = error as Error;
      // A refusal is the answer; only an endpoint that could not be spoken to passes to the next (HTTP after HTTPS).
      if ((error as RegistryError).kind === 'unauthorized') break;
    }
  }
  throw last!;
}
