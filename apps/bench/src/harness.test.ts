import { describe, expect, it, vi } from "vitest";
import { formatTable, formatTargets, runAsyncComparison, runComparison } from "./harness";

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
