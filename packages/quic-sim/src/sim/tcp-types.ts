/** The TCP model's options, segments and counters. */

export interface TcpOptions {
  /** Payload bytes per segment (default 1460: a 1500-byte MTU without options). */
  mss?: number;
  /** Initial window in segments (default 10, RFC 6928). */
  initialWindow?: number;
  /** Delayed ACKs (default true). */
  delayedAck?: boolean;
  /** Minimum RTO in µs (default 200 ms, as Linux; RFC 6298 suggests 1 s). */
  minRtoUs?: number;
  /** Fast Open: the client's SYN carries its first flight (a cookie is assumed cached). */
  fastOpen?: boolean;
}

/** IPv4 + TCP headers without options. */
export const HEADER = 40;
/** RFC 5681 / RFC 6675 DupThresh. */
export const DUP_THRESH = 3;
/** RFC 5681 §4.2: the delayed-ACK timer (at most 500 ms; 40 ms as Linux). */
export const DELACK_US = 40_000;

export interface TcpSegment {
  kind: "tcp";
  syn: boolean;
  synAck: boolean;
  /** Stream offset of the first data byte. */
  seq: number;
  len: number;
  /** Next offset expected from the other side. */
  ack: number;
  /** SACK blocks [start, end). */
  sack: Array<[number, number]>;
  retransmission: boolean;
}

/** A segment the sender has sent and not yet seen cumulatively acknowledged (RFC 6675's scoreboard). */
export interface SentSegment {
  start: number;
  end: number;
  sentAt: number;
  retransmitted: boolean;
  sacked: boolean;
  lost: boolean;
  inFlight: boolean;
}

export interface TcpStats {
  segmentsSent: number;
  dataSegmentsSent: number;
  retransmissions: number;
  timeouts: number;
  fastRecoveries: number;
}
