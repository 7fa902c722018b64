/** What a published port's proxy is given and gives back, shared by the relay in the daemon and labd-proxy. */
import {isIPv6} from 'node:net';
import type {Proto} from './ports.js';

export interface ProxyTarget {
  proto: Proto;
  hostIp: string;
  /** 0 lets the kernel pick a free port. */
  hostPort: number;
  targetIp: string;
  targetPort: number;
}

export class BindError extends Error {
  override name = 'BindError';
  constructor(
    readonly code: string,
    readonly hostIp: string,
    readonly hostPort: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PortProxy {
  readonly proto: Proto;
  readonly hostIp: string;
  readonly hostPort: number;
  close(): Promise<void>;
}

/** Docker's words for a port that cannot be bound, naming the address and port. */
export function bindError(error: NodeJS.ErrnoException, t: ProxyTarget): BindError {
  const where = `${isIPv6(t.hostIp) ? `[${t.hostIp}]` : t.hostIp}:${t.hostPort}`;
  const why = error.code === 'EADDRINUSE' ? 'port is already allocated' : error.code === 'EADDRNOTAVAIL' ? 'the address is not on this host' : error.message;
  return new BindError(error.code ?? 'EBIND', t.hostIp, t.hostPort, `Bind for ${where} failed: ${why}`);
}

