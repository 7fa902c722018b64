/**
 * Where the grading queue lives: a Redis URL (redis://[user:password@]host[:port][/db], rediss:// for TLS) turned
 * into the options BullMQ connects with, and a probe that fails at once with one clear error, where ioredis on its
 * own would retry a wrong address for ever without a word.
 */
import {Redis} from 'ioredis';

/** The BullMQ queue every grading job goes to; a second course on the same Redis uses another --queue-name. */
export const defaultQueueName = 'lab-grading';

export class QueueError extends Error {
  override name = 'QueueError';
}

/** The address and credentials, in the shape both ioredis and BullMQ take. */
export interface RedisSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

export function redisOptions(url: string): RedisSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueError(`"${url}" is not a Redis URL (expected redis://host:port, e.g. redis://127.0.0.1:6379)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new QueueError(`"${url}": the scheme must be redis:// or rediss://, not ${u.protocol}//`);
  if (!u.hostname) throw new QueueError(`"${url}": no host (expected redis://host:port)`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new QueueError(`"${url}": the path must be a database number (/0 to /15), not /${db}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? {username: decodeURIComponent(u.username)} : {}),
    ...(u.password ? {password: decodeURIComponent(u.password)} : {}),
    ...(db ? {db: Number(db)} : {}),
    ...(u.protocol === 'rediss:' ? {tls: {}} : {}),
    // BullMQ's blocking connections must never give up on a command.
    maxRetriesPerRequest: null,
  };
}

/** Connects once with a short timeout and no retries; throws one error naming the address and the cause. */
export async function probeRedis(url: string): Promise<RedisSettings> {
  const options = redisOptions(url);
  const probe = new Redis({...options, lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 1, retryStrategy: () => null});
  // The socket's own error (ECONNREFUSED, a DNS failure) says more than the "Connection is closed." that follows it.
  let cause: Error | undefined;
  probe.on('error', (error: Error) => (cause ??= error));
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new QueueError(`cannot reach Redis at ${options.host}:${options.port}: ${(cause ?? (error as Error)).message}`);
  } finally {
    probe.disconnect();
  }
  return options;
}

/**
 * How long a worker's hold on a job lasts without renewal (the worker renews it every half of it): a worker that
 * dies (kill -9, a machine that goes away) stops renewing, and within lockMs + stalledMs another worker's stalled
 * check puts the job back on the queue. Long enough that a busy event loop never loses a lock it still holds.
 */
export interface QueueTiming {
  lockMs: number;
  stalledMs: number;
  /** A job whose worker died this many times is failed rather than handed out again. */
  maxStalled: number;
}

export function queueTiming(lockSeconds = 30): QueueTiming {
  const lockMs = Math.round(lockSeconds * 1000);
  return {lockMs, stalledMs: Math.max(1000, Math.round(lockMs / 2)), maxStalled: 3};
}
