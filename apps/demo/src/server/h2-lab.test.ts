/**
 * The HTTP/2 panel's server module: a real h2c exchange through the recording relay, read back as a
 * frame log; and the log reader itself, which must give the same frames however TCP cut the bytes.
 */
import { createServer } from "node:http";
import { CONNECTION_PREFACE, encodeFrame, FrameType } from "@proto/h2-frame";
import { HpackEncoder } from "@proto/hpack";
import { afterAll, describe, expect, it } from "vitest";
import { type H2ExchangeResult, http2Lab, parseExchangeOptions } from "./h2-lab";
import { frameLog } from "./h2-lab-log";
import type { RecordedChunk } from "./h2-lab-relay";

describe("the h2c exchange", () => {
  const lab = http2Lab(createServer());
  afterAll(() => lab.close());
  const run = (body: unknown) => lab.api!["/api/h2/request"]!(body, new URL("http://x/"), undefined as never);

  it("logs the preface, both SETTINGS and their ACKs, HEADERS, DATA, WINDOW_UPDATE and GOAWAY", async () => {
    const result = (await run({ bodySize: 100_000, requests: 2 })) as H2ExchangeResult;
    const { frames } = result;
    expect(frames[0]).toMatchObject({ from: "client", typeName: "PREFACE", summary: { valid: true } });
    const from = (side: string, type: string) => frames.filter((f) => f.from === side && f.typeName === type);
    for (const side of ["client", "server"]) {
      const settings = from(side, "SETTINGS");
      expect(settings.some((f) => !f.flagNames.includes("ACK"))).toBe(true);
      expect(settings.some((f) => f.flagNames.includes("ACK"))).toBe(true);
      expect(from(side, "HEADERS")).toHaveLength(2);
    }
    // Every body byte the client received arrived in the server's DATA frames.
    const data = from("server", "DATA").reduce((n, f) => n + f.length, 0);
    expect(data).toBe(200_000);
    expect(result.responses.map((r) => [r.status, r.bodyBytes])).toEqual([
      [200, 100_000],
      [200, 100_000],
    ]);
    expect(from("client", "WINDOW_UPDATE").length).toBeGreaterThan(0);
    const goaway = from("client", "GOAWAY");
    expect(goaway).toHaveLength(1);
    expect(goaway[0]!.summary).toMatchObject({ kind: "goaway", errorCode: 0, errorName: "NO_ERROR" });
    // HPACK on the wire: the second request's header block is smaller than the first.
    const [first, second] = from("client", "HEADERS").map((f) => f.summary);
    if (first?.kind !== "headers" || second?.kind !== "headers") throw new Error("no header blocks");
    expect(second.blockBytes).toBeLessThan(first.blockBytes);
    expect(first.fields).toContainEqual([":path", "/lab/page.html"]);
    expect(second.reps.filter((r) => r.kind === "indexed" && r.bytes === 1).length).toBeGreaterThan(3);
    // The byte counts add up: the preface plus 9 header bytes and the payload of every frame.
    const sum = (side: string) =>
      frames.filter((f) => f.from === side).reduce((n, f) => n + f.length + (f.type < 0 ? 0 : 9), 0);
    expect(sum("client")).toBe(result.bytes.client);
    expect(sum("server")).toBe(result.bytes.server);
  });

  it("refuses bad options", () => {
    expect(() => parseExchangeOptions({ path: "no-slash" })).toThrow(/path/);
    expect(() => parseExchangeOptions({ bodySize: -1 })).toThrow(/bodySize/);
    expect(() => parseExchangeOptions({ method: "DELETE" })).toThrow(/method/);
    expect(parseExchangeOptions(undefined).bodySize).toBe(100 * 1024);
  });
});

describe("frameLog", () => {
  const encoder = new HpackEncoder();
  const fields: Array<[string, string]> = [
    [":method", "GET"],
    [":scheme", "http"],
    [":authority", "example.test"],
    [":path", "/"],
  ];
  const block = encoder.encode(fields);
  const client = [
    CONNECTION_PREFACE,
    encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings: [[2, 0]] }),
    // A header block cut in two: HEADERS without END_HEADERS, then CONTINUATION.
    encodeFrame({
      type: FrameType.HEADERS,
      streamId: 1,
      headerBlock: block.subarray(0, 3),
      endStream: true,
      endHeaders: false,
    }),
    encodeFrame({
      type: FrameType.CONTINUATION,
      streamId: 1,
      headerBlock: block.subarray(3),
      endHeaders: true,
    }),
    encodeFrame({
      type: FrameType.GOAWAY,
      streamId: 0,
      lastStreamId: 0,
      errorCode: 0,
      debugData: new Uint8Array(),
    }),
  ];
  const wire = new Uint8Array(client.reduce((n, c) => n + c.length, 0));
  let filled = 0;
  for (const c of client) {
    wire.set(c, filled);
    filled += c.length;
  }
  const shape = (chunks: RecordedChunk[]) =>
    frameLog(chunks).map(({ typeName, flagNames, streamId, length, headerHex, summary }) => ({
      typeName,
      flagNames,
      streamId,
      length,
      headerHex,
      summary,
    }));
  const cut = (sizes: (i: number) => number): RecordedChunk[] => {
    const out: RecordedChunk[] = [];
    for (let at = 0, i = 0; at < wire.length; i++) {
      const end = Math.min(wire.length, at + sizes(i));
      out.push({ seq: i, from: "client", t: i, bytes: wire.slice(at, end) });
      at = end;
    }
    return out;
  };

  it("reads the preface, a split header block and GOAWAY", () => {
    const log = shape(cut(() => wire.length));
    expect(log.map((e) => e.typeName)).toEqual(["PREFACE", "SETTINGS", "HEADERS", "CONTINUATION", "GOAWAY"]);
    expect(log[2]!.summary).toMatchObject({ kind: "headers", fields, blockBytes: block.length });
    expect(log[2]!.flagNames).toEqual(["END_STREAM"]);
    expect(log[1]!.summary).toEqual({
      kind: "settings",
      ack: false,
      params: [{ id: 2, name: "ENABLE_PUSH", value: 0 }],
    });
  });

  it("gives the same log byte by byte and at uneven split points", () => {
    const whole = shape(cut(() => wire.length));
    expect(shape(cut(() => 1))).toEqual(whole);
    expect(shape(cut((i) => [5, 23, 2, 17, 9, 31][i % 6]!))).toEqual(whole);
  });
});
