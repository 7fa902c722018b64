/** Is the daemon up, and which API version does it speak: the CLI's own check, on a unix socket or TCP. */
import {EngineClient} from '../client/index.js';
import {parseHost} from '../config/hosts.js';

export function pingEngine(host: string, timeoutMs = 1000): Promise<{ok: boolean; apiVersion?: string; error?: string}> {
  const address = parseHost(host);
  const client = new EngineClient(address.kind === 'unix' ? {socketPath: address.path} : {host: address.host, port: address.port}, timeoutMs);
  return client.ping().then(
    (r) => ({ok: r.status === 200, apiVersion: r.apiVersion}),
    (error: Error) => ({ok: false, error: error.message}),
  );
}
