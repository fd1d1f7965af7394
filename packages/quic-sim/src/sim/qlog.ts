/**
 * A qlog trace (draft-ietf-quic-qlog-main-schema, version 0.3, JSON) of every packet the network carried
 * and the page's state changes, so a run opens in qvis. Times are milliseconds from the start.
 */
import type { Simulator } from "./core";
import type { LinkOutcome, SimPacket } from "./network";
import type { QuicPacket } from "./quic";
import type { TcpSegment } from "./tcp";

export interface QlogEvent {
  time: number;
  name: string;
  data: Record<string, unknown>;
}

export class Qlog {
  private readonly events: QlogEvent[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly title: string,
  ) {}

  event(name: string, data: Record<string, unknown>): void {
    this.events.push({ time: this.sim.now / 1000, name, data });
  }

  /** A packet leaving the bottleneck: delivered, or dropped (and why). */
  packet(direction: "toServer" | "toClient", packet: SimPacket, outcome: LinkOutcome): void {
    const header = describe(packet);
    const data = { direction, header, raw: { length: packet.size } };
    if (outcome === "sent") this.event("transport:packet_sent", data);
    else if (outcome === "delivered") this.event("transport:packet_received", data);
    else this.event("transport:packet_dropped", { ...data, trigger: outcome });
  }

  toJSON() {
    return {
      qlog_version: "0.3",
      qlog_format: "JSON",
      title: this.title,
      traces: [
        {
          vantage_point: { type: "network", name: "bottleneck" },
          common_fields: { time_format: "relative", reference_time: 0 },
          events: this.events,
        },
      ],
    };
  }
}

function describe(packet: SimPacket): Record<string, unknown> {
  if (packet.proto === "udp") {
    const packets = packet.data as QuicPacket[];
    return {
      packet_type: packets.map((p) => (p.space === "application" ? "1RTT" : p.space)).join("+"),
      packet_number: packets[0]?.pn,
      frames: packets.flatMap((p) => p.frames.map((f) => f.t)),
    };
  }
  const seg = packet.data as TcpSegment;
  return {
    packet_type: seg.syn ? "SYN" : seg.synAck ? "SYN-ACK" : seg.len > 0 ? "TCP" : "ACK",
    seq: seg.seq,
    length: seg.len,
    ack: seg.ack,
    retransmission: seg.retransmission,
  };
}
