/**
 * simulateTransfer: one bulk transfer from server to client over TCP or QUIC, after a small request,
 * for measuring what loss, delay and the congestion controllers do to goodput.
 */
import { invalidArgument } from "../errors";
import { Simulator } from "./core";
import { makePath, type NetworkSpec } from "./network";
import { quicConnection } from "./quic";
import { tcpConnection } from "./tcp-connection";

export interface TransferOptions {
  transport: "tcp" | "quic";
  bytes: number;
  network: NetworkSpec;
  seed: number;
  /** Stop after this much simulated time (µs); default 1 hour. */
  limitUs?: number;
}

export interface TransferResult {
  durationUs: number;
  goodputBps: number;
  mss: number;
  packetsSent: number;
  packetsLost: number;
  packetsRetransmitted: number;
  timeouts: number;
  eventsProcessed: number;
  /** Goodput over the steady part (after the first 10% of bytes), for comparison with the Mathis model. */
  steadyGoodputBps: number;
}

const REQUEST_BYTES = 100;

export function simulateTransfer(options: TransferOptions): TransferResult {
  if (!(Number.isInteger(options.bytes) && options.bytes > 0))
    throw invalidArgument("bytes must be a positive integer");
  if (options.transport !== "tcp" && options.transport !== "quic") {
    throw invalidArgument(`transport must be "tcp" or "quic", got ${String(options.transport)}`);
  }
  const sim = new Simulator(options.seed);
  const path = makePath(sim, options.network);
  if (options.transport === "quic") return quicTransfer(sim, path, options);
  const { client, server } = tcpConnection(sim, path);
  let requested = false;
  let doneAt: number | undefined;
  let steadyFromUs: number | undefined;
  const steadyFrom = Math.floor(options.bytes / 10);
  server.onDeliver = (_, to) => {
    if (!requested && to >= REQUEST_BYTES) {
      requested = true;
      server.write(options.bytes);
    }
  };
  client.onDeliver = (_, to) => {
    if (steadyFromUs === undefined && to >= steadyFrom) steadyFromUs = sim.now;
    if (to >= options.bytes && doneAt === undefined) doneAt = sim.now;
  };
  client.write(REQUEST_BYTES);
  client.connect();
  sim.run({ stop: () => doneAt !== undefined, until: options.limitUs ?? 3_600_000_000 });
  const durationUs = doneAt ?? sim.now;
  const steadyUs = durationUs - (steadyFromUs ?? 0);
  const toClient = path.toClient.stats;
  return {
    durationUs,
    goodputBps: Math.round((options.bytes * 8 * 1e6) / Math.max(1, durationUs)),
    mss: server.mss,
    packetsSent: server.stats.segmentsSent,
    packetsLost: toClient.dropped.loss + toClient.dropped.queue + toClient.dropped.corrupt,
    packetsRetransmitted: server.stats.retransmissions,
    timeouts: server.stats.timeouts,
    eventsProcessed: sim.eventsProcessed,
    steadyGoodputBps: Math.round(((options.bytes - steadyFrom) * 8 * 1e6) / Math.max(1, steadyUs)),
  };
}

/** The same over QUIC: the request on stream 0 once 1-RTT keys exist, the response on the same stream. */
function quicTransfer(
  sim: Simulator,
  path: ReturnType<typeof makePath>,
  options: TransferOptions,
): TransferResult {
  const { client, server } = quicConnection(sim, path);
  let doneAt: number | undefined;
  let steadyFromUs: number | undefined;
  const steadyFrom = Math.floor(options.bytes / 10);
  let requested = false;
  server.onStreamData = (id, _from, to) => {
    if (id === 0 && !requested && to >= REQUEST_BYTES) {
      requested = true;
      server.write(0, options.bytes, true);
    }
  };
  client.onStreamData = (id, _from, to) => {
    if (id !== 0) return;
    if (steadyFromUs === undefined && to >= steadyFrom) steadyFromUs = sim.now;
    if (to >= options.bytes && doneAt === undefined) doneAt = sim.now;
  };
  client.onReady = () => client.write(0, REQUEST_BYTES, true);
  client.connect();
  sim.run({ stop: () => doneAt !== undefined, until: options.limitUs ?? 3_600_000_000 });
  const durationUs = doneAt ?? sim.now;
  const toClient = path.toClient.stats;
  return {
    durationUs,
    goodputBps: Math.round((options.bytes * 8 * 1e6) / Math.max(1, durationUs)),
    mss: server.mss,
    packetsSent: server.stats.packetsSent,
    packetsLost:
      toClient.dropped.loss + toClient.dropped.queue + toClient.dropped.corrupt + toClient.dropped.middlebox,
    packetsRetransmitted: server.stats.retransmittedFrames,
    timeouts: server.stats.ptoCount,
    eventsProcessed: sim.eventsProcessed,
    steadyGoodputBps: Math.round(
      ((options.bytes - steadyFrom) * 8 * 1e6) / Math.max(1, durationUs - (steadyFromUs ?? 0)),
    ),
  };
}
