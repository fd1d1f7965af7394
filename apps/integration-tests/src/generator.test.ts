/**
 * `pnpm new:package <name>` must give a contributor a package that builds (ESM + CJS + .d.ts/.d.cts),
 * typechecks, passes its first test, Biome, `publint --strict` and `attw --pack`, without any prompt.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const BIN = join(ROOT, "node_modules", ".bin");
// Inside the repo (so the toolchain in the root node_modules resolves) but outside packages/ (so no
// workspace tool ever sees it); .tmp/ is git-ignored.
const parent = mkdtempSync(join(ROOT, ".tmp-gen-"));
const name = "zz-generated-probe";
const dir = join(parent, name);

function run(command: string, args: string[], cwd = dir) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    timeout: 120_000,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${output}`);
  return output;
}

describe("pnpm new:package", () => {
  beforeAll(() => {
    run(
      process.execPath,
      [
        join(ROOT, "scripts/new-package.mjs"),
        name,
        "--dir",
        relative(ROOT, parent),
        "--description",
        "Probe package made by the generator test.",
        "--no-changeset",
      ],
      ROOT,
    );
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("writes the house shape", () => {
    for (const file of [
      "package.json",
      "README.md",
      "tsconfig.json",
      "tsup.config.ts",
      "vitest.config.ts",
      "src/index.ts",
      "src/errors.ts",
      "src/errors.test.ts",
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe(`@proto/${name}`);
    expect(pkg.type).toBe("module");
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.files).toEqual(["dist"]);
    expect(pkg.exports["."]["@proto/source"]).toBe("./src/index.ts");
    expect(pkg.exports["."].import.types).toBe("./dist/index.d.ts");
    expect(pkg.exports["."].require.types).toBe("./dist/index.d.cts");
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    for (const section of [
      "## Install",
      "## API",
      "## RFC sections covered",
      "## Limits",
      "## Error codes",
      "## Benchmarks",
    ]) {
      expect(readme).toContain(section);
    }
  });

  it("refuses bad names and existing folders without prompting", () => {
    const bad = spawnSync(process.execPath, [join(ROOT, "scripts/new-package.mjs"), "Bad_Name"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("kebab-case");
    const again = spawnSync(
      process.execPath,
      [join(ROOT, "scripts/new-package.mjs"), name, "--dir", relative(ROOT, parent), "--no-changeset"],
      { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("exists");
  });

  it("builds ESM, CJS and both declaration files", () => {
    run(join(BIN, "tsup"), []);
    for (const file of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
      expect(existsSync(join(dir, "dist", file)), file).toBe(true);
    }
  });

  it("typechecks and passes its own first test", () => {
    run(join(BIN, "tsc"), ["-p", "tsconfig.json"]);
    expect(run(join(BIN, "vitest"), ["run"])).toMatch(/1 passed/);
  });

  it("passes Biome, publint --strict and attw --pack", () => {
    run(join(BIN, "biome"), ["check", "--vcs-use-ignore-file=false", "."]);
    expect(run(join(BIN, "publint"), ["--strict"])).toMatch(/All good|No issues/i);
    expect(run(join(BIN, "attw"), ["--pack", "."])).toMatch(/No problems found/);
  });
});
