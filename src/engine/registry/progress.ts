/**
 * The JSON progress stream of a pull or push, shaped as dockerd's jsonmessage: a status per layer (its short
 * digest as `id`) and `progressDetail` {current,total} that the docker CLI draws as a bar, with the `progress`
 * text dockerd adds for clients that do not draw.
 */
import {shortId} from '../images/digest.js';

export interface ProgressMessage {
  status: string;
  id?: string;
  progressDetail?: {current?: number; total?: number};
  progress?: string;
}

export type ProgressSink = (message: ProgressMessage) => void;

/** Go's units.HumanSize: decimal units, four significant digits. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${Number(value.toPrecision(4))}${units[i]}`;
}

/** What dockerd's JSONProgress.String gives at its default width: a 50-column bar, then the byte counts. */
export function progressText(current: number, total: number): string {
  if (total <= 0) return humanSize(current).padStart(8);
  const filled = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, 50 - filled))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** Per-layer messages; byte progress is sent at most every 100ms per layer, as dockerd's throttled output. */
export class LayerProgress {
  private last = 0;
  readonly id: string;
  constructor(
    private readonly sink: ProgressSink,
    digest: string,
    private readonly total: number,
  ) {
    this.id = shortId(digest);
  }

  status(status: string): void {
    this.sink({status, progressDetail: {}, id: this.id});
  }

  bytes(status: 'Downloading' | 'Extracting' | 'Pushing' | 'Loading layer', current: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.sink({status, progressDetail: {current, total: this.total}, progress: progressText(current, this.total), id: this.id});
  }
}
