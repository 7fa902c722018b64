/**
 * The `virsh` CLI as the one way to talk to a libvirt host, local (qemu:///system) or remote
 * (qemu+ssh://host/system): every call names its connection, and a failure says which host and which command.
 */
import {spawn} from 'node:child_process';

export class VirshError extends Error {
  override name = 'VirshError';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface VirshOptions {
  /** Bytes sent to virsh's stdin. */
  input?: Buffer | string;
  timeoutMs?: number;
}

/** Runs `virsh -c URI ARGS...` and resolves with its stdout; rejects with stderr and the URI in the message. */
export function virsh(uri: string, args: string[], opts: VirshOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-q', '-c', uri, ...args], {stdio: ['pipe', 'pipe', 'pipe'], env: {...process.env, LC_ALL: 'C'}});
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new VirshError(`cannot run virsh: ${error.message} (apt-get install libvirt-clients)`, ''));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new VirshError(`${uri}: virsh ${args.join(' ')} failed (${why})${stderr ? `: ${stderr.replace(/^error: /gm, '')}` : ''}`, stderr));
    });
  });
}

/** Whether a failure means "no such domain/volume/pool" rather than a broken connection. */
export function isMissing(error: unknown): boolean {
  return error instanceof VirshError && /not found|no domain|no storage (vol|pool)|Failed to get domain|failed to get (vol|pool)/i.test(error.stderr);
}

/** `virsh nodememstats` as bytes: what the host could give new VMs (free, plus page cache it can drop). */
export async function hostFreeMemory(uri: string): Promise<{totalBytes: number; freeBytes: number}> {
  const text = await virsh(uri, ['nodememstats']);
  const kib: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(\w+)\s*:\s*(\d+)\s*KiB/.exec(line);
    if (m) kib[m[1]!] = Number(m[2]);
  }
  if (kib.total === undefined || kib.free === undefined) throw new VirshError(`${uri}: virsh nodememstats gave no total/free line: ${JSON.stringify(text.slice(0, 200))}`, '');
  return {totalBytes: kib.total * 1024, freeBytes: (kib.free + (kib.buffers ?? 0) + (kib.cached ?? 0)) * 1024};
}

/** The domain's state as virsh names it ("running", "shut off", ...), or undefined when there is no such domain. */
export async function domainState(uri: string, domain: string): Promise<string | undefined> {
  try {
    return (await virsh(uri, ['domstate', domain])).trim();
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** The host's UUID (`virsh capabilities`): the same for every URI that reaches the same libvirtd. */
export async function hostUuid(uri: string): Promise<string> {
  const m = /<host>\s*<uuid>([^<]+)<\/uuid>/.exec(await virsh(uri, ['capabilities']));
  return m?.[1] ?? uri;
}
