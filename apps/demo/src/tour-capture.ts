/**
 * A relay's record as a capture file: the recorded chunks become the messages of one
 * @proto/osi TCP conversation (three-way handshake, segments at the MSS with their sequence and
 * acknowledgment numbers, delayed ACKs, FIN teardown, valid checksums), and each packet is then moved to
 * the time its bytes were really seen, so the capture's clock is the exchange's.
 */
import { buildTcpConversation, type ConversationPacket, type Side, writePcap } from "@proto/osi";
import type { RecordedChunk, RelayCapture } from "./tour-relay";

export interface CaptureFile {
  /** File name, e.g. `websocket-over-tcp-ipv4.pcap`. */
  name: string;
  pcap: Uint8Array;
  packets: ConversationPacket[];
  clientPort: number;
  serverPort: number;
  /** What the relay recorded (absent for synthetic captures). */
  chunks?: RecordedChunk[];
}

/** The model's round trip: loopback-short, and below the 12 µs it spaces segments by, so order is kept. */
const MODEL_RTT_NS = 20_000n;
/** The least gap kept between two packets after they are moved to the recorded times. */
const MIN_GAP_NS = 1_000n;

/** Builds the pcap of a recorded connection. */
export function captureFile(name: string, capture: RelayCapture): CaptureFile {
  const messages = capture.chunks.map((c) => ({ from: c.from, data: c.data }));
  const conversation = buildTcpConversation({
    client: { ip: capture.clientIp, port: capture.clientPort },
    server: { ip: capture.serverIp, port: capture.serverPort },
    messages,
    startTimeNs: capture.openedAtNs,
    rttNs: MODEL_RTT_NS,
    close: capture.firstFin ?? "client",
  });
  const packets = retime(conversation.packets, capture);
  return {
    name,
    pcap: writePcap(packets, { linkType: conversation.linkType }),
    packets,
    clientPort: capture.clientPort,
    serverPort: capture.serverPort,
    chunks: capture.chunks,
  };
}

/**
 * Moves each packet to the recorded time of what it carries. The packets of one message (its segments and
 * the ACKs between and after them) keep their spacing from the model and start when the relay read the
 * chunk; the handshake ends when the relay accepted the connection; the teardown starts at the first FIN.
 * Times never go backwards, so the order the model gave, which TCP analysis relies on, is kept.
 */
export function retime(packets: ConversationPacket[], capture: RelayCapture): ConversationPacket[] {
  const isn: Record<Side, number> = { client: 0, server: 0 };
  for (const p of packets) if (p.flags.syn) isn[p.from] = p.seq;
  // Where each message starts in its sender's byte stream.
  const offsets: Record<Side, number> = { client: 0, server: 0 };
  const starts = capture.chunks.map((c) => {
    const start = offsets[c.from];
    offsets[c.from] += c.data.length;
    return { from: c.from, start, end: start + c.data.length, atNs: c.atNs };
  });
  const handshakeSpan = packets.length > 2 ? packets[2]!.timestampNs - packets[0]!.timestampNs : 0n;
  // Anchors: the recorded time a group starts at, and the model time its first packet had.
  let anchorAt = capture.openedAtNs - handshakeSpan;
  let anchorModel = packets[0]?.timestampNs ?? 0n;
  let group = "handshake";
  let previous: bigint | undefined;
  return packets.map((p, i) => {
    let next = group;
    let at = anchorAt;
    if (i >= 3 && (p.flags.fin || group === "fin")) {
      next = "fin";
      at = capture.firstFinAtNs ?? anchorAt;
    } else if (p.length > 0) {
      const rel = (p.seq - isn[p.from] - 1) >>> 0;
      const index = starts.findIndex((s) => s.from === p.from && rel >= s.start && rel < s.end);
      next = `message ${index}`;
      at = starts[index]?.atNs ?? anchorAt;
    }
    if (next !== group) {
      group = next;
      anchorAt = at;
      anchorModel = p.timestampNs;
    }
    let timestampNs = anchorAt + (p.timestampNs - anchorModel);
    if (previous !== undefined && timestampNs < previous + MIN_GAP_NS) timestampNs = previous + MIN_GAP_NS;
    previous = timestampNs;
    return { ...p, timestampNs };
  });
}
