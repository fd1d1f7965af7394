import { describe, expect, it, vi } from "vitest";
import {
  formatReference,
  formatStandaloneTable,
  formatTable,
  formatTargets,
  runAsyncComparison,
  runComparison,
  runMeasuredComparison,
  runStandalone,
} from "./harness";

describe("runComparison", () => {
  it("measures both sides and reports their ratio", () => {
    const small = new Uint8Array(64);
    const big = new Uint8Array(64 * 64);
    const result = runComparison(
      {
        title: "fill",
        subject: { name: "small", fn: () => small.fill(1) },
        peer: { name: "big", fn: () => big.fill(1) },
        bytesPerOp: 64,
      },
      { rounds: 3, roundMs: 5, warmupMs: 5 },
    );
    expect(result.subjectOpsPerSec).toBeGreaterThan(0);
    expect(result.peerOpsPerSec).toBeGreaterThan(0);
    expect(result.ratio).toBeCloseTo(result.subjectOpsPerSec / result.peerOpsPerSec, 10);
    expect(result.subjectGBps).toBeCloseTo((result.subjectOpsPerSec * 64) / 1e9, 10);
  });

  it("runs the verify step before timing, so a wrong peer stops the run", () => {
    expect(() =>
      runComparison({
        title: "x",
        subject: { name: "a", fn: () => 1 },
        peer: { name: "b", fn: () => 2 },
        verify: () => {
          throw new Error("results differ");
        },
      }),
    ).toThrow("results differ");
  });

  it("formats one aligned table with a ratio column", () => {
    const table = formatTable([
      {
        title: "row",
        subject: "@proto/x",
        peer: "peer",
        subjectOpsPerSec: 2e6,
        peerOpsPerSec: 1e6,
        subjectGBps: undefined,
        peerGBps: undefined,
        ratio: 2,
      },
    ]);
    expect(table).toContain("2.00 M op/s");
    expect(table).toContain("2.00x");
    expect(table.split("\n")).toHaveLength(3);
  });

  it("reports a row's target as met or not met", () => {
    const options = { rounds: 1, roundMs: 1, warmupMs: 1 };
    const side = { name: "x", fn: () => 1 };
    const met = runComparison(
      { title: "easy", subject: side, peer: side, target: { minRatio: 0, goal: "any" } },
      options,
    );
    const missed = runComparison(
      { title: "hard", subject: side, peer: side, target: { minRatio: 1e9, goal: "absurd" } },
      options,
    );
    expect(met.target).toEqual({ minRatio: 0, goal: "any", met: true });
    expect(missed.target?.met).toBe(false);
    const untargeted = runComparison({ title: "none", subject: side, peer: side }, options);
    expect(untargeted.target).toBeUndefined();
    const lines = formatTargets([met, missed, untargeted]).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^met\s+easy\s+\d+\.\d\dx vs >= 0x {2}\(any\)$/);
    expect(lines[1]).toMatch(/^NOT MET\s+hard\s/);
    expect(formatTargets([untargeted])).toBe("");
  });
});

describe("runAsyncComparison", () => {
  /** A virtual clock: each side's operation advances it by a fixed cost, so rates are exact. */
  function virtualClock() {
    let now = 0;
    const spy = vi.spyOn(performance, "now").mockImplementation(() => now);
    return {
      restore: () => spy.mockRestore(),
      op: (ms: number, log: string[], side: string) => async () => {
        log.push(side);
        await Promise.resolve();
        now += ms;
        return side;
      },
    };
  }

  it("times awaited operations in alternating rounds and reports the medians' ratio", async () => {
    const clock = virtualClock();
    const log: string[] = [];
    const order: string[] = [];
    try {
      const result = await runAsyncComparison(
        {
          title: "round trip",
          subject: { name: "fast", fn: clock.op(1, log, "s") },
          peer: { name: "slow", fn: clock.op(4, log, "p") },
          bytesPerOp: 1000,
          show: "both",
          target: { minRatio: 3, goal: "4x by construction" },
          verify: async () => {
            order.push(`verify before ${log.length} ops`);
          },
        },
        { rounds: 4, roundMs: 20, warmupMs: 8 },
      );
      expect(order).toEqual(["verify before 0 ops"]);
      expect(result.subjectOpsPerSec).toBe(1000);
      expect(result.peerOpsPerSec).toBe(250);
      expect(result.ratio).toBe(4);
      expect(result.subjectGBps).toBeCloseTo(1e-3, 12);
      expect(result.target).toEqual({ minRatio: 3, goal: "4x by construction", met: true });
      expect(result.show).toBe("both");
      // Warm-up (8 s-ops, 2 p-ops), then rounds s p | p s | s p | p s: runs of the same side merge where
      // one round's last side opens the next round.
      const runs = log.filter((side, i) => side !== log[i - 1]);
      expect(runs).toEqual(["s", "p", "s", "p", "s", "p", "s"]);
      expect(log.filter((s) => s === "s")).toHaveLength(8 + 4 * 20);
      expect(log.filter((s) => s === "p")).toHaveLength(2 + 4 * 5);
    } finally {
      clock.restore();
    }
  });

  it("stops before timing when the async verify step rejects, and when an operation rejects", async () => {
    let calls = 0;
    const side = {
      name: "x",
      fn: async () => {
        calls++;
      },
    };
    await expect(
      runAsyncComparison({
        title: "x",
        subject: side,
        peer: side,
        verify: async () => {
          throw new Error("echo differs");
        },
      }),
    ).rejects.toThrow("echo differs");
    expect(calls).toBe(0);
    const failing = {
      name: "y",
      fn: async () => {
        throw new Error("socket closed");
      },
    };
    await expect(
      runAsyncComparison(
        { title: "y", subject: side, peer: failing },
        { rounds: 1, roundMs: 1, warmupMs: 1 },
      ),
    ).rejects.toThrow("socket closed");
  });

  it("shows op rates and byte rates together when asked", () => {
    const row = {
      title: "echo",
      subject: "@proto/node",
      peer: "ws",
      subjectOpsPerSec: 25_000,
      peerOpsPerSec: 20_000,
      subjectGBps: 25_000 * 16e-9,
      peerGBps: 20_000 * 16e-9,
      ratio: 1.25,
      show: "both" as const,
    };
    const table = formatTable([row, { ...row, title: "big", subjectGBps: 1.5, peerGBps: 0.0000005 }]);
    expect(table).toContain("25.0 k op/s, 400.0 kB/s");
    expect(table).toContain("20.0 k op/s, 320.0 kB/s");
    expect(table).toContain("1.50 GB/s");
    expect(table).toContain("0.5 kB/s");
    expect(formatTable([{ ...row, show: undefined }])).toContain("0.00 GB/s");
  });
});

describe("runMeasuredComparison", () => {
  it("warms up, alternates sides, runs the reference last in each round, and takes medians", async () => {
    const log: string[] = [];
    const rates = { s: [1, 300, 100, 200], p: [1, 50, 100, 75], r: [1, 1000, 900, 800] };
    const side = (key: keyof typeof rates, name: string) => ({
      name,
      measure: async () => {
        log.push(key);
        return rates[key].shift()!;
      },
    });
    const result = await runMeasuredComparison(
      {
        title: "GET",
        subject: side("s", "ours"),
        peer: side("p", "theirs"),
        reference: side("r", "native"),
        bytesPerOp: 100,
        show: "both",
        target: { minRatio: 1.5, goal: "1.5x" },
        verify: async () => {
          log.push("verify");
        },
      },
      { rounds: 3 },
    );
    expect(log).toEqual(["verify", "s", "p", "r", "s", "p", "r", "p", "s", "r", "s", "p", "r"]);
    expect(result.subjectOpsPerSec).toBe(200);
    expect(result.peerOpsPerSec).toBe(75);
    expect(result.ratio).toBeCloseTo(200 / 75, 12);
    expect(result.target?.met).toBe(true);
    expect(result.reference).toEqual({ name: "native", opsPerSec: 900, ratio: 200 / 900 });
    expect(formatReference(result)).toBe(
      "GET: reference native 900 op/s, 90.0 kB/s; ours is at 22% of it (theirs at 8%).",
    );
  });

  it("skips the warm-up when asked, has no reference unless given one, and stops on a failed run", async () => {
    let calls = 0;
    const side = {
      name: "x",
      measure: async () => {
        calls++;
        return 10;
      },
    };
    const result = await runMeasuredComparison(
      { title: "x", subject: side, peer: side },
      { rounds: 1, warmup: false },
    );
    expect(calls).toBe(2);
    expect(result.reference).toBeUndefined();
    expect(formatReference(result)).toBeUndefined();
    const failing = {
      name: "y",
      measure: async (): Promise<number> => {
        throw new Error("3 failed, 0 errored");
      },
    };
    await expect(runMeasuredComparison({ title: "y", subject: side, peer: failing })).rejects.toThrow(
      "3 failed",
    );
  });
});

describe("runStandalone", () => {
  it("verifies, warms up, then sums each round's units over its wall time; medians of rounds", () => {
    let now = 0;
    const spy = vi.spyOn(performance, "now").mockImplementation(() => now);
    const log: string[] = [];
    // Operation k takes k ms and does 1000 units: rounds of one op each give 1000/k units per ms.
    let k = 0;
    try {
      const result = runStandalone(
        {
          title: "sim",
          subject: "@proto/x",
          unit: "event",
          fn: () => {
            k++;
            log.push(`op ${k}`);
            now += k;
            return 1000;
          },
          verify: () => log.push("verify"),
          target: { minPerSec: 300_000, goal: "300 k events/s" },
        },
        { rounds: 3, roundMs: 0, warmupMs: 1 },
      );
      // verify, one warm-up op (1 ms >= 1 ms), then one op per round (2, 3, 4 ms).
      expect(log).toEqual(["verify", "op 1", "op 2", "op 3", "op 4"]);
      expect(result.perSec).toBeCloseTo(1000 / 0.003, 6);
      expect(result.msPerOp).toBe(3);
      expect(result.unit).toBe("event");
      expect(result.target).toEqual({ minPerSec: 300_000, goal: "300 k events/s", met: true });
    } finally {
      spy.mockRestore();
    }
  });

  it("skips the warm-up when warmupMs is 0, fills rounds up to roundMs, and misses a target", () => {
    let now = 0;
    const spy = vi.spyOn(performance, "now").mockImplementation(() => now);
    let ops = 0;
    try {
      const result = runStandalone(
        {
          title: "sweep",
          subject: "s",
          unit: "seed",
          fn: () => {
            ops++;
            now += 2;
            return 10;
          },
          target: { minPerSec: 1e9, goal: "absurd" },
        },
        { rounds: 2, roundMs: 5, warmupMs: 0 },
      );
      // Each round: ops of 2 ms until 5 ms have passed (3 ops, 6 ms); no warm-up.
      expect(ops).toBe(6);
      expect(result.perSec).toBe(5000);
      expect(result.msPerOp).toBe(2);
      expect(result.target?.met).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it("stops before timing when verify throws", () => {
    let calls = 0;
    expect(() =>
      runStandalone({
        title: "x",
        subject: "x",
        unit: "event",
        fn: () => ++calls,
        verify: () => {
          throw new Error("not deterministic");
        },
      }),
    ).toThrow("not deterministic");
    expect(calls).toBe(0);
  });

  it("formats its own table and joins the Targets lines with the comparisons'", () => {
    const fast = {
      title: "events/s, tcp",
      subject: "@proto/quic-sim",
      unit: "event",
      perSec: 2_430_000,
      msPerOp: 8.912,
      target: { minPerSec: 1e6, goal: ">= 1 M events/s", met: true },
    };
    const slow = {
      ...fast,
      title: "events/s, quic",
      perSec: 593_900,
      target: { ...fast.target, met: false },
    };
    const sweep = { title: "sweep", subject: "@proto/quic-sim", unit: "seed", perSec: 169, msPerOp: 5913.9 };
    const table = formatStandaloneTable([fast, slow, sweep]).split("\n");
    expect(table).toHaveLength(5);
    expect(table[2]).toMatch(/^events\/s, tcp\s+@proto\/quic-sim\s+2\.43 M events\/s\s+8\.91$/);
    expect(table[3]).toContain("593.9 k events/s");
    expect(table[4]).toMatch(/169 seeds\/s\s+5914$/);
    const compared = runComparison(
      {
        title: "ratio row",
        subject: { name: "a", fn: () => 1 },
        peer: { name: "b", fn: () => 1 },
        target: { minRatio: 0, goal: "any" },
      },
      { rounds: 1, roundMs: 1, warmupMs: 1 },
    );
    const lines = formatTargets([compared], [fast, slow, sweep]).split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^met\s+ratio row\s+\d+\.\d\dx vs >= 0x {2}\(any\)$/);
    expect(lines[1]).toBe(
      "met      events/s, tcp   2.43 M events/s vs >= 1.00 M events/s  (>= 1 M events/s)",
    );
    expect(lines[2]).toMatch(/^NOT MET {2}events\/s, quic {2}593\.9 k events\/s vs >= 1\.00 M events\/s/);
    expect(formatTargets([], [sweep])).toBe("");
  });
});
