/**
 * The network: one-way links with a bandwidth, a propagation delay and a drop-tail queue; loss models
 * (Bernoulli, Gilbert-Elliott bursts, a drop list by packet index, blackhole periods), reordering and
 * corruption; and a middlebox that blocks or throttles UDP (QUIC's ossification problem).
 */
import { invalidArgument } from "../errors";
import type { Rng, Simulator } from "./core";

export type LossSpec =
  | { model: "bernoulli"; p: number; direction?: Direction }
  /** Two states: good→bad with probability `p`, bad→good with `r`; loss `lossBad` (default 1) in bad, `lossGood` (0) in good. */
  | {
      model: "gilbert-elliott";
      p: number;
      r: number;
      lossBad?: number;
      lossGood?: number;
      direction?: Direction;
    }
  /** Drops the packets with these indices (0-based, counted per direction as they enter the link). */
  | { model: "droplist"; drop: number[]; direction?: Direction }
  /** Drops everything during [startMs, endMs) periods. */
  | { model: "blackhole"; periods: Array<[number, number]>; direction?: Direction };

export type Direction = "both" | "toClient" | "toServer";

export interface NetworkSpec {
  bandwidthMbps: number;
  rttMs: number;
  /** Drop-tail queue size in packets at the bottleneck (each direction). */
  queuePackets: number;
  loss?: LossSpec;
  /** A middlebox drops all UDP (true), or throttles it to this many kbit/s (a number). */
  udpBlocked?: boolean | number;
  /** Reordering: each packet is held back `delayMs` with probability `p`. */
  reorder?: { p: number; delayMs: number };
  /** Corruption: each packet arrives damaged (and is discarded by its checksum) with probability `p`. */
  corruptP?: number;
}

export interface SimPacket {
  /** Bytes on the wire (IP header included). */
  size: number;
  proto: "tcp" | "udp";
  /** What the transport put in it. */
  data: unknown;
}

export type DropReason = "queue" | "loss" | "corrupt" | "middlebox";
/** What the observer of a link is told: sent (entering it), delivered, or dropped and why. */
export type LinkOutcome = DropReason | "delivered" | "sent";

/** A per-direction loss decision. */
export interface LossModel {
  lose(index: number, now: number): boolean;
}

export function makeLossModel(spec: LossSpec | undefined, rng: Rng): LossModel | undefined {
  if (spec === undefined) return undefined;
  switch (spec.model) {
    case "bernoulli":
      if (!(spec.p >= 0 && spec.p <= 1)) throw invalidArgument(`loss.p must be 0-1, got ${spec.p}`);
      return { lose: () => rng.chance(spec.p) };
    case "gilbert-elliott": {
      let bad = false;
      const lossBad = spec.lossBad ?? 1;
      const lossGood = spec.lossGood ?? 0;
      return {
        lose: () => {
          bad = bad ? !rng.chance(spec.r) : rng.chance(spec.p);
          return rng.chance(bad ? lossBad : lossGood);
        },
      };
    }
    case "droplist": {
      const drop = new Set(spec.drop);
      return { lose: (index) => drop.has(index) };
    }
    case "blackhole":
      return { lose: (_, now) => spec.periods.some(([s, e]) => now >= s * 1000 && now < e * 1000) };
    default:
      throw invalidArgument(`unknown loss model ${(spec as { model: string }).model}`);
  }
}

export interface LinkStats {
  packets: number;
  bytes: number;
  dropped: { queue: number; loss: number; corrupt: number; middlebox: number };
}

/** One direction of a path: serialisation at `bps`, then `delayUs` of propagation. */
export class Link {
  readonly stats: LinkStats = {
    packets: 0,
    bytes: 0,
    dropped: { queue: 0, loss: 0, corrupt: 0, middlebox: 0 },
  };
  /** When the transmitter is free, in nanoseconds (sub-microsecond serialisation adds up exactly). */
  private busyUntilNs = 0;
  /** Departure times (ns) of packets still in the queue or on the transmitter. */
  private readonly queue: number[] = [];
  private qHead = 0;
  private index = 0;
  private udpBusyUntilNs = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly options: {
      bps: number;
      delayUs: number;
      queuePackets: number;
      loss: LossModel | undefined;
      udpBlocked: boolean | number | undefined;
      reorder: { p: number; delayMs: number } | undefined;
      corruptP: number;
    },
    /** Called for each packet that leaves the link; `dropped` set when it does not arrive. */
    private readonly observe?: (packet: SimPacket, outcome: LinkOutcome) => void,
  ) {}

  /** A packet reaches the far end (one function per link, not a closure per packet). */
  private readonly arrive = (packet: SimPacket, deliver: (packet: SimPacket) => void): void => {
    this.observe?.(packet, "delivered");
    deliver(packet);
  };

  private drop(packet: SimPacket, reason: DropReason): void {
    this.stats.dropped[reason]++;
    this.observe?.(packet, reason);
  }

  /** Sends a packet; `deliver` runs at its arrival time unless it is dropped. */
  send(packet: SimPacket, deliver: (packet: SimPacket) => void): void {
    const { sim, options } = this;
    const index = this.index++;
    const nowNs = sim.now * 1000;
    this.stats.packets++;
    this.stats.bytes += packet.size;
    this.observe?.(packet, "sent");
    if (packet.proto === "udp" && options.udpBlocked !== undefined && options.udpBlocked !== false) {
      if (options.udpBlocked === true) {
        this.drop(packet, "middlebox");
        return;
      }
      // Throttled UDP: a policer at `udpBlocked` kbit/s with one packet of burst.
      const txNs = (packet.size * 8 * 1e9) / (options.udpBlocked * 1000);
      if (this.udpBusyUntilNs > nowNs) {
        this.drop(packet, "middlebox");
        return;
      }
      this.udpBusyUntilNs = nowNs + txNs;
    }
    // Drop-tail: packets whose serialisation has not finished still occupy the queue.
    while (this.qHead < this.queue.length && this.queue[this.qHead]! <= nowNs) this.qHead++;
    if (this.qHead > 1024) {
      this.queue.splice(0, this.qHead);
      this.qHead = 0;
    }
    if (this.queue.length - this.qHead >= options.queuePackets) {
      this.drop(packet, "queue");
      return;
    }
    const start = Math.max(nowNs, this.busyUntilNs);
    const departNs = start + (packet.size * 8 * 1e9) / options.bps;
    this.busyUntilNs = departNs;
    this.queue.push(departNs);
    if (options.loss?.lose(index, sim.now)) {
      this.drop(packet, "loss");
      return;
    }
    if (options.corruptP > 0 && sim.rng.chance(options.corruptP)) {
      this.drop(packet, "corrupt");
      return;
    }
    let arrive = Math.floor(departNs / 1000) + options.delayUs;
    if (options.reorder && sim.rng.chance(options.reorder.p))
      arrive += Math.round(options.reorder.delayMs * 1000);
    sim.post(arrive, this.arrive, packet, deliver);
  }
}

/** Both directions between a client and a server. */
export interface Path {
  toServer: Link;
  toClient: Link;
}

export function makePath(
  sim: Simulator,
  spec: NetworkSpec,
  observe?: (direction: "toServer" | "toClient", packet: SimPacket, outcome: LinkOutcome) => void,
): Path {
  if (!(spec.bandwidthMbps > 0))
    throw invalidArgument(`bandwidthMbps must be > 0, got ${spec.bandwidthMbps}`);
  if (!(spec.rttMs >= 0)) throw invalidArgument(`rttMs must be >= 0, got ${spec.rttMs}`);
  if (!(spec.queuePackets >= 1)) throw invalidArgument(`queuePackets must be >= 1, got ${spec.queuePackets}`);
  const direction = spec.loss?.direction ?? "both";
  const make = (dir: "toServer" | "toClient") =>
    new Link(
      sim,
      {
        bps: spec.bandwidthMbps * 1e6,
        delayUs: Math.round((spec.rttMs * 1000) / 2),
        queuePackets: spec.queuePackets,
        loss: direction === "both" || direction === dir ? makeLossModel(spec.loss, sim.rng) : undefined,
        udpBlocked: spec.udpBlocked,
        reorder: spec.reorder,
        corruptP: spec.corruptP ?? 0,
      },
      observe ? (packet, outcome) => observe(dir, packet, outcome) : undefined,
    );
  return { toServer: make("toServer"), toClient: make("toClient") };
}
