/**
 * The tour's first half, all computed: the OSI and TCP/IP models, where protocols sit in them, one HTTP
 * request gaining its headers layer by layer, and that request's whole TCP conversation as a capture.
 */
import {
  buildTcpConversation,
  decapsulate,
  encapsulate,
  layerOf,
  OSI_LAYERS,
  TCP_IP_LAYERS,
  tcpIpToOsi,
  writePcap,
} from "@proto/osi";
import { hexdumpLayers } from "./hexdump";
import type { CaptureFile } from "./tour-capture";
import { indent, type Say, table, wrap } from "./tour-format";

const REQUEST =
  "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: proto-lab\r\nAccept: */*\r\n\r\n";
const BODY = "<!doctype html><title>@proto</title><p>Hello from the Protocol Lab.</p>\n";
const RESPONSE = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;
const CLIENT = { ip: "192.0.2.10", port: 51514 };
const SERVER = { ip: "198.51.100.80", port: 80 };

export function modelsSection(say: Say, bold: (s: string) => string): void {
  say(bold("1. The OSI model (7 layers)"));
  say(
    table(
      ["#", "Layer", "层", "PDU", "Examples"],
      OSI_LAYERS.map((l) => [String(l.number), l.name, l.nameZh, l.pdu, l.examples.join(", ")]),
    ),
  );
  say();
  say(bold("2. The TCP/IP model (4 layers) and the OSI layers each one covers"));
  say(
    table(
      ["#", "Layer", "层", "OSI layers", "Examples"],
      TCP_IP_LAYERS.map((l) => [
        String(l.number),
        l.name,
        l.nameZh,
        tcpIpToOsi(l.number).join(", "),
        l.examples.join(", "),
      ]),
    ),
  );
  say();
  say(bold("3. Where protocols sit (layerOf)"));
  const show = (v: number | number[]) => (Array.isArray(v) ? `${v[0]}–${v[v.length - 1]}` : String(v));
  const notes: string[] = [];
  say(
    table(
      ["protocol", "OSI", "TCP/IP", "note"],
      ["http", "websocket", "tls", "quic", "tcp", "udp", "ip", "arp", "ethernet", "socket"].map((p) => {
        const place = layerOf(p);
        if (place.note) notes.push(`[${notes.length + 1}] ${place.name}: ${place.note}`);
        return [place.name, show(place.osi), show(place.tcpIp), place.note ? `[${notes.length}]` : ""];
      }),
    ),
  );
  for (const note of notes) say(wrap(note, 100, "    "));
}

/** Section 4: one request wrapped in TCP, IPv4 and Ethernet, dumped with each byte's layer, and unwrapped. */
export function encapsulationSection(say: Say, options: { color?: boolean }): void {
  const message = new TextEncoder().encode(REQUEST);
  const frame = encapsulate(message, [
    { layer: "ethernet", source: "02:00:00:00:00:01", destination: "02:00:00:00:00:02" },
    { layer: "ipv4", source: CLIENT.ip, destination: SERVER.ip, identification: 0x1c46 },
    {
      layer: "tcp",
      sourcePort: CLIENT.port,
      destinationPort: SERVER.port,
      sequenceNumber: 1,
      acknowledgmentNumber: 1,
      flags: { ack: true, psh: true },
      window: 502,
    },
  ]);
  say(`  application message (HTTP/1.1 request)   ${message.length} bytes`);
  // Innermost header first: each layer wraps the PDU of the layer above it.
  for (const layer of frame.layers.slice(0, -1).reverse()) {
    say(
      `  + ${layer.name.padEnd(11)} header ${String(layer.headerLength).padStart(3)} bytes → ${layer.pdu.padEnd(7)} ${String(layer.length).padStart(4)} bytes (OSI layer ${layer.osi}, TCP/IP layer ${layer.tcpIp})`,
    );
  }
  say();
  say("  The frame on the wire (E Ethernet, I IPv4, T TCP, A application data):");
  say(indent(hexdumpLayers(frame, options)));
  say();
  say("  And decapsulated again, each layer removing its header:");
  for (const layer of decapsulate(frame.bytes).layers) {
    const checksum =
      layer.checksumValid === undefined ? "" : `, checksum ${layer.checksumValid ? "valid" : "INVALID"}`;
    say(
      `  - ${layer.name.padEnd(16)} offset ${String(layer.offset).padStart(3)}, header ${String(layer.headerLength).padStart(2)}, ${layer.pdu} ${layer.length} bytes${checksum}`,
    );
  }
}

/** Section 5: the whole (synthetic) HTTP/1.1 conversation, packet by packet, as a capture file. */
export function conversationSection(say: Say): CaptureFile {
  const conversation = buildTcpConversation({
    client: CLIENT,
    server: SERVER,
    messages: [
      { from: "client", data: REQUEST },
      { from: "server", data: RESPONSE },
    ],
  });
  for (const p of conversation.packets) say(`  ${p.summary}`);
  return {
    name: "http-over-tcp-ipv4.pcap",
    pcap: writePcap(conversation.packets, { linkType: conversation.linkType }),
    packets: conversation.packets,
    clientPort: CLIENT.port,
    serverPort: SERVER.port,
  };
}
