import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { applicationData, decapsulate, readPcap } from "@proto/osi";
import { computeAccept } from "@proto/ws-handshake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hexdumpLayers } from "./hexdump";
import type { TourResult } from "./tour";
import { runTerminalTour } from "./tour-cli";
import { within } from "./tour-format";
import { H2_BODY_BYTES } from "./tour-h2";
import { WS_BINARY, WS_PING, WS_TEXT } from "./tour-websocket";

const sockets = () =>
  process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPServerWrap").length;

describe("terminal tour", () => {
  const dir = mkdtempSync(join(tmpdir(), "proto-tour-"));
  const printed: string[] = [];
  let tour: TourResult;
  let socketsBefore = 0;

  beforeAll(async () => {
    socketsBefore = sockets();
    tour = await runTerminalTour({ outDir: dir, print: (l) => printed.push(l), color: false });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const capture = (name: string) => tour.captures.find((c) => c.name === name)!;

  it("prints every line it produced, and leaves no server or socket open", async () => {
    expect(printed.join("\n")).toContain(tour.text);
    expect(printed.at(-1)).toContain("Tour complete.");
    // A closed handle is released by libuv a loop turn or two later; a leaked one never is.
    for (let i = 0; i < 100 && sockets() > socketsBefore; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sockets()).toBe(socketsBefore);
  });

  it("prints both models with their Chinese names", () => {
    for (const name of [
      "应用层",
      "表示层",
      "会话层",
      "传输层",
      "网络层",
      "数据链路层",
      "物理层",
      "网络接口层",
      "互联网层",
    ]) {
      expect(tour.text).toContain(name);
    }
  });

  it("shows the message gaining TCP, IPv4 and Ethernet headers", () => {
    expect(tour.text).toMatch(/\+ TCP\s+header\s+20 bytes → segment/);
    expect(tour.text).toMatch(/\+ IPv4\s+header\s+20 bytes/);
    expect(tour.text).toMatch(/\+ Ethernet II header\s+14 bytes/);
    expect(tour.text).toContain("checksum valid");
    expect(tour.text).not.toContain("INVALID");
  });

  it("marks every byte of a frame with its layer", () => {
    const map = decapsulate(readPcap(capture("http-over-tcp-ipv4.pcap").pcap).records[3]!.data);
    const marks = hexdumpLayers(map)
      .split("\n")
      .filter((_, i) => i % 2 === 1)
      .join(" ")
      .split(/\s+/)
      .filter(Boolean);
    expect(marks.length).toBe(map.bytes.length);
    expect(marks.slice(0, 14).every((m) => m === "E")).toBe(true);
    expect(marks.slice(14, 34).every((m) => m === "I")).toBe(true);
    expect(marks[34]).toBe("T");
    expect(marks[marks.length - 1]).toBe("A");
  });

  it("shows the real WebSocket handshake, with an Accept derived from the Key", () => {
    const key = /> Sec-WebSocket-Key: (\S+)/.exec(tour.text)?.[1];
    const accept = /< Sec-WebSocket-Accept: (\S+)/.exec(tour.text)?.[1];
    expect(key).toBeDefined();
    expect(accept).toBe(computeAccept(key!));
    expect(tour.text).toContain("< HTTP/1.1 101 Switching Protocols");
    expect(tour.text).toContain("✓ matches");
  });

  it("decodes every WebSocket frame: text, binary, ping, pong and Close 1000 both ways", () => {
    const kinds = tour.webSocketFrames.map((f) => `${f.from} ${f.opcode} ${f.masked ? "masked" : "plain"}`);
    expect(kinds).toEqual([
      "client 1 masked",
      "server 1 plain",
      "client 2 masked",
      "server 2 plain",
      "client 9 masked",
      "server 10 plain",
      "client 8 masked",
      "server 8 plain",
    ]);
    const bytes = new TextEncoder().encode(WS_TEXT).length;
    expect(tour.webSocketFrames[0]!.length).toBe(bytes);
    expect(tour.webSocketFrames[2]!.length).toBe(WS_BINARY.length);
    expect(tour.webSocketFrames[4]!.length).toBe(WS_PING.length);
    expect(tour.webSocketFrames.filter((f) => f.closeCode === 1000)).toHaveLength(2);
    expect(tour.text).toContain(`"${WS_TEXT}"`);
    expect(tour.text).toMatch(/client → server {2}FIN=1 opcode=0x9 PING {3}MASK=1/);
    expect(tour.text).toMatch(/code 1000 \(NORMAL_CLOSURE\)/);
  });

  it("decodes every HTTP/2 frame: preface, SETTINGS and ACKs, HEADERS, DATA, WINDOW_UPDATE, GOAWAY", () => {
    const frames = tour.h2Frames;
    const of = (from: string, type: string) => frames.filter((f) => f.from === from && f.type === type);
    expect(frames.find((f) => f.from === "client")?.type).toBe("PREFACE");
    for (const side of ["client", "server"]) {
      expect(of(side, "SETTINGS").filter((f) => f.flags.includes("ACK"))).toHaveLength(1);
      expect(of(side, "SETTINGS").filter((f) => !f.flags.includes("ACK"))).toHaveLength(1);
      expect(of(side, "HEADERS")).toHaveLength(2);
    }
    const data = of("server", "DATA").filter((f) => f.streamId === 3);
    expect(data.length).toBeGreaterThan(1);
    expect(data.reduce((sum, f) => sum + f.length, 0)).toBe(H2_BODY_BYTES);
    expect(data.at(-1)!.flags).toContain("END_STREAM");
    // The client returned window while the body arrived: WINDOW_UPDATEs after the first DATA on stream 3.
    const firstData = frames.indexOf(data[0]!);
    const updates = of("client", "WINDOW_UPDATE").filter((f) => frames.indexOf(f) > firstData);
    expect(updates.length).toBeGreaterThan(0);
    expect(of("client", "GOAWAY")).toHaveLength(1);
    // HPACK: the same fields again cost a fraction of the first block.
    const [first, second] = of("client", "HEADERS");
    expect(second!.fields).toContainEqual([":path", "/app.js"]);
    expect(second!.fields!.length).toBe(first!.fields!.length);
    expect(second!.blockSize! * 5).toBeLessThan(first!.blockSize!);
    expect(tour.text).toMatch(/HEADERS\s+stream 1 .*\d+-byte HPACK block → 10 fields/);
  });

  it("writes pcaps whose TCP payloads are exactly the recorded bytes, with valid checksums", () => {
    for (const name of [
      "websocket-over-tcp-ipv4.pcap",
      "h2c-over-tcp-ipv4.pcap",
      "http-over-tcp-ipv4.pcap",
    ]) {
      const c = capture(name);
      expect(c.path && isAbsolute(c.path) && existsSync(c.path)).toBe(true);
      expect(printed.some((l) => l.endsWith(`: ${c.path}`))).toBe(true);
      const file = readPcap(new Uint8Array(readFileSync(c.path!)));
      expect(file.records).toHaveLength(c.packets.length);
      const streams = { client: [] as number[], server: [] as number[] };
      let last = 0n;
      file.records.forEach((record, i) => {
        const map = decapsulate(record.data);
        for (const layer of map.layers) expect(layer.checksumValid ?? true).toBe(true);
        streams[c.packets[i]!.from].push(...applicationData(map));
        expect(record.timestampNs >= last).toBe(true);
        last = record.timestampNs;
      });
      expect(c.packets.filter((p) => p.flags.syn)).toHaveLength(2);
      expect(c.packets.filter((p) => p.flags.fin)).toHaveLength(2);
      if (!c.chunks) continue; // the synthetic one
      for (const side of ["client", "server"] as const) {
        const sent = c.chunks.filter((k) => k.from === side).flatMap((k) => Array.from(k.data));
        expect(sent.length).toBeGreaterThan(0);
        expect(streams[side]).toEqual(sent);
      }
      // The capture's clock is the recording's: the first data segment is stamped when its chunk arrived.
      const firstData = file.records[c.packets.findIndex((p) => p.length > 0)]!;
      const gap = Number(firstData.timestampNs - c.chunks[0]!.atNs);
      expect(Math.abs(gap)).toBeLessThan(1_000_000);
    }
  });

  it("prints an HPACK size table where the repeated request is one byte per field", () => {
    const dynamic = tour.hpack.rows.at(-1)!;
    expect(dynamic.repeated).toBe(10);
    expect(dynamic.first).toBeGreaterThan(100);
    for (const row of tour.hpack.rows.slice(0, 2)) expect(row.repeated).toBe(row.first);
    expect(tour.text.match(/ {4}[0-9a-f]{2} +indexed #\d+/g)).toHaveLength(10);
  });

  it("prints a simulator table for HTTP/1.1, HTTP/2 and HTTP/3 on two networks", () => {
    expect(tour.simulator).toHaveLength(6);
    for (const network of new Set(tour.simulator.map((r) => r.network))) {
      const row = (p: string) => tour.simulator.find((r) => r.network === network && r.protocol === p)!;
      expect(row("h3").handshakeUs).toBeLessThan(row("h2").handshakeUs);
      expect(row("h2").completeUs).toBeGreaterThan(row("h2").requestSentUs);
    }
    expect(tour.simulator.some((r) => r.network.includes("2% loss") && r.packetsLost > 0)).toBe(true);
    expect(tour.text).toMatch(/HTTP\/3 +│ +\d+\.\d{3} ms/);
  });

  it("bounds a network step with a clear error instead of hanging", async () => {
    await expect(within(new Promise(() => {}), 20, "a silent step")).rejects.toThrow(
      "tour: a silent step took longer than 20 ms",
    );
  });
});
