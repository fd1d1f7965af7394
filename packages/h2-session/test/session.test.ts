/**
 * Http2Session through its public API: a client and a server in memory (request/respond, DATA, trailers,
 * push, PING, SETTINGS, GOAWAY, flow control with consumed(), 1 MiB bodies, 100 concurrent streams), and
 * fast-check properties: whatever bytes arrive, receive() returns events (or a connectionError) and never
 * throws; and the same bytes split anywhere give the same events and the same answer.
 */
import { CONNECTION_PREFACE, encodeFrame, FrameType } from "@proto/h2-frame";
import { HpackEncoder } from "@proto/hpack";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Http2Event, Http2Session, Http2SessionError } from "../src/index";
import { concat, type Fields, GET, POST, pair, settingsFrame } from "./helpers";

const OK: Fields = [[":status", "200"]];
const text = (s: string) => new TextEncoder().encode(s);
const ofType = <T extends Http2Event["type"]>(events: Http2Event[], type: T) =>
  events.filter((e): e is Extract<Http2Event, { type: T }> => e.type === type);
const body = (events: Http2Event[], streamId: number) =>
  concat(
    ...ofType(events, "data")
      .filter((e) => e.streamId === streamId)
      .map((e) => e.data),
  );
const pattern = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
};
/** Byte equality without a deep-equal walk (1 MiB bodies). */
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

describe("client ↔ server in memory", () => {
  it("the handshake: each side gets the other's SETTINGS and an ACK of its own", () => {
    const { pump } = pair();
    const e = pump();
    for (const side of [e.client, e.server]) {
      expect(ofType(side, "settings")).toHaveLength(1);
      expect(ofType(side, "settingsAck")).toHaveLength(1);
    }
  });

  it("a request with a body and trailers, a response with a body and trailers", () => {
    const { client, server, pump } = pair();
    pump();
    const id = client.request([...POST, ["content-type", "text/plain"]]);
    expect(id).toBe(1);
    client.sendData(id, text("hello "));
    client.sendData(id, text("world"));
    client.sendTrailers(id, [["x-checksum", "abc"]]);
    const e1 = pump();
    expect(ofType(e1.server, "headers")).toEqual([
      { type: "headers", streamId: 1, headers: [...POST, ["content-type", "text/plain"]], endStream: false },
    ]);
    expect(new TextDecoder().decode(body(e1.server, 1))).toBe("hello world");
    expect(ofType(e1.server, "trailers")).toEqual([
      { type: "trailers", streamId: 1, headers: [["x-checksum", "abc"]] },
    ]);
    expect(e1.server.at(-1)).toEqual({ type: "streamEnd", streamId: 1 });
    server.respond(id, [...OK, ["content-length", "3"]]);
    server.sendData(id, text("yes"));
    server.sendTrailers(id, [["x-done", "1"]]);
    const e2 = pump();
    expect(e2.client.map((e) => e.type)).toEqual(["headers", "data", "trailers", "streamEnd"]);
    expect(body(e2.client, 1)).toEqual(text("yes"));
    expect(client.streamState(1)).toBe("closed");
    expect(server.streamState(1)).toBe("closed");
    expect(client.activeStreamCount + server.activeStreamCount).toBe(0);
  });

  it("push: PUSH_PROMISE, then the pushed response on the promised stream", () => {
    const { client, server, pump } = pair();
    pump();
    const id = client.request(GET, { endStream: true });
    pump();
    const pushed = server.push(id, [...GET.slice(0, 3), [":path", "/style.css"]]);
    expect(pushed).toBe(2);
    server.respond(pushed, [...OK, ["content-type", "text/css"]]);
    server.sendData(pushed, text("body{}"), { endStream: true });
    server.respond(id, OK, { endStream: true });
    const e = pump();
    expect(ofType(e.client, "push")).toEqual([
      {
        type: "push",
        streamId: 1,
        promisedStreamId: 2,
        headers: [...GET.slice(0, 3), [":path", "/style.css"]],
      },
    ]);
    expect(body(e.client, 2)).toEqual(text("body{}"));
    expect(
      ofType(e.client, "streamEnd")
        .map((x) => x.streamId)
        .sort(),
    ).toEqual([1, 2]);
  });

  it("push is refused by a client with enablePush false", () => {
    const { client, server, pump } = pair({ client: { settings: { enablePush: false } } });
    pump();
    const id = client.request(GET, { endStream: true });
    pump();
    expect(() => server.push(id, GET)).toThrow(Http2SessionError);
  });

  it("PING: the peer answers with the same data", () => {
    const { client, pump } = pair();
    pump();
    client.ping(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const e = pump();
    expect(e.server).toEqual([{ type: "ping", data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    expect(e.client).toEqual([{ type: "pingAck", data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]);
    expect(() => client.ping(new Uint8Array(7))).toThrow(/8 octets/);
  });

  it("updateSettings: the peer applies and acknowledges them", () => {
    const { client, server, pump } = pair();
    pump();
    client.updateSettings({ maxConcurrentStreams: 10, initialWindowSize: 100_000 });
    const e = pump();
    expect(e.server).toEqual([
      { type: "settings", settings: { maxConcurrentStreams: 10, initialWindowSize: 100_000 } },
    ]);
    expect(e.client).toEqual([{ type: "settingsAck" }]);
    expect(server.peerSettings.maxConcurrentStreams).toBe(10);
    expect(client.localSettings.initialWindowSize).toBe(100_000);
  });

  it("GOAWAY: no new streams; streams above last-stream-id are refused, those below complete", () => {
    const { client, server, pump } = pair();
    pump();
    const first = client.request(GET, { endStream: true });
    pump();
    server.goaway(0, "maintenance");
    const late = client.request(GET, { endStream: true }); // crosses the GOAWAY on the wire
    const e = pump();
    expect(ofType(e.client, "goaway")).toEqual([
      { type: "goaway", lastStreamId: first, errorCode: 0, debugData: text("maintenance") },
    ]);
    expect(e.client).toContainEqual({ type: "streamReset", streamId: late, errorCode: 0x7 });
    expect(ofType(e.server, "headers")).toEqual([]); // the late stream was ignored
    expect(client.canRequest).toBe(false);
    expect(() => client.request(GET)).toThrow(/GOAWAY/);
    server.respond(first, OK, { endStream: true });
    const done = pump();
    expect(done.client.map((x) => x.type)).toEqual(["headers", "streamEnd"]);
    expect(client.closed && server.closed).toBe(true);
  });

  it("flow control: the receiver holds the sender to 65,535 octets until consumed()", () => {
    const { client, server, pump } = pair();
    pump();
    const id = client.request(GET, { endStream: true });
    pump();
    server.respond(id, OK);
    server.sendData(id, pattern(200_000, 1), { endStream: true });
    const e1 = pump(false);
    expect(body(e1.client, id).length).toBe(65_535);
    expect(server.bufferedAmount).toBe(0); // DATA waiting for the window is not "buffered"
    client.consumed(id, 65_535);
    const e2 = pump(false);
    expect(body(e2.client, id).length).toBe(65_535);
    client.consumed(id, 65_535);
    const e3 = pump(true); // consume from now on
    expect(concat(body(e1.client, id), body(e2.client, id), body(e3.client, id))).toEqual(
      pattern(200_000, 1),
    );
    expect(e3.client.at(-1)).toEqual({ type: "streamEnd", streamId: id });
  });

  it("windows opened by SETTINGS: a 1 MiB response needs no WINDOW_UPDATE", () => {
    const { client, server, pump } = pair({ client: { settings: { initialWindowSize: 1 << 20 } } });
    pump();
    const id = client.request(GET, { endStream: true });
    pump();
    server.respond(id, OK);
    server.sendData(id, pattern(1 << 20, 2), { endStream: true });
    const e = pump(false);
    expect(same(body(e.client, id), pattern(1 << 20, 2))).toBe(true);
    expect(ofType(e.server, "windowUpdate")).toEqual([]);
  });

  it("1 MiB both ways (an echo), with the default windows", () => {
    const { client, server, pump } = pair();
    pump();
    const id = client.request(POST);
    client.sendData(id, pattern(1 << 20, 3), { endStream: true });
    const e1 = pump();
    const received = body(e1.server, id);
    expect(same(received, pattern(1 << 20, 3))).toBe(true);
    server.respond(id, OK);
    server.sendData(id, received, { endStream: true });
    const e2 = pump();
    expect(same(body(e2.client, id), pattern(1 << 20, 3))).toBe(true);
    // The client's consumed() credit went back to the server as WINDOW_UPDATEs (stream and connection).
    expect(ofType(e2.server, "windowUpdate").length).toBeGreaterThan(0);
  });

  it("100 concurrent streams; the 101st waits for MAX_CONCURRENT_STREAMS", () => {
    const { client, server, pump } = pair();
    pump();
    const ids = Array.from({ length: 100 }, (_, i) =>
      client.request([...GET.slice(0, 3), [":path", `/${i}`]], { endStream: true }),
    );
    expect(client.canRequest).toBe(false);
    expect(() => client.request(GET)).toThrow(/MAX_CONCURRENT_STREAMS/);
    const e1 = pump();
    expect(ofType(e1.server, "headers")).toHaveLength(100);
    expect(server.activeStreamCount).toBe(100);
    for (const id of ids) {
      server.respond(id, OK);
      server.sendData(id, pattern(10_000, id), { endStream: true });
    }
    const e2 = pump();
    for (const id of ids) expect(same(body(e2.client, id), pattern(10_000, id))).toBe(true);
    expect(ofType(e2.client, "streamEnd")).toHaveLength(100);
    expect(client.canRequest).toBe(true);
    expect(client.activeStreamCount + server.activeStreamCount).toBe(0);
  });

  it("checkTimeouts: SETTINGS unacknowledged past settingsTimeout → connectionError SETTINGS_TIMEOUT", () => {
    const client = new Http2Session({ role: "client", limits: { settingsTimeout: 100 } });
    expect(client.checkTimeouts(0)).toEqual([]);
    const events = client.checkTimeouts(101);
    expect(events).toMatchObject([
      { type: "connectionError", error: { code: "H2S_SETTINGS_TIMEOUT", errorCode: 0x4 } },
    ]);
  });
});

// ---- properties ----------------------------------------------------------------------------------------------

const REQUESTS: Fields[] = [
  GET,
  POST,
  [...GET, ["X-Upper", "1"]],
  [...POST, ["content-length", "3"]],
  [["x-trailer", "1"]],
  OK,
];
/**
 * What a peer might send: mostly well-formed frames with real HPACK blocks (weighted so that most runs get
 * requests, bodies and trailers through), and some raw frames of any shape.
 */
const op = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("headers" as const),
      id: fc.constantFrom(1, 3, 5, 7, 9, 2),
      f: fc.nat(REQUESTS.length - 1),
      end: fc.boolean(),
      split: fc.nat(40),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("data" as const),
      id: fc.oneof(
        { weight: 12, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.constantFrom(3, 5, 0) },
      ),
      n: fc.oneof(fc.nat(20), fc.nat(20_000)),
      end: fc.boolean(),
      pad: fc.option(fc.nat(255), { freq: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("rst" as const),
      id: fc.constantFrom(1, 1, 1, 3, 9),
      code: fc.nat(15),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("wu" as const),
      id: fc.constantFrom(0, 1, 1, 3),
      n: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 0x7fff_ffff })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("settings" as const),
      pairs: fc.array(
        fc.oneof(fc.tuple(fc.constantFrom(1, 3, 4, 6), fc.nat(70_000)), fc.tuple(fc.nat(9), fc.nat(70_000))),
        { maxLength: 3 },
      ),
      ack: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("ping" as const), ack: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("raw" as const),
      type: fc.nat(20),
      flags: fc.nat(255),
      id: fc.constantFrom(0, 1, 2, 3, 0x8000_0001),
      payload: fc.uint8Array({ maxLength: 40 }),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
/** The ops, after a request that opens stream 1 (a POST without END_STREAM). */
const ops = (maxLength: number) =>
  fc
    .array(op, { maxLength })
    .map((rest): Op[] => [{ k: "headers", id: 1, f: 1, end: false, split: 0 }, ...rest]);

function build(ops: Op[]): Uint8Array {
  const encoder = new HpackEncoder();
  const out: Uint8Array[] = [];
  for (const o of ops) {
    if (o.k === "headers") {
      const block = encoder.encode(REQUESTS[o.f]!);
      const cut = Math.min(o.split, block.length);
      const whole = cut === 0 || cut === block.length;
      out.push(
        encodeFrame({
          type: FrameType.HEADERS,
          streamId: o.id,
          headerBlock: block.subarray(0, whole ? block.length : cut),
          endStream: o.end,
          endHeaders: whole,
        }),
      );
      if (!whole)
        out.push(
          encodeFrame({
            type: FrameType.CONTINUATION,
            streamId: o.id,
            headerBlock: block.subarray(cut),
            endHeaders: true,
          }),
        );
    } else if (o.k === "data") {
      const init = {
        type: FrameType.DATA,
        streamId: o.id,
        data: pattern(Math.min(o.n, 16_000), o.n),
        endStream: o.end,
      };
      out.push(encodeFrame(o.pad === null ? init : { ...init, padLength: o.pad }));
    } else if (o.k === "rst")
      out.push(encodeFrame({ type: FrameType.RST_STREAM, streamId: o.id, errorCode: o.code }));
    else if (o.k === "wu")
      out.push(encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: o.id, windowSizeIncrement: o.n }));
    else if (o.k === "settings") out.push(o.ack ? settingsFrame([], true) : settingsFrame(o.pairs));
    else if (o.k === "ping")
      out.push(encodeFrame({ type: FrameType.PING, streamId: 0, ack: o.ack, data: pattern(8, 7) }));
    else {
      const f = new Uint8Array(9 + o.payload.length);
      f.set([0, o.payload.length >> 8, o.payload.length & 0xff, o.type, o.flags], 0);
      new DataView(f.buffer).setUint32(5, o.id);
      f.set(o.payload, 9);
      out.push(f);
    }
  }
  return concat(...out);
}

const PREFACE = concat(CONNECTION_PREFACE, settingsFrame(), settingsFrame([], true));

/** Feeds every chunk; checks the contract; returns the events in a comparable form and everything written. */
function drive(role: "server" | "client", chunks: Uint8Array[]) {
  const session = new Http2Session({ role });
  if (role === "client") for (let i = 0; i < 3; i++) session.request(GET, { endStream: true });
  const events: unknown[] = [];
  const written: Uint8Array[] = [session.dataToSend()];
  const started = performance.now();
  for (const chunk of chunks) {
    const out = session.receive(chunk);
    expect(Array.isArray(out)).toBe(true);
    if (session.error) expect(session.receive(chunk.length > 0 ? chunk : PREFACE)).toEqual([]);
    for (const e of out) {
      if (e.type === "connectionError")
        events.push({ type: e.type, code: e.error.code, errorCode: e.error.errorCode });
      else if (e.type === "data") {
        const last = events.at(-1) as
          | { type: string; streamId: number; data: number[]; endStream: boolean }
          | undefined;
        if (last?.type === "data" && last.streamId === e.streamId) {
          last.data.push(...e.data);
          last.endStream ||= e.endStream;
        } else events.push({ type: "data", streamId: e.streamId, data: [...e.data], endStream: e.endStream });
      } else events.push(e);
    }
    written.push(session.dataToSend());
  }
  expect(performance.now() - started).toBeLessThan(5_000); // no pathological slowness (a hang would never return)
  const connectionErrors = events.filter((e) => (e as { type: string }).type === "connectionError");
  expect(connectionErrors.length).toBeLessThanOrEqual(1);
  expect(connectionErrors.length === 1).toBe(session.error !== undefined);
  return { events, written: concat(...written) };
}

/** Splits `bytes` at the given points (taken modulo its length). */
function split(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % bytes.length)))].sort(
    (a, b) => a - b,
  );
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe("properties", () => {
  it("arbitrary bytes after a valid preface: events or one connectionError, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), ops(30), (junk, ops) => {
        drive("server", [PREFACE, build(ops), junk]);
        drive("server", [PREFACE, junk, build(ops)]);
        drive("client", [settingsFrame(), build(ops), junk]);
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary bytes without a preface: a connectionError at most, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (junk) => {
        const { events } = drive("server", [junk]);
        if (junk.length >= 24)
          expect(events).toMatchObject([{ type: "connectionError", code: "H2S_BAD_PREFACE" }]);
        drive("client", [junk]);
      }),
      { numRuns: 300 },
    );
  });

  it("split-point invariance: the same bytes in any chunks give the same events and the same answer", () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (ops, points, byteByByte) => {
          const stream = concat(PREFACE, build(ops));
          const whole = drive("server", [stream]);
          const chunks =
            byteByByte && stream.length < 4096
              ? [...stream].map((b) => Uint8Array.of(b))
              : split(stream, points);
          const pieces = drive("server", chunks);
          expect(pieces.events).toEqual(whole.events);
          expect(pieces.written).toEqual(whole.written);
        },
      ),
      { numRuns: 300 },
    );
  });
});
