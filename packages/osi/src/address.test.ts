import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6, formatMac, ipVersionOf, parseIPv4, parseIPv6, parseMac } from "./address";
import { OsiError } from "./errors";
import { hex } from "./test-utils";

function expectBadAddress(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OsiError);
    expect((error as OsiError).code).toBe("OSI_BAD_ADDRESS");
    return;
  }
  throw new Error("expected OSI_BAD_ADDRESS");
}

describe("MAC addresses", () => {
  it.each([
    ["00:1a:2b:3c:4d:5e", "001a2b3c4d5e"],
    ["00-1A-2B-3C-4D-5E", "001a2b3c4d5e"],
    ["ff:ff:ff:ff:ff:ff", "ffffffffffff"],
  ])("parses %s", (text, bytes) => {
    expect(parseMac(text)).toEqual(hex(bytes));
  });

  it("formats lowercase with colons, at an offset", () => {
    expect(formatMac(hex("99 00 1A 2B 3C 4D 5E"), 1)).toBe("00:1a:2b:3c:4d:5e");
  });

  it.each([
    "",
    "00:1a:2b:3c:4d",
    "00:1a:2b:3c:4d:5e:6f",
    "00:1a-2b:3c:4d:5e",
    "0:1a:2b:3c:4d:5e",
    "00:1a:2b:3c:4d:5g",
  ])("rejects %j", (text) => expectBadAddress(() => parseMac(text)));

  it("rejects too few bytes to format", () => {
    expectBadAddress(() => formatMac(new Uint8Array(6), 1));
  });

  it("round-trips random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (b) => {
        expect(parseMac(formatMac(b))).toEqual(b);
      }),
    );
  });
});

describe("IPv4 addresses", () => {
  it.each([
    ["192.0.2.1", [192, 0, 2, 1]],
    ["0.0.0.0", [0, 0, 0, 0]],
    ["255.255.255.255", [255, 255, 255, 255]],
    ["10.100.0.9", [10, 100, 0, 9]],
  ])("parses %s", (text, bytes) => {
    expect(parseIPv4(text)).toEqual(Uint8Array.from(bytes));
  });

  it.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.04",
    "1..2.3",
    " 1.2.3.4",
    "1.2.3.4 ",
    "0x1.2.3.4",
    "-1.2.3.4",
  ])("rejects %j", (text) => expectBadAddress(() => parseIPv4(text)));

  it("formats at an offset and rejects a short buffer", () => {
    expect(formatIPv4(Uint8Array.from([9, 192, 168, 0, 1]), 1)).toBe("192.168.0.1");
    expectBadAddress(() => formatIPv4(new Uint8Array(3)));
  });

  it("round-trips random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
        expect(parseIPv4(formatIPv4(b))).toEqual(b);
      }),
    );
  });
});

describe("IPv6 addresses", () => {
  it.each([
    ["2001:db8::1", "20010db8000000000000000000000001"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "20010db8000000000000000000000001"],
    ["::", "00000000000000000000000000000000"],
    ["::1", "00000000000000000000000000000001"],
    ["fe80::", "fe800000000000000000000000000000"],
    ["::ffff:192.0.2.1", "00000000000000000000ffffc0000201"],
    ["64:ff9b::198.51.100.7", "0064ff9b0000000000000000c6336407"],
    ["1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"],
    ["1:2:3:4:5:6:7::", "00010002000300040005000600070000"],
    ["::2:3:4:5:6:7:8", "00000002000300040005000600070008"],
  ])("parses %s", (text, bytes) => {
    expect(parseIPv6(text)).toEqual(hex(bytes));
  });

  it.each([
    "",
    ":",
    ":::",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "1:::2",
    ":1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:",
    "12345::",
    "g::",
    "1:2:3:4:5:6:7::8",
    "::1.2.3.4:5",
    "1.2.3.4::",
    "::1.2.3",
    "::01.2.3.4",
    "fe80::1%eth0",
    "2001:db8::/32",
    "1:2:3:4:5:6:7:1.2.3.4",
  ])("rejects %j", (text) => expectBadAddress(() => parseIPv6(text)));

  // RFC 5952 §4 rules, each with the example or situation the RFC gives.
  it.each([
    ["§4.1 leading zeros suppressed", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["§4.2.1 longest run compressed", "2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
    ["§4.2.2 a single zero group is not compressed", "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["§4.2.3 the longer run wins", "2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["§4.2.3 the first run wins a tie", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["§4.3 lowercase", "2001:DB8::AAAA", "2001:db8::aaaa"],
    ["unspecified", "0:0:0:0:0:0:0:0", "::"],
    ["trailing run", "fe80:0:0:0:0:0:0:0", "fe80::"],
    ["mapped IPv4 in hex (no §5 mixed notation)", "::ffff:192.0.2.1", "::ffff:c000:201"],
  ])("formats per RFC 5952 %s", (_rule, input, expected) => {
    expect(formatIPv6(parseIPv6(input))).toBe(expected);
  });

  it("formats at an offset and rejects a short buffer", () => {
    const b = new Uint8Array(17);
    b[16] = 1;
    expect(formatIPv6(b, 1)).toBe("::1");
    expectBadAddress(() => formatIPv6(b, 2));
  });

  it("round-trips random bytes, also with many zero groups", () => {
    const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => {
        const out = new Uint8Array(16);
        g.forEach((v, i) => {
          out[2 * i] = v >>> 8;
          out[2 * i + 1] = v & 0xff;
        });
        return out;
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const text = formatIPv6(b);
        expect(parseIPv6(text)).toEqual(b);
        expect(text).toBe(text.toLowerCase());
        expect(text).not.toMatch(/(^|:)0[0-9a-f]/);
      }),
    );
  });
});

describe("ipVersionOf", () => {
  it("tells IPv4 from IPv6", () => {
    expect(ipVersionOf("192.0.2.1")).toBe(4);
    expect(ipVersionOf("2001:db8::1")).toBe(6);
    expect(ipVersionOf("::ffff:192.0.2.1")).toBe(6);
  });

  it.each(["", "example.com", "1.2.3.256", "2001:db8:::1", "01.2.3.4"])("rejects %j", (text) =>
    expectBadAddress(() => ipVersionOf(text)),
  );

  it("arbitrary strings give 4, 6 or OSI_BAD_ADDRESS", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.%-/ g") }), (s) => {
        try {
          expect([4, 6]).toContain(ipVersionOf(s));
        } catch (error) {
          expect(error).toBeInstanceOf(OsiError);
        }
      }),
    );
  });
});
