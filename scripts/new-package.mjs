#!/usr/bin/env node
// pnpm new:package <name> [--description "..."] [--rfc "RFC 6455"] [--dir packages] [--no-changeset] [--force]
//
// Creates a publishable @proto package in the house shape (shared/CONVENTIONS.md §10): package.json with
// the exports map, tsup/vitest/tsconfig configs, a README with the standard sections, src/index.ts, a typed
// error base class and a first test. It never prompts: everything comes from arguments.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCOPE = "@proto";

const USAGE = `usage: pnpm new:package <name> [options]

  <name>               kebab-case package name without scope, e.g. ws-frame
  --description TEXT   one-line description (package.json and README)
  --rfc TEXT           the RFC(s) the package implements, e.g. "RFC 6455"
  --dir DIR            parent folder, relative to the repo root (default: packages)
  --no-changeset       do not add a .changeset entry for the first release
  --force              write into an existing folder
  -h, --help           this text`;

/** @param {string[]} argv */
export function parseArgs(argv) {
  /** @type {{name?: string, description?: string, rfc?: string, dir: string, changeset: boolean, force: boolean, help: boolean}} */
  const opts = { dir: "packages", changeset: true, force: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === "--description") opts.description = value();
    else if (arg === "--rfc") opts.rfc = value();
    else if (arg === "--dir") opts.dir = value();
    else if (arg === "--no-changeset") opts.changeset = false;
    else if (arg === "--force") opts.force = true;
    else if (arg === "-h" || arg === "--help") opts.help = true;
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (opts.name === undefined) opts.name = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  return opts;
}

/** "ws-frame" → "WsFrame" */
export function pascalCase(name) {
  return name
    .split(/[-_]/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join("");
}

/**
 * Returns the files of a new package as { relativePath: contents }.
 * @param {{name: string, description: string, rfc: string, rootRel: string}} p
 */
export function packageFiles({ name, description, rfc, rootRel }) {
  const full = `${SCOPE}/${name}`;
  const Err = `${pascalCase(name)}Error`;
  const codePrefix = name.replace(/-/g, "_").toUpperCase();
  const pkg = {
    name: full,
    version: "0.0.0",
    description,
    keywords: ["protocol", "sans-io", ...name.split("-")],
    license: "MIT",
    type: "module",
    sideEffects: false,
    exports: {
      ".": {
        "@proto/source": "./src/index.ts",
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      },
      "./package.json": "./package.json",
    },
    main: "./dist/index.cjs",
    module: "./dist/index.js",
    types: "./dist/index.d.cts",
    files: ["dist"],
    engines: { node: ">=20" },
    publishConfig: { access: "public" },
    scripts: {
      build: "tsup",
      typecheck: "tsc -p tsconfig.json",
      lint: "biome check --error-on-warnings . && publint --strict && attw --pack .",
      test: "vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json",
    },
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        extends: `${rootRel}/tsconfig.base.json`,
        compilerOptions: { types: ["node"] },
        include: ["src", "*.ts"],
      },
      null,
      2,
    )}\n`,
    "tsup.config.ts": `import { protoBuild } from "${rootRel}/tsup.shared.ts";

export default protoBuild();
`,
    "vitest.config.ts": `import { protoProject } from "${rootRel}/vitest.shared.ts";

export default protoProject("${name}");
`,
    "src/errors.ts": `/** Stable string codes of every error ${full} raises. Never renumber or reuse one. */
export type ${Err}Code = "${codePrefix}_INVALID_ARGUMENT";

/**
 * The one error class of ${full} (shared/CONVENTIONS.md §5): a stable \`code\` to branch on, and the wire
 * code the peer must be told (\`undefined\` when the error never reaches the wire).
 */
export class ${Err} extends Error {
  override readonly name = "${Err}";
  readonly code: ${Err}Code;
  readonly wireCode: number | undefined;

  constructor(code: ${Err}Code, message: string, options: { wireCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
  }
}
`,
    "src/index.ts": `/**
 * ${full}: ${description}
 * @packageDocumentation
 */
export { ${Err}, type ${Err}Code } from "./errors";
`,
    "src/errors.test.ts": `import { describe, expect, it } from "vitest";
import { ${Err} } from "./index";

describe("${Err}", () => {
  it("carries a stable code and an optional wire code", () => {
    const err = new ${Err}("${codePrefix}_INVALID_ARGUMENT", "bad", { wireCode: 1 });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("${Err}");
    expect(err.code).toBe("${codePrefix}_INVALID_ARGUMENT");
    expect(err.wireCode).toBe(1);
  });
});
`,
    "README.md": `# ${full}

${description}

Part of [@proto](../../README.md): sans-IO TypeScript protocol packages. Pure \`Uint8Array\` in and out,
zero runtime dependencies, ESM + CJS + types, runs in browsers and Node.

## Install

\`\`\`sh
npm i ${full}
\`\`\`

## API

\`\`\`ts
import { ${Err} } from "${full}";
\`\`\`

## RFC sections covered

| Section | What | Where |
| --- | --- | --- |
| ${rfc || "—"} | | |

## Limits

| Option | Default | What it stops |
| --- | --- | --- |

## Error codes

Every error is a \`${Err}\` with a stable \`code\` and, where the peer must be told, a \`wireCode\`.

| Code | Wire code | When |
| --- | --- | --- |
| \`${codePrefix}_INVALID_ARGUMENT\` | — | an argument is out of range |

## Benchmarks

Measured in \`apps/bench\` (\`pnpm bench\`), side by side with the peer users would otherwise pick.
`,
  };
}

/** @param {string[]} argv */
export function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help || !opts.name) {
    console.log(USAGE);
    return opts.help ? 0 : 2;
  }
  const name = opts.name.replace(/^@proto\//, "");
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    console.error(`new:package: "${name}" is not a kebab-case name (a-z, 0-9, single dashes)`);
    return 2;
  }
  const target = resolve(ROOT, opts.dir, name);
  if (existsSync(target) && !opts.force) {
    console.error(`new:package: ${relative(ROOT, target)} exists (pass --force to write into it)`);
    return 1;
  }
  const rootRel = relative(target, ROOT).split("\\").join("/") || ".";
  const description = opts.description ?? `${name} for @proto`;
  const files = packageFiles({ name, description, rfc: opts.rfc ?? "", rootRel });
  for (const [file, contents] of Object.entries(files)) {
    const path = join(target, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, contents);
  }
  // Leave the files exactly as the house formatter would, so `pnpm lint` passes on a fresh package.
  const biome = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "biome.cmd" : "biome");
  if (existsSync(biome))
    spawnSync(biome, ["format", "--write", "--vcs-use-ignore-file=false", target], {
      cwd: ROOT,
      stdio: "ignore",
    });
  if (opts.changeset) {
    const path = join(ROOT, ".changeset", `new-${name}.md`);
    writeFileSync(
      path,
      `---\n"@proto/${name}": minor\n---\n\nFirst release of @proto/${name}: ${description}\n`,
    );
  }
  console.log(`created @proto/${name} in ${relative(ROOT, target)}/`);
  console.log(`next: pnpm install && pnpm --filter @proto/${name} test`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`new:package: ${err instanceof Error ? err.message : err}\n\n${USAGE}`);
    process.exitCode = 2;
  }
}
