/**
 * A whole exchange for one stack: the application payload (apps.ts) carried down the layers by
 * @proto/osi. Over TCP the packets are a synthetic conversation (handshake, the messages each way, FIN);
 * over UDP they are the two datagrams. The frame the panel dissects is the client's message as one
 * packet of that capture, read back with `decapsulate`.
 */
import {
  applicationData,
  buildTcpConversation,
  type CaptureRecord,
  decapsulate,
  encapsulate,
  type LayerMap,
  LinkType,
  tcpFlagsToString,
  writePcap,
} from "@proto/osi";
import { type AppBuild, buildApp, type Side, type StackId } from "./apps";
import type { MsgKey } from "./text";

export type IpVersion = 4 | 6;

export interface StackSpec {
  id: StackId;
  /** @proto/osi `layerOf` keys of the protocols, top down. */
  protocols: string[];
  transport: "tcp" | "udp";
  ip: IpVersion;
  serverPort: number;
}

export const STACKS: Record<StackId, StackSpec> = {
  ws: {
    id: "ws",
    protocols: ["websocket", "tcp", "ip", "ethernet"],
    transport: "tcp",
    ip: 4,
    serverPort: 80,
  },
  h2: { id: "h2", protocols: ["http2", "tcp", "ipv6", "ethernet"], transport: "tcp", ip: 6, serverPort: 80 },
  h3: {
    id: "h3",
    protocols: ["http3", "quic", "udp", "ip", "ethernet"],
    transport: "udp",
    ip: 4,
    serverPort: 443,
  },
};

export const ADDRESSES: Record<IpVersion, Record<Side, string>> = {
  4: { client: "192.0.2.10", server: "198.51.100.80" },
  6: { client: "2001:db8::10", server: "2001:db8:100::80" },
};
export const MACS: Record<Side, string> = { client: "02:00:00:00:00:01", server: "02:00:00:00:00:02" };
export const CLIENT_PORT = 51514;

/** One packet of the capture, for the list beside the download button. */
export interface PacketInfo {
  from: Side;
  /** TCP flags ("SYN", "ACK, PSH", ...) or undefined for UDP. */
  flags?: string;
  /** Relative sequence and acknowledgment numbers, as Wireshark shows them. */
  seq?: number;
  ack?: number;
  /** Transport payload bytes. */
  length: number;
  /** What the payload is, when it is one whole application message. */
  message?: MsgKey;
  /** The packet the panel dissects. */
  shown: boolean;
}

export interface Exchange {
  stack: StackSpec;
  ip: IpVersion;
  app: AppBuild;
  /** The dissected frame and its map, decoded from the bytes. */
  frame: Uint8Array;
  map: LayerMap;
  packets: PacketInfo[];
  linkType: number;
  pcap: Uint8Array;
}

const START_NS = 1_704_067_200_000_000_000n; // 2024-01-01T00:00:00Z, as osi's conversations start

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function tcpExchange(spec: StackSpec, ip: IpVersion, app: AppBuild) {
  const conversation = buildTcpConversation({
    client: { ip: ADDRESSES[ip].client, port: CLIENT_PORT, mac: MACS.client },
    server: { ip: ADDRESSES[ip].server, port: spec.serverPort, mac: MACS.server },
    messages: app.conversation.map((m) => ({ from: m.from, data: m.data })),
    close: "client",
  });
  const isn: Partial<Record<Side, number>> = {};
  for (const p of conversation.packets) isn[p.from] ??= p.seq;
  let frame: Uint8Array | undefined;
  const packets = conversation.packets.map((p): PacketInfo => {
    const data = applicationData(decapsulate(p.data));
    const message = app.conversation.find((m) => m.from === p.from && equal(m.data, data));
    const shown = frame === undefined && data.length > 0 && equal(data, app.payload);
    if (shown) frame = p.data;
    const peer: Side = p.from === "client" ? "server" : "client";
    return {
      from: p.from,
      flags: tcpFlagsToString(p.flags),
      seq: (p.seq - isn[p.from]!) >>> 0,
      ack: p.flags.ack ? (p.ack - isn[peer]!) >>> 0 : 0,
      length: p.length,
      ...(message ? { message: message.key } : {}),
      shown,
    };
  });
  if (frame === undefined) throw new Error("the message was cut into several segments");
  return { frame, packets, records: conversation.packets, linkType: conversation.linkType };
}

function udpExchange(spec: StackSpec, ip: IpVersion, app: AppBuild) {
  const records: CaptureRecord[] = [];
  const packets: PacketInfo[] = [];
  app.conversation.forEach((m, i) => {
    const peer: Side = m.from === "client" ? "server" : "client";
    const clientSide = m.from === "client";
    const { bytes } = encapsulate(m.data, [
      { layer: "ethernet", source: MACS[m.from], destination: MACS[peer] },
      ip === 4
        ? {
            layer: "ipv4",
            source: ADDRESSES[4][m.from],
            destination: ADDRESSES[4][peer],
            ttl: 64,
            identification: 0x2a00 + i,
            dontFragment: true,
          }
        : { layer: "ipv6", source: ADDRESSES[6][m.from], destination: ADDRESSES[6][peer], hopLimit: 64 },
      {
        layer: "udp",
        sourcePort: clientSide ? CLIENT_PORT : spec.serverPort,
        destinationPort: clientSide ? spec.serverPort : CLIENT_PORT,
      },
    ]);
    // One round trip (20 ms) between the request and the answer.
    records.push({ timestampNs: START_NS + BigInt(i) * 20_000_000n, data: bytes });
    packets.push({ from: m.from, length: m.data.length, message: m.key, shown: i === 0 });
  });
  return { frame: records[0]!.data, packets, records, linkType: LinkType.ETHERNET };
}

/** Builds the exchange for `stack` over IPv4 or IPv6 carrying `text`. */
export async function buildExchange(stackId: StackId, ip: IpVersion, text: string): Promise<Exchange> {
  const stack = STACKS[stackId];
  const app = await buildApp(stackId, text);
  const built = stack.transport === "tcp" ? tcpExchange(stack, ip, app) : udpExchange(stack, ip, app);
  return {
    stack,
    ip,
    app,
    frame: built.frame,
    map: decapsulate(built.frame, { link: "ethernet" }),
    packets: built.packets,
    linkType: built.linkType,
    pcap: writePcap(built.records, { linkType: built.linkType }),
  };
}
