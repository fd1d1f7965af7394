/**
 * The compare panel's simulation worker: runs @proto/quic-sim off the page's thread, one page load per
 * protocol for a single run, or a sweep over many seeds with a progress message after each seed.
 */
import { simulatePageLoad } from "@proto/quic-sim";
import {
  type FromWorker,
  PROTOCOLS,
  pageOptions,
  type RunResults,
  type SweepResults,
  type SweepStats,
  type ToWorker,
} from "./types";

const post = (message: FromWorker) => self.postMessage(message);

self.addEventListener("message", (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  const started = performance.now();
  try {
    if (message.type === "run") {
      const { scenario } = message;
      const results = {} as RunResults;
      for (const p of PROTOCOLS) results[p] = simulatePageLoad(pageOptions(scenario, p, scenario.seed, true));
      post({ type: "result", id: message.id, results, ms: performance.now() - started });
      return;
    }
    const { scenario, seeds } = message;
    const results = {} as SweepResults;
    for (const p of PROTOCOLS)
      results[p] = { loadMs: [], resources: 0, delayed: 0, holBlocked: 0, fallbacks: 0 };
    for (let k = 0; k < seeds; k++) {
      for (const p of PROTOCOLS) {
        const page = simulatePageLoad(pageOptions(scenario, p, scenario.seed + k, false));
        const stats: SweepStats = results[p];
        stats.loadMs.push(page.completeUs / 1000);
        stats.resources += page.resources.length;
        stats.delayed += page.resources.filter((r) => r.delayedByLoss).length;
        stats.holBlocked += page.resources.filter((r) => r.blockedUs > 0).length;
        if (page.protocolUsed !== p) stats.fallbacks++;
      }
      post({ type: "progress", id: message.id, done: k + 1, total: seeds });
    }
    post({ type: "sweep-done", id: message.id, results, ms: performance.now() - started });
  } catch (error) {
    post({ type: "error", id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
});
