/**
 * Every frame-level MUST of RFC 9113 (and RFC 9218 §7.1) the decoder enforces, one row each, citing the
 * section: the bytes, the error code, and whether it is a connection error (streamId 0) or a stream error
 * (the stream's id). Then the error-delivery contract: frames before an error come out first, a stream
 * error leaves the decoder going, a connection error ends it; and the frame-size limit.
 */
import { describe, expect, it } from "vitest";
import { ErrorCode, FrameDecoder, Http2Error } from "../src/index";
import {
  ascii,
  concat,
  decodeAll,
  drive,
  EMPTY,
  expectHttp2Error,
  firstError,
  frameHeader,
  hex,
  isErrorEvent,
  type LooseFrame,
  rawFrame,
  setting,
  splits,
  u32,
} from "./helpers";

const { PROTOCOL_ERROR, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR } = ErrorCode;
const T = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;

const PING_OK = rawFrame(T.PING, 0, 0, hex("0102030405060708"));
const PING_FRAME: LooseFrame = {
  type: T.PING,
  flags: 0,
  streamId: 0,
  ack: false,
  data: hex("0102030405060708"),
};
const BLOCK = hex("828684");
/** HEADERS on `stream` without END_HEADERS: opens a header block (§4.3). */
const OPEN_HEADERS = (stream: number) => rawFrame(T.HEADERS, 0, stream, BLOCK);
/** 1 byte of an HPACK block, in a CONTINUATION. */
const cont = (stream: number, flags = 0x4) => rawFrame(T.CONTINUATION, flags, stream, hex("87"));

interface Must {
  section: string;
  rule: string;
  bytes: Uint8Array;
  errorCode: number;
  /** 0 for a connection error, the stream's id for a stream error. */
  streamId: number;
}

const MUSTS: Must[] = [
  // §4.2 frame size, decided from the 9-byte header alone: only the header is sent.
  ...[T.DATA, T.HEADERS, T.SETTINGS, 0x42].map(
    (type): Must => ({
      section: "RFC 9113 §4.2",
      rule: `type 0x${type.toString(16)}: length 16385 > SETTINGS_MAX_FRAME_SIZE (header alone)`,
      bytes: frameHeader(16385, type, 0, type === T.SETTINGS || type === 0x42 ? 0 : 1),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  {
    section: "RFC 9113 §4.2",
    rule: "length 2^24-1 (header alone)",
    bytes: frameHeader(0xffffff, T.DATA, 0, 1),
    errorCode: FRAME_SIZE_ERROR,
    streamId: 0,
  },
  // Frames that MUST be on a stream.
  ...(
    [
      ["§6.1", "DATA", rawFrame(T.DATA, 0, 0, ascii("x"))],
      ["§6.2", "HEADERS", rawFrame(T.HEADERS, 0x4, 0, BLOCK)],
      ["§6.3", "PRIORITY", rawFrame(T.PRIORITY, 0, 0, hex("00000001 0f"))],
      ["§6.4", "RST_STREAM", rawFrame(T.RST_STREAM, 0, 0, u32(8))],
      ["§6.6", "PUSH_PROMISE", rawFrame(T.PUSH_PROMISE, 0x4, 0, concat(u32(2), BLOCK))],
      ["§6.10", "CONTINUATION", rawFrame(T.CONTINUATION, 0x4, 0, BLOCK)],
    ] as const
  ).map(
    ([section, name, bytes]): Must => ({
      section: `RFC 9113 ${section}`,
      rule: `${name} on stream 0`,
      bytes,
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    }),
  ),
  {
    section: "RFC 9113 §6.2 (R bit ignored: stream 0)",
    rule: "HEADERS on stream 0x80000000",
    bytes: rawFrame(T.HEADERS, 0x4, 0x80000000, BLOCK),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  // Frames that MUST be on stream 0.
  ...(
    [
      ["§6.5", "SETTINGS", rawFrame(T.SETTINGS, 0, 1)],
      ["§6.5", "SETTINGS ACK", rawFrame(T.SETTINGS, 0x1, 3)],
      ["§6.7", "PING", rawFrame(T.PING, 0, 1, new Uint8Array(8))],
      ["§6.8", "GOAWAY", rawFrame(T.GOAWAY, 0, 1, new Uint8Array(8))],
    ] as const
  ).map(
    ([section, name, bytes]): Must => ({
      section: `RFC 9113 ${section}`,
      rule: `${name} on a stream other than 0`,
      bytes,
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    }),
  ),
  // SETTINGS.
  {
    section: "RFC 9113 §6.5",
    rule: "SETTINGS with ACK and a payload",
    bytes: rawFrame(T.SETTINGS, 0x1, 0, setting(3, 100)),
    errorCode: FRAME_SIZE_ERROR,
    streamId: 0,
  },
  ...[1, 5, 7, 13].map(
    (n): Must => ({
      section: "RFC 9113 §6.5",
      rule: `SETTINGS length ${n}, not a multiple of 6`,
      bytes: rawFrame(T.SETTINGS, 0, 0, new Uint8Array(n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  ...[2, 0xffffffff].map(
    (v): Must => ({
      section: "RFC 9113 §6.5.2",
      rule: `ENABLE_PUSH ${v}`,
      bytes: rawFrame(T.SETTINGS, 0, 0, concat(setting(3, 100), setting(2, v))),
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    }),
  ),
  ...[0x80000000, 0xffffffff].map(
    (v): Must => ({
      section: "RFC 9113 §6.5.2",
      rule: `INITIAL_WINDOW_SIZE ${v} > 2^31-1`,
      bytes: rawFrame(T.SETTINGS, 0, 0, setting(4, v)),
      errorCode: FLOW_CONTROL_ERROR,
      streamId: 0,
    }),
  ),
  ...[0, 16383, 0x1000000, 0xffffffff].map(
    (v): Must => ({
      section: "RFC 9113 §6.5.2",
      rule: `MAX_FRAME_SIZE ${v} outside 16384..2^24-1`,
      bytes: rawFrame(T.SETTINGS, 0, 0, setting(5, v)),
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    }),
  ),
  // Fixed lengths.
  ...[0, 7, 9, 16].map(
    (n): Must => ({
      section: "RFC 9113 §6.7",
      rule: `PING length ${n}`,
      bytes: rawFrame(T.PING, 0, 0, new Uint8Array(n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  ...[0, 3, 5].map(
    (n): Must => ({
      section: "RFC 9113 §6.4",
      rule: `RST_STREAM length ${n}`,
      bytes: rawFrame(T.RST_STREAM, 0, 1, new Uint8Array(n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  ...[0, 4, 6].map(
    (n): Must => ({
      section: "RFC 9113 §6.3",
      rule: `PRIORITY length ${n} (a stream error)`,
      bytes: rawFrame(T.PRIORITY, 0, 3, new Uint8Array(n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 3,
    }),
  ),
  ...[
    [0, 3],
    [0, 5],
    [1, 3],
    [1, 5],
    [1, 0],
  ].map(
    ([stream, n]): Must => ({
      section: "RFC 9113 §6.9",
      rule: `WINDOW_UPDATE length ${n} on stream ${stream}`,
      bytes: rawFrame(T.WINDOW_UPDATE, 0, stream!, hex("00000001010101").subarray(0, n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  // WINDOW_UPDATE increment 0.
  {
    section: "RFC 9113 §6.9",
    rule: "WINDOW_UPDATE increment 0 on a stream (a stream error)",
    bytes: rawFrame(T.WINDOW_UPDATE, 0, 5, u32(0)),
    errorCode: PROTOCOL_ERROR,
    streamId: 5,
  },
  {
    section: "RFC 9113 §6.9 (R bit ignored)",
    rule: "WINDOW_UPDATE increment 0x80000000 (R=1, increment 0) on a stream",
    bytes: rawFrame(T.WINDOW_UPDATE, 0, 7, u32(0x80000000)),
    errorCode: PROTOCOL_ERROR,
    streamId: 7,
  },
  {
    section: "RFC 9113 §6.9",
    rule: "WINDOW_UPDATE increment 0 on stream 0 (a connection error)",
    bytes: rawFrame(T.WINDOW_UPDATE, 0, 0, u32(0)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  // Padding.
  {
    section: "RFC 9113 §6.1",
    rule: "DATA padding length = payload length",
    bytes: rawFrame(T.DATA, 0x8, 1, hex("04 616263")),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.1",
    rule: "DATA padding length > payload length",
    bytes: rawFrame(T.DATA, 0x8, 1, hex("ff 616263")),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.2",
    rule: "HEADERS padding length = payload length",
    bytes: rawFrame(T.HEADERS, 0xc, 1, hex("04 828684")),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.2",
    rule: "HEADERS (PRIORITY) padding length > payload length",
    bytes: rawFrame(T.HEADERS, 0x2c, 1, hex("20 00000000 0f 828684")),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.6",
    rule: "PUSH_PROMISE padding length = payload length",
    bytes: rawFrame(T.PUSH_PROMISE, 0xc, 1, hex("08 00000002 828684")),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  // Self-dependency.
  {
    section: "RFC 9113 §5.3.1",
    rule: "HEADERS priority: stream 3 depends on itself (a stream error)",
    bytes: rawFrame(T.HEADERS, 0x24, 3, hex("00000003 0f 828684")),
    errorCode: PROTOCOL_ERROR,
    streamId: 3,
  },
  {
    section: "RFC 9113 §5.3.1",
    rule: "HEADERS priority: stream 3 depends on itself exclusively (E bit is not part of the id)",
    bytes: rawFrame(T.HEADERS, 0x25, 3, hex("80000003 0f 828684")),
    errorCode: PROTOCOL_ERROR,
    streamId: 3,
  },
  {
    section: "RFC 9113 §5.3.1",
    rule: "PRIORITY: stream 5 depends on itself (a stream error)",
    bytes: rawFrame(T.PRIORITY, 0, 5, hex("00000005 0f")),
    errorCode: PROTOCOL_ERROR,
    streamId: 5,
  },
  // Header block sequences (§4.3, §6.10).
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION with no header block open",
    bytes: cont(1),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION after HEADERS that had END_HEADERS",
    bytes: concat(rawFrame(T.HEADERS, 0x4, 1, BLOCK), cont(1)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION after a CONTINUATION that had END_HEADERS",
    bytes: concat(OPEN_HEADERS(1), cont(1), cont(1)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION after DATA",
    bytes: concat(rawFrame(T.DATA, 0, 1, ascii("x")), cont(1)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION on another stream than the open header block",
    bytes: concat(OPEN_HEADERS(1), cont(3)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9113 §6.10",
    rule: "CONTINUATION on another stream than an open PUSH_PROMISE block",
    bytes: concat(rawFrame(T.PUSH_PROMISE, 0, 1, concat(u32(2), BLOCK)), cont(2)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  ...(
    [
      ["PING", PING_OK],
      ["DATA on the same stream", rawFrame(T.DATA, 0, 1, ascii("x"))],
      ["HEADERS on the same stream", rawFrame(T.HEADERS, 0x4, 1, BLOCK)],
      ["HEADERS on another stream", rawFrame(T.HEADERS, 0x4, 3, BLOCK)],
      ["PRIORITY on the same stream", rawFrame(T.PRIORITY, 0, 1, hex("00000000 0f"))],
      ["SETTINGS", rawFrame(T.SETTINGS, 0, 0)],
      ["WINDOW_UPDATE on stream 0", rawFrame(T.WINDOW_UPDATE, 0, 0, u32(1))],
      ["an unknown frame type", rawFrame(0x42, 0, 0, ascii("x"))],
      ["an unknown frame type on the same stream", rawFrame(0x42, 0, 1)],
    ] as const
  ).flatMap(([name, frame]): Must[] => [
    {
      section: "RFC 9113 §4.3, §6.2",
      rule: `${name} between HEADERS (no END_HEADERS) and its CONTINUATION`,
      bytes: concat(OPEN_HEADERS(1), frame, cont(1)),
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    },
    {
      section: "RFC 9113 §4.3, §6.10",
      rule: `${name} between two CONTINUATIONs of one header block`,
      bytes: concat(OPEN_HEADERS(1), cont(1, 0), frame, cont(1)),
      errorCode: PROTOCOL_ERROR,
      streamId: 0,
    },
  ]),
  {
    section: "RFC 9113 §4.3, §6.6",
    rule: "PING between PUSH_PROMISE (no END_HEADERS) and its CONTINUATION",
    bytes: concat(rawFrame(T.PUSH_PROMISE, 0, 1, concat(u32(2), BLOCK)), PING_OK, cont(1)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  // GOAWAY.
  ...[0, 4, 7].map(
    (n): Must => ({
      section: "RFC 9113 §6.8, §4.2",
      rule: `GOAWAY length ${n} < 8`,
      bytes: rawFrame(T.GOAWAY, 0, 0, new Uint8Array(n)),
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    }),
  ),
  // PRIORITY_UPDATE (RFC 9218 §7.1).
  {
    section: "RFC 9218 §7.1",
    rule: "PRIORITY_UPDATE on a stream other than 0",
    bytes: rawFrame(T.PRIORITY_UPDATE, 0, 1, concat(u32(1), ascii("u=1"))),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9218 §7.1",
    rule: "PRIORITY_UPDATE for prioritized stream 0",
    bytes: rawFrame(T.PRIORITY_UPDATE, 0, 0, concat(u32(0), ascii("u=1"))),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
  {
    section: "RFC 9218 §7.1 (R bit ignored)",
    rule: "PRIORITY_UPDATE for prioritized stream 0x80000000 (R=1, stream 0)",
    bytes: rawFrame(T.PRIORITY_UPDATE, 0, 0, u32(0x80000000)),
    errorCode: PROTOCOL_ERROR,
    streamId: 0,
  },
];

describe("frame-level MUSTs", () => {
  it.each(MUSTS)("$section: $rule", (m) => {
    const { error } = firstError(m.bytes);
    expectHttp2Error(error, { errorCode: m.errorCode, streamId: m.streamId }, m.rule);
  });

  it.each(MUSTS)("$section: $rule: same error byte by byte and at random splits", (m) => {
    const whole = decodeAll(m.bytes).filter(isErrorEvent);
    expect(whole.length).toBeGreaterThan(0);
    expect(whole[0]!.error).toMatchObject({ errorCode: m.errorCode, streamId: m.streamId });
    for (const [, chunks] of splits(m.bytes)) expect(decodeAll(chunks).filter(isErrorEvent)).toEqual(whole);
  });

  it("each row fails for its rule, not for the frame around it: the same frame made valid decodes", () => {
    // Controls for a few rows: change only the offending field and nothing is thrown.
    const valid = [
      rawFrame(T.SETTINGS, 0, 0, setting(2, 1)),
      rawFrame(T.SETTINGS, 0, 0, setting(4, 0x7fffffff)),
      rawFrame(T.SETTINGS, 0, 0, setting(5, 16384)),
      rawFrame(T.SETTINGS, 0, 0, setting(5, 0xffffff)),
      rawFrame(T.WINDOW_UPDATE, 0, 5, u32(1)),
      rawFrame(T.DATA, 0x8, 1, hex("03 616263")),
      rawFrame(T.HEADERS, 0xc, 1, hex("03 828684")),
      rawFrame(T.HEADERS, 0x2c, 1, hex("03 00000000 0f 828684")),
      rawFrame(T.PUSH_PROMISE, 0xc, 1, hex("03 00000002 828684")),
      rawFrame(T.HEADERS, 0x24, 3, hex("00000001 0f 828684")),
      rawFrame(T.PRIORITY, 0, 5, hex("00000003 0f")),
      concat(OPEN_HEADERS(1), cont(1, 0), cont(1)),
      rawFrame(T.GOAWAY, 0, 0, new Uint8Array(8)),
      rawFrame(T.PRIORITY_UPDATE, 0, 0, concat(u32(1), ascii("u=1"))),
      concat(frameHeader(16384, T.DATA, 0, 1), new Uint8Array(16384)),
    ];
    for (const bytes of valid) expect(decodeAll(bytes).filter(isErrorEvent)).toEqual([]);
  });
});

describe("error delivery (the issue's contract)", () => {
  it("frames decoded before an error in the same chunk are returned first; the next push throws", () => {
    const decoder = new FrameDecoder();
    const bad = rawFrame(T.PING, 0, 0, new Uint8Array(7));
    expect(decoder.push(concat(PING_OK, PING_OK, bad))).toEqual([PING_FRAME, PING_FRAME]);
    expectHttp2Error(
      caught(() => decoder.push(EMPTY)),
      { errorCode: FRAME_SIZE_ERROR, streamId: 0 },
    );
  });

  it("a connection error ends the decoder: every later push throws, and nothing more comes out", () => {
    const { decoder, error } = firstError(concat(rawFrame(T.DATA, 0, 0, ascii("x")), PING_OK));
    expectHttp2Error(error, { errorCode: PROTOCOL_ERROR, streamId: 0 });
    for (const input of [EMPTY, PING_OK, EMPTY]) {
      expect(caught(() => decoder.push(input))).toBeInstanceOf(Http2Error);
    }
  });

  it("after a stream error the offending frame is consumed and an empty push goes on with the rest", () => {
    const badPriority = rawFrame(T.PRIORITY, 0, 3, new Uint8Array(4));
    const data = rawFrame(T.DATA, 0x1, 1, ascii("ok"));
    const decoder = new FrameDecoder();
    expect(decoder.push(concat(PING_OK, badPriority, data, PING_OK))).toEqual([PING_FRAME]);
    expectHttp2Error(
      caught(() => decoder.push(EMPTY)),
      { errorCode: FRAME_SIZE_ERROR, streamId: 3 },
    );
    expect(decoder.push(EMPTY)).toEqual([
      { type: T.DATA, flags: 0x1, streamId: 1, data: ascii("ok"), endStream: true },
      PING_FRAME,
    ]);
    // And it keeps going with new bytes.
    expect(decoder.push(PING_OK)).toEqual([PING_FRAME]);
  });

  it("a stream error as the first frame of a chunk: thrown at once or by the next push, then it goes on", () => {
    const decoder = new FrameDecoder();
    const input = concat(rawFrame(T.WINDOW_UPDATE, 0, 9, u32(0)), PING_OK);
    let frames: unknown[] = [];
    const first = caught(() => {
      frames = decoder.push(input);
    }, true);
    if (first === undefined) {
      expect(frames).toEqual([]);
      expectHttp2Error(
        caught(() => decoder.push(EMPTY)),
        { errorCode: PROTOCOL_ERROR, streamId: 9 },
      );
    } else {
      expectHttp2Error(first, { errorCode: PROTOCOL_ERROR, streamId: 9 });
    }
    expect(decoder.push(EMPTY)).toEqual([PING_FRAME]);
  });

  it("stream errors in a row, then a connection error, then done", () => {
    const input = concat(
      rawFrame(T.PRIORITY, 0, 3, hex("00000003 0f")), // self-dependency: stream 3
      rawFrame(T.WINDOW_UPDATE, 0, 5, u32(0)), // increment 0: stream 5
      PING_OK,
      rawFrame(T.HEADERS, 0x24, 7, hex("00000007 0f 828684")), // self-dependency: stream 7
      rawFrame(T.PING, 0, 1, new Uint8Array(8)), // PING on stream 1: connection
      PING_OK,
    );
    for (const [how, chunks] of splits(input)) {
      expect(decodeAll(chunks), how).toEqual([
        { error: { errorCode: PROTOCOL_ERROR, streamId: 3, code: expect.any(String) } },
        { error: { errorCode: PROTOCOL_ERROR, streamId: 5, code: expect.any(String) } },
        PING_FRAME,
        { error: { errorCode: PROTOCOL_ERROR, streamId: 7, code: expect.any(String) } },
        { error: { errorCode: PROTOCOL_ERROR, streamId: 0, code: expect.any(String) } },
      ]);
    }
  });

  it("a stream error split across chunks is reported once, and the frame after it decodes", () => {
    const bad = rawFrame(T.PRIORITY, 0, 3, new Uint8Array(6));
    const chunks = [
      bad.slice(0, 5),
      bad.slice(5, 12),
      concat(bad.slice(12), PING_OK.slice(0, 3)),
      PING_OK.slice(3),
    ];
    expect(drive(new FrameDecoder(), chunks)).toEqual([
      { error: { errorCode: FRAME_SIZE_ERROR, streamId: 3, code: expect.any(String) } },
      PING_FRAME,
    ]);
  });

  it("codes are stable strings: the same rule gives the same code, different rules differ", () => {
    const code = (bytes: Uint8Array) => firstError(bytes).error.code;
    expect(code(rawFrame(T.PING, 0, 0, new Uint8Array(7)))).toBe(
      code(rawFrame(T.PING, 0, 0, new Uint8Array(9))),
    );
    expect(code(rawFrame(T.PING, 0, 0, new Uint8Array(7)))).not.toBe(
      code(rawFrame(T.PING, 0, 1, new Uint8Array(8))),
    );
  });
});

describe("maxFrameSize (RFC 9113 §4.2, §6.5.2 SETTINGS_MAX_FRAME_SIZE)", () => {
  const data = (n: number) => concat(frameHeader(n, T.DATA, 0, 1), new Uint8Array(n).fill(0x61));
  const ok = (decoder: FrameDecoder, n: number) => {
    const events = drive(decoder, [data(n)]);
    expect(events).toHaveLength(1);
    expect((events[0] as unknown as LooseFrame).data).toEqual(new Uint8Array(n).fill(0x61));
  };

  it("defaults to 16384: exactly 16384 decodes, 16385 is a connection FRAME_SIZE_ERROR", () => {
    ok(new FrameDecoder(), 16384);
    expectHttp2Error(firstError(data(16385)).error, { errorCode: FRAME_SIZE_ERROR, streamId: 0 });
  });

  it("the constructor option raises it", () => {
    ok(new FrameDecoder({ maxFrameSize: 1 << 20 }), 100_000);
    expectHttp2Error(firstError(data(100_001), { maxFrameSize: 100_000 }).error, {
      errorCode: FRAME_SIZE_ERROR,
      streamId: 0,
    });
  });

  it("setMaxFrameSize raises and lowers the limit between frames", () => {
    const decoder = new FrameDecoder();
    decoder.setMaxFrameSize(32768);
    ok(decoder, 20000);
    ok(decoder, 32768);
    decoder.setMaxFrameSize(16384);
    ok(decoder, 16384);
    expectHttp2Error(
      caught(() => drain(decoder, data(20000))),
      { errorCode: FRAME_SIZE_ERROR, streamId: 0 },
    );
  });

  it("a frame over the limit fails on its header, before its payload arrives", () => {
    const decoder = new FrameDecoder();
    expectHttp2Error(
      caught(() => drain(decoder, frameHeader(16385, T.DATA, 0, 1))),
      {
        errorCode: FRAME_SIZE_ERROR,
        streamId: 0,
      },
    );
  });
});

/** push(bytes) then push(empty): whatever frames come out, or the error thrown. */
function drain(decoder: FrameDecoder, bytes: Uint8Array): unknown[] {
  return [...decoder.push(bytes), ...decoder.push(EMPTY)];
}

/** The error `fn` throws; fails the test when it returns, unless `mayReturn` (then undefined). */
function caught(fn: () => unknown, mayReturn = false): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  if (mayReturn) return undefined;
  return expect.fail("expected an Http2Error, but the call returned normally");
}

describe("frames too small for their mandatory fields (RFC 9113 §4.2: FRAME_SIZE_ERROR, or §6.1's padding rule)", () => {
  // The RFC names FRAME_SIZE_ERROR for a frame "too small to contain mandatory frame data" and PROTOCOL_ERROR
  // for padding that does not fit; where both read on a frame, either code is accepted. Frames carrying a
  // field block "could alter the state of the entire connection" (§4.2): those must be connection errors.
  const EITHER = [PROTOCOL_ERROR, FRAME_SIZE_ERROR];
  const cases: Array<[string, Uint8Array, boolean]> = [
    ["DATA, PADDED, length 0 (no Pad Length octet)", rawFrame(T.DATA, 0x8, 1), false],
    ["HEADERS, PADDED, length 0", rawFrame(T.HEADERS, 0xc, 1), true],
    [
      "HEADERS, PRIORITY, length 4 (< 5 priority octets)",
      rawFrame(T.HEADERS, 0x24, 1, hex("00000000")),
      true,
    ],
    [
      "HEADERS, PADDED|PRIORITY, padding overlapping the priority fields",
      rawFrame(T.HEADERS, 0x2c, 1, hex("03 00000000 0f 00")),
      true,
    ],
    [
      "PUSH_PROMISE, length 3 (< 4 octets of Promised Stream ID)",
      rawFrame(T.PUSH_PROMISE, 0x4, 1, hex("000000")),
      true,
    ],
    [
      "PUSH_PROMISE, PADDED, padding overlapping the Promised Stream ID",
      rawFrame(T.PUSH_PROMISE, 0xc, 1, hex("03 00000002 82")),
      true,
    ],
    [
      "PRIORITY_UPDATE, length 3 (< 4 octets of Prioritized Stream ID)",
      rawFrame(T.PRIORITY_UPDATE, 0, 0, hex("000001")),
      true,
    ],
  ];
  it.each(cases)("%s", (_name, bytes, connection) => {
    const { error } = firstError(bytes);
    expect(error).toBeInstanceOf(Http2Error);
    expect(EITHER).toContain(error.errorCode);
    if (connection) expect(error.streamId).toBe(0);
    expect(error.code.length).toBeGreaterThan(0);
  });
});
