/**
 * The TCP model against the analytic models: long transfers under random loss land within 15% of Mathis
 * et al. (throughput = MSS/RTT · C/√p, C = √(3/2)); plus determinism and the handshake's cost.
 */
import { describe, expect, it } from "vitest";
import { type NetworkSpec, simulateTransfer } from "../src/index";

const MSS = 1460;

function mathisBps(rttMs: number, p: number): number {
  return ((MSS * 8) / (rttMs / 1000)) * (Math.sqrt(1.5) / Math.sqrt(p));
}

describe("TCP under random loss vs the Mathis model (C = √(3/2))", () => {
  // A fast link and a deep queue, so loss and not the link limits throughput; ~1000 loss events per run.
  const cases = [30, 100].flatMap((rttMs) => [0.005, 0.01, 0.02].map((p) => [rttMs, p] as const));
  it.each(cases)("RTT %i ms, p = %f: within 15%", (rttMs, p) => {
    const network: NetworkSpec = {
      bandwidthMbps: 1000,
      rttMs,
      queuePackets: 10_000,
      loss: { model: "bernoulli", p, direction: "toClient" },
    };
    const result = simulateTransfer({
      transport: "tcp",
      bytes: Math.round((MSS * 1000) / p),
      network,
      seed: 7,
    });
    const expected = mathisBps(rttMs, p);
    const ratio = result.steadyGoodputBps / expected;
    console.log(
      `[mathis] RTT ${rttMs} ms, p ${p}: simulated ${(result.steadyGoodputBps / 1e6).toFixed(2)} Mbit/s, ` +
        `Mathis ${(expected / 1e6).toFixed(2)} Mbit/s, ratio ${ratio.toFixed(3)}, ${result.packetsLost} losses, ${result.timeouts} RTOs`,
    );
    expect(result.packetsLost).toBeGreaterThan(800);
    expect(Math.abs(ratio - 1)).toBeLessThan(0.15);
  });
});

describe("determinism", () => {
  const network: NetworkSpec = {
    bandwidthMbps: 10,
    rttMs: 30,
    queuePackets: 25,
    loss: { model: "bernoulli", p: 0.02 },
  };
  it("the same seed gives identical results; another seed differs", () => {
    const a = simulateTransfer({ transport: "tcp", bytes: 2_000_000, network, seed: 42 });
    const b = simulateTransfer({ transport: "tcp", bytes: 2_000_000, network, seed: 42 });
    const c = simulateTransfer({ transport: "tcp", bytes: 2_000_000, network, seed: 43 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });
});

describe("the link", () => {
  it("a lossless 10 Mbit/s link with a deep queue is filled: steady goodput at the line rate less headers", () => {
    const r = simulateTransfer({
      transport: "tcp",
      bytes: 2_000_000,
      network: { bandwidthMbps: 10, rttMs: 30, queuePackets: 1000 },
      seed: 1,
    });
    expect(r.packetsLost).toBe(0);
    const line = 10e6 * (MSS / (MSS + 40));
    expect(r.steadyGoodputBps).toBeGreaterThan(0.95 * line);
    expect(r.steadyGoodputBps).toBeLessThan(1.01 * line);
    // Slow start and the handshake cost the rest.
    expect(r.goodputBps).toBeLessThan(r.steadyGoodputBps);
  });

  it("a 25-packet drop-tail queue overflows in slow start and TCP recovers", () => {
    const r = simulateTransfer({
      transport: "tcp",
      bytes: 5_000_000,
      network: { bandwidthMbps: 10, rttMs: 30, queuePackets: 25 },
      seed: 1,
    });
    // No HyStart or pacing: slow start overshoots the 25-packet queue and loses a burst, as Reno does.
    expect(r.packetsLost).toBeGreaterThan(0);
    expect(r.packetsRetransmitted).toBeGreaterThanOrEqual(r.packetsLost);
    expect(r.goodputBps).toBeGreaterThan(0.7 * 10e6);
  });
});
