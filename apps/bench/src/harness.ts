/**
 * A side-by-side benchmark harness: the @proto subject and the peer run in the same process, in
 * alternating rounds (so a slow moment of the machine hits both), and each rate is the median of its
 * rounds. Ratios, not absolute numbers, are what carry from one machine to another.
 */

export interface BenchCase {
  /** What runs, e.g. "@proto/osi internetChecksum". */
  name: string;
  /** One operation. Its return value is kept so the work cannot be optimised away. */
  fn: () => unknown;
}

export interface Comparison {
  /** Row label, e.g. "Internet checksum, 1 MiB". */
  title: string;
  subject: BenchCase;
  peer: BenchCase;
  /** Bytes one operation processes; when set, rates are also reported in GB/s. */
  bytesPerOp?: number;
  /** Checked once before timing: both sides must compute the same thing. */
  verify?: () => void;
  /** A goal for the ratio (e.g. from the package's issue), reported as met or not met beside the table. */
  target?: Target;
  /**
   * What the rate cells show: "bytes" (GB/s, the default when bytesPerOp is set), "ops" (operations per
   * second, the default otherwise) or "both" (operations per second and a byte rate scaled to fit).
   */
  show?: RateDisplay;
}

export type RateDisplay = "ops" | "bytes" | "both";

/** One operation that completes asynchronously (e.g. a network round trip). */
export interface AsyncBenchCase {
  name: string;
  /** One operation; the next starts only when its promise settles. */
  fn: () => Promise<unknown>;
}

/** A Comparison whose two sides are asynchronous; the verify step may be asynchronous too. */
export interface AsyncComparison extends Omit<Comparison, "subject" | "peer" | "verify"> {
  subject: AsyncBenchCase;
  peer: AsyncBenchCase;
  verify?: () => void | Promise<void>;
}

/**
 * A group of async comparisons that share resources (servers, sockets): `setup` runs once before the
 * first selected comparison, `teardown` once after the last, even when one fails.
 */
export interface AsyncSuite {
  comparisons: AsyncComparison[];
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** Rounds for this suite's rows when not --quick (default: runAsyncComparison's). */
  roundOptions?: AsyncRoundOptions;
}

export interface Target {
  /** The ratio (subject rate / peer rate) that meets the goal. */
  minRatio: number;
  /** What the goal is, e.g. "≥2x ws pure JS on small messages". */
  goal: string;
}

export interface RoundOptions {
  /** Rounds per side (default 15). */
  rounds?: number;
  /** Target time per round in ms (default 40). */
  roundMs?: number;
  /** Warm-up time per side in ms (default 150). */
  warmupMs?: number;
}

export interface ComparisonResult {
  title: string;
  subject: string;
  peer: string;
  subjectOpsPerSec: number;
  peerOpsPerSec: number;
  subjectGBps: number | undefined;
  peerGBps: number | undefined;
  /** subject rate / peer rate: above 1 means @proto is faster. */
  ratio: number;
  /** The row's goal, if it has one, and whether this run met it. */
  target?: Target & { met: boolean };
  /** How the table shows the rates, when not the default. */
  show?: RateDisplay;
  /** A measured row's reference (e.g. a native server as the ceiling), when it has one. */
  reference?: ReferenceResult;
}

let sink: unknown;
/** Keeps results observable so the JIT cannot drop the benchmarked work. */
export function consume(value: unknown): void {
  sink = value;
}
export function lastSink(): unknown {
  return sink;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs `fn` repeatedly for about `ms`, in batches of `batch`; returns ops per second. */
function timeRound(fn: () => unknown, batch: number, ms: number): number {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) consume(fn());
    ops += batch;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (ops / elapsed) * 1000;
}

/** A batch size that takes roughly 1 ms, so timer resolution does not matter. */
function calibrate(fn: () => unknown): number {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) consume(fn());
    if (performance.now() - start >= 1 || batch >= 1 << 24) return batch;
    batch *= 2;
  }
}

export function runComparison(c: Comparison, options: RoundOptions = {}): ComparisonResult {
  const rounds = options.rounds ?? 15;
  const roundMs = options.roundMs ?? 40;
  const warmupMs = options.warmupMs ?? 150;
  c.verify?.();
  timeRound(c.subject.fn, 1, warmupMs);
  timeRound(c.peer.fn, 1, warmupMs);
  const subjectBatch = calibrate(c.subject.fn);
  const peerBatch = calibrate(c.peer.fn);
  const subjectRates: number[] = [];
  const peerRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first so neither always gets the warmer cache.
    if (r % 2 === 0) {
      subjectRates.push(timeRound(c.subject.fn, subjectBatch, roundMs));
      peerRates.push(timeRound(c.peer.fn, peerBatch, roundMs));
    } else {
      peerRates.push(timeRound(c.peer.fn, peerBatch, roundMs));
      subjectRates.push(timeRound(c.subject.fn, subjectBatch, roundMs));
    }
  }
  return toResult(c, c.subject.name, c.peer.name, median(subjectRates), median(peerRates));
}

function toResult(
  c: Pick<Comparison, "title" | "bytesPerOp" | "target" | "show">,
  subject: string,
  peer: string,
  subjectOpsPerSec: number,
  peerOpsPerSec: number,
): ComparisonResult {
  const gb = (ops: number) => (c.bytesPerOp === undefined ? undefined : (ops * c.bytesPerOp) / 1e9);
  const ratio = subjectOpsPerSec / peerOpsPerSec;
  return {
    title: c.title,
    subject,
    peer,
    subjectOpsPerSec,
    peerOpsPerSec,
    subjectGBps: gb(subjectOpsPerSec),
    peerGBps: gb(peerOpsPerSec),
    ratio,
    ...(c.target ? { target: { ...c.target, met: ratio >= c.target.minRatio } } : {}),
    ...(c.show ? { show: c.show } : {}),
  };
}

export interface AsyncRoundOptions {
  /** Rounds per side (default 15). */
  rounds?: number;
  /** Time per round in ms (default 200). */
  roundMs?: number;
  /** Warm-up time per side in ms (default 500). */
  warmupMs?: number;
}

/** Awaits `fn` one operation after another for about `ms`; returns operations per second. */
async function timeAsyncRound(fn: () => Promise<unknown>, ms: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  // An awaited operation costs microseconds at least, so reading the clock after each one is noise.
  do {
    consume(await fn());
    ops++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (ops / elapsed) * 1000;
}

/**
 * runComparison for asynchronous operations: verify, warm up both sides, then alternating rounds (the
 * side that goes first swaps every round) of sequential awaited operations; each rate is the median of
 * its rounds. Same result shape as runComparison.
 */
export async function runAsyncComparison(
  c: AsyncComparison,
  options: AsyncRoundOptions = {},
): Promise<ComparisonResult> {
  const rounds = options.rounds ?? 15;
  const roundMs = options.roundMs ?? 200;
  const warmupMs = options.warmupMs ?? 500;
  await c.verify?.();
  await timeAsyncRound(c.subject.fn, warmupMs);
  await timeAsyncRound(c.peer.fn, warmupMs);
  const subjectRates: number[] = [];
  const peerRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      subjectRates.push(await timeAsyncRound(c.subject.fn, roundMs));
      peerRates.push(await timeAsyncRound(c.peer.fn, roundMs));
    } else {
      peerRates.push(await timeAsyncRound(c.peer.fn, roundMs));
      subjectRates.push(await timeAsyncRound(c.subject.fn, roundMs));
    }
  }
  return toResult(c, c.subject.name, c.peer.name, median(subjectRates), median(peerRates));
}

/**
 * One side that measures its own rate: one call is one whole run of an external load generator (e.g.
 * h2load), resolving with the operations per second that tool reported. It should reject when any
 * operation of the run failed.
 */
export interface MeasuredBenchCase {
  name: string;
  measure: () => Promise<number>;
}

/** A Comparison whose sides report their own rates; an optional reference (a native ceiling) runs too. */
export interface MeasuredComparison extends Omit<Comparison, "subject" | "peer" | "verify"> {
  subject: MeasuredBenchCase;
  peer: MeasuredBenchCase;
  /** Measured in the same rounds, after both sides; reported beside the row, not in the ratio. */
  reference?: MeasuredBenchCase;
  verify?: () => void | Promise<void>;
}

/**
 * A group of measured comparisons sharing resources, like AsyncSuite. `skip` runs first (before
 * `setup`): a reason this suite cannot run on this machine (e.g. a missing tool), or undefined.
 */
export interface MeasuredSuite {
  comparisons: MeasuredComparison[];
  skip?: () => Promise<string | undefined>;
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** Rounds for this suite's rows when not --quick (default: runMeasuredComparison's). */
  roundOptions?: MeasuredRoundOptions;
}

export interface MeasuredRoundOptions {
  /** Measured runs per side (default 3); each rate is the median of its side's runs. */
  rounds?: number;
  /** One unmeasured run per side (and of the reference) before the rounds (default true). */
  warmup?: boolean;
}

/** What a row's reference measured: its median rate and subject rate / reference rate. */
export interface ReferenceResult {
  name: string;
  opsPerSec: number;
  /** subject rate / reference rate. */
  ratio: number;
}

/**
 * runAsyncComparison for sides that report their own rates: verify, one warm-up run of each side (and
 * of the reference), then `rounds` rounds, the side that goes first swapping every round (subject,
 * peer | peer, subject | ...), the reference last in each round; each rate is the median of its runs.
 */
export async function runMeasuredComparison(
  c: MeasuredComparison,
  options: MeasuredRoundOptions = {},
): Promise<ComparisonResult> {
  const rounds = options.rounds ?? 3;
  await c.verify?.();
  if (options.warmup ?? true) {
    await c.subject.measure();
    await c.peer.measure();
    await c.reference?.measure();
  }
  const subjectRates: number[] = [];
  const peerRates: number[] = [];
  const referenceRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      subjectRates.push(await c.subject.measure());
      peerRates.push(await c.peer.measure());
    } else {
      peerRates.push(await c.peer.measure());
      subjectRates.push(await c.subject.measure());
    }
    if (c.reference) referenceRates.push(await c.reference.measure());
  }
  const result = toResult(c, c.subject.name, c.peer.name, median(subjectRates), median(peerRates));
  if (!c.reference) return result;
  const opsPerSec = median(referenceRates);
  return {
    ...result,
    reference: { name: c.reference.name, opsPerSec, ratio: result.subjectOpsPerSec / opsPerSec },
  };
}

function opsRate(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M op/s`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k op/s`;
  return `${ops.toFixed(0)} op/s`;
}

/** A byte rate in the unit that keeps two significant decimals readable. */
function byteRate(gbps: number): string {
  if (gbps >= 1) return `${gbps.toFixed(2)} GB/s`;
  if (gbps >= 1e-3) return `${(gbps * 1e3).toFixed(1)} MB/s`;
  return `${(gbps * 1e6).toFixed(1)} kB/s`;
}

function rate(ops: number, gbps: number | undefined, show: RateDisplay | undefined): string {
  if (gbps === undefined || show === "ops") return opsRate(ops);
  if (show === "both") return `${opsRate(ops)}, ${byteRate(gbps)}`;
  return `${gbps.toFixed(2)} GB/s`;
}

/** One plain-text table of every comparison: subject, peer, both rates, and the ratio. */
export function formatTable(results: ComparisonResult[]): string {
  const header = ["benchmark", "@proto", "peer", "@proto rate", "peer rate", "ratio"];
  const rows = results.map((r) => [
    r.title,
    r.subject,
    r.peer,
    rate(r.subjectOpsPerSec, r.subjectGBps, r.show),
    rate(r.peerOpsPerSec, r.peerGBps, r.show),
    `${r.ratio.toFixed(2)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A row's reference as one line: its rate and where the subject stands against it. Undefined if none. */
export function formatReference(r: ComparisonResult): string | undefined {
  if (!r.reference) return undefined;
  const { name, opsPerSec, ratio } = r.reference;
  const gbps = r.subjectGBps === undefined ? undefined : (opsPerSec * r.subjectGBps) / r.subjectOpsPerSec;
  return (
    `${r.title}: reference ${name} ${rate(opsPerSec, gbps, r.show)}; ${r.subject} is at ` +
    `${(ratio * 100).toFixed(0)}% of it (${r.peer} at ${((ratio / r.ratio) * 100).toFixed(0)}%).`
  );
}

/**
 * One line per row that has a target: met or NOT MET, the ratio (or, for a standalone row, the rate)
 * against the goal. Empty if none.
 */
export function formatTargets(results: ComparisonResult[], standalone: StandaloneResult[] = []): string {
  const rows = results.filter((r) => r.target !== undefined);
  const solo = standalone.filter((r) => r.target !== undefined);
  const width = Math.max(0, ...[...rows, ...solo].map((r) => r.title.length));
  const verdict = (met: boolean) => (met ? "met    " : "NOT MET");
  return [
    ...rows.map((r) => {
      const t = r.target!;
      return `${verdict(t.met)}  ${r.title.padEnd(width)}  ${r.ratio.toFixed(2)}x vs >= ${t.minRatio}x  (${t.goal})`;
    }),
    ...solo.map((r) => {
      const t = r.target!;
      return (
        `${verdict(t.met)}  ${r.title.padEnd(width)}  ${unitRate(r.perSec, r.unit)} vs >= ` +
        `${unitRate(t.minPerSec, r.unit)}  (${t.goal})`
      );
    }),
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------
// Standalone rows: a rate with no peer to hold it against (e.g. a simulator's events per second).

/** A goal for a standalone row's rate, in the row's own unit (there is no peer, so no ratio). */
export interface AbsoluteTarget {
  /** The rate (units per second) that meets the goal. */
  minPerSec: number;
  goal: string;
}

/** A row measured on its own: one operation does a counted amount of work (events, seeds, ...). */
export interface StandaloneCase {
  title: string;
  /** What runs, e.g. "@proto/quic-sim simulateTransfer". */
  subject: string;
  /** What `fn` counts, singular: "event", "seed". Rates are shown as "<n> <unit>s/s". */
  unit: string;
  /** One operation; returns how many units of work it did. */
  fn: () => number;
  /** Checked once before timing. */
  verify?: () => void;
  target?: AbsoluteTarget;
  /** Rounds for this row when not --quick (default: its suite's, then runStandalone's). */
  roundOptions?: RoundOptions;
}

/** Standalone rows that share a name, like the comparison suites. */
export interface StandaloneSuite {
  rows: StandaloneCase[];
  /** Runs once before the first selected row (e.g. to add the suite's notes). */
  setup?: () => void;
  /** Rounds for this suite's rows when not --quick (default: runStandalone's). */
  roundOptions?: RoundOptions;
}

export interface StandaloneResult {
  title: string;
  subject: string;
  unit: string;
  /** Median over rounds of units per second. */
  perSec: number;
  /** Median over rounds of wall milliseconds per operation. */
  msPerOp: number;
  target?: AbsoluteTarget & { met: boolean };
}

/**
 * Verify, warm up (skipped when warmupMs is 0), then `rounds` rounds: each runs whole operations until
 * `roundMs` has passed (at least one), summing the units they report. Rates are medians of the rounds.
 * Operations should take well over a microsecond: the clock is read after each one.
 */
export function runStandalone(c: StandaloneCase, options: RoundOptions = {}): StandaloneResult {
  const rounds = options.rounds ?? 15;
  const roundMs = options.roundMs ?? 40;
  const warmupMs = options.warmupMs ?? 150;
  c.verify?.();
  const round = (ms: number) => {
    let units = 0;
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      units += c.fn();
      ops++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return { perSec: (units / elapsed) * 1000, msPerOp: elapsed / ops };
  };
  if (warmupMs > 0) round(warmupMs);
  const measured = Array.from({ length: rounds }, () => round(roundMs));
  const perSec = median(measured.map((m) => m.perSec));
  return {
    title: c.title,
    subject: c.subject,
    unit: c.unit,
    perSec,
    msPerOp: median(measured.map((m) => m.msPerOp)),
    ...(c.target ? { target: { ...c.target, met: perSec >= c.target.minPerSec } } : {}),
  };
}

function unitRate(perSec: number, unit: string): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)} M ${unit}s/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)} k ${unit}s/s`;
  return `${perSec.toFixed(0)} ${unit}s/s`;
}

/** One plain-text table of standalone rows: subject, rate and wall time per operation. */
export function formatStandaloneTable(results: StandaloneResult[]): string {
  const header = ["benchmark (no peer)", "@proto", "rate", "ms/op"];
  const rows = results.map((r) => [
    r.title,
    r.subject,
    unitRate(r.perSec, r.unit),
    r.msPerOp >= 100 ? r.msPerOp.toFixed(0) : r.msPerOp.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const notes: string[] = [];
/** A line a suite wants printed beside the table (e.g. why some rows were skipped). */
export function addNote(text: string): void {
  notes.push(text);
}
/** Every note added so far, in order. */
export function allNotes(): readonly string[] {
  return notes;
}
