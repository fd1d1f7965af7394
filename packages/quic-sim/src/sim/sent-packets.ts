import type { SentPacket } from "./recovery";

/**
 * sent_packets of one space: packet numbers only grow, so an array indexed from the oldest outstanding
 * number stands in for a map (A.1.1).
 */
export class SentPackets {
  private list: Array<SentPacket | undefined> = [];
  /** The packet number of list[head]. */
  private basePn = 0;
  private head = 0;
  size = 0;

  set(pn: number, p: SentPacket): void {
    if (this.size === 0) {
      this.list = [];
      this.head = 0;
      this.basePn = pn;
    } else if (this.head > 1024 && this.head * 2 > this.list.length) {
      // Compaction happens here, never in delete(), so indices stay stable while a loop removes packets.
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    const i = this.head + pn - this.basePn;
    while (this.list.length < i) this.list.push(undefined);
    this.list[i] = p;
    this.size++;
  }

  get(pn: number): SentPacket | undefined {
    const i = this.head + pn - this.basePn;
    return i >= this.head && i < this.list.length ? this.list[i] : undefined;
  }

  delete(pn: number): boolean {
    const i = this.head + pn - this.basePn;
    if (i < this.head || i >= this.list.length || this.list[i] === undefined) return false;
    this.list[i] = undefined;
    this.size--;
    while (this.head < this.list.length && this.list[this.head] === undefined) {
      this.head++;
      this.basePn++;
    }
    return true;
  }

  /** The oldest outstanding packet number (meaningless when empty). */
  get firstPn(): number {
    return this.basePn;
  }

  get lastPn(): number {
    return this.basePn + this.list.length - 1 - this.head;
  }

  /**
   * Index-addressed iteration without allocation: `for (let i = sp.start; i < sp.end; i++) sp.at(i)`
   * (entries may be undefined). Indices stay valid while packets are deleted (only set() compacts).
   */
  get start(): number {
    return this.head;
  }

  get end(): number {
    return this.list.length;
  }

  /** The index of packet number `pn` (it may be outside [start, end)). */
  indexOf(pn: number): number {
    return this.head + pn - this.basePn;
  }

  at(i: number): SentPacket | undefined {
    return this.list[i];
  }

  *values(): IterableIterator<SentPacket> {
    for (let i = this.head; i < this.list.length; i++) {
      const p = this.list[i];
      if (p !== undefined) yield p;
    }
  }

  clear(): void {
    this.list = [];
    this.head = 0;
    this.size = 0;
  }
}
