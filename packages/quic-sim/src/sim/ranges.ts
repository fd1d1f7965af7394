/**
 * A set of half-open integer ranges [start, end), kept sorted and merged: received packet numbers (for
 * ACK frames) and received stream or CRYPTO bytes (for reassembly).
 */
export class ByteRanges {
  private starts: number[] = [];
  private ends: number[] = [];

  get size(): number {
    return this.starts.length;
  }

  /** Index of the first range whose end is >= x. */
  private find(x: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(x: number): boolean {
    const i = this.find(x + 1);
    return i < this.starts.length && this.starts[i]! <= x && x < this.ends[i]!;
  }

  /** Adds [a, b) when the caller does not need to know what was new (no allocation on the common path). */
  insert(a: number, b: number): void {
    const n = this.starts.length;
    if (b <= a) return;
    if (n === 0 || a > this.ends[n - 1]!) {
      this.starts.push(a);
      this.ends.push(b);
    } else if (a === this.ends[n - 1]!) this.ends[n - 1] = b;
    else this.add(a, b);
  }

  /**
   * Adds [a, b) and writes the sub-ranges that were new into `fresh` as flat pairs from index 0; returns
   * how many numbers it wrote (twice the number of sub-ranges). No allocation when `fresh` is reused.
   */
  addInto(a: number, b: number, fresh: number[]): number {
    if (b <= a) return 0;
    const n = this.starts.length;
    if (n === 0 || a >= this.ends[n - 1]!) {
      this.insert(a, b);
      fresh[0] = a;
      fresh[1] = b;
      return 2;
    }
    let k = 0;
    for (const [x, y] of this.add(a, b)) {
      fresh[k++] = x;
      fresh[k++] = y;
    }
    return k;
  }

  /** Adds [a, b); returns the sub-ranges that were not already present. */
  add(a: number, b: number): Array<[number, number]> {
    if (b <= a) return [];
    // The common case, in-order arrival: extend the last range or append one.
    const n = this.starts.length;
    if (n === 0 || a > this.ends[n - 1]!) {
      this.starts.push(a);
      this.ends.push(b);
      return [[a, b]];
    }
    if (a === this.ends[n - 1]!) {
      this.ends[n - 1] = b;
      return [[a, b]];
    }
    const fresh: Array<[number, number]> = [];
    let i = this.find(a);
    let cursor = a;
    let start = a;
    let end = b;
    const first = i;
    while (i < this.starts.length && this.starts[i]! <= b) {
      const s = this.starts[i]!;
      const e = this.ends[i]!;
      if (s > cursor) fresh.push([cursor, Math.min(s, b)]);
      cursor = Math.max(cursor, e);
      start = Math.min(start, s);
      end = Math.max(end, e);
      i++;
    }
    if (cursor < b) fresh.push([cursor, b]);
    this.starts.splice(first, i - first, start);
    this.ends.splice(first, i - first, end);
    return fresh;
  }

  /** The end of the range that starts at or before `from` and covers it (`from` itself if none). */
  contiguousFrom(from: number): number {
    const i = this.find(from);
    if (i < this.starts.length && this.starts[i]! <= from) return this.ends[i]!;
    return from;
  }

  /** The highest `max` ranges, highest first, as inclusive {largest, smallest} (ACK frames). */
  descending(max: number): Array<{ largest: number; smallest: number }> {
    const out: Array<{ largest: number; smallest: number }> = [];
    for (let i = this.starts.length - 1; i >= 0 && out.length < max; i--) {
      out.push({ largest: this.ends[i]! - 1, smallest: this.starts[i]! });
    }
    return out;
  }
}
