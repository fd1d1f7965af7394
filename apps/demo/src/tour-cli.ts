/** `pnpm demo -- --tour`: the terminal tour, printed as it runs, and its captures written to apps/demo/out/. */
import { resolve } from "node:path";
import { runTour, type TourResult } from "./tour";

/** apps/demo/out, next to src/. */
export const DEFAULT_OUT_DIR = resolve(import.meta.dirname, "..", "out");

export interface TerminalTourOptions {
  /** Where the pcap files go (default apps/demo/out). */
  outDir?: string;
  /** Receives each printed line (default console.log). */
  print?: (line: string) => void;
  /** ANSI bold titles (default: when stdout is a terminal and NO_COLOR is unset). */
  color?: boolean;
  /** Bound on every network step, in ms. */
  timeoutMs?: number;
}

export async function runTerminalTour(options: TerminalTourOptions = {}): Promise<TourResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  print("@proto Protocol Lab: terminal tour\n");
  const tour = await runTour({
    color,
    outDir: options.outDir ?? DEFAULT_OUT_DIR,
    onLine: print,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  print("\nTour complete.");
  return tour;
}
