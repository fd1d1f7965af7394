/**
 * The LZ77 sliding window carried between messages under context takeover (RFC 7692 §7.2.1, §7.2.2):
 * the last 2^windowBits bytes of uncompressed data, kept by engines that compress or inflate each message
 * in one call (with the window given as a preset dictionary).
 */
export class SlidingWindow {
  private data: Uint8Array = new Uint8Array(0);
  readonly capacity: number;

  constructor(windowBits: number) {
    this.capacity = 1 << windowBits;
  }

  get size(): number {
    return this.data.length;
  }

  /** The last `n` bytes (all of them when `n` is omitted or larger). A view: copy before keeping. */
  tail(n = this.capacity): Uint8Array {
    return n >= this.data.length ? this.data : this.data.subarray(this.data.length - n);
  }

  /** Appends the pieces of one message, keeping only the last `capacity` bytes. */
  push(pieces: readonly Uint8Array[]): void {
    let total = 0;
    for (const p of pieces) total += p.length;
    if (total === 0) return;
    const keep = Math.min(this.capacity, this.data.length + total);
    const next = new Uint8Array(keep);
    let at = keep;
    for (let i = pieces.length - 1; i >= 0 && at > 0; i--) {
      const p = pieces[i]!;
      const take = Math.min(at, p.length);
      next.set(p.subarray(p.length - take), at - take);
      at -= take;
    }
    if (at > 0) next.set(this.data.subarray(this.data.length - at), 0);
    this.data = next;
  }

  clear(): void {
    this.data = new Uint8Array(0);
  }
}
