import { describe, expect, it } from "vitest";
import { formatTable, formatTargets, runComparison } from "./harness";

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
