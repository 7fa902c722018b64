/**
 * The embedded DNS server of containers on user-defined networks, as dockerd has one at 127.0.0.11.
 *
 * In each such container a small C process (relay/labd-dns.c) listens on 127.0.0.11:53 inside the container's
 * network namespace and passes the queries here over a socketpair. Names of containers, their aliases and
 * Compose services on the asker's networks are answered here (every replica's address, in turn first); any
 * other name goes to the host's resolvers, whose answer is passed back untouched.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {createSocket} from 'node:dgram';
import {existsSync, readFileSync} from 'node:fs';
import {isIPv6} from 'node:net';
import {join} from 'node:path';
import {packageRoot} from '../../../common/package-root.js';
import type {Logger} from '../../util/log.js';
import {answerA, failure, parseQuestion, RCODE_SERVFAIL, TYPE_A, type Question} from './message.js';

/** Addresses of `name` as the container `asker` sees it, or undefined when the name is not one of its networks'. */
export type NameLookup = (asker: string, name: string) => string[] | undefined;

const FORWARD_TIMEOUT_MS = 3000;

/** dist/shim/labd-dns, built with the shim by `npm run build`. */
export function dnsRelayPath(): string | undefined {
  const path = join(packageRoot(), 'dist', 'shim', 'labd-dns');
  return existsSync(path) ? path : undefined;
}

/** The host's resolvers: the daemon runs on the host, so a loopback resolver (systemd-resolved) works too. */
export function hostNameservers(text = readHostResolvConf()): string[] {
  return text.split('\n').flatMap((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    return m ? [m[1]] : [];
  });
}

function readHostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

export class EmbeddedDns {
  private readonly relays = new Map<string, ChildProcess>();
  private readonly turn = new Map<string, number>();

  constructor(
    private readonly lookup: NameLookup,
    private readonly log: Logger,
  ) {}

  /** Starts the listener in the container's netns; resolves once it listens on 127.0.0.11:53. */
  async start(container: string, netnsPath: string): Promise<void> {
    this.stop(container);
    const relay = dnsRelayPath();
    if (!relay) throw new Error('dist/shim/labd-dns is missing: run `npm run build` (needs gcc) for the embedded DNS server');
    const child = spawn(relay, [netnsPath], {stdio: ['pipe', 'pipe', 'pipe']});
    this.relays.set(container, child);
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin!.on('error', () => {});
    const ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', () => reject(new Error(stderr.trim() || 'labd-dns exited at start')));
      child.stdout!.once('data', (first: Buffer) => {
        if (first[0] !== 'R'.charCodeAt(0)) reject(new Error('labd-dns did not start'));
        else resolve();
        pending = first.subarray(1);
        child.stdout!.on('data', (d: Buffer) => {
          pending = this.frames(container, child, Buffer.concat([pending, d]));
        });
        pending = this.frames(container, child, pending);
      });
    });
    child.on('exit', () => {
      if (this.relays.get(container) === child) this.relays.delete(container);
    });
    await ready;
  }

  running(container: string): boolean {
    return this.relays.has(container);
  }

  stop(container: string): void {
    const child = this.relays.get(container);
    this.relays.delete(container);
    this.turn.delete(container);
    child?.kill('SIGKILL');
  }

  stopAll(): void {
    for (const id of [...this.relays.keys()]) this.stop(id);
  }

  /** Handles each whole frame in `buf`; returns the rest. */
  private frames(container: string, child: ChildProcess, buf: Buffer): Buffer {
    while (buf.length >= 2) {
      const total = buf.readUInt16BE(0) + 2;
      if (buf.length < total) break;
      const head = buf.subarray(2, 8);
      const msg = Buffer.from(buf.subarray(8, total));
      buf = buf.subarray(total);
      void this.answer(container, msg).then((reply) => {
        if (!reply) return;
        const len = Buffer.alloc(2);
        len.writeUInt16BE(reply.length + 6);
        child.stdin!.write(Buffer.concat([len, head, reply]));
      });
    }
    return buf;
  }

  private async answer(container: string, msg: Buffer): Promise<Buffer | undefined> {
    const q = parseQuestion(msg);
    if (q) {
      const known = this.lookup(container, q.name);
      if (known) return answerA(msg, q, q.type === TYPE_A ? this.rotate(container, q.name, known) : []);
    }
    return this.forward(msg, q);
  }

  /** Round robin over replicas: each answer starts one address further. */
  private rotate(container: string, name: string, addresses: string[]): string[] {
    const key = `${container}\0${name}`;
    const n = this.turn.get(key) ?? 0;
    this.turn.set(key, n + 1);
    const k = n % addresses.length;
    return [...addresses.slice(k), ...addresses.slice(0, k)];
  }

  private async forward(msg: Buffer, q: Question | undefined): Promise<Buffer | undefined> {
    for (const server of hostNameservers()) {
      const reply = await ask(server, msg).catch((e: Error) => {
        this.log.debug('a host resolver did not answer', {server, error: e.message});
        return undefined;
      });
      if (reply) return reply;
    }
    return q ? failure(msg, q, RCODE_SERVFAIL) : undefined;
  }
}

function ask(server: string, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIPv6(server) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('timeout'));
    }, FORWARD_TIMEOUT_MS);
    sock.on('error', (e) => {
      clearTimeout(timer);
      sock.close();
      reject(e);
    });
    sock.on('message', (reply) => {
      // Only the answer to this query (same ID) counts.
      if (reply.length < 2 || reply.readUInt16BE(0) !== msg.readUInt16BE(0)) return;
      clearTimeout(timer);
      sock.close();
      resolve(reply);
    });
    sock.send(msg, 53, server);
  });
}
