import { decapsulate, readPcap } from "@proto/osi";
import { describe, expect, it } from "vitest";
import { hexdumpLayers } from "./hexdump";
import { runTour } from "./tour";

describe("terminal tour", () => {
  const tour = runTour();

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

  it("writes a pcap whose every frame decapsulates to valid checksums", () => {
    const file = readPcap(tour.pcap);
    expect(file.records.length).toBe(tour.packets);
    expect(tour.packets).toBeGreaterThanOrEqual(9); // 3 handshake + request/ACK + response/ACK + 3-4 teardown
    for (const record of file.records) {
      for (const layer of decapsulate(record.data).layers) expect(layer.checksumValid ?? true).toBe(true);
    }
  });

  it("shows the WebSocket accept of RFC 6455 §1.3 and a heartbeat answered by the session", () => {
    expect(tour.text).toContain("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    expect(tour.text).toContain("81 85 37 fa 21 3d 7f 9f 4d 51 58"); // RFC 6455 §5.7 masked "Hello"
    expect(tour.text).toMatch(/client sees: pong "hb-1"/);
  });

  it("shows HPACK's second request as one indexed byte per field, and the HEADERS frame around it", () => {
    const second = /second request: (\d+) bytes/.exec(tour.text);
    expect(Number(second?.[1])).toBe(7);
    expect(tour.text.match(/ indexed #\d+/g)).toHaveLength(7);
    expect(tour.text).toMatch(/type 01 = HEADERS, flags 05 = END_STREAM\|END_HEADERS/);
  });

  it("marks every byte of a frame with its layer", () => {
    const map = decapsulate(readPcap(tour.pcap).records[3]!.data);
    const dump = hexdumpLayers(map);
    const marks = dump
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
});
