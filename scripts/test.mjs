#!/usr/bin/env node
// `pnpm test`: build, typecheck, lint (Biome + publint --strict + attw --pack) and test every workspace
// through turbo (cached), then print one summary of every test that ran, from each workspace's vitest JSON
// report (turbo restores those reports on a cache hit, so a cached run summarises the same numbers).
//
// The last line is "Tests: N passed, N failed, N skipped"; the exit code is non-zero when any task failed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const extraArgs = process.argv.slice(2);

/** Workspaces with a `test` script, as { name, dir }. */
function testedWorkspaces() {
  const out = [];
  for (const group of ["packages", "apps"]) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const pkgPath = join(base, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(pkgPath)) continue;
      const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
      if (pkg.scripts?.test) out.push({ name: pkg.name, dir: join(base, entry.name) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const workspaces = testedWorkspaces();
// Stale reports must never be counted: turbo rewrites them (run or cache hit) for every test task it runs.
for (const ws of workspaces) rmSync(join(ws.dir, "reports"), { recursive: true, force: true });

const turbo = spawnSync("turbo", ["run", "build", "typecheck", "lint", "test", "--continue", ...extraArgs], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", FORCE_COLOR: process.env.FORCE_COLOR ?? "1" },
  shell: process.platform === "win32",
});
if (turbo.error) {
  console.error(`test: could not start turbo: ${turbo.error.message}`);
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
const skippedTests = [];
const failedTests = [];
const missing = [];
for (const ws of workspaces) {
  const reportPath = join(ws.dir, "reports", "vitest.json");
  if (!existsSync(reportPath)) {
    missing.push(ws.name);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  const row = { name: ws.name, files: report.testResults?.length ?? 0, passed: 0, failed: 0, skipped: 0 };
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      const title = [...(t.ancestorTitles ?? []), t.title].join(" › ");
      if (t.status === "passed") row.passed++;
      else if (t.status === "failed") {
        row.failed++;
        failedTests.push(`${ws.name}: ${title}`);
      } else {
        row.skipped++;
        skippedTests.push(`${ws.name}: ${title}`);
      }
    }
    // A file that failed to load has no assertions but a failure message.
    if ((file.assertionResults ?? []).length === 0 && file.status === "failed") {
      row.failed++;
      failedTests.push(`${ws.name}: ${file.name} (failed to load)`);
    }
  }
  totals.passed += row.passed;
  totals.failed += row.failed;
  totals.skipped += row.skipped;
  rows.push(row);
}

const pad = (s, n) => String(s).padEnd(n);
const num = (s, n) => String(s).padStart(n);
console.log("\n──────────────── @proto test summary ────────────────");
console.log(
  `${pad("workspace", 28)}${num("files", 6)}${num("passed", 8)}${num("failed", 8)}${num("skipped", 9)}`,
);
for (const r of rows) {
  console.log(
    `${pad(r.name, 28)}${num(r.files, 6)}${num(r.passed, 8)}${num(r.failed, 8)}${num(r.skipped, 9)}`,
  );
}
for (const name of missing) console.log(`${pad(name, 28)}  no test report (its test task did not run)`);
if (skippedTests.length > 0) {
  console.log("\nskipped (each printed its reason above):");
  for (const t of skippedTests) console.log(`  - ${t}`);
}
if (failedTests.length > 0) {
  console.log("\nfailed:");
  for (const t of failedTests) console.log(`  ✗ ${t}`);
}
const ok = turbo.status === 0 && totals.failed === 0 && missing.length === 0;
console.log(
  `\nturbo: ${turbo.status === 0 ? "all tasks succeeded" : `failed (exit ${turbo.status})`}` +
    (missing.length > 0 ? `; ${missing.length} workspace(s) without a report` : ""),
);
console.log(`RESULT: ${ok ? "PASS" : "FAIL"}`);
console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok ? 0 : 1);
