import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6 } from "./address";
import { OsiError } from "./errors";
import { decodeIPv6 } from "./ipv6";
import type { PseudoHeader } from "./pseudo-header";
import { expectCode, hex } from "./test-utils";
import { decodeUdp, encodeUdp, type UdpHeader } from "./udp";

const V4: PseudoHeader = { source: "192.168.0.1", destination: "192.168.0.199" };
const V6: PseudoHeader = { source: "2001:db8::1", destination: "2001:db8::2" };
/** 2001:db8::1 port 49152 → 2001:db8::2 port 53, "hello", checksum a057 (RFC 8200 §8.1 pseudo-header). */
const IPV6_UDP = hex(
  "6000 0000 000d 1140 2001 0db8 0000 0000 0000 0000 0000 0001 2001 0db8 0000 0000 0000 0000 0000 0002" +
    "c000 0035 000d a057 6865 6c6c 6f",
);
/** 192.168.0.1 port 1234 → 192.168.0.199 port 53, "abcd", checksum b3ef (RFC 768 pseudo-header). */
const IPV4_UDP = hex("04d2 0035 000c b3ef 6162 6364");

describe("UDP", () => {
  it("decodes an IPv6 datagram and verifies its checksum over the IPv6 pseudo-header", () => {
    const ip = decodeIPv6(IPV6_UDP);
    const pseudo = { source: ip.header.source, destination: ip.header.destination };
    const { header, headerLength, payload, checksumValid } = decodeUdp(ip.payload, 0, {
      pseudo,
      strict: true,
    });
    expect(header).toEqual({ sourcePort: 49152, destinationPort: 53, length: 13, checksum: 0xa057 });
    expect(headerLength).toBe(8);
    expect(new TextDecoder().decode(payload)).toBe("hello");
    expect(checksumValid).toBe(true);
    expect(encodeUdp({ sourcePort: 49152, destinationPort: 53 }, payload, { pseudo })).toEqual(ip.payload);
  });

  it("encodes and verifies an IPv4 datagram (odd payload length included)", () => {
    const abcd = new TextEncoder().encode("abcd");
    expect(encodeUdp({ sourcePort: 1234, destinationPort: 53 }, abcd, { pseudo: V4 })).toEqual(IPV4_UDP);
    expect(decodeUdp(IPV4_UDP, 0, { pseudo: V4 }).checksumValid).toBe(true);
    const odd = encodeUdp({ sourcePort: 1234, destinationPort: 53 }, new TextEncoder().encode("abcde"), {
      pseudo: V4,
    });
    expect(odd).toEqual(hex("04d2 0035 000d 4eed 6162 6364 65"));
  });

  it("sends a computed 0 as ffff (RFC 768) and verifies it", () => {
    const pseudo = { source: "10.0.0.1", destination: "10.0.0.2" };
    const bytes = encodeUdp({ sourcePort: 7, destinationPort: 7 }, hex("ebc9"), { pseudo });
    expect(bytes).toEqual(hex("0007 0007 000a ffff ebc9"));
    expect(decodeUdp(bytes, 0, { pseudo }).checksumValid).toBe(true);
  });

  it("checksumValid: undefined without pseudo-header or for an IPv4 zero checksum; false for IPv6 zero", () => {
    const noChecksum = hex("04d2 0035 000c 0000 6162 6364");
    expect(decodeUdp(IPV4_UDP).checksumValid).toBeUndefined();
    expect(decodeUdp(noChecksum, 0, { pseudo: V4, strict: true }).checksumValid).toBeUndefined();
    expect(decodeUdp(noChecksum, 0, { pseudo: V6 }).checksumValid).toBe(false);
    expectCode(() => decodeUdp(noChecksum, 0, { pseudo: V6, strict: true }), "OSI_BAD_CHECKSUM");
  });

  it("reports a wrong checksum, or throws OSI_BAD_CHECKSUM when strict", () => {
    const corrupted = IPV4_UDP.slice();
    corrupted[11] = corrupted[11]! ^ 0x01;
    expect(decodeUdp(corrupted, 0, { pseudo: V4 }).checksumValid).toBe(false);
    expect(decodeUdp(IPV4_UDP, 0, { pseudo: { ...V4, destination: "192.168.0.200" } }).checksumValid).toBe(
      false,
    );
    expectCode(() => decodeUdp(corrupted, 0, { pseudo: V4, strict: true }), "OSI_BAD_CHECKSUM");
  });

  it("writes explicit length and checksum as given; without pseudo-header the checksum is 0", () => {
    expect(encodeUdp({ sourcePort: 1, destinationPort: 2 }, hex("aa"))).toEqual(
      hex("0001 0002 0009 0000 aa"),
    );
    const bad = encodeUdp({ sourcePort: 1, destinationPort: 2, length: 8, checksum: 0xbeef }, hex("aa"), {
      pseudo: V4,
    });
    expect(bad).toEqual(hex("0001 0002 0008 beef aa"));
    const decoded = decodeUdp(bad, 0, { pseudo: V4 });
    expect(decoded.payload.length).toBe(0); // bounded by the Length field
    expect(decoded.checksumValid).toBe(false);
  });

  it.each([
    ["7 bytes", "0001 0002 0008 00", 0, "OSI_TRUNCATED"],
    ["offset past the end", "0001 0002 0008 0000", 1, "OSI_TRUNCATED"],
    ["Length 7", "0001 0002 0007 0000", 0, "OSI_BAD_LENGTH"],
    ["Length past the input", "0001 0002 0009 0000", 0, "OSI_TRUNCATED"],
  ])("rejects %s", (_name, input, offset, code) => {
    expectCode(() => decodeUdp(hex(input), offset), code);
  });

  it.each<[string, UdpHeader]>([
    ["port 65536", { sourcePort: 0x10000, destinationPort: 1 }],
    ["port -1", { sourcePort: 1, destinationPort: -1 }],
    ["length 65536", { sourcePort: 1, destinationPort: 1, length: 0x10000 }],
    ["checksum 1.5", { sourcePort: 1, destinationPort: 1, checksum: 1.5 }],
  ])("rejects %s with OSI_INVALID_FIELD", (_name, header) => {
    expectCode(() => encodeUdp(header, new Uint8Array(0)), "OSI_INVALID_FIELD");
  });

  it("rejects a datagram over 65535 bytes and a mixed-family pseudo-header", () => {
    expectCode(
      () => encodeUdp({ sourcePort: 1, destinationPort: 1 }, new Uint8Array(65528)),
      "OSI_INVALID_FIELD",
    );
    const mixed = { source: "10.0.0.1", destination: "::1" };
    expectCode(
      () => encodeUdp({ sourcePort: 1, destinationPort: 1 }, new Uint8Array(0), { pseudo: mixed }),
      "OSI_BAD_ADDRESS",
    );
  });

  const pseudo: fc.Arbitrary<PseudoHeader> = fc.oneof(
    fc
      .uint8Array({ minLength: 8, maxLength: 8 })
      .map((b) => ({ source: formatIPv4(b, 0), destination: formatIPv4(b, 4) })),
    fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => ({ source: formatIPv6(b, 0), destination: formatIPv6(b, 16) })),
  );
  const port = fc.integer({ min: 0, max: 0xffff });

  it("round-trips with a valid checksum over either pseudo-header", () => {
    fc.assert(
      fc.property(
        port,
        port,
        fc.uint8Array({ maxLength: 100 }),
        pseudo,
        fc.nat(3),
        (sp, dp, p, ph, offset) => {
          const bytes = encodeUdp({ sourcePort: sp, destinationPort: dp }, p, { pseudo: ph });
          const framed = Uint8Array.from([...new Uint8Array(offset), ...bytes, 0xee]);
          const decoded = decodeUdp(framed, offset, { pseudo: ph, strict: true });
          expect(decoded.header).toEqual({
            sourcePort: sp,
            destinationPort: dp,
            length: p.length + 8,
            checksum: decoded.header.checksum,
          });
          expect(decoded.header.checksum).not.toBe(0);
          expect(decoded.checksumValid).toBe(true);
          expect(decoded.payload).toEqual(p);
        },
      ),
    );
  });

  it("arbitrary bytes decode or throw OsiError, never anything else", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.option(pseudo, { nil: undefined }),
        fc.boolean(),
        (bytes, ph, strict) => {
          try {
            const decoded = decodeUdp(bytes, 0, { pseudo: ph, strict });
            expect(decoded.payload.length).toBe(decoded.header.length - 8);
            if (ph === undefined) expect(decoded.checksumValid).toBeUndefined();
          } catch (error) {
            if (!(error instanceof OsiError)) throw error;
          }
        },
      ),
    );
  });
});
