/**
 * The terminal tour of what @proto has so far: the OSI and TCP/IP models, where protocols sit in them,
 * and one HTTP request gaining its headers layer by layer, then written as a pcap Wireshark opens.
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
import { hpackSection, http2Section, webSocketSection } from "./tour-protocols";

export interface TourResult {
  /** Everything the tour prints. */
  text: string;
  /** The pcap of the whole synthetic HTTP/1.1 conversation. */
  pcap: Uint8Array;
  /** Number of packets in it. */
  packets: number;
}

const REQUEST =
  "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: proto-lab\r\nAccept: */*\r\n\r\n";
const BODY = "<!doctype html><title>@proto</title><p>Hello from the Protocol Lab.</p>\n";
const RESPONSE = `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) => cells.map((c, i) => c + " ".repeat(widths[i]! - width(c))).join(" │ ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("─┼─"), ...rows.map(line)].join("\n");
}

/** Display width: CJK characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

/** Wraps `text` at `columns`, indenting continuation lines. */
function wrap(text: string, columns: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > columns) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join("\n");
}

export function runTour(options: { color?: boolean } = {}): TourResult {
  const out: string[] = [];
  const say = (s = "") => out.push(s);
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[0m` : s);

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
  say();

  say(bold("4. One HTTP request, encapsulated layer by layer"));
  const message = new TextEncoder().encode(REQUEST);
  const tcp = {
    layer: "tcp" as const,
    sourcePort: 51514,
    destinationPort: 80,
    sequenceNumber: 1,
    acknowledgmentNumber: 1,
    flags: { ack: true, psh: true },
    window: 502,
  };
  const ip = {
    layer: "ipv4" as const,
    source: "192.0.2.10",
    destination: "198.51.100.80",
    identification: 0x1c46,
  };
  const eth = { layer: "ethernet" as const, source: "02:00:00:00:00:01", destination: "02:00:00:00:00:02" };
  const frame = encapsulate(message, [eth, ip, tcp]);
  say(`  application message (HTTP/1.1 request)   ${message.length} bytes`);
  // Innermost header first: each layer wraps the PDU of the layer above it.
  for (const layer of frame.layers.slice(0, -1).reverse()) {
    say(
      `  + ${layer.name.padEnd(11)} header ${String(layer.headerLength).padStart(3)} bytes → ${layer.pdu.padEnd(7)} ${String(layer.length).padStart(4)} bytes (OSI layer ${layer.osi}, TCP/IP layer ${layer.tcpIp})`,
    );
  }
  say();
  say("  The frame on the wire (E Ethernet, I IPv4, T TCP, A application data):");
  say(
    hexdumpLayers(frame, options)
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n"),
  );
  say();
  say("  And decapsulated again, each layer removing its header:");
  for (const layer of decapsulate(frame.bytes).layers) {
    const checksum =
      layer.checksumValid === undefined ? "" : `, checksum ${layer.checksumValid ? "valid" : "INVALID"}`;
    say(
      `  - ${layer.name.padEnd(16)} offset ${String(layer.offset).padStart(3)}, header ${String(layer.headerLength).padStart(2)}, ${layer.pdu} ${layer.length} bytes${checksum}`,
    );
  }
  say();

  say(bold("5. The whole TCP conversation, as a capture"));
  const conversation = buildTcpConversation({
    client: { ip: "192.0.2.10", port: 51514 },
    server: { ip: "198.51.100.80", port: 80 },
    messages: [
      { from: "client", data: REQUEST },
      { from: "server", data: RESPONSE },
    ],
  });
  for (const p of conversation.packets) say(`  ${p.summary}`);
  const pcap = writePcap(conversation.packets, { linkType: conversation.linkType });
  say();
  say(bold("6. WebSocket: one handshake, then frames (and a heartbeat) on the same TCP connection"));
  webSocketSection(say);
  say();
  say(bold("7. HTTP/2 header compression (HPACK): a repeated request shrinks to a byte per field"));
  const block = hpackSection(say);
  say();
  say(bold("8. HTTP/2 binary framing"));
  http2Section(say, block);
  return { text: out.join("\n"), pcap, packets: conversation.packets.length };
}
