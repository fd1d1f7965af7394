import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/**
 * The Protocol Lab's web app. It imports the @proto packages' TypeScript source through the
 * `@proto/source` export condition, so the lab needs no package build; `pnpm demo` builds it into dist/.
 */
export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  base: "./",
  publicDir: "public",
  resolve: { conditions: ["@proto/source", "module", "browser", "development|production"] },
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: "es" },
});
