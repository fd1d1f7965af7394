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

/** A scheduled event; it is also the handle timers get back (no extra object or closure per timer). */
class Scheduled implements Timer {
  cancelled = false;
  constructor(
    readonly at: number,
    readonly seq: number,
    readonly run: (arg: unknown, arg2: unknown) => void,
    readonly arg: unknown,
    readonly arg2: unknown,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
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

  /** Runs `run(arg)` at `at` µs (not before now); events at the same time run in scheduling order. */
  at<A>(at: number, run: (arg: A) => void, arg?: A): Timer {
    const t = Math.max(this.now, Math.ceil(at));
    const event = new Scheduled(t, this.seq++, run as (arg: unknown) => void, arg, undefined);
    this.push(event);
    return event;
  }

  /**
   * Like `at`, without a handle (no cancelling): packet deliveries, which are never taken back. `run`
   * receives `arg` and `arg2`, so a caller can pass one long-lived function and its data instead of a
   * new closure per event.
   */
  post<A, B>(at: number, run: (arg: A, arg2: B) => void, arg?: A, arg2?: B): void {
    const t = Math.max(this.now, Math.ceil(at));
    this.push(new Scheduled(t, this.seq++, run as (arg: unknown, arg2: unknown) => void, arg, arg2));
  }

  /** Runs `run(arg)` after `delay` µs. */
  after<A>(delay: number, run: (arg: A) => void, arg?: A): Timer {
    return this.at(this.now + delay, run, arg);
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
      top.run(top.arg, top.arg2);
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

  // Sift with a hole instead of swaps: no temporary arrays on the hottest path of every simulation.
  private push(e: Scheduled): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (!this.less(e, p)) break;
      h[i] = p;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && this.less(h[r]!, h[l]!) ? r : l;
      if (!this.less(h[m]!, last)) break;
      h[i] = h[m]!;
      i = m;
    }
    h[i] = last;
  }
}
