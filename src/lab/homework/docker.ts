/** The docker CLI against the sandbox's private engine, bounded in time and output. */
import {spawn} from 'node:child_process';

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const captureMax = 256 * 1024;

/**
 * Runs `docker args...`; past `timeoutMs` it is killed (and `onTimeout` runs first, e.g. to kill a container).
 * `onTimeout` may answer a number of milliseconds instead: the time is not up yet (the container started late), and
 * it is asked again after that long.
 */
export function docker(env: Record<string, string>, args: string[], timeoutMs: number, onTimeout?: () => Promise<number | void>, stdin?: string): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, {env: {...process.env, ...env}, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
    // A program that exits without reading its input closes the pipe: that is its business, not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin);
    const out = {stdout: '', stderr: ''};
    const take = (key: 'stdout' | 'stderr') => (d: Buffer) => {
      if (out[key].length < captureMax) out[key] += d.toString('utf8');
    };
    child.stdout!.on('data', take('stdout'));
    child.stderr!.on('data', take('stderr'));
    let timedOut = false;
    let exited = false;
    const expire = () => {
      void (onTimeout?.() ?? Promise.resolve())
        .catch(() => undefined)
        .then((more) => {
          if (exited) return;
          if (typeof more === 'number' && more > 0) {
            timer = setTimeout(expire, more);
            return;
          }
          timedOut = true;
          child.kill('SIGKILL');
        });
    };
    let timer = setTimeout(expire, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`docker ${args[0]}: ${error.message}`));
    });
    child.on('close', (code) => {
      exited = true;
      clearTimeout(timer);
      resolve({code: code ?? -1, ...out, timedOut});
    });
  });
}

/** At most `max` bytes of a student's output: its head and its tail, with what was cut said in between. */
export function truncate(text: string, max: number): string {
  const clean = text.replace(/\r/g, '').replace(/^DEPRECATED: The legacy builder[\s\S]*?environment-variable\.\n*/m, '');
  if (Buffer.byteLength(clean) <= max) return clean;
  const half = Math.floor(max / 2) - 40;
  const head = Buffer.from(clean).subarray(0, half).toString('utf8');
  const tail = Buffer.from(clean).subarray(-half).toString('utf8');
  return `${head}\n[… ${Buffer.byteLength(clean) - 2 * half} bytes cut …]\n${tail}`;
}
