/** What the compare panel's page and its simulation worker say to each other. */
import type { NetworkSpec, PageLoadOptions, PageLoadResult } from "@proto/quic-sim";

export const PROTOCOLS = ["h1", "h2", "h3"] as const;
export type Proto = (typeof PROTOCOLS)[number];

/** Everything the controls choose; the same for the three protocols of a run. */
export interface Scenario {
  network: NetworkSpec;
  tls: "1.2" | "1.3";
  resumption: "none" | "psk" | "0rtt";
  tcpFastOpen: boolean;
  resourceCount: number;
  resourceSize: number;
  scheduler: "round-robin" | "sequential";
  h1Connections: number;
  seed: number;
}

/** HTTP/3 starts TCP when QUIC has not finished its handshake after this long (the simulator's default). */
export const FALLBACK_AFTER_MS = 300;

/** The simulator's options for one protocol of `scenario` at `seed`. */
export function pageOptions(
  scenario: Scenario,
  protocol: Proto,
  seed: number,
  qlog: boolean,
): PageLoadOptions {
  return {
    protocol,
    network: scenario.network,
    tls: scenario.tls,
    resumption: scenario.resumption,
    tcpFastOpen: scenario.tcpFastOpen,
    resources: Array.from({ length: scenario.resourceCount }, () => ({ size: scenario.resourceSize })),
    scheduler: scenario.scheduler,
    h1Connections: scenario.h1Connections,
    seed,
    qlog,
    fallbackAfterMs: FALLBACK_AFTER_MS,
  };
}

export type RunResults = Record<Proto, PageLoadResult>;

/** One protocol's numbers over a sweep of seeds. */
export interface SweepStats {
  /** Page load time of each seed, in ms. */
  loadMs: number[];
  resources: number;
  delayed: number;
  holBlocked: number;
  /** Seeds where HTTP/3 fell back to HTTP/2 over TCP. */
  fallbacks: number;
}

export type SweepResults = Record<Proto, SweepStats>;

export type ToWorker =
  | { type: "run"; id: number; scenario: Scenario }
  | { type: "sweep"; id: number; scenario: Scenario; seeds: number };

export type FromWorker =
  | { type: "result"; id: number; results: RunResults; ms: number }
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "sweep-done"; id: number; results: SweepResults; ms: number }
  | { type: "error"; id: number; message: string };
