import fc from "fast-check";
import { describe, expect, it } from "vitest";
import vectors from "../test/fixtures/rfc6455-5.7.json";
import { WsFrameError } from "./errors";
import { encodeFrame, type Frame } from "./frame";
import { FrameDecoder } from "./frame-decoder";
import { mask } from "./mask";
import { Opcode } from "./opcode";

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const text = (s: string) => new TextEncoder().encode(s);
const V = vectors.rfc6455_5_7;
const KEY = hex("37fa213d");

/** Feeds `bytes` whole, byte by byte, and at the given split points; all three must agree. */
function decodeAllWays(role: "client" | "server", bytes: Uint8Array, splits: number[] = []): Frame[] {
  const whole = new FrameDecoder({ role }).push(bytes);
  const bytewise: Frame[] = [];
  const d1 = new FrameDecoder({ role });
  for (let i = 0; i < bytes.length; i++) bytewise.push(...d1.push(bytes.subarray(i, i + 1)));
  const split: Frame[] = [];
  const d2 = new FrameDecoder({ role });
  let prev = 0;
  for (const s of [...new Set(splits)].sort((a, b) => a - b)) {
    split.push(...d2.push(bytes.subarray(prev, s)));
    prev = s;
  }
  split.push(...d2.push(bytes.subarray(prev)));
  expect(bytewise).toEqual(whole);
  expect(split).toEqual(whole);
  return whole;
}

describe("RFC 6455 §5.7 examples", () => {
  const cases: Array<[string, string, "client" | "server", Partial<Frame>]> = [
    [
      "A single-frame unmasked text message",
      V.unmasked_text_hello,
      "client",
      { opcode: 1, fin: true, masked: false, payload: text("Hello") },
    ],
    [
      "A single-frame masked text message",
      V.masked_text_hello,
      "server",
      { opcode: 1, fin: true, masked: true, payload: text(V.masked_text_hello_unmasked_payload) },
    ],
    ["Unmasked Ping request", V.unmasked_ping_hello, "client", { opcode: 9, payload: text("Hello") }],
    [
      "Masked Pong response",
      V.masked_pong_hello,
      "server",
      { opcode: 0xa, masked: true, payload: text("Hello") },
    ],
  ];
  it.each(cases)("%s: decodes whole, byte by byte and at random splits", (_name, wire, role, want) => {
    const bytes = hex(wire);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 4 }), (splits) => {
        const frames = decodeAllWays(role, bytes, splits);
        expect(frames).toHaveLength(1);
        expect(frames[0]).toMatchObject(want);
      }),
      { numRuns: 50 },
    );
  });

  it.each(cases)("%s: encodes byte for byte", (_name, wire, role, want) => {
    const frame = encodeFrame(
      { opcode: want.opcode!, payload: want.payload! },
      role === "server" ? { maskKey: KEY } : {},
    );
    expect(frame).toEqual(hex(wire));
  });

  it("A fragmented unmasked text message", () => {
    const bytes = hex(V.fragmented_text.join(""));
    const frames = decodeAllWays("client", bytes, [3, 5, 7]);
    expect(frames.map((f) => [f.fin, f.opcode, new TextDecoder().decode(f.payload)])).toEqual([
      [false, Opcode.TEXT, "Hel"],
      [true, Opcode.CONTINUATION, "lo"],
    ]);
    expect(encodeFrame({ fin: false, opcode: 1, payload: text("Hel") })).toEqual(hex(V.fragmented_text[0]!));
    expect(encodeFrame({ opcode: 0, payload: text("lo") })).toEqual(hex(V.fragmented_text[1]!));
  });

  it("256 bytes and 64 KiB binary messages in a single unmasked frame", () => {
    const p256 = new Uint8Array(256).fill(0xab);
    expect(encodeFrame({ opcode: 2, payload: p256 }).subarray(0, 4)).toEqual(hex(V.binary_256_header));
    const p64k = new Uint8Array(65536).map((_, i) => i);
    const wire = encodeFrame({ opcode: 2, payload: p64k });
    expect(wire.subarray(0, 10)).toEqual(hex(V.binary_65536_header));
    const [frame] = decodeAllWays("client", wire, [1, 5, 9, 10, 40000]);
    expect(frame!.payload).toEqual(p64k);
  });
});

describe("mask", () => {
  const naive = (data: Uint8Array, key: Uint8Array, offset: number) =>
    data.map((b, i) => b ^ key[(offset + i) & 3]!);

  it("is RFC 6455 §5.3's XOR, at any alignment, length and starting offset", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.nat(7),
        fc.nat(3),
        (bytes, key, shift, offset) => {
          const buffer = new Uint8Array(bytes.length + 8);
          const view = buffer.subarray(shift, shift + bytes.length);
          view.set(bytes);
          mask(view, key, offset);
          expect(view).toEqual(naive(bytes, key, offset));
          expect(buffer.subarray(0, shift).every((b) => b === 0)).toBe(true); // nothing outside touched
        },
      ),
    );
  });

  it("resumes mid-payload: masking in pieces equals masking at once", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.nat(500), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const whole = mask(bytes.slice(), KEY);
        const a = mask(bytes.slice(0, at), KEY, 0);
        const b = mask(bytes.slice(at), KEY, at);
        expect([...a, ...b]).toEqual([...whole]);
      }),
    );
  });
});

describe("encodeFrame / FrameDecoder", () => {
  const frameArb = fc
    .record({
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      rsv2: fc.boolean(),
      rsv3: fc.boolean(),
      opcode: fc.constantFrom(0, 1, 2, 8, 9, 10),
      payload: fc.oneof(
        fc.uint8Array({ maxLength: 125 }),
        fc.uint8Array({ minLength: 126, maxLength: 70000 }),
      ),
    })
    .map((f) => (f.opcode >= 8 ? { ...f, fin: true, payload: f.payload.subarray(0, 125) } : f));

  it("round-trips arbitrary frames, masked and unmasked, under any split", () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        (frames, masked, cuts) => {
          const wire = frames.map((f) => encodeFrame(f, masked ? { maskKey: KEY } : {}));
          const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
          let o = 0;
          for (const w of wire) {
            all.set(w, o);
            o += w.length;
          }
          const decoded = decodeAllWays(
            masked ? "server" : "client",
            all,
            cuts.map((c) => c % (all.length + 1)),
          );
          expect(decoded).toEqual(frames.map((f) => ({ ...f, masked, payload: f.payload })));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("never changes the caller's payload when masking", () => {
    const payload = text("keep me");
    encodeFrame({ opcode: 1, payload }, { maskKey: KEY });
    expect(payload).toEqual(text("keep me"));
  });

  it.each([
    ["reserved opcode 0x3", "8300", "WS_INVALID_OPCODE", 1002],
    ["reserved control opcode 0xB", "8b00", "WS_INVALID_OPCODE", 1002],
    ["fragmented ping", "0900", "WS_CONTROL_FRAGMENTED", 1002],
    ["ping of 126 bytes", "897e007e", "WS_CONTROL_TOO_LONG", 1002],
    ["16-bit length that fits 7 bits", "827e007d", "WS_NON_MINIMAL_LENGTH", 1002],
    ["64-bit length that fits 16 bits", "827f000000000000ffff", "WS_NON_MINIMAL_LENGTH", 1002],
    ["64-bit length with the top bit set", "827f8000000000000000", "WS_LENGTH_TOO_LARGE", 1002],
    ["masked frame to a client", "828000000000", "WS_MASKED_FRAME", 1002],
  ])("rejects %s with %s (%i)", (_name, wire, code, wireCode) => {
    const decoder = new FrameDecoder({ role: "client" });
    const err = (() => {
      try {
        decoder.push(hex(wire));
      } catch (e) {
        return e as WsFrameError;
      }
    })();
    expect(err).toBeInstanceOf(WsFrameError);
    expect([err!.code, err!.wireCode]).toEqual([code, wireCode]);
    expect(() => decoder.push(new Uint8Array(1))).toThrow(err!); // stays failed
  });

  it("rejects unmasked frames at a server, and oversize frames as soon as the header arrives", () => {
    expect(() => new FrameDecoder({ role: "server" }).push(hex("8100"))).toThrow(
      expect.objectContaining({ code: "WS_UNMASKED_FRAME", wireCode: 1002 }),
    );
    expect(() => new FrameDecoder({ role: "client", maxFramePayload: 1000 }).push(hex("827e03e9"))).toThrow(
      expect.objectContaining({ code: "WS_FRAME_TOO_LARGE", wireCode: 1009 }),
    );
  });

  it("fails fast on the second byte, before the extended length", () => {
    expect(() => new FrameDecoder({ role: "client" }).push(hex("897f"))).toThrow(
      expect.objectContaining({ code: "WS_CONTROL_TOO_LONG" }),
    );
  });

  it("turns arbitrary bytes into frames or a WsFrameError, never another exception", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom("client" as const, "server" as const),
        (bytes, role) => {
          try {
            new FrameDecoder({ role, maxFramePayload: 1 << 16 }).push(bytes);
          } catch (e) {
            if (!(e instanceof WsFrameError)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("refuses to encode what no endpoint may send", () => {
    expect(() => encodeFrame({ opcode: 9, fin: false })).toThrow(WsFrameError);
    expect(() => encodeFrame({ opcode: 9, payload: new Uint8Array(126) })).toThrow(WsFrameError);
    expect(() => encodeFrame({ opcode: 16 })).toThrow(WsFrameError);
    expect(() => encodeFrame({ opcode: 1 }, { maskKey: new Uint8Array(3) })).toThrow(WsFrameError);
  });
});
