import { defineConfig } from "vitest/config";

// Root config: `pnpm test:unit` (or `pnpm vitest`) runs every project in one process with one summary.
// Each package and app keeps its own vitest.config.ts, so `pnpm --filter @proto/osi test` works alone.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts"],
  },
});
