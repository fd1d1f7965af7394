import { describe, expect, it } from "vitest";
import { formatTable, runComparison } from "./harness";

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
});
