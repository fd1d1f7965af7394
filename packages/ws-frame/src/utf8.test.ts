import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WsFrameError } from "./errors";
import { Utf8Stream } from "./utf8";

const reference = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** What a fatal TextDecoder says: the string, or null for invalid. */
function expected(bytes: Uint8Array): string | null {
  try {
    return reference.decode(bytes);
  } catch {
    return null;
  }
}

function actual(bytes: Uint8Array): string | null {
  try {
    return new Utf8Stream().decode(bytes, true);
  } catch (e) {
    expect(e).toBeInstanceOf(WsFrameError);
    expect((e as WsFrameError).wireCode).toBe(1007);
    return null;
  }
}

describe("Utf8Stream", () => {
  it.each([
    ["ASCII", "48656c6c6f"],
    ["2-byte", "c3a9"],
    ["3-byte", "e282ac"],
    ["4-byte", "f09f9a80"],
    ["BOM kept", "efbbbf41"],
    ["U+10FFFF", "f48fbfbf"],
    ["overlong C0 AF", "c0af"],
    ["overlong E0 80 AF", "e080af"],
    ["overlong F0 80 80 AF", "f08080af"],
    ["surrogate ED A0 80", "eda080"],
    ["past U+10FFFF: F4 90 80 80", "f4908080"],
    ["F5 lead", "f5808080"],
    ["lone continuation", "80"],
    ["truncated 3-byte", "e282"],
    ["truncated 4-byte at the end", "41f09f9a"],
  ])("%s agrees with a fatal TextDecoder", (_name, bytes) => {
    expect(actual(hex(bytes))).toBe(expected(hex(bytes)));
  });

  it("agrees with a fatal TextDecoder on arbitrary bytes, short and long", () => {
    const nearUtf8 = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 0x7f }),
          fc.integer({ min: 0x80, max: 0xbf }),
          fc.integer({ min: 0xc0, max: 0xff }),
        ),
        {
          maxLength: 300,
        },
      )
      .map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          nearUtf8,
          fc.string({ unit: "grapheme", maxLength: 100 }).map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          expect(actual(bytes)).toBe(expected(bytes));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it("decodes pieces incrementally and equals the whole, under any split", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), fc.nat(400), (text, cut) => {
        const bytes = new TextEncoder().encode(text);
        const at = cut % (bytes.length + 1);
        const s = new Utf8Stream();
        expect(s.decode(bytes.subarray(0, at), false) + s.decode(bytes.subarray(at), true)).toBe(text);
      }),
    );
  });

  it("fails fast: the invalid byte fails its piece before the message ends", () => {
    const s = new Utf8Stream();
    expect(s.decode(hex("48656c"), false)).toBe("Hel");
    expect(() => s.decode(hex("eda0"), false)).toThrow(WsFrameError); // ED A0: a surrogate, already invalid
  });
});
