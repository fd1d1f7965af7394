import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Http2Error } from "./errors";
import { encodeFrame, type Frame, type FrameInit, isFrameType } from "./frame";
import { FrameDecoder } from "./frame-decoder";
import { ErrorCode, Flags, FrameType } from "./registries";

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, "").match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
function caught(fn: () => unknown): Http2Error {
  try {
    fn();
  } catch (e) {
    if (e instanceof Http2Error) return e;
    throw e;
  }
  throw new Error("expected an Http2Error");
}

describe("encodeFrame / FrameDecoder", () => {
  it("lays out a padded DATA frame with END_STREAM byte for byte (§6.1) and decodes it back", () => {
    const wire = encodeFrame({
      type: FrameType.DATA,
      streamId: 1,
      data: hex("68656c6c6f"),
      endStream: true,
      padLength: 2,
    });
    // Length 8, type 0, flags PADDED|END_STREAM, stream 1 | Pad Length 2, "hello", 2 zero octets
    expect(wire).toEqual(hex("000008 00 09 00000001 02 68656c6c6f 0000"));
    expect(new FrameDecoder().push(wire)).toEqual([
      { type: 0, flags: 0x09, streamId: 1, data: hex("68656c6c6f"), endStream: true, padLength: 2 },
    ]);
  });

  const frames: fc.Arbitrary<FrameInit> = fc.oneof(
    fc.record({
      type: fc.constant(FrameType.DATA),
      streamId: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      data: fc.uint8Array({ maxLength: 300 }),
      endStream: fc.boolean(),
    }),
    fc.record({
      type: fc.constant(FrameType.HEADERS),
      streamId: fc.integer({ min: 1, max: 99 }),
      headerBlock: fc.uint8Array({ maxLength: 100 }),
      endStream: fc.boolean(),
      endHeaders: fc.constant(true),
      padLength: fc.integer({ min: 0, max: 255 }),
    }),
    fc.record({
      type: fc.constant(FrameType.SETTINGS),
      streamId: fc.constant(0),
      ack: fc.constant(false),
      settings: fc.array(fc.tuple(fc.integer({ min: 10, max: 0xffff }), fc.nat()), { maxLength: 5 }),
    }),
    fc.record({
      type: fc.constant(FrameType.PING),
      streamId: fc.constant(0),
      ack: fc.boolean(),
      data: fc.uint8Array({ minLength: 8, maxLength: 8 }),
    }),
    fc.record({
      type: fc.constant(FrameType.GOAWAY),
      streamId: fc.constant(0),
      lastStreamId: fc.nat(2 ** 31 - 1),
      errorCode: fc.nat(),
      debugData: fc.uint8Array({ maxLength: 20 }),
    }),
    fc.record({
      type: fc.constant(FrameType.WINDOW_UPDATE),
      streamId: fc.nat(1000),
      windowSizeIncrement: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    }),
    fc.record({
      type: fc.constant(FrameType.RST_STREAM),
      streamId: fc.integer({ min: 1, max: 1000 }),
      errorCode: fc.nat(13),
    }),
    fc.record({
      type: fc.constantFrom(0x20, 0xfe),
      streamId: fc.nat(1000),
      payload: fc.uint8Array({ maxLength: 40 }),
    }),
  );

  it("round-trips arbitrary frames under any split, and re-encodes them to the same bytes", () => {
    fc.assert(
      fc.property(
        fc.array(frames, { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (list, cuts) => {
          const wire = join(...list.map((f) => encodeFrame(f)));
          const decoder = new FrameDecoder();
          const got: Frame[] = [];
          let prev = 0;
          for (const cut of [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b)) {
            got.push(...decoder.push(wire.subarray(prev, cut)));
            prev = cut;
          }
          got.push(...decoder.push(wire.subarray(prev)));
          expect(got).toHaveLength(list.length);
          expect(join(...got.map((f) => encodeFrame(f)))).toEqual(wire);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("returns frames before an error first, then throws it; a stream error lets decoding go on", () => {
    const ok = encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) });
    const badPriority = hex("000004 02 00 00000003 00000000"); // PRIORITY of 4 octets: stream error
    const after = encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId: 0, windowSizeIncrement: 5 });
    const decoder = new FrameDecoder();
    expect(decoder.push(join(ok, badPriority, after))).toHaveLength(1);
    const error = caught(() => decoder.push(new Uint8Array(0)));
    expect([error.code, error.errorCode, error.streamId]).toEqual([
      "H2_PRIORITY_LENGTH",
      ErrorCode.FRAME_SIZE_ERROR,
      3,
    ]);
    expect(decoder.push(new Uint8Array(0))).toEqual([
      { type: 8, flags: 0, streamId: 0, windowSizeIncrement: 5 },
    ]);
  });

  it("hands the decoded HEADERS to a self-dependency stream error, so its header block can still be decompressed (§4.3)", () => {
    const wire = encodeFrame({
      type: FrameType.HEADERS,
      streamId: 5,
      headerBlock: hex("8286"),
      endStream: true,
      endHeaders: true,
      priority: { streamDependency: 5, exclusive: false, weight: 16 },
    });
    const error = caught(() => new FrameDecoder().push(wire));
    expect([error.code, error.streamId]).toEqual(["H2_SELF_DEPENDENCY", 5]);
    expect(error.frame).toMatchObject({ type: FrameType.HEADERS, streamId: 5, headerBlock: hex("8286") });
  });

  it("narrows frames by type with isFrameType", () => {
    const [frame] = new FrameDecoder().push(
      encodeFrame({ type: FrameType.PING, streamId: 0, ack: true, data: new Uint8Array(8) }),
    );
    expect(isFrameType(frame!, FrameType.PING) && frame.ack).toBe(true);
    expect(isFrameType(frame!, FrameType.SETTINGS)).toBe(false);
  });

  it("fails an oversize frame from its header alone, and stays failed after a connection error", () => {
    const decoder = new FrameDecoder();
    const error = caught(() => decoder.push(hex("004001 00 00 00000001")));
    expect([error.errorCode, error.streamId]).toEqual([ErrorCode.FRAME_SIZE_ERROR, 0]);
    expect(() => decoder.push(new Uint8Array(1))).toThrow(error);
    const bigger = new FrameDecoder({ maxFrameSize: 20_000 });
    expect(
      bigger.push(encodeFrame({ type: 0, streamId: 1, data: new Uint8Array(16_385), endStream: false })),
    ).toHaveLength(1);
  });

  it("requires a header block to be contiguous (§4.3, §6.10)", () => {
    const open = encodeFrame({
      type: FrameType.HEADERS,
      streamId: 1,
      headerBlock: hex("82"),
      endStream: false,
      endHeaders: false,
    });
    const ping = encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data: new Uint8Array(8) });
    const decoder = new FrameDecoder();
    expect(decoder.push(open)).toHaveLength(1);
    expect(caught(() => decoder.push(ping)).code).toBe("H2_CONTINUATION_EXPECTED");
    const cont = encodeFrame({
      type: FrameType.CONTINUATION,
      streamId: 1,
      headerBlock: hex("84"),
      endHeaders: true,
    });
    expect(caught(() => new FrameDecoder().push(cont)).code).toBe("H2_CONTINUATION_UNEXPECTED");
    expect(new FrameDecoder().push(join(open, cont)).map((f) => f.flags & Flags.END_HEADERS)).toEqual([0, 4]);
  });

  it("turns arbitrary bytes into frames or an Http2Error, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const decoder = new FrameDecoder();
        for (let i = 0; i < 4; i++) {
          try {
            decoder.push(i === 0 ? bytes : new Uint8Array(0));
          } catch (e) {
            if (!(e instanceof Http2Error)) throw e;
            if (e.streamId === 0) break;
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
