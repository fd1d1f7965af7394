/**
 * Real peer: Wireshark's tshark reads pcaps of synthetic HTTP/1.1 exchanges over IPv4 and IPv6 built by
 * @proto/osi, with IP, TCP and UDP checksum validation on, and must find every frame well-formed, every
 * checksum good, TCP sequence analysis clean, and the addresses, ports, seq/ack and payload we wrote.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildTcpConversation,
  type ConversationPacket,
  encapsulate,
  LinkType,
  writePcap,
  writePcapng,
} from "@proto/osi";
import { afterAll, describe, expect, it } from "vitest";
import { usePeer } from "./peers";

const tshark = usePeer("tshark");
const dir = mkdtempSync(join(tmpdir(), "proto-osi-tshark-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHECKSUMS_ON = [
  "-o",
  "ip.check_checksum:TRUE",
  "-o",
  "tcp.check_checksum:TRUE",
  "-o",
  "udp.check_checksum:TRUE",
  "-o",
  "tcp.analyze_sequence_numbers:TRUE",
];

function runTshark(file: string, args: string[]): string[] {
  const result = spawnSync(tshark.path!, ["-n", "-r", file, ...CHECKSUMS_ON, ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`tshark exited ${result.status}: ${result.stderr}`);
  return result.stdout.split("\n").filter((l) => l.length > 0);
}

/** Counts frames matching a display filter. */
function count(file: string, filter: string): number {
  return runTshark(file, ["-Y", filter, "-T", "fields", "-e", "frame.number"]).length;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

const body = "x".repeat(4000); // three MSS-sized segments and more
const request = "GET /big HTTP/1.1\r\nHost: example.test\r\nAccept: */*\r\n\r\n";
const response = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

const families = [
  { name: "IPv4", client: "192.0.2.1", server: "198.51.100.2", srcField: "ip.src", dstField: "ip.dst" },
  {
    name: "IPv6",
    client: "2001:db8::1",
    server: "2001:db8:0:1::2",
    srcField: "ipv6.src",
    dstField: "ipv6.dst",
  },
] as const;

describe.skipIf(!tshark.available)(`tshark reads @proto/osi captures (${tshark.version ?? "absent"})`, () => {
  describe.each(families)("HTTP/1.1 over TCP over $name", (family) => {
    const conversation = buildTcpConversation({
      client: { ip: family.client, port: 49152 },
      server: { ip: family.server, port: 80 },
      messages: [
        { from: "client", data: request },
        { from: "server", data: response },
      ],
    });
    // One UDP datagram too, so UDP checksum validation is exercised.
    const udp = encapsulate(new TextEncoder().encode("udp probe"), [
      { layer: "ethernet", source: "02:00:00:00:00:01", destination: "02:00:00:00:00:02" },
      family.name === "IPv4"
        ? { layer: "ipv4", source: family.client, destination: family.server }
        : { layer: "ipv6", source: family.client, destination: family.server },
      { layer: "udp", sourcePort: 40001, destinationPort: 40002 },
    ]);
    const last = conversation.packets[conversation.packets.length - 1]!;
    const records = [
      ...conversation.packets,
      { timestampNs: last.timestampNs + 1_000_000n, data: udp.bytes },
    ];
    const pcapPath = join(dir, `http-${family.name}.pcap`);
    const pcapngPath = join(dir, `http-${family.name}.pcapng`);
    writeFileSync(pcapPath, writePcap(records, { linkType: LinkType.ETHERNET }));
    writeFileSync(pcapngPath, writePcapng(records, { comment: `@proto/osi ${family.name} test` }));

    it.each([
      ["pcap", pcapPath],
      ["pcapng", pcapngPath],
    ])("reads every frame of the %s file", (_kind, path) => {
      expect(count(path, "frame")).toBe(records.length);
    });

    it("reports zero malformed packets and zero bad checksums", () => {
      expect(count(pcapPath, "_ws.malformed || _ws.expert.severity >= 6291456")).toBe(0); // no warning or error
      expect(
        count(pcapPath, "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0"),
      ).toBe(0);
      // Validation really ran: every checksum was checked and found good (status 1), none left unverified.
      const tcpGood = count(pcapPath, "tcp.checksum.status == 1");
      expect(tcpGood).toBe(conversation.packets.length);
      expect(count(pcapPath, "udp.checksum.status == 1")).toBe(1);
      if (family.name === "IPv4") expect(count(pcapPath, "ip.checksum.status == 1")).toBe(records.length);
    });

    it("finds TCP sequence analysis clean: no lost, retransmitted or out-of-order segments", () => {
      expect(count(pcapPath, "tcp.analysis.flags && !tcp.analysis.window_update")).toBe(0);
      expect(count(pcapPath, "tcp.flags.syn == 1 && tcp.flags.ack == 0")).toBe(1);
      expect(count(pcapPath, "tcp.flags.fin == 1")).toBe(2);
    });

    it("shows the addresses, ports, seq/ack and payload that were written", () => {
      const rows = runTshark(pcapPath, [
        "-Y",
        "tcp",
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        family.srcField,
        "-e",
        family.dstField,
        "-e",
        "tcp.srcport",
        "-e",
        "tcp.dstport",
        "-e",
        "tcp.seq_raw",
        "-e",
        "tcp.ack_raw",
        "-e",
        "tcp.len",
        "-e",
        "tcp.payload",
      ]);
      expect(rows).toHaveLength(conversation.packets.length);
      rows.forEach((row, i) => {
        const p: ConversationPacket = conversation.packets[i]!;
        const [src, dst, sport, dport, seq, ack, len, payload] = row.split("|");
        const client = p.from === "client";
        expect(src).toBe(client ? family.client : family.server);
        expect(dst).toBe(client ? family.server : family.client);
        expect(Number(sport)).toBe(client ? 49152 : 80);
        expect(Number(dport)).toBe(client ? 80 : 49152);
        expect(Number(seq)).toBe(p.seq);
        expect(Number(ack)).toBe(p.ack);
        expect(Number(len)).toBe(p.length);
        if (p.length > 0) expect(payload).toBe(hex(p.data.subarray(p.data.length - p.length)));
      });
      // Reassembled per direction, the payloads are exactly the request and the response.
      const stream = (from: "client" | "server") =>
        rows
          .filter((_, i) => conversation.packets[i]!.from === from)
          .map((r) => r.split("|")[7] ?? "")
          .join("");
      expect(stream("client")).toBe(hex(new TextEncoder().encode(request)));
      expect(stream("server")).toBe(hex(new TextEncoder().encode(response)));
    });

    it("dissects the payload as HTTP/1.1: one GET and one 200 response", () => {
      expect(count(pcapPath, 'http.request.method == "GET"')).toBe(1);
      expect(count(pcapPath, "http.response.code == 200")).toBe(1);
    });
  });
});
