/**
 * `pnpm bench`: every suite, side by side with its peer in this one process, as one table of ratios.
 * Suites with no peer (standalone rows: absolute rates, absolute targets) get a table of their own.
 * Also writes out/bench.json (machine-readable) for the package READMEs and closing notes.
 *
 * Usage: pnpm bench [--quick] [filter]   (filter: substring of "<suite> <row title>", e.g. "checksum", "http/2 get")
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import {
  type AsyncSuite,
  addNote,
  allNotes,
  type Comparison,
  type ComparisonResult,
  formatReference,
  formatStandaloneTable,
  formatTable,
  formatTargets,
  type MeasuredSuite,
  runAsyncComparison,
  runComparison,
  runMeasuredComparison,
  runStandalone,
  type StandaloneResult,
  type StandaloneSuite,
} from "./harness";
import { h2Suite } from "./suites/h2";
import { h2FrameSuite } from "./suites/h2-frame";
import { hpackSuite } from "./suites/hpack";
import { osiSuite } from "./suites/osi";
import { quicSimSuite } from "./suites/quic-sim";
import { wsDeflateSuite } from "./suites/ws-deflate";
import { wsEchoSuite } from "./suites/ws-echo";
import { wsFrameSuite } from "./suites/ws-frame";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const filter = args.find((a) => !a.startsWith("--"))?.toLowerCase();

const suites: Array<[string, () => Comparison[]]> = [
  ["osi", osiSuite],
  ["ws-frame", wsFrameSuite],
  ["hpack", hpackSuite],
  ["h2-frame", h2FrameSuite],
];
/** Suites with no peer: absolute rates, some with absolute targets, in a table of their own. */
const standaloneSuites: Array<[string, (options: { quick: boolean }) => StandaloneSuite]> = [
  ["quic-sim", quicSimSuite],
];
/** Suites of asynchronous operations (network round trips), run after the synchronous ones. */
const asyncSuites: Array<[string, () => AsyncSuite]> = [
  ["ws-echo", wsEchoSuite],
  ["ws-deflate", wsDeflateSuite],
];

/** Suites driven by an external load generator that reports its own rates (run last). */
const measuredSuites: Array<[string, (options: { quick: boolean }) => MeasuredSuite]> = [["h2", h2Suite]];

const selected = (suite: string, title: string) =>
  !filter || `${suite} ${title}`.toLowerCase().includes(filter);

const results: ComparisonResult[] = [];
console.log(`@proto bench: Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} x${cpus().length}`);
for (const [suite, make] of suites) {
  for (const comparison of make()) {
    if (!selected(suite, comparison.title)) continue;
    process.stdout.write(`  ${comparison.title} ...`);
    const result = runComparison(comparison, quick ? { rounds: 5, roundMs: 20, warmupMs: 50 } : {});
    process.stdout.write(` ${result.ratio.toFixed(2)}x\n`);
    results.push(result);
  }
}
const standalone: StandaloneResult[] = [];
for (const [suite, make] of standaloneSuites) {
  const { rows, setup, roundOptions } = make({ quick });
  const chosen = rows.filter((row) => selected(suite, row.title));
  if (chosen.length === 0) continue;
  setup?.();
  for (const row of chosen) {
    process.stdout.write(`  ${row.title} ...`);
    const result = runStandalone(
      row,
      quick ? { rounds: 3, roundMs: 20, warmupMs: 20 } : (row.roundOptions ?? roundOptions ?? {}),
    );
    process.stdout.write(` ${result.perSec.toFixed(0)} ${row.unit}s/s, ${result.msPerOp.toFixed(1)} ms/op\n`);
    standalone.push(result);
  }
}
for (const [suite, make] of asyncSuites) {
  const { comparisons, setup, teardown, roundOptions } = make();
  const chosen = comparisons.filter((c) => selected(suite, c.title));
  if (chosen.length === 0) continue;
  await setup?.();
  try {
    for (const comparison of chosen) {
      process.stdout.write(`  ${comparison.title} ...`);
      const result = await runAsyncComparison(
        comparison,
        quick ? { rounds: 5, roundMs: 50, warmupMs: 100 } : (roundOptions ?? {}),
      );
      process.stdout.write(` ${result.ratio.toFixed(2)}x\n`);
      results.push(result);
    }
  } finally {
    await teardown?.();
  }
}
for (const [suite, make] of measuredSuites) {
  const { comparisons, skip, setup, teardown, roundOptions } = make({ quick });
  const chosen = comparisons.filter((c) => selected(suite, c.title));
  if (chosen.length === 0) continue;
  const why = await skip?.();
  if (why !== undefined) {
    console.log(`  ${suite}: SKIPPED: ${why}`);
    addNote(`${suite}: SKIPPED: ${why}`);
    continue;
  }
  try {
    // Inside the try: a setup that fails half-way (a server up, a tool not) is still torn down.
    await setup?.();
    for (const comparison of chosen) {
      process.stdout.write(`  ${comparison.title} ...`);
      const result = await runMeasuredComparison(comparison, quick ? { rounds: 1 } : (roundOptions ?? {}));
      process.stdout.write(` ${result.ratio.toFixed(2)}x\n`);
      results.push(result);
      const reference = formatReference(result);
      if (reference) addNote(reference);
    }
  } finally {
    await teardown?.();
  }
}
if (results.length > 0 || standalone.length === 0) {
  console.log(`\n${formatTable(results)}\n`);
  console.log("ratio = @proto rate / peer rate, medians of alternating rounds (above 1: @proto is faster).");
}
if (standalone.length > 0) {
  console.log(`\n${formatStandaloneTable(standalone)}\n`);
  console.log("No peer: absolute rates on this machine, medians of rounds (they do not carry like ratios).");
}
const targets = formatTargets(results, standalone);
if (targets) console.log(`\nTargets:\n${targets}`);
if (allNotes().length > 0)
  console.log(
    `\nNotes:\n${allNotes()
      .map((n) => `- ${n}`)
      .join("\n")}`,
  );

const dir = join(import.meta.dirname, "..", "out");
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, "bench.json"),
  `${JSON.stringify(
    {
      node: process.version,
      cpu: cpus()[0]?.model,
      date: new Date().toISOString(),
      results,
      standalone,
      notes: allNotes(),
    },
    null,
    2,
  )}\n`,
);
