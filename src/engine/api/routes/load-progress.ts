/**
 * `docker load` on a terminal asks for progress (quiet=0): dockerd then sends a "Loading layer" bar per layer, which
 * the CLI draws, instead of a silent minute for a large archive. The bar's id is the layer's entry in the archive
 * (its digest directory or blob name), shortened as dockerd shortens IDs.
 */
import {createHash} from 'node:crypto';
import {LayerProgress, type ProgressMessage} from '../../registry/progress.js';

export function loadProgress(send: (message: ProgressMessage) => void): (name: string, current: number, total: number) => void {
  const bars = new Map<string, LayerProgress>();
  return (name, current, total) => {
    let bar = bars.get(name);
    if (!bar) {
      const digest = /[a-f0-9]{64}/.exec(name)?.[0] ?? createHash('sha256').update(name).digest('hex');
      bar = new LayerProgress(send, `sha256:${digest}`, total);
      bars.set(name, bar);
    }
    bar.bytes('Loading layer', current, current >= total);
  };
}
