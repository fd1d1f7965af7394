/** The QUIC model's frames, packets, options and per-space and per-stream state, with their sizes on the wire. */

import type { Timer } from "./core";
import { ByteRanges } from "./ranges";
import type { PnSpace } from "./recovery";

export type SimFrame =
  | { t: "crypto"; offset: number; len: number }
  | { t: "stream"; id: number; offset: number; len: number; fin: boolean }
  | { t: "ack"; ranges: Array<{ largest: number; smallest: number }>; delay: number }
  | { t: "ping" }
  | { t: "max_data"; max: number }
  | { t: "max_stream_data"; id: number; max: number }
  | { t: "max_streams"; max: number }
  | { t: "streams_blocked"; limit: number }
  | { t: "data_blocked"; limit: number }
  | { t: "stream_data_blocked"; id: number; limit: number }
  | { t: "handshake_done" };

export interface QuicPacket {
  space: PnSpace;
  pn: number;
  frames: SimFrame[];
  size: number;
}

export interface QuicOptions {
  /** The handshake: "1rtt" or "0rtt" (the client's request leaves with its Initial). */
  handshake?: "1rtt" | "0rtt";
  /** Bytes of the server's certificate flight (Certificate + CertificateVerify + Finished). */
  serverFlightBytes?: number;
  maxDatagramSize?: number;
  initialMaxData?: number;
  initialMaxStreamData?: number;
  /** initial_max_streams_bidi: requests a peer may have open at once (default 100). */
  initialMaxStreams?: number;
  /** How streams share the connection: one at a time in id order, or a frame each in turn. */
  scheduler?: "round-robin" | "sequential";
}

export const UDP_IP = 28;
export const AEAD_TAG = 16;
export const LONG_HEADER = 1 + 4 + 1 + 8 + 1 + 8 + 2 + 2; // type, version, DCID, SCID, length, packet number
export const SHORT_HEADER = 1 + 8 + 2;
export const CLIENT_HELLO = 280;
export const SERVER_HELLO = 90;
export const CLIENT_FINISHED = 36;
export const ACK_DELAY = 25_000;

export function frameSize(f: SimFrame): number {
  switch (f.t) {
    case "crypto":
      return 1 + 4 + 2 + f.len;
    case "stream":
      return 1 + 2 + (f.offset > 0 ? 4 : 0) + 2 + f.len;
    case "ack":
      return 1 + 4 + 2 + 1 + 2 + 4 * (f.ranges.length - 1);
    case "max_stream_data":
    case "stream_data_blocked":
      return 1 + 2 + 4;
    case "max_data":
    case "data_blocked":
    case "max_streams":
    case "streams_blocked":
      return 1 + 4;
    default:
      return 1;
  }
}

export interface SendStream {
  id: number;
  /** In the scheduler's live list. */
  live: boolean;
  written: number;
  next: number;
  fin: boolean;
  finSent: boolean;
  retransmit: Array<[number, number]>;
  /** The peer's MAX_STREAM_DATA. */
  limit: number;
  blockedSentAt: number;
}

export interface RecvStream {
  ranges: ByteRanges;
  delivered: number;
  finAt: number | undefined;
  /** What we let the peer send (MAX_STREAM_DATA). */
  limit: number;
}

export interface SpaceState {
  nextPn: number;
  received: ByteRanges;
  largestReceived: number;
  largestReceivedAt: number;
  ackElicitingUnacked: number;
  ackPending: boolean;
  ackTimer: Timer | undefined;
  cryptoToSend: number;
  cryptoSent: number;
  cryptoRetransmit: Array<[number, number]>;
  cryptoReceived: ByteRanges;
}

/** The options with their defaults filled in. */
export function resolveOptions(options: QuicOptions): Required<QuicOptions> {
  return {
    handshake: options.handshake ?? "1rtt",
    serverFlightBytes: options.serverFlightBytes ?? 2900,
    maxDatagramSize: options.maxDatagramSize ?? 1452,
    initialMaxData: options.initialMaxData ?? 16 * 1024 * 1024,
    initialMaxStreamData: options.initialMaxStreamData ?? 8 * 1024 * 1024,
    initialMaxStreams: options.initialMaxStreams ?? 100,
    scheduler: options.scheduler ?? "round-robin",
  };
}

/** A packet number space's state before anything is sent or received. */
export function newSpace(): SpaceState {
  return {
    nextPn: 0,
    received: new ByteRanges(),
    largestReceived: -1,
    largestReceivedAt: 0,
    ackElicitingUnacked: 0,
    ackPending: false,
    ackTimer: undefined,
    cryptoToSend: 0,
    cryptoSent: 0,
    cryptoRetransmit: [],
    cryptoReceived: new ByteRanges(),
  };
}
