/** A minimal Engine API client for the CLI's own checks (is the daemon up, what version). */
import {request} from 'node:http';
import {parseHost} from '../config/hosts.js';

export function pingEngine(host: string, timeoutMs = 1000): Promise<{ok: boolean; apiVersion?: string; error?: string}> {
  const address = parseHost(host);
  return new Promise((resolve) => {
    const req = request(
      {
        method: 'GET',
        path: '/_ping',
        timeout: timeoutMs,
        ...(address.kind === 'unix' ? {socketPath: address.path} : {host: address.host, port: address.port}),
        headers: {Host: 'localhost'},
      },
      (res) => {
        res.resume();
        resolve({ok: res.statusCode === 200, apiVersion: res.headers['api-version'] as string | undefined});
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve({ok: false, error: error.message}));
    req.end();
  });
}
