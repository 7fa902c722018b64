/**
 * Mounting and unmounting containers' overlay roots through labd-mount (labd-mount.c), one helper process
 * for the daemon's life, instead of a mount(8) or umount(8) process per container start and exit. Without
 * the helper (not built, or a path it cannot carry) the tools are run as before.
 */
import {execFile, spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {packageRoot} from '../../../common/package-root.js';

const run = promisify(execFile);

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

class Helper {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer = '';
  alive = true;

  constructor(binary: string) {
    this.child = spawn(binary, [], {stdio: ['pipe', 'pipe', 'ignore']}) as unknown as ChildProcessWithoutNullStreams;
    // The daemon's life decides the helper's, not the other way round: it keeps the event loop alive only while
    // a reply is awaited.
    this.child.unref();
    this.hold(false);
    this.child.stdout.on('data', (d: Buffer) => this.onData(d.toString()));
    const gone = (why: string) => {
      this.alive = false;
      for (const p of this.queue.splice(0)) p.reject(new Error(`labd-mount ${why}`));
    };
    this.child.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    this.child.on('error', (e) => gone(`failed: ${e.message}`));
    this.child.stdin.on('error', () => gone('closed its input'));
  }

  private hold(on: boolean): void {
    for (const s of [this.child.stdin, this.child.stdout]) {
      const handle = (s as unknown as {_handle?: {ref?(): void; unref?(): void}})._handle;
      if (on) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  private onData(text: string): void {
    this.buffer += text;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const p = this.queue.shift();
      if (this.queue.length === 0) this.hold(false);
      if (!p) continue;
      if (line === 'ok') p.resolve();
      else p.reject(new Error(line.replace(/^error /, '')));
    }
  }

  request(fields: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({resolve, reject});
      this.hold(true);
      this.child.stdin.write(`${fields.join('\t')}\n`);
    });
  }
}

let helper: Helper | undefined;

function helperFor(fields: string[]): Helper | undefined {
  if (fields.some((f) => /[\t\n]/.test(f))) return undefined;
  if (!helper?.alive) {
    const binary = join(packageRoot(), 'dist', 'shim', 'labd-mount');
    if (!existsSync(binary)) return undefined;
    helper = new Helper(binary);
  }
  return helper;
}

/** mount -t overlay overlay -o OPTIONS TARGET, run in DIR (the options name layers relative to it). */
export async function mountOverlay(dir: string, target: string, options: string): Promise<void> {
  const h = helperFor([dir, target, options]);
  if (h) return h.request(['mount', dir, target, options]);
  await run('mount', ['-t', 'overlay', 'overlay', '-o', options, target], {cwd: dir});
}

/** umount TARGET, or umount -l when it is busy. */
export async function unmount(target: string): Promise<void> {
  const h = helperFor([target]);
  if (h) return h.request(['umount', target]);
  await run('umount', [target]).catch(() => run('umount', ['-l', target]));
}
