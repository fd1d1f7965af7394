import { defineConfig } from "tsup";

/**
 * The one build every publishable package uses: `src/index.ts` → ESM (`dist/index.js`) + CJS
 * (`dist/index.cjs`) + declarations for both (`.d.ts`, `.d.cts`). Platform-neutral (browsers and Node)
 * unless a package says `{ platform: "node" }` (only @proto/node, which binds node:net/http/tls).
 */
export function protoBuild(
  options: {
    platform?: "neutral" | "node";
    /** Entry points (default `src/index.ts`); a runtime-specific one sits behind an export condition. */
    entry?: string[];
    /** Imports left to the runtime (e.g. "node:zlib" in a Node-only entry of a neutral package). */
    external?: string[];
  } = {},
) {
  return defineConfig({
    entry: options.entry ?? ["src/index.ts"],
    external: options.external ?? [],
    format: ["esm", "cjs"],
    target: "es2022",
    platform: options.platform ?? "neutral",
    // TypeScript 6 deprecates options tsup's declaration build still sets.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    sourcemap: true,
    clean: true,
    treeshake: true,
  });
}
