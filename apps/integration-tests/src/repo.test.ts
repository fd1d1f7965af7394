/** The repository's own promises: the README's two lines, CI running the same test line, pinned tools. */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

describe("repository", () => {
  const rootPkg = JSON.parse(read("package.json"));
  const pnpmVersion = rootPkg.packageManager.replace(/^pnpm@/, "");
  const quickStart = read("README.md")
    .split("## Quick start")[1]!
    .split("```sh")[1]!
    .split("```")[0]!
    .trim()
    .split("\n");

  it("pins pnpm exactly, and the Quick start is two lines using that version", () => {
    expect(rootPkg.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
    expect(quickStart).toEqual([
      `npx -y pnpm@${pnpmVersion} install && npx -y pnpm@${pnpmVersion} demo`,
      `npx -y pnpm@${pnpmVersion} install && npx -y pnpm@${pnpmVersion} test`,
    ]);
  });

  it(".ci/run runs the README's test line verbatim", () => {
    const ci = read(".ci/run").split("\n");
    expect(ci).toContain(quickStart[1]);
  });

  it("has the top level the design card asks for", () => {
    for (const entry of [
      "packages",
      "apps",
      "pnpm-workspace.yaml",
      "turbo.json",
      "package.json",
      "tsconfig.base.json",
      ".changeset/config.json",
      "README.md",
      ".ci/run",
      "CONTRIBUTING.md",
      "biome.json",
      "pnpm-lock.yaml",
      "vitest.config.ts",
    ]) {
      expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    }
  });

  it("publishes packages publicly and keeps the apps private and out of releases", () => {
    const changesets = JSON.parse(read(".changeset/config.json"));
    expect(changesets.access).toBe("public");
    for (const app of ["demo", "bench", "integration-tests"]) {
      expect(JSON.parse(read(`apps/${app}/package.json`)).private).toBe(true);
      expect(changesets.ignore).toContain(`@proto/${app}`);
    }
  });

  it("has turbo tasks for build, test, typecheck, lint and bench", () => {
    const turbo = JSON.parse(read("turbo.json"));
    for (const task of ["build", "test", "typecheck", "lint", "bench"])
      expect(turbo.tasks[task], task).toBeDefined();
  });
});
