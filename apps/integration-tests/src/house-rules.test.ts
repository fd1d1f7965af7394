/**
 * The house rules of shared/CONVENTIONS.md, checked over every publishable package: sans-IO cores
 * (§1), the import graph (§0), the package shape (§10) and the README sections.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
const PACKAGES = join(ROOT, "packages");

/** CONVENTIONS.md §0: who may import whom. */
const ALLOWED_IMPORTS: Record<string, string[]> = {
  osi: [],
  "ws-frame": [],
  hpack: [],
  "h2-frame": [],
  "ws-handshake": ["ws-frame"],
  "ws-deflate": ["ws-frame"],
  "h2-session": ["h2-frame", "hpack", "ws-handshake"],
  "quic-sim": ["hpack"],
  node: ["ws-frame", "ws-handshake", "ws-deflate", "hpack", "h2-frame", "h2-session"],
};

const packages = readdirSync(PACKAGES).filter((d) => existsSync(join(PACKAGES, d, "package.json")));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(entry) && !/\.test\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

/** Removes comments and string contents so prose about Date.now() in a doc comment is not a hit. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/`(?:\\.|[^`\\])*`|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""');
}

describe("house rules", () => {
  it("finds the packages", () => {
    expect(packages).toContain("osi");
  });

  describe.each(packages)("@proto/%s", (dir) => {
    const pkg = JSON.parse(readFileSync(join(PACKAGES, dir, "package.json"), "utf8"));
    const files = sourceFiles(join(PACKAGES, dir, "src"));

    it("has the house package.json shape (CONVENTIONS §10)", () => {
      expect(pkg.name).toBe(`@proto/${dir}`);
      expect(pkg.type).toBe("module");
      expect(pkg.sideEffects).toBe(false);
      expect(pkg.files).toEqual(["dist"]);
      expect(pkg.license).toBe("MIT");
      expect(pkg.private).toBeUndefined();
      expect(Object.keys(pkg.exports)).toEqual([".", "./package.json"]);
      const entry = (base: string) => ({
        import: { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` },
        require: { types: `./dist/${base}.d.cts`, default: `./dist/${base}.cjs` },
      });
      // A package with a Node-only entry (src/index.node.ts, e.g. ws-deflate's node:zlib default) puts it
      // behind the "node" condition; everything else resolves to the platform-neutral entry.
      const nodeEntry = existsSync(join(PACKAGES, dir, "src", "index.node.ts"));
      expect(pkg.exports["."]).toEqual(
        nodeEntry
          ? {
              "@proto/source": { node: "./src/index.node.ts", default: "./src/index.ts" },
              node: entry("index.node"),
              ...entry("index"),
            }
          : { "@proto/source": "./src/index.ts", ...entry("index") },
      );
      for (const script of ["build", "typecheck", "lint", "test"])
        expect(pkg.scripts?.[script], script).toBeTruthy();
    });

    it("depends at runtime only on the @proto packages CONVENTIONS §0 allows", () => {
      const deps = Object.keys(pkg.dependencies ?? {});
      const allowed = (ALLOWED_IMPORTS[dir] ?? []).map((d) => `@proto/${d}`);
      expect(deps.filter((d) => !allowed.includes(d))).toEqual([]);
      const imported = new Set<string>();
      for (const file of files) {
        for (const m of readFileSync(file, "utf8").matchAll(/from\s+["'](@proto\/[a-z0-9-]+)["']/g))
          imported.add(m[1]!);
      }
      expect([...imported].filter((d) => !allowed.includes(d))).toEqual([]);
      for (const d of imported) expect(deps, `${d} imported but not a dependency`).toContain(d);
    });

    it("keeps files small (CONVENTIONS §3: aim under ~400 lines)", () => {
      const big = files
        .map((f) => [relative(ROOT, f), readFileSync(f, "utf8").split("\n").length] as const)
        .filter(([f, n]) => n > 500 && !f.endsWith(".generated.ts"));
      expect(big).toEqual([]);
    });

    it("has a README with the standard sections", () => {
      const readme = readFileSync(join(PACKAGES, dir, "README.md"), "utf8");
      for (const section of [
        "## Install",
        "## API",
        "## RFC sections covered",
        "## Limits",
        "## Error codes",
        "## Benchmarks",
      ]) {
        expect(readme, section).toContain(section);
      }
      expect(readme).toContain(`npm i @proto/${dir}`);
    });
  });

  /** Node modules a `*.node.ts` entry may use: computation only, no I/O. */
  const NODE_ENTRY_MODULES = ["node:zlib"];

  it.each(packages.filter((d) => d !== "node"))(
    "@proto/%s keeps its core sans-IO: no clocks, randomness, Node APIs or Buffer (§1, §2)",
    (dir) => {
      const offences: string[] = [];
      for (const file of sourceFiles(join(PACKAGES, dir, "src"))) {
        const text = readFileSync(file, "utf8");
        const code = codeOnly(text);
        const rel = relative(ROOT, file);
        if (/\bDate\.now\s*\(|\bnew Date\s*\(\s*\)/.test(code)) offences.push(`${rel}: reads the clock`);
        if (/\bMath\.random\s*\(/.test(code)) offences.push(`${rel}: Math.random`);
        // A `*.node.ts` file is a Node-only entry behind the "node" export condition (ws-deflate's
        // node:zlib engine): it may use Buffer and compute-only Node modules, and no core file imports it.
        const nodeEntry = file.endsWith(".node.ts");
        if (!nodeEntry && /from\s+["']\.\/[\w-]+\.node(\.ts)?["']/.test(code))
          offences.push(`${rel}: imports a *.node.ts`);
        if (!nodeEntry && /\bBuffer\b/.test(code)) offences.push(`${rel}: Buffer`);
        if (/\bprocess\./.test(code)) offences.push(`${rel}: process`);
        if (/\b(setTimeout|setInterval|setImmediate)\s*\(/.test(code)) offences.push(`${rel}: timer`);
        for (const m of text.matchAll(/from\s+["'](node:[\w/]+)["']|require\(["'](node:[\w/]+)["']/g)) {
          const mod = m[1] ?? m[2];
          if (!nodeEntry || !NODE_ENTRY_MODULES.includes(mod!)) offences.push(`${rel}: ${mod} import`);
        }
      }
      expect(offences).toEqual([]);
    },
  );

  it("@proto/node is the one package that binds Node: it imports node:net/http/tls (§0)", () => {
    const files = sourceFiles(join(PACKAGES, "node", "src"));
    expect(files.map((f) => readFileSync(f, "utf8")).join("\n")).toMatch(
      /from\s+["']node:(net|http|tls)["']/,
    );
  });
});
