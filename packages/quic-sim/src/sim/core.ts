/**
 * The simulator's core: time in integer microseconds, an event queue ordered by (time, insertion) so
 * that simultaneous events run in the order they were scheduled, and one seeded random number generator.
 * The same scenario and seed give the same run, event for event.
 */
import { invalidArgument } from "../errors";

/** xoshiro128** seeded through splitmix32: fast, 128-bit state, and the same sequence everywhere. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw invalidArgument(`seed must be an integer, got ${seed}`);
    let x = seed >>> 0;
    const split = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = split();
    this.s1 = split();
    this.s2 = split();
    this.s3 = split();
  }

  /** A 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(((Math.imul(this.s1, 5) << 7) | (Math.imul(this.s1, 5) >>> 25)) >>> 0, 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = ((this.s3 << 11) | (this.s3 >>> 21)) >>> 0;
    return result;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** A handle to cancel a scheduled event (timers). */
export interface Timer {
  cancel(): void;
  readonly at: number;
}

export class Simulator {
  /** Now, in integer microseconds from the start. */
  now = 0;
  eventsProcessed = 0;
  readonly rng: Rng;
  private heap: Scheduled[] = [];
  private seq = 0;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Runs `run` at `at` µs (not before now); events at the same time run in scheduling order. */
  at(at: number, run: () => void): Timer {
    // Up, never down: a deadline computed as 244176.25 µs has passed when its event runs.
    const t = Math.max(this.now, Math.ceil(at));
    const event: Scheduled = { at: t, seq: this.seq++, run, cancelled: false };
    this.push(event);
    return {
      at: t,
      cancel: () => {
        event.cancelled = true;
      },
    };
  }

  /** Like `at`, without a handle (no cancelling): packet deliveries, which are never taken back. */
  post(at: number, run: () => void): void {
    this.push({ at: Math.max(this.now, Math.ceil(at)), seq: this.seq++, run, cancelled: false });
  }

  /** Runs `run` after `delay` µs. */
  after(delay: number, run: () => void): Timer {
    return this.at(this.now + delay, run);
  }

  /** Runs events until the queue is empty, `until` (µs) passes, or `stop()` returns true. */
  run(options: { until?: number; stop?: () => boolean; maxEvents?: number } = {}): void {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? 50_000_000;
    let processed = 0;
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (top.at > until) break;
      this.pop();
      if (top.cancelled) continue;
      this.now = top.at;
      this.eventsProcessed++;
      top.run();
      if (options.stop?.()) return;
      if (++processed > maxEvents)
        throw invalidArgument(`more than ${maxEvents} events: the scenario does not end`);
    }
    if (until !== Number.POSITIVE_INFINITY && this.now < until) this.now = until;
  }

  get pending(): number {
    return this.heap.length;
  }

  private less(a: Scheduled, b: Scheduled): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Scheduled): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
