/**
 * Attached clients (`docker run`, `docker attach`, `start -a`): a hijacked HTTP connection joined to the
 * shim's attach socket. Clients that attach before the container starts wait here, so no output is missed.
 */
import type {Socket} from 'node:net';
import {attachShim} from '../runtime/shim-client.js';
import {DetachWatch} from './detach-watch.js';

interface Client {
  socket: Socket;
  /** The shim's attach spec: streams, framing, detach keys (runtime/shim-client.ts attachSpec). */
  spec: string;
  /** Watches the input for the detach keys (only a terminal's input is watched, as the shim does). */
  detach?: {keys: Buffer; onDetach: () => void};
}

export class AttachHub {
  private readonly pending = new Map<string, Set<Client>>();

  /** Joins the client to the running process now, or when the container next starts. */
  add(id: string, socket: Socket, spec: string, running: boolean, stateDir: string, detach?: Client['detach']): void {
    const client = {socket, spec, detach};
    if (running) {
      void this.join(client, stateDir);
      return;
    }
    const set = this.pending.get(id) ?? new Set();
    set.add(client);
    this.pending.set(id, set);
    socket.on('close', () => set.delete(client));
  }

  /** Called once the shim is up and before the process runs. */
  async connectPending(id: string, stateDir: string): Promise<void> {
    const set = this.pending.get(id);
    this.pending.delete(id);
    if (!set) return;
    await Promise.all([...set].map((c) => this.join(c, stateDir)));
  }

  /** The container will not start (start failed, or it was removed): let waiting clients go. */
  release(id: string, message?: string): void {
    const set = this.pending.get(id);
    this.pending.delete(id);
    for (const c of set ?? []) {
      if (message) c.socket.write(message);
      c.socket.end();
    }
  }

  private async join(client: Client, stateDir: string): Promise<void> {
    const {socket, spec, detach} = client;
    if (socket.destroyed) return;
    let shim: Socket;
    try {
      shim = await attachShim(stateDir, spec);
    } catch {
      socket.end();
      return;
    }
    shim.pipe(socket);
    shim.on('error', () => socket.destroy());
    socket.on('error', () => shim.destroy());
    socket.on('close', () => shim.destroy());
    if (spec.split(':')[0].includes('i')) {
      if (detach) {
        const watch = new DetachWatch(detach.keys);
        socket.on('data', (chunk: Buffer) => {
          if (watch.feed(chunk)) detach.onDetach();
        });
      }
      socket.pipe(shim);
    } else {
      socket.resume();
    }
  }
}
