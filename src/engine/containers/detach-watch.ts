/**
 * Tells when a client's input completes its detach keys, so the engine can record the detach as dockerd does (a
 * `detach` event): only the keys make one, not a client that just goes away. The matching is the shim's own
 * (runtime/shim/attach.c take_input): a byte that breaks a partial match resets it without being tried as a
 * new start, so both sides agree on when the stream ended by the keys.
 */
export class DetachWatch {
  private matched = 0;
  private done = false;

  constructor(private readonly keys: Buffer) {}

  /** True once, on the chunk that completes the sequence. */
  feed(chunk: Buffer): boolean {
    if (this.done || this.keys.length === 0) return false;
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        if (++this.matched === this.keys.length) {
          this.done = true;
          return true;
        }
      } else this.matched = 0;
    }
    return false;
  }
}
