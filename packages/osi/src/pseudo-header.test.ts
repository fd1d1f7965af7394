import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6 } from "./address";
import { onesComplementSum } from "./checksum";
import { pseudoHeaderSum } from "./pseudo-header";
import { expectCode } from "./test-utils";

describe("pseudoHeaderSum", () => {
  it("IPv4 (RFC 768): c0a8 0001 c0a8 00c7 0011 005f sums to 8289", () => {
    expect(pseudoHeaderSum({ source: "192.168.0.1", destination: "192.168.0.199" }, 17, 95)).toBe(0x8289);
  });

  it("IPv6 (RFC 8200 §8.1): a 32-bit length contributes both halves", () => {
    // 2001+0db8+0001 + 2001+0db8+0002 + 0001+1170 (70000) + 0006 = 6cec
    expect(pseudoHeaderSum({ source: "2001:db8::1", destination: "2001:db8::2" }, 6, 70_000)).toBe(0x6cec);
  });

  it("equals the sum of the pseudo-header bytes laid out by hand", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        (v6, addresses, protocol, length) => {
          const size = v6 ? 16 : 4;
          const format = v6 ? formatIPv6 : formatIPv4;
          const pseudo = { source: format(addresses, 0), destination: format(addresses, size) };
          const bytes = v6
            ? [...addresses, 0, 0, length >>> 8, length & 0xff, 0, 0, 0, protocol]
            : [...addresses.subarray(0, 8), 0, protocol, length >>> 8, length & 0xff];
          expect(pseudoHeaderSum(pseudo, protocol, length)).toBe(onesComplementSum(Uint8Array.from(bytes)));
        },
      ),
    );
  });

  it("rejects mixed families and bad addresses with OSI_BAD_ADDRESS", () => {
    expectCode(
      () => pseudoHeaderSum({ source: "192.0.2.1", destination: "2001:db8::1" }, 6, 20),
      "OSI_BAD_ADDRESS",
    );
    expectCode(
      () => pseudoHeaderSum({ source: "2001:db8::1", destination: "192.0.2.1" }, 6, 20),
      "OSI_BAD_ADDRESS",
    );
    expectCode(
      () => pseudoHeaderSum({ source: "192.0.2", destination: "192.0.2.1" }, 6, 20),
      "OSI_BAD_ADDRESS",
    );
  });

  it("rejects a protocol or length that does not fit with OSI_INVALID_FIELD", () => {
    const v4 = { source: "192.0.2.1", destination: "192.0.2.2" };
    const v6 = { source: "::1", destination: "::2" };
    expectCode(() => pseudoHeaderSum(v4, 256, 20), "OSI_INVALID_FIELD");
    expectCode(() => pseudoHeaderSum(v4, 6, 0x10000), "OSI_INVALID_FIELD");
    expectCode(() => pseudoHeaderSum(v6, 6, 2 ** 32), "OSI_INVALID_FIELD");
    expectCode(() => pseudoHeaderSum(v6, 6, -1), "OSI_INVALID_FIELD");
    expect(pseudoHeaderSum(v6, 6, 0x10000)).toBeGreaterThan(0);
  });
});
