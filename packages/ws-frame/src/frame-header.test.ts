/** readFrameHeader: the RFC 6455 §5.7 examples, every length form, partial headers, and any encoded frame. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "./frame";
import { readFrameHeader } from "./frame-header";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

describe("readFrameHeader", () => {
  it("reads RFC 6455 §5.7's examples as written", () => {
    expect(readFrameHeader(hex("810548656c6c6f"))).toEqual({
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 1,
      masked: false,
      length: 5,
      lengthForm: 7,
      headerLength: 2,
      maskKey: undefined,
    });
    const masked = readFrameHeader(hex("818537fa213d7f9f4d5158"))!;
    expect([masked.masked, masked.length, masked.headerLength]).toEqual([true, 5, 6]);
    expect([...masked.maskKey!]).toEqual([0x37, 0xfa, 0x21, 0x3d]);
    const first = readFrameHeader(hex("010348656c"))!;
    expect([first.fin, first.opcode]).toEqual([false, 1]);
    const pong = readFrameHeader(hex("8a8537fa213d7f9f4d5158"))!;
    expect([pong.opcode, pong.masked]).toEqual([0x0a, true]);
    // 256 bytes of binary in one unmasked frame: 126 + 16 bits; 64 KiB: 127 + 64 bits.
    expect(readFrameHeader(hex("827e0100"))).toMatchObject({ length: 256, lengthForm: 16, headerLength: 4 });
    expect(readFrameHeader(hex("827f0000000000010000"))).toMatchObject({
      length: 65536,
      lengthForm: 64,
      headerLength: 10,
    });
  });

  it("returns null until the whole header is there, and reads at an offset", () => {
    const frame = hex("ff" + "82ff0000000000010000aabbccdd");
    for (let end = 1; end < 15; end++) expect(readFrameHeader(frame.subarray(0, end), 1)).toBeNull();
    expect(readFrameHeader(frame, 1)).toMatchObject({ masked: true, length: 65536, headerLength: 14 });
    expect([...readFrameHeader(frame, 1)!.maskKey!]).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
    expect(readFrameHeader(frame, -1)).toBeNull();
  });

  it("reports what the bytes say without judging them (reserved opcode, RSV bits, non-minimal length)", () => {
    expect(readFrameHeader(hex("7b7e0005"))).toMatchObject({
      fin: false,
      rsv1: true,
      rsv2: true,
      rsv3: true,
      opcode: 0x0b,
      length: 5,
      lengthForm: 16,
    });
  });

  it("agrees with encodeFrame for any frame, masked or not, with a copied key", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom(0, 1, 2, 8, 9, 10),
        fc.integer({ min: 0, max: 70_000 }),
        fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
        (fin, opcode, size, maskKey) => {
          const control = opcode >= 8;
          const length = control ? size % 126 : size;
          const bytes = encodeFrame(
            { fin: control ? true : fin, opcode, payload: new Uint8Array(length) },
            maskKey ? { maskKey } : {},
          );
          const info = readFrameHeader(bytes)!;
          expect(info.length).toBe(length);
          expect(info.headerLength + length).toBe(bytes.length);
          expect(info.lengthForm).toBe(length < 126 ? 7 : length < 65536 ? 16 : 64);
          expect(info.masked).toBe(maskKey !== undefined);
          if (maskKey) {
            expect([...info.maskKey!]).toEqual([...maskKey]);
            expect(info.maskKey!.buffer).not.toBe(bytes.buffer);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
