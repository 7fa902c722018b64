/**
 * A redis-server of a test's own: a free loopback port, a temp dir, no persistence; stopped (and its dir
 * removed) by stop(). Debian's redis-server, never the machine's service.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Redis} from 'ioredis';
import {freeTcpPort} from '../../src/common/free-port.js';
import {waitFor} from './wait.js';

export interface TestRedis {
  url: string;
  port: number;
  /** A client for looking at what the queue holds. */
  client(): Redis;
  stop(): Promise<void>;
}

export async function startRedis(prefix: string): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-redis-`));
  const port = await freeTcpPort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis({host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: false});
    c.on('error', () => undefined);
    clients.push(c);
    return c;
  };
  const probe = client();
  await waitFor(async () => (child.exitCode === null ? probe.ping().catch(() => '') : 'exited'), {timeoutMs: 30_000, what: `redis-server on port ${port} (${output})`, until: (v) => v === 'PONG' || v === 'exited'});
  if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
  return {
    url: `redis://127.0.0.1:${port}`, port, client,
    stop: async () => {
      for (const c of clients) c.disconnect();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await waitFor(() => child.exitCode !== null || child.signalCode !== null, {timeoutMs: 20_000, what: 'redis-server to stop'}).catch(() => child.kill('SIGKILL'));
      }
      rmSync(dir, {recursive: true, force: true});
    },
  };
}
