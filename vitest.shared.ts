import { defineProject } from "vitest/config";

/** The export condition that maps every @proto package to its TypeScript source (no build needed). */
export const SOURCE_CONDITION = "@proto/source";

export interface ProtoProjectOptions {
  /** Per-test timeout in ms (default 30 s: CI runs every suite at once on 2 cores; real-peer suites raise it). */
  testTimeout?: number;
  /** Extra include globs beside `src/**\/*.test.ts` and `test/**\/*.test.ts`. */
  include?: string[];
}

/**
 * The one vitest project shape every package and app uses. Tests run on source through the
 * `@proto/source` condition, so a change in one package is seen by its dependents without a build.
 */
export function protoProject(name: string, options: ProtoProjectOptions = {}) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, "module", "browser", "development|production"] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, "module", "node", "development|production"] } },
    test: {
      name,
      environment: "node",
      include: ["src/**/*.test.ts", "test/**/*.test.ts", ...(options.include ?? [])],
      testTimeout: options.testTimeout ?? 30_000,
    },
  });
}
