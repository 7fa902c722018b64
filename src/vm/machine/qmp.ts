/**
 * qemu's machine protocol (QMP) over the unix socket a lab VM's qemu listens on: one JSON command at a time, its
 * answer matched by id, events skipped. Enough to save a running machine and to see a resumed one run.
 */
import {connect, type Socket} from 'node:net';
import {setTimeout as sleep} from 'node:timers/promises';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class QmpError extends Error {
  override name = 'QmpError';
}

export class Qmp {
  private buffer = '';
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private closed?: Error;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.fail(new QmpError('qemu closed its QMP socket')));
    socket.on('error', (error) => this.fail(new QmpError(`QMP: ${error.message}`)));
  }

  /**
   * Connects (qemu creates the socket as it starts: retried until timeoutMs, or until `alive` says qemu is gone)
   * and leaves the greeting's mode.
   */
  static async connect(path: string, timeoutMs = 30_000, alive: () => Promise<boolean> = async () => true): Promise<Qmp> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        const qmp = new Qmp(socket);
        await qmp.execute('qmp_capabilities');
        return qmp;
      } catch (error) {
        if (Date.now() > deadline) throw new QmpError(`qemu's QMP socket ${path} does not answer: ${(error as Error).message}`);
        if (!(await alive())) throw new QmpError('qemu exited');
        await sleep(50);
      }
    }
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {resolve: resolve as (v: unknown) => void, reject});
      this.socket.write(`${JSON.stringify({execute: command, ...(args ? {arguments: args} : {}), id})}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (!line) continue;
      const message = JSON.parse(line) as {id?: number; return?: unknown; error?: {class: string; desc: string}};
      if (message.id === undefined) continue; // the greeting, or an event
      const waiting = this.pending.get(message.id);
      if (!waiting) continue;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new QmpError(`${message.error.class}: ${message.error.desc}`));
      else waiting.resolve(message.return);
    }
  }

  private fail(error: Error): void {
    this.closed ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
