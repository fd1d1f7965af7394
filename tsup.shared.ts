import { defineConfig } from "tsup";

/**
 * The one build every publishable package uses: `src/index.ts` → ESM (`dist/index.js`) + CJS
 * (`dist/index.cjs`) + declarations for both (`.d.ts`, `.d.cts`), platform-neutral (browsers and Node).
 */
export function protoBuild() {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    target: "es2022",
    platform: "neutral",
    // TypeScript 6 deprecates options tsup's declaration build still sets.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    sourcemap: true,
    clean: true,
    treeshake: true,
  });
}
