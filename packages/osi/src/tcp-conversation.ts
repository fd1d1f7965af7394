/**
 * A synthetic TCP conversation (RFC 9293): from application messages in both directions, every packet a
 * capture would show: the three-way handshake (§3.5), data segments cut at the peer's MSS with correct
 * sequence and acknowledgment numbers (§3.4, §3.7.1), acknowledgments, and the FIN teardown (§3.6),
 * over IPv4 or IPv6, with valid IP/TCP checksums. The result opens in Wireshark through `writePcap`.
 *
 * Deterministic: time advances from `startTimeNs` by fixed steps, no clock is read.
 */

import { ipVersionOf } from "./address";
import type { CaptureRecord } from "./capture-record";
import { encapsulate, type LayerSpec } from "./encapsulate";
import { OsiError } from "./errors";
import { checkUint, UINT32_MAX } from "./fields";
import { LinkType } from "./registries";
import type { TcpFlags, TcpOption } from "./tcp";
import { tcpFlagsToString } from "./tcp";

export type Side = "client" | "server";

export interface TcpEndpoint {
  /** IPv4 or IPv6 address; both ends must use the same family. */
  ip: string;
  port: number;
  /** Link address (default 02:00:00:00:00:01 for the client, :02 for the server). */
  mac?: string;
  /** Initial sequence number (default: 0x1000_0000 client, 0x2000_0000 server). */
  isn?: number;
  /** MSS this end announces in its SYN (default 1460 over IPv4, 1440 over IPv6: a 1500-byte MTU). */
  mss?: number;
  /** Receive window in bytes this end advertises (default 64240). */
  window?: number;
}

export interface ConversationMessage {
  from: Side;
  /** The application bytes; strings are sent as UTF-8. */
  data: Uint8Array | string;
  /**
   * When its first segment is sent, ns since the Unix epoch (say, the time a recording saw it). Default:
   * right after the previous message's last ACK. A time earlier than that is moved up to it, so
   * timestamps never go backwards and every segment comes after what it acknowledges.
   */
  atNs?: bigint;
}

export interface TcpConversationOptions {
  client: TcpEndpoint;
  server: TcpEndpoint;
  messages: ConversationMessage[];
  /** "ethernet" frames (pcap LINKTYPE_ETHERNET, default) or "raw" IP packets (LINKTYPE_RAW). */
  link?: "ethernet" | "raw";
  /** Time of the first SYN, ns since the Unix epoch (default 2024-01-01T00:00:00Z). */
  startTimeNs?: bigint;
  /** Round-trip time between the ends (default 20 ms); a packet is seen half of it after the last. */
  rttNs?: bigint;
  /** Send the RFC 7323 window-scale and timestamps options and RFC 2018 SACK-permitted (default true). */
  modernOptions?: boolean;
  /** Who sends the first FIN (default "client"); `false` leaves the connection open. */
  close?: Side | false;
  /** When the first FIN is sent, ns since the Unix epoch (default: right after the last message; never earlier). */
  closeAtNs?: bigint;
  /** The receiver acknowledges every `ackEvery` full segments and at the end of each message (default 2). */
  ackEvery?: number;
}

/** One packet of the conversation: a pcap record plus what it is, for people and tests. */
export interface ConversationPacket extends CaptureRecord {
  from: Side;
  flags: TcpFlags;
  /** Absolute sequence and acknowledgment numbers, as on the wire. */
  seq: number;
  ack: number;
  /** TCP payload length. */
  length: number;
  /** e.g. `client → server [SYN] seq=0 ack=0 len=0` (relative numbers, as Wireshark shows them). */
  summary: string;
}

export interface TcpConversation {
  /** Link type for `writePcap`/`writePcapng`. */
  linkType: number;
  packets: ConversationPacket[];
}

const DEFAULT_START_NS = 1_704_067_200_000_000_000n;
const SERIALIZATION_NS = 12_000n; // ~1500 bytes at 1 Gbit/s

interface EndState {
  ep: Required<Omit<TcpEndpoint, "mac">> & { mac: string };
  /** Next sequence number this end sends. */
  next: number;
  /** Highest sequence number of the peer this end has acknowledged. */
  acked: number;
  /** Timestamps option clock of this end, in ms ticks. */
  tsBase: number;
  ipId: number;
}

/** Builds the packets of a whole TCP connection carrying `messages`. */
export function buildTcpConversation(options: TcpConversationOptions): TcpConversation {
  const family = ipVersionOf(options.client.ip);
  if (ipVersionOf(options.server.ip) !== family) {
    throw new OsiError("OSI_INVALID_FIELD", "client and server must both be IPv4 or both IPv6", {
      layer: "ip",
    });
  }
  const modern = options.modernOptions ?? true;
  const ackEvery = options.ackEvery ?? 2;
  if (!Number.isInteger(ackEvery) || ackEvery < 1) {
    throw new OsiError("OSI_INVALID_FIELD", `ackEvery must be a positive integer, got ${ackEvery}`);
  }
  const rtt = options.rttNs ?? 20_000_000n;
  // A negative round trip would time every reply before the segment it answers.
  if (rtt < 0n) throw new OsiError("OSI_INVALID_FIELD", `rttNs must be >= 0, got ${rtt}`, { layer: "tcp" });
  const oneWay = rtt / 2n;
  const defaultMss = family === 4 ? 1460 : 1440;
  const overhead = modern ? 12 : 0; // timestamps option: NOP NOP + 10 bytes on every segment
  const end = (ep: TcpEndpoint, side: Side): EndState => {
    // RFC 9293 §3.4: a sequence number is 32 bits; one that does not fit is refused, never wrapped.
    const isn = checkUint(
      ep.isn ?? (side === "client" ? 0x1000_0000 : 0x2000_0000),
      UINT32_MAX,
      `${side}.isn`,
      "tcp",
    );
    const mss = checkUint(ep.mss ?? defaultMss, 0xffff, `${side}.mss`, "tcp");
    // RFC 9293 §3.7.1: a segment carries at most the MSS less its TCP options; with no room for data
    // the message could never be sent.
    if (mss <= overhead) {
      throw new OsiError(
        "OSI_INVALID_FIELD",
        `${side}.mss ${mss} leaves no room for data after ${overhead} option bytes`,
        {
          layer: "tcp",
        },
      );
    }
    return {
      ep: {
        ip: ep.ip,
        port: ep.port,
        mac: ep.mac ?? (side === "client" ? "02:00:00:00:00:01" : "02:00:00:00:00:02"),
        isn,
        mss,
        window: ep.window ?? 64240,
      },
      next: isn,
      acked: 0,
      tsBase: side === "client" ? 1_000_000 : 3_000_000,
      ipId: side === "client" ? 0x1000 : 0x8000,
    };
  };
  const ends: Record<Side, EndState> = {
    client: end(options.client, "client"),
    server: end(options.server, "server"),
  };
  const packets: ConversationPacket[] = [];
  const startNs = options.startTimeNs ?? DEFAULT_START_NS;
  let now = startNs;
  const WS_SHIFT = 7;

  const send = (from: Side, flags: TcpFlags, payload: Uint8Array, at: bigint): void => {
    const me = ends[from];
    const peer = ends[from === "client" ? "server" : "client"];
    const syn = flags.syn === true;
    const tcpOptions: TcpOption[] = [];
    if (syn) tcpOptions.push({ kind: "mss", value: me.ep.mss });
    if (modern && syn) tcpOptions.push({ kind: "sack-permitted" });
    if (modern) {
      const tsVal = (me.tsBase + Number((at - startNs) / 1_000_000n)) >>> 0;
      const tsEcr = flags.ack ? peer.tsBase + Number((at - startNs - oneWay) / 1_000_000n) : 0;
      tcpOptions.push({ kind: "timestamps", value: tsVal, echoReply: Math.max(0, tsEcr) >>> 0 });
    }
    if (modern && syn) tcpOptions.push({ kind: "nop" }, { kind: "window-scale", shift: WS_SHIFT });
    // RFC 7323 §2.2: the window field of a SYN is never scaled.
    const window =
      syn || !modern ? Math.min(me.ep.window, 0xffff) : Math.min(me.ep.window >> WS_SHIFT, 0xffff);
    const seq = me.next;
    const ack = flags.ack ? me.acked : 0;
    const layers: LayerSpec[] = [];
    if (options.link !== "raw")
      layers.push({ layer: "ethernet", source: me.ep.mac, destination: peer.ep.mac });
    const ip = { source: me.ep.ip, destination: peer.ep.ip };
    layers.push(
      family === 4
        ? { layer: "ipv4", ...ip, identification: me.ipId, dontFragment: true, ttl: 64 }
        : { layer: "ipv6", ...ip, hopLimit: 64, flowLabel: 0 },
      {
        layer: "tcp",
        sourcePort: me.ep.port,
        destinationPort: peer.ep.port,
        sequenceNumber: seq,
        acknowledgmentNumber: ack,
        flags,
        window,
        options: tcpOptions,
      },
    );
    me.ipId = (me.ipId + 1) & 0xffff;
    const { bytes } = encapsulate(payload, layers);
    // SYN and FIN each take one sequence number (RFC 9293 §3.4).
    me.next = (me.next + payload.length + (syn ? 1 : 0) + (flags.fin ? 1 : 0)) >>> 0;
    const relSeq = (seq - me.ep.isn) >>> 0;
    const relAck = flags.ack ? (ack - peer.ep.isn) >>> 0 : 0;
    packets.push({
      timestampNs: at,
      data: bytes,
      from,
      flags,
      seq,
      ack,
      length: payload.length,
      summary: `${from} → ${from === "client" ? "server" : "client"} [${tcpFlagsToString(flags)}] seq=${relSeq} ack=${relAck} len=${payload.length}`,
    });
  };
  /** The receiver `to` has now seen everything `from` sent. */
  const received = (to: Side) => {
    ends[to].acked = ends[to === "client" ? "server" : "client"].next;
  };

  // Three-way handshake (RFC 9293 §3.5, Figure 6).
  send("client", { syn: true }, new Uint8Array(0), now);
  received("server");
  now += oneWay;
  send("server", { syn: true, ack: true }, new Uint8Array(0), now);
  received("client");
  now += oneWay;
  send("client", { ack: true }, new Uint8Array(0), now);
  received("server");

  const encoder = new TextEncoder();
  for (const message of options.messages) {
    const data = typeof message.data === "string" ? encoder.encode(message.data) : message.data;
    if (data.length === 0) continue; // nothing to send: TCP has no empty messages
    const from = message.from;
    const to: Side = from === "client" ? "server" : "client";
    if (message.atNs !== undefined && message.atNs - SERIALIZATION_NS > now)
      now = message.atNs - SERIALIZATION_NS;
    // A sender never sends a segment larger than the MSS its peer announced (RFC 9293 §3.7.1).
    const segmentSize = ends[to].ep.mss - overhead;
    let sinceAck = 0;
    let lastAckAt = now;
    for (let off = 0; off < data.length; off += segmentSize) {
      now += SERIALIZATION_NS;
      const last = off + segmentSize >= data.length;
      send(from, { ack: true, psh: last }, data.subarray(off, Math.min(data.length, off + segmentSize)), now);
      sinceAck++;
      // Delayed ACK: every `ackEvery` full segments, and at once at the end of a message.
      if (last || sinceAck === ackEvery) {
        received(to);
        lastAckAt = now + oneWay;
        send(to, { ack: true }, new Uint8Array(0), lastAckAt);
        sinceAck = 0;
      }
    }
    // The next message starts once the last ACK is out, so time stays causal.
    now = lastAckAt;
  }

  const closer = options.close ?? "client";
  if (closer !== false) {
    const other: Side = closer === "client" ? "server" : "client";
    now += SERIALIZATION_NS;
    if (options.closeAtNs !== undefined && options.closeAtNs > now) now = options.closeAtNs;
    send(closer, { fin: true, ack: true }, new Uint8Array(0), now);
    received(other);
    now += oneWay;
    send(other, { fin: true, ack: true }, new Uint8Array(0), now);
    received(closer);
    now += oneWay;
    send(closer, { ack: true }, new Uint8Array(0), now);
  }
  packets.sort((a, b) => (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0));
  return { linkType: options.link === "raw" ? LinkType.RAW : LinkType.ETHERNET, packets };
}
