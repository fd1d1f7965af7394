/** Builds the web lab with Vite (the project's vite.config.ts), into dist/ or `outDir`. */
import { join, resolve } from "node:path";

export const DEMO_ROOT = resolve(import.meta.dirname, "..");

export async function buildWeb(options: { outDir?: string; quiet?: boolean } = {}): Promise<void> {
  const { build } = await import("vite");
  const started = Date.now();
  if (!options.quiet) process.stdout.write("building the web lab… ");
  await build({
    configFile: join(DEMO_ROOT, "vite.config.ts"),
    logLevel: options.quiet ? "error" : "warn",
    ...(options.outDir ? { build: { outDir: options.outDir, emptyOutDir: true } } : {}),
  });
  if (!options.quiet) console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
