/**
 * Waiting on the guest's serial console, which qemu writes to a file. The guest's boot script prints one line
 * per milestone (LAB-VM-INIT, LAB-VM-READY, LAB-VM-ENGINE-READY) or a LAB-VM-FAILED line; reading them is how the host knows
 * SSH listens, without knocking on a port that qemu's user network accepts long before the guest does.
 */
import {readFile} from 'node:fs/promises';
import {setTimeout as sleep} from 'node:timers/promises';

const POLL_MS = 20;

export interface Banner {
  kind: 'init' | 'ready' | 'engine-ready' | 'engine-failed' | 'warm-ready' | 'failed' | 'warning';
  detail: string;
}

/** Banners of the complete lines only: qemu writes the console as it comes, so the last line may be half there. */
export function parseBanners(text: string): Banner[] {
  const banners: Banner[] = [];
  for (const raw of text.split('\n').slice(0, -1)) {
    const m = /LAB-VM-(INIT|READY|ENGINE-READY|ENGINE-FAILED|WARM-READY|FAILED|WARNING)\b ?(.*)$/.exec(raw.replace(/\r$/, ''));
    if (m) banners.push({kind: m[1]!.toLowerCase() as Banner['kind'], detail: m[2]!.trim()});
  }
  return banners;
}

export class SerialTimeoutError extends Error {}

/**
 * Resolves with the first banner of one of the wanted kinds; rejects on a FAILED banner, when isAlive says qemu
 * is gone, or after timeoutMs. The error carries the console's last lines.
 */
export async function waitForBanner(
  file: string,
  wanted: Banner['kind'][],
  opts: {timeoutMs: number; isAlive: () => Promise<boolean>; describeExit?: () => Promise<string>},
): Promise<Banner> {
  const deadline = Date.now() + opts.timeoutMs;
  for (let i = 0; ; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const banners = parseBanners(text);
    const hit = banners.find((b) => wanted.includes(b.kind));
    if (hit) return hit;
    const failed = banners.find((b) => b.kind === 'failed');
    if (failed) throw new Error(`the VM failed to boot: ${failed.detail}\n${tail(text)}`);
    // Checking the process costs more than reading a small file, so only every few polls.
    if (i % 5 === 0 && !(await opts.isAlive())) {
      const why = (await opts.describeExit?.()) ?? '';
      throw new Error(`qemu exited before the VM was ready${why ? `: ${why}` : ''}${text.trim() ? `\n--- serial console ---\n${tail(text)}` : ''}`);
    }
    if (Date.now() > deadline) throw new SerialTimeoutError(`no ${wanted.join(' or ')} banner on the serial console after ${opts.timeoutMs} ms\n${tail(text)}`);
    await sleep(POLL_MS);
  }
}

function tail(text: string, lines = 25): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
