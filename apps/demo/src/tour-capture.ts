/**
 * A relay's record as a capture file: the recorded chunks become the messages of one
 * @proto/osi TCP conversation (three-way handshake, segments at the MSS with their sequence and
 * acknowledgment numbers, delayed ACKs, FIN teardown, valid checksums), each sent at the time its bytes
 * were really seen, so the capture's clock is the exchange's.
 */
import { buildTcpConversation, type ConversationPacket, writePcap } from "@proto/osi";
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

/** The model's round trip: loopback-short. */
const MODEL_RTT_NS = 20_000n;

/** Builds the pcap of a recorded connection. */
export function captureFile(name: string, capture: RelayCapture): CaptureFile {
  // Each chunk goes at the time the relay read it; the handshake ends when the relay accepted the
  // connection; the teardown starts at the first FIN. @proto/osi keeps time moving forward.
  const messages = capture.chunks.map((c) => ({ from: c.from, data: c.data, atNs: c.atNs }));
  const conversation = buildTcpConversation({
    client: { ip: capture.clientIp, port: capture.clientPort },
    server: { ip: capture.serverIp, port: capture.serverPort },
    messages,
    startTimeNs: capture.openedAtNs - MODEL_RTT_NS,
    rttNs: MODEL_RTT_NS,
    close: capture.firstFin ?? "client",
    ...(capture.firstFinAtNs !== undefined ? { closeAtNs: capture.firstFinAtNs } : {}),
  });
  return {
    name,
    pcap: writePcap(conversation.packets, { linkType: conversation.linkType }),
    packets: conversation.packets,
    clientPort: capture.clientPort,
    serverPort: capture.serverPort,
    chunks: capture.chunks,
  };
}
