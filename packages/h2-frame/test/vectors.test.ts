/**
 * Hand-written wire vectors for every frame type of RFC 9113 §6 (plus PRIORITY_UPDATE, RFC 9218 §7.1, and
 * ORIGIN, RFC 8336 §2), every flag combination the RFC defines, and an unknown type (§4.1, §5.5).
 * Each vector is the 9-byte frame header laid out field by field, then the payload, in hex:
 *
 *   Length (24) | Type (8) | Flags (8) | R (1) + Stream Identifier (31) | Frame Payload (..)
 *
 * Each is fed whole, byte by byte and at random splits, must decode to exactly the frames listed, and
 * those frames must encode back to the same bytes.
 */
import { describe, expect, it } from "vitest";
import {
  CONNECTION_PREFACE,
  ErrorCode,
  encodeFrame,
  Flags,
  FrameDecoder,
  FrameType,
  SettingId,
} from "../src/index";
import {
  ascii,
  decodeAll,
  drive,
  encodeAll,
  type FrameInput,
  hex,
  type LooseFrame,
  splits,
  toHex,
} from "./helpers";

interface Vector {
  name: string;
  /** Where the layout lives. */
  section: string;
  hex: string;
  frames: LooseFrame[];
}

const b = (text: string) => hex(text);
/** :method GET, :scheme http, :path / (RFC 7541 Appendix A static indices 2, 6, 4): bytes, not decoded. */
const BLOCK = "828684";

const VECTORS: Vector[] = [
  // ---------------------------------------------------------------------------------------------- DATA
  {
    name: "DATA, no flags",
    section: "RFC 9113 §6.1",
    hex: `000005 00 00 00000001   # length 5, DATA, no flags, stream 1
          68656c6c6f              # "hello"`,
    frames: [{ type: 0x0, flags: 0, streamId: 1, data: ascii("hello"), endStream: false }],
  },
  {
    name: "DATA, END_STREAM",
    section: "RFC 9113 §6.1",
    hex: `000002 00 01 00000003   # length 2, DATA, END_STREAM, stream 3
          6869                    # "hi"`,
    frames: [{ type: 0x0, flags: 0x1, streamId: 3, data: ascii("hi"), endStream: true }],
  },
  {
    name: "DATA, empty, END_STREAM",
    section: "RFC 9113 §6.1",
    hex: `000000 00 01 00000001   # length 0, DATA, END_STREAM, stream 1`,
    frames: [{ type: 0x0, flags: 0x1, streamId: 1, data: new Uint8Array(0), endStream: true }],
  },
  {
    name: "DATA, PADDED",
    section: "RFC 9113 §6.1",
    hex: `000007 00 08 00000005   # length 7, DATA, PADDED, stream 5
          03                      # Pad Length 3
          616263                  # "abc"
          000000                  # padding`,
    frames: [{ type: 0x0, flags: 0x8, streamId: 5, data: ascii("abc"), endStream: false, padLength: 3 }],
  },
  {
    name: "DATA, PADDED|END_STREAM, Pad Length 0, no data",
    section: "RFC 9113 §6.1",
    hex: `000001 00 09 00000007   # length 1, DATA, PADDED|END_STREAM, stream 7
          00                      # Pad Length 0`,
    frames: [{ type: 0x0, flags: 0x9, streamId: 7, data: new Uint8Array(0), endStream: true, padLength: 0 }],
  },
  {
    name: "DATA, PADDED|END_STREAM, all padding",
    section: "RFC 9113 §6.1",
    hex: `000004 00 09 00000009   # length 4, DATA, PADDED|END_STREAM, stream 9
          03 000000               # Pad Length 3 = length - 1: no data at all`,
    frames: [{ type: 0x0, flags: 0x9, streamId: 9, data: new Uint8Array(0), endStream: true, padLength: 3 }],
  },
  {
    name: "DATA on the highest stream 2^31-1",
    section: "RFC 9113 §5.1.1",
    hex: `000001 00 00 7fffffff   # length 1, DATA, no flags, stream 2147483647
          2a`,
    frames: [{ type: 0x0, flags: 0, streamId: 0x7fffffff, data: b("2a"), endStream: false }],
  },
  // ------------------------------------------------------------------------------------------- HEADERS
  {
    name: "HEADERS, no flags, then CONTINUATION with END_HEADERS",
    section: "RFC 9113 §6.2, §6.10",
    hex: `000003 01 00 00000001   # length 3, HEADERS, no flags, stream 1
          828684                  # field block fragment
          000001 09 04 00000001   # length 1, CONTINUATION, END_HEADERS, stream 1
          87                      # rest of the field block`,
    frames: [
      { type: 0x1, flags: 0, streamId: 1, headerBlock: b(BLOCK), endStream: false, endHeaders: false },
      { type: 0x9, flags: 0x4, streamId: 1, headerBlock: b("87"), endHeaders: true },
    ],
  },
  {
    name: "HEADERS, END_STREAM, then CONTINUATION with END_HEADERS",
    section: "RFC 9113 §6.2, §6.10",
    hex: `000003 01 01 00000003   # length 3, HEADERS, END_STREAM, stream 3
          828684
          000002 09 04 00000003   # length 2, CONTINUATION, END_HEADERS, stream 3
          8788`,
    frames: [
      { type: 0x1, flags: 0x1, streamId: 3, headerBlock: b(BLOCK), endStream: true, endHeaders: false },
      { type: 0x9, flags: 0x4, streamId: 3, headerBlock: b("8788"), endHeaders: true },
    ],
  },
  {
    name: "HEADERS, END_HEADERS",
    section: "RFC 9113 §6.2",
    hex: `000003 01 04 00000001   # length 3, HEADERS, END_HEADERS, stream 1
          828684`,
    frames: [
      { type: 0x1, flags: 0x4, streamId: 1, headerBlock: b(BLOCK), endStream: false, endHeaders: true },
    ],
  },
  {
    name: "HEADERS, END_STREAM|END_HEADERS",
    section: "RFC 9113 §6.2",
    hex: `000003 01 05 00000005   # length 3, HEADERS, END_STREAM|END_HEADERS, stream 5
          828684`,
    frames: [
      { type: 0x1, flags: 0x5, streamId: 5, headerBlock: b(BLOCK), endStream: true, endHeaders: true },
    ],
  },
  {
    name: "HEADERS, PADDED|END_HEADERS",
    section: "RFC 9113 §6.2",
    hex: `000006 01 0c 00000007   # length 6, HEADERS, PADDED|END_HEADERS, stream 7
          02                      # Pad Length 2
          828684                  # field block fragment
          0000                    # padding`,
    frames: [
      {
        type: 0x1,
        flags: 0xc,
        streamId: 7,
        headerBlock: b(BLOCK),
        endStream: false,
        endHeaders: true,
        padLength: 2,
      },
    ],
  },
  {
    name: "HEADERS, PRIORITY|END_HEADERS, exclusive",
    section: "RFC 9113 §6.2",
    hex: `000008 01 24 00000009   # length 8, HEADERS, PRIORITY|END_HEADERS, stream 9
          80000003                # E=1, Stream Dependency 3
          0f                      # Weight 15 + 1 = 16
          828684`,
    frames: [
      {
        type: 0x1,
        flags: 0x24,
        streamId: 9,
        headerBlock: b(BLOCK),
        endStream: false,
        endHeaders: true,
        priority: { streamDependency: 3, exclusive: true, weight: 16 },
      },
    ],
  },
  {
    name: "HEADERS, PRIORITY|END_HEADERS, not exclusive, weight 1, dependency 2^31-1",
    section: "RFC 9113 §6.2",
    hex: `000008 01 24 0000000d   # length 8, HEADERS, PRIORITY|END_HEADERS, stream 13
          7fffffff                # E=0, Stream Dependency 2147483647
          00                      # Weight 0 + 1 = 1
          828684`,
    frames: [
      {
        type: 0x1,
        flags: 0x24,
        streamId: 13,
        headerBlock: b(BLOCK),
        endStream: false,
        endHeaders: true,
        priority: { streamDependency: 0x7fffffff, exclusive: false, weight: 1 },
      },
    ],
  },
  {
    name: "HEADERS, every flag: END_STREAM|END_HEADERS|PADDED|PRIORITY",
    section: "RFC 9113 §6.2",
    hex: `00000d 01 2d 0000000b   # length 13, HEADERS, 0x01|0x04|0x08|0x20, stream 11
          04                      # Pad Length 4
          00000000                # E=0, Stream Dependency 0
          ff                      # Weight 255 + 1 = 256
          828684                  # field block fragment
          00000000                # padding`,
    frames: [
      {
        type: 0x1,
        flags: 0x2d,
        streamId: 11,
        headerBlock: b(BLOCK),
        endStream: true,
        endHeaders: true,
        padLength: 4,
        priority: { streamDependency: 0, exclusive: false, weight: 256 },
      },
    ],
  },
  {
    name: "HEADERS, PADDED|PRIORITY, no END_HEADERS, then two CONTINUATIONs",
    section: "RFC 9113 §6.2, §6.10",
    hex: `000009 01 28 0000000f   # length 9, HEADERS, PADDED|PRIORITY, stream 15
          01                      # Pad Length 1
          80000001                # E=1, Stream Dependency 1
          07                      # Weight 8
          8286                    # field block fragment
          00                      # padding
          000000 09 00 0000000f   # length 0, CONTINUATION, no flags, stream 15 (empty fragment)
          000001 09 04 0000000f   # length 1, CONTINUATION, END_HEADERS, stream 15
          84`,
    frames: [
      {
        type: 0x1,
        flags: 0x28,
        streamId: 15,
        headerBlock: b("8286"),
        endStream: false,
        endHeaders: false,
        padLength: 1,
        priority: { streamDependency: 1, exclusive: true, weight: 8 },
      },
      { type: 0x9, flags: 0, streamId: 15, headerBlock: new Uint8Array(0), endHeaders: false },
      { type: 0x9, flags: 0x4, streamId: 15, headerBlock: b("84"), endHeaders: true },
    ],
  },
  // ------------------------------------------------------------------------------------------ PRIORITY
  {
    name: "PRIORITY, exclusive",
    section: "RFC 9113 §6.3",
    hex: `000005 02 00 00000003   # length 5, PRIORITY, stream 3
          80000001                # E=1, Stream Dependency 1
          c8                      # Weight 200 + 1 = 201`,
    frames: [
      { type: 0x2, flags: 0, streamId: 3, priority: { streamDependency: 1, exclusive: true, weight: 201 } },
    ],
  },
  {
    name: "PRIORITY, not exclusive",
    section: "RFC 9113 §6.3",
    hex: `000005 02 00 00000005   # length 5, PRIORITY, stream 5
          00000003                # E=0, Stream Dependency 3
          00                      # Weight 1`,
    frames: [
      { type: 0x2, flags: 0, streamId: 5, priority: { streamDependency: 3, exclusive: false, weight: 1 } },
    ],
  },
  // ---------------------------------------------------------------------------------------- RST_STREAM
  {
    name: "RST_STREAM, CANCEL",
    section: "RFC 9113 §6.4, §7",
    hex: `000004 03 00 00000001   # length 4, RST_STREAM, stream 1
          00000008                # CANCEL`,
    frames: [{ type: 0x3, flags: 0, streamId: 1, errorCode: 0x8 }],
  },
  {
    name: "RST_STREAM, an unknown error code (all 32 bits)",
    section: "RFC 9113 §7 (unknown codes MUST NOT trigger special behavior)",
    hex: `000004 03 00 00000003   # length 4, RST_STREAM, stream 3
          deadbeef                # error code 0xdeadbeef, unsigned`,
    frames: [{ type: 0x3, flags: 0, streamId: 3, errorCode: 0xdeadbeef }],
  },
  // ------------------------------------------------------------------------------------------ SETTINGS
  {
    name: "SETTINGS, every defined setting",
    section: "RFC 9113 §6.5, §6.5.2; RFC 8441 §3; RFC 9218 §2.1",
    hex: `000030 04 00 00000000   # length 48, SETTINGS, no flags, stream 0
          0001 00001000           # HEADER_TABLE_SIZE 4096
          0002 00000000           # ENABLE_PUSH 0
          0003 00000064           # MAX_CONCURRENT_STREAMS 100
          0004 0000ffff           # INITIAL_WINDOW_SIZE 65535
          0005 00004000           # MAX_FRAME_SIZE 16384
          0006 ffffffff           # MAX_HEADER_LIST_SIZE 2^32-1
          0008 00000001           # ENABLE_CONNECT_PROTOCOL 1
          0009 00000001           # NO_RFC7540_PRIORITIES 1`,
    frames: [
      {
        type: 0x4,
        flags: 0,
        streamId: 0,
        ack: false,
        settings: [
          [1, 4096],
          [2, 0],
          [3, 100],
          [4, 65535],
          [5, 16384],
          [6, 0xffffffff],
          [8, 1],
          [9, 1],
        ],
      },
    ],
  },
  {
    name: "SETTINGS at their limits, one id twice (processed in order)",
    section: "RFC 9113 §6.5.2, §6.5.3",
    hex: `00001e 04 00 00000000   # length 30, SETTINGS, stream 0
          0004 7fffffff           # INITIAL_WINDOW_SIZE 2^31-1 (the maximum)
          0005 00ffffff           # MAX_FRAME_SIZE 2^24-1 (the maximum)
          0002 00000001           # ENABLE_PUSH 1
          0001 00000000           # HEADER_TABLE_SIZE 0
          0001 00002000           # HEADER_TABLE_SIZE 8192 (the later value wins; both are kept in order)`,
    frames: [
      {
        type: 0x4,
        flags: 0,
        streamId: 0,
        ack: false,
        settings: [
          [4, 0x7fffffff],
          [5, 0xffffff],
          [2, 1],
          [1, 0],
          [1, 8192],
        ],
      },
    ],
  },
  {
    name: "SETTINGS, empty",
    section: "RFC 9113 §6.5",
    hex: `000000 04 00 00000000   # length 0, SETTINGS, no flags, stream 0`,
    frames: [{ type: 0x4, flags: 0, streamId: 0, ack: false, settings: [] }],
  },
  {
    name: "SETTINGS, ACK",
    section: "RFC 9113 §6.5",
    hex: `000000 04 01 00000000   # length 0, SETTINGS, ACK, stream 0`,
    frames: [{ type: 0x4, flags: 0x1, streamId: 0, ack: true, settings: [] }],
  },
  // -------------------------------------------------------------------------------------- PUSH_PROMISE
  {
    name: "PUSH_PROMISE, END_HEADERS",
    section: "RFC 9113 §6.6",
    hex: `000007 05 04 00000001   # length 7, PUSH_PROMISE, END_HEADERS, stream 1
          00000002                # R=0, Promised Stream ID 2
          828784                  # field block fragment`,
    frames: [
      { type: 0x5, flags: 0x4, streamId: 1, promisedStreamId: 2, headerBlock: b("828784"), endHeaders: true },
    ],
  },
  {
    name: "PUSH_PROMISE, PADDED|END_HEADERS",
    section: "RFC 9113 §6.6",
    hex: `000009 05 0c 00000003   # length 9, PUSH_PROMISE, PADDED|END_HEADERS, stream 3
          02                      # Pad Length 2
          00000004                # Promised Stream ID 4
          8287                    # field block fragment
          0000                    # padding`,
    frames: [
      {
        type: 0x5,
        flags: 0xc,
        streamId: 3,
        promisedStreamId: 4,
        headerBlock: b("8287"),
        endHeaders: true,
        padLength: 2,
      },
    ],
  },
  {
    name: "PUSH_PROMISE, no END_HEADERS, then CONTINUATION",
    section: "RFC 9113 §6.6, §6.10",
    hex: `000005 05 00 00000005   # length 5, PUSH_PROMISE, no flags, stream 5
          00000006                # Promised Stream ID 6
          82                      # field block fragment
          000001 09 04 00000005   # length 1, CONTINUATION, END_HEADERS, stream 5
          84`,
    frames: [
      { type: 0x5, flags: 0, streamId: 5, promisedStreamId: 6, headerBlock: b("82"), endHeaders: false },
      { type: 0x9, flags: 0x4, streamId: 5, headerBlock: b("84"), endHeaders: true },
    ],
  },
  // ---------------------------------------------------------------------------------------------- PING
  {
    name: "PING",
    section: "RFC 9113 §6.7",
    hex: `000008 06 00 00000000   # length 8, PING, no flags, stream 0
          0102030405060708        # Opaque Data`,
    frames: [{ type: 0x6, flags: 0, streamId: 0, ack: false, data: b("0102030405060708") }],
  },
  {
    name: "PING, ACK",
    section: "RFC 9113 §6.7",
    hex: `000008 06 01 00000000   # length 8, PING, ACK, stream 0
          fffefdfcfbfaf9f8        # Opaque Data`,
    frames: [{ type: 0x6, flags: 0x1, streamId: 0, ack: true, data: b("fffefdfcfbfaf9f8") }],
  },
  // -------------------------------------------------------------------------------------------- GOAWAY
  {
    name: "GOAWAY with debug data",
    section: "RFC 9113 §6.8",
    hex: `00000b 07 00 00000000   # length 11, GOAWAY, stream 0
          00000007                # R=0, Last-Stream-ID 7
          00000001                # PROTOCOL_ERROR
          627965                  # Additional Debug Data "bye"`,
    frames: [{ type: 0x7, flags: 0, streamId: 0, lastStreamId: 7, errorCode: 0x1, debugData: ascii("bye") }],
  },
  {
    name: "GOAWAY, no debug data, Last-Stream-ID 2^31-1",
    section: "RFC 9113 §6.8",
    hex: `000008 07 00 00000000   # length 8, GOAWAY, stream 0
          7fffffff                # Last-Stream-ID 2147483647
          00000000                # NO_ERROR`,
    frames: [
      {
        type: 0x7,
        flags: 0,
        streamId: 0,
        lastStreamId: 0x7fffffff,
        errorCode: 0,
        debugData: new Uint8Array(0),
      },
    ],
  },
  // ------------------------------------------------------------------------------------- WINDOW_UPDATE
  {
    name: "WINDOW_UPDATE on stream 0 (the connection), increment 2^31-1",
    section: "RFC 9113 §6.9",
    hex: `000004 08 00 00000000   # length 4, WINDOW_UPDATE, stream 0
          7fffffff                # R=0, Window Size Increment 2147483647`,
    frames: [{ type: 0x8, flags: 0, streamId: 0, windowSizeIncrement: 0x7fffffff }],
  },
  {
    name: "WINDOW_UPDATE on a stream",
    section: "RFC 9113 §6.9",
    hex: `000004 08 00 00000001   # length 4, WINDOW_UPDATE, stream 1
          000003e8                # Window Size Increment 1000`,
    frames: [{ type: 0x8, flags: 0, streamId: 1, windowSizeIncrement: 1000 }],
  },
  // ----------------------------------------------------------------------------------- PRIORITY_UPDATE
  {
    name: "PRIORITY_UPDATE",
    section: "RFC 9218 §7.1",
    hex: `00000a 10 00 00000000   # length 10, PRIORITY_UPDATE (0x10), stream 0
          00000001                # R=0, Prioritized Stream ID 1
          753d332c2069            # Priority Field Value "u=3, i"`,
    frames: [{ type: 0x10, flags: 0, streamId: 0, prioritizedStreamId: 1, priorityFieldValue: "u=3, i" }],
  },
  {
    name: "PRIORITY_UPDATE, empty field value",
    section: "RFC 9218 §7.1",
    hex: `000004 10 00 00000000   # length 4, PRIORITY_UPDATE, stream 0
          00000003                # Prioritized Stream ID 3, no Priority Field Value`,
    frames: [{ type: 0x10, flags: 0, streamId: 0, prioritizedStreamId: 3, priorityFieldValue: "" }],
  },
  // -------------------------------------------------------------------------------------------- ORIGIN
  {
    name: "ORIGIN with two origins",
    section: "RFC 8336 §2",
    hex: `000031 0c 00 00000000   # length 49, ORIGIN (0xc), stream 0
          0013 68747470733a2f2f6578616d706c652e636f6d
                                  # Origin-Len 19, "https://example.com"
          001a 68747470733a2f2f612e6578616d706c652e6f72673a38343433
                                  # Origin-Len 26, "https://a.example.org:8443"`,
    frames: [
      {
        type: 0xc,
        flags: 0,
        streamId: 0,
        origins: ["https://example.com", "https://a.example.org:8443"],
      },
    ],
  },
  {
    name: "ORIGIN, no entries",
    section: "RFC 8336 §2",
    hex: `000000 0c 00 00000000   # length 0, ORIGIN, stream 0`,
    frames: [{ type: 0xc, flags: 0, streamId: 0, origins: [] }],
  },
  // ------------------------------------------------------------------------------------------- unknown
  {
    name: "an unknown type (0x42) with flags, kept as payload",
    section: "RFC 9113 §4.1, §5.5",
    hex: `000005 42 5a 00000007   # length 5, type 0x42, flags 0x5a, stream 7
          68656c6c6f              # payload "hello"`,
    frames: [{ type: 0x42, flags: 0x5a, streamId: 7, payload: ascii("hello") }],
  },
  {
    name: "an unknown type (0xff), empty, on stream 0",
    section: "RFC 9113 §4.1, §5.5",
    hex: `000000 ff 00 00000000   # length 0, type 0xff, stream 0`,
    frames: [{ type: 0xff, flags: 0, streamId: 0, payload: new Uint8Array(0) }],
  },
];

describe("wire vectors", () => {
  describe.each(VECTORS)("$name ($section)", (v) => {
    const bytes = hex(v.hex);

    it.each(splits(bytes))("decodes fed %s", (_how, chunks) => {
      expect(decodeAll(chunks)).toEqual(v.frames);
    });

    it("encodes back to the same bytes", () => {
      expect(toHex(encodeAll(v.frames))).toBe(toHex(bytes));
    });

    it("re-encodes what it decoded to the same bytes", () => {
      const decoded = new FrameDecoder().push(bytes);
      expect(toHex(encodeAll(decoded))).toBe(toHex(bytes));
    });
  });

  it("decodes every vector back to back, whole and byte by byte, as the concatenation of their frames", () => {
    // Header blocks are complete within each vector, so any order is a valid sequence.
    const all = VECTORS.map((v) => hex(v.hex));
    const joined = new Uint8Array(all.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of all) {
      joined.set(a, at);
      at += a.length;
    }
    const want = VECTORS.flatMap((v) => v.frames);
    for (const [, chunks] of splits(joined)) expect(drive(new FrameDecoder(), chunks)).toEqual(want);
  });

  it("covers every frame type of the registry", () => {
    const covered = new Set(VECTORS.flatMap((v) => v.frames.map((f) => f.type)));
    for (const [name, type] of Object.entries(FrameType)) expect(covered.has(type), name).toBe(true);
  });

  it("does not change the caller's chunks", () => {
    for (const v of VECTORS) {
      const bytes = hex(v.hex);
      const copy = bytes.slice();
      const decoded = new FrameDecoder().push(bytes);
      encodeAll(decoded);
      expect(toHex(bytes), v.name).toBe(toHex(copy));
    }
  });
});

describe("reserved bits are ignored on receipt and sent as zero (RFC 9113 §4.1, §6.6, §6.8, §6.9)", () => {
  const cases: Array<[string, string, LooseFrame, string]> = [
    [
      "R bit of the stream identifier (§4.1)",
      `000001 00 00 80000001  # DATA, R=1, stream 1
       2a`,
      { type: 0x0, flags: 0, streamId: 1, data: b("2a"), endStream: false },
      "000001 00 00 00000001 2a",
    ],
    [
      "R bit of the promised stream id (§6.6)",
      `000005 05 04 00000001  # PUSH_PROMISE, END_HEADERS, stream 1
       80000002               # R=1, Promised Stream ID 2
       82`,
      { type: 0x5, flags: 0x4, streamId: 1, promisedStreamId: 2, headerBlock: b("82"), endHeaders: true },
      "000005 05 04 00000001 00000002 82",
    ],
    [
      "R bit of the Last-Stream-ID (§6.8)",
      `000008 07 00 00000000  # GOAWAY
       80000007               # R=1, Last-Stream-ID 7
       00000000`,
      { type: 0x7, flags: 0, streamId: 0, lastStreamId: 7, errorCode: 0, debugData: new Uint8Array(0) },
      "000008 07 00 00000000 00000007 00000000",
    ],
    [
      "R bit of the Window Size Increment (§6.9)",
      `000004 08 00 00000003  # WINDOW_UPDATE, stream 3
       800003e8               # R=1, increment 1000`,
      { type: 0x8, flags: 0, streamId: 3, windowSizeIncrement: 1000 },
      "000004 08 00 00000003 000003e8",
    ],
    [
      "R bit of the Prioritized Stream ID (RFC 9218 §7.1)",
      `000005 10 00 00000000  # PRIORITY_UPDATE
       80000005               # R=1, Prioritized Stream ID 5
       69                     # "i"`,
      { type: 0x10, flags: 0, streamId: 0, prioritizedStreamId: 5, priorityFieldValue: "i" },
      "000005 10 00 00000000 00000005 69",
    ],
  ];
  it.each(cases)("%s", (_name, wire, frame, resent) => {
    expect(decodeAll(hex(wire))).toEqual([frame]);
    expect(toHex(encodeFrame(frame as FrameInput))).toBe(toHex(hex(resent)));
  });
});

describe("flags no frame type defines are ignored on receipt (RFC 9113 §4.1) and kept as on the wire", () => {
  it("DATA with every undefined bit set still means only what END_STREAM/PADDED say", () => {
    // 0xf6 = every bit except END_STREAM (0x1) and PADDED (0x8).
    expect(decodeAll(hex("000002 00 f6 00000001 6869"))).toEqual([
      { type: 0x0, flags: 0xf6, streamId: 1, data: ascii("hi"), endStream: false },
    ]);
  });

  it("PING with undefined bits and no ACK is not an ACK", () => {
    expect(decodeAll(hex("000008 06 fe 00000000 0000000000000000"))).toEqual([
      { type: 0x6, flags: 0xfe, streamId: 0, ack: false, data: new Uint8Array(8) },
    ]);
  });

  it("SETTINGS with an unknown identifier: ignored, not an error (§6.5.2)", () => {
    const events = decodeAll(hex("00000c 04 00 00000000 00ff 00000007 0003 00000010"));
    expect(events).toHaveLength(1);
    const frame = events[0] as unknown as LooseFrame;
    expect(frame.type).toBe(0x4);
    const known = (frame.settings as Array<[number, number]>).filter(([id]) => id !== 0xff);
    expect(known).toEqual([[3, 16]]);
  });
});

describe("registries carry the RFC numbers", () => {
  it("FrameType (RFC 9113 §6, RFC 8336, RFC 9218)", () => {
    expect({ ...FrameType }).toMatchObject({
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
    });
  });

  it("Flags (RFC 9113 §6)", () => {
    expect({ ...Flags }).toMatchObject({
      END_STREAM: 0x1,
      ACK: 0x1,
      END_HEADERS: 0x4,
      PADDED: 0x8,
      PRIORITY: 0x20,
    });
  });

  it("ErrorCode (RFC 9113 §7)", () => {
    expect({ ...ErrorCode }).toMatchObject({
      NO_ERROR: 0x0,
      PROTOCOL_ERROR: 0x1,
      INTERNAL_ERROR: 0x2,
      FLOW_CONTROL_ERROR: 0x3,
      SETTINGS_TIMEOUT: 0x4,
      STREAM_CLOSED: 0x5,
      FRAME_SIZE_ERROR: 0x6,
      REFUSED_STREAM: 0x7,
      CANCEL: 0x8,
      COMPRESSION_ERROR: 0x9,
      CONNECT_ERROR: 0xa,
      ENHANCE_YOUR_CALM: 0xb,
      INADEQUATE_SECURITY: 0xc,
      HTTP_1_1_REQUIRED: 0xd,
    });
  });

  it("SettingId (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1)", () => {
    expect({ ...SettingId }).toMatchObject({
      HEADER_TABLE_SIZE: 1,
      ENABLE_PUSH: 2,
      MAX_CONCURRENT_STREAMS: 3,
      INITIAL_WINDOW_SIZE: 4,
      MAX_FRAME_SIZE: 5,
      MAX_HEADER_LIST_SIZE: 6,
      ENABLE_CONNECT_PROTOCOL: 8,
      NO_RFC7540_PRIORITIES: 9,
    });
  });

  it("CONNECTION_PREFACE is the 24 octets of §3.4", () => {
    expect(CONNECTION_PREFACE).toBeInstanceOf(Uint8Array);
    expect(toHex(CONNECTION_PREFACE)).toBe("505249202a20485454502f322e300d0a0d0a534d0d0a0d0a");
    expect(new TextDecoder().decode(CONNECTION_PREFACE)).toBe("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  });
});
