/**
 * @proto/quic-sim: how fast the deterministic simulator runs. There is no peer library to compare
 * against (no other JavaScript simulator models HTTP/1.1, HTTP/2 over TCP and HTTP/3 over QUIC with the
 * same scenarios), so these are standalone rows: absolute rates on this machine, not ratios, and they do
 * not carry from one machine to another the way the other suites' ratios do.
 *
 * 1. Simulated events per second (`eventsProcessed` / wall time), target at least 1 M events/s:
 *    - simulateTransfer, tcp and quic, 20 MB over presets.default (10 Mbit/s, 30 ms RTT, 25-packet
 *      queue) with 1% Bernoulli loss in both directions;
 *    - simulatePageLoad, h1 / h2 / h3, a page of 50 resources of 20 KB (20,000 B) each, over the same
 *      network, qlog: false.
 *    One operation = one whole simulation; each operation takes the next seed, so rounds cover many
 *    loss patterns and the rate is events summed over the round / its wall time.
 * 2. A 1,000-seed sweep (seeds 1-1000) of the same page at 2% Bernoulli loss (both directions), qlog:
 *    false, per protocol: wall ms per sweep and seeds per second. One operation = the whole sweep; every
 *    page of it must complete, or the suite fails. --quick sweeps 100 seeds instead.
 */
import { type NetworkSpec, presets, simulatePageLoad, simulateTransfer } from "@proto/quic-sim";
import { addNote, type StandaloneCase, type StandaloneSuite } from "../harness";

const SUBJECT_TRANSFER = "@proto/quic-sim simulateTransfer";
const SUBJECT_PAGE = "@proto/quic-sim simulatePageLoad";
const TARGET = { minPerSec: 1_000_000, goal: "at least 1 M simulated events/s" };
const TRANSFER_BYTES = 20_000_000;
const RESOURCES = Array.from({ length: 50 }, () => ({ size: 20_000 }));
const PROTOCOLS = ["h1", "h2", "h3"] as const;
type Protocol = (typeof PROTOCOLS)[number];

function lossy(p: number): NetworkSpec {
  return { ...presets.default, loss: { model: "bernoulli", p, direction: "both" } };
}
const ONE_PERCENT = lossy(0.01);
const TWO_PERCENT = lossy(0.02);

function transfer(transport: "tcp" | "quic", seed: number) {
  const r = simulateTransfer({ transport, bytes: TRANSFER_BYTES, network: ONE_PERCENT, seed });
  // Without completion durationUs is the time limit (1 hour simulated) and goodput is a fraction of it.
  if (!(r.durationUs < 3_600_000_000)) throw new Error(`${transport} 20 MB, seed ${seed}: did not finish`);
  return r;
}

function page(protocol: Protocol, network: NetworkSpec, seed: number) {
  const r = simulatePageLoad({ protocol, network, resources: RESOURCES, seed, qlog: false });
  if (r.resources.some((x) => x.completeUs < 0))
    throw new Error(`${protocol} page, seed ${seed}: not every resource completed`);
  if (r.qlog !== undefined) throw new Error("qlog: false still recorded a trace");
  return r;
}

/** Same seed, same run (every field of the result): what the sweeps rely on, checked before timing. */
function sameTwice(label: string, run: () => { eventsProcessed: number }): void {
  const a = run();
  const b = run();
  if (a.eventsProcessed <= 0) throw new Error(`${label}: no events processed`);
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${label}: one seed, two different runs`);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function quicSimSuite(options: { quick: boolean }): StandaloneSuite {
  const seeds = options.quick ? 100 : 1000;
  const rows: StandaloneCase[] = [];

  for (const transport of ["tcp", "quic"] as const) {
    let seed = 0;
    rows.push({
      title: `events/s, ${transport} 20 MB transfer, 1% loss`,
      subject: SUBJECT_TRANSFER,
      unit: "event",
      target: TARGET,
      fn: () => transfer(transport, ++seed).eventsProcessed,
      verify: () => sameTwice(`${transport} transfer`, () => transfer(transport, 1)),
    });
  }
  for (const protocol of PROTOCOLS) {
    let seed = 0;
    rows.push({
      title: `events/s, ${protocol} page load 50 x 20 KB, 1% loss`,
      subject: SUBJECT_PAGE,
      unit: "event",
      target: TARGET,
      fn: () => page(protocol, ONE_PERCENT, ++seed).eventsProcessed,
      verify: () => sameTwice(`${protocol} page`, () => page(protocol, ONE_PERCENT, 1)),
    });
  }
  for (const protocol of PROTOCOLS) {
    let noted = false;
    rows.push({
      title: `${seeds}-seed sweep, ${protocol} page load 50 x 20 KB, 2% loss`,
      subject: SUBJECT_PAGE,
      unit: "seed",
      // One sweep per round; the events/s rows above have already warmed the same code.
      roundOptions: { rounds: 3, roundMs: 0, warmupMs: 0 },
      fn: () => {
        const complete: number[] = [];
        let events = 0;
        let fellBack = 0;
        const start = performance.now();
        for (let seed = 1; seed <= seeds; seed++) {
          const r = page(protocol, TWO_PERCENT, seed);
          complete.push(r.completeUs);
          events += r.eventsProcessed;
          if (r.protocolUsed !== protocol) fellBack++;
        }
        const ms = performance.now() - start;
        if (!noted) {
          // Deterministic: every sweep of a protocol gives these same numbers.
          noted = true;
          complete.sort((a, b) => a - b);
          addNote(
            `quic-sim ${protocol} sweep (${seeds} seeds, 2% loss): page load p50 ` +
              `${(percentile(complete, 0.5) / 1000).toFixed(0)} ms, p95 ${(percentile(complete, 0.95) / 1000).toFixed(0)} ms; ` +
              `${(events / seeds).toFixed(0)} events/page, ${(((events / ms) * 1000) / 1e6).toFixed(2)} M events/s in the ` +
              `first sweep${protocol === "h3" ? `; ${fellBack} fell back to TCP (h2)` : ""}.`,
          );
        }
        return seeds;
      },
      verify: () => sameTwice(`${protocol} page, 2% loss`, () => page(protocol, TWO_PERCENT, 1)),
    });
  }
  const setup = () =>
    addNote(
      "quic-sim: no peer library exists to compare against; its rows are absolute rates on this machine " +
        "(events/s = eventsProcessed / wall time, one whole simulation per operation, seeds advancing), " +
        `not ratios. Network: presets.default (10 Mbit/s, 30 ms RTT, 25-packet queue), Bernoulli loss in ` +
        `both directions; pages of 50 x 20,000 B resources, qlog: false.`,
    );
  return {
    rows,
    setup,
    // 5 event-rate rows of ~2.4 s (warm-up 300 ms, then 7 rounds of 300 ms); the sweeps set their own.
    roundOptions: { rounds: 7, roundMs: 300, warmupMs: 300 },
  };
}
