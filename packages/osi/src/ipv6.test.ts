import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv6 } from "./address";
import { OsiError } from "./errors";
import { decodeIPv6, encodeIPv6, type IPv6ExtensionHeader, type IPv6Header } from "./ipv6";
import { expectCode, hex } from "./test-utils";

const FE80_1 = "fe80 0000 0000 0000 0000 0000 0000 0001";
const FF02_16 = "ff02 0000 0000 0000 0000 0000 0000 0016";
/**
 * An MLDv2 report's IPv6 header: Hop Limit 1, Hop-by-Hop Options (RFC 8200 §4.3) holding Router Alert
 * (RFC 2711: type 05, length 2, value 0 = MLD) and PadN (01 00), then ICMPv6 (58).
 */
const MLD = hex(
  `6000 0000 0024 0001 ${FE80_1} ${FF02_16} 3a00 0502 0000 0100 8f00 1234 0000 0001 0400 0000 ff02 0000 0000 0000 0000 0001 ff00 0001`,
);

describe("IPv6", () => {
  it("decodes an MLDv2 report with a Hop-by-Hop Options header", () => {
    const { header, headerLength, payload } = decodeIPv6(MLD);
    expect(header).toEqual({
      trafficClass: 0,
      flowLabel: 0,
      hopLimit: 1,
      nextHeader: 58,
      source: "fe80::1",
      destination: "ff02::16",
      extensionHeaders: [{ type: 0, data: hex("0502 0000 0100") }],
      payloadLength: 36,
    });
    expect(headerLength).toBe(48);
    expect(payload.length).toBe(28);
    expect(payload[0]).toBe(0x8f);
  });

  it("encodes the MLDv2 report byte for byte", () => {
    const header: IPv6Header = {
      hopLimit: 1,
      nextHeader: 58,
      source: "fe80::1",
      destination: "ff02::16",
      extensionHeaders: [{ type: 0, data: hex("0502 0000 0100") }],
    };
    expect(encodeIPv6(header, MLD.subarray(48))).toEqual(MLD);
  });

  it("reads Traffic Class and Flow Label, and a Fragment header; the payload stops at Payload Length", () => {
    // Traffic Class 0xb8 (DSCP EF), Flow Label 0xabcde; Fragment (44): next 17, offset 0, M=1, id 0x12345678.
    const packet = hex(`6b8a bcde 000a 2c40 ${FE80_1} ${FF02_16} 1100 0001 1234 5678 aabb cccc`);
    const { header, headerLength, payload } = decodeIPv6(packet);
    expect(header.trafficClass).toBe(0xb8);
    expect(header.flowLabel).toBe(0xabcde);
    expect(header.hopLimit).toBe(64);
    expect(header.nextHeader).toBe(17);
    expect(header.extensionHeaders).toEqual([{ type: 44, data: hex("0001 1234 5678") }]);
    expect(headerLength).toBe(48);
    expect(payload).toEqual(hex("aabb"));
    const { payloadLength: _p, ...fields } = header;
    expect(encodeIPv6(fields, payload)).toEqual(packet.subarray(0, 50));
  });

  it("stops the chain at the Fragment header of a non-first fragment (RFC 8200 §4.5)", () => {
    // Fragment: next header 60 (Destination Options in the original packet), offset 185, M=0.
    const fragment = { type: 44, data: Uint8Array.of(0x05, 0xc8, 0, 0, 0, 1) };
    const data = hex("3c00 0000 0000 0000 dead"); // fragment data that happens to look like a header
    const bytes = encodeIPv6(
      { source: "2001:db8::1", destination: "2001:db8::2", nextHeader: 60, extensionHeaders: [fragment] },
      data,
    );
    const decoded = decodeIPv6(bytes);
    expect(decoded.header.extensionHeaders).toEqual([fragment]);
    expect(decoded.header.nextHeader).toBe(60);
    expect(decoded.payload).toEqual(data);
    expect(() =>
      encodeIPv6(
        {
          source: "::1",
          destination: "::2",
          nextHeader: 6,
          extensionHeaders: [fragment, { type: 60, data: new Uint8Array(6) }],
        },
        new Uint8Array(0),
      ),
    ).toThrow(expect.objectContaining({ code: "OSI_INVALID_FIELD" }));
  });

  it("links a Routing → Fragment → Destination Options chain", () => {
    const header: IPv6Header = {
      nextHeader: 6,
      source: "2001:db8::1",
      destination: "2001:db8::2",
      extensionHeaders: [
        { type: 43, data: hex("0000 0000 0000 0000 0000 0000 0000") },
        { type: 44, data: hex("0000 0000 0001") },
        { type: 60, data: hex("0104 0000 0000") },
      ],
    };
    const bytes = encodeIPv6(header, hex("01"));
    // Next Header fields: fixed header → 43, Routing → 44, Fragment → 60, Destination Options → 6.
    expect([bytes[6], bytes[40], bytes[56], bytes[64]]).toEqual([43, 44, 60, 6]);
    expect([bytes[41], bytes[57], bytes[65]]).toEqual([1, 0, 0]); // Hdr Ext Len; Fragment's Reserved
    expect(decodeIPv6(bytes).header).toEqual({
      ...header,
      trafficClass: 0,
      flowLabel: 0,
      hopLimit: 64,
      payloadLength: 33,
    });
  });

  const fixed = (rest: string) => hex(`6000 0000 ${rest} ${FE80_1} ${FF02_16}`);
  it.each([
    ["empty input", new Uint8Array(0), "OSI_TRUNCATED"],
    ["version 4", hex(`4000 0000 0000 3b40 ${FE80_1} ${FF02_16}`), "OSI_BAD_VERSION"],
    ["39 bytes", fixed("0000 3b40").subarray(0, 39), "OSI_TRUNCATED"],
    ["Payload Length past the input", fixed("0001 3b40"), "OSI_TRUNCATED"],
    [
      "extension header past Payload Length",
      Uint8Array.from([...fixed("0008 3c40"), ...hex("3b01 0000 0000 0000")]),
      "OSI_BAD_LENGTH",
    ],
    [
      "Fragment header past Payload Length",
      Uint8Array.from([...fixed("0004 2c40"), ...hex("3b00 0000")]),
      "OSI_BAD_LENGTH",
    ],
    [
      "Hop-by-Hop after Destination Options",
      Uint8Array.from([...fixed("0010 3c40"), ...hex("0000 0104 0000 0000 3b00 0104 0000 0000")]),
      "OSI_BAD_OPTION",
    ],
    [
      "option overrunning its header",
      Uint8Array.from([...fixed("0008 0040"), ...hex("3b00 0105 0000 0000")]),
      "OSI_BAD_OPTION",
    ],
    [
      "option length octet missing",
      Uint8Array.from([...fixed("0008 3c40"), ...hex("3b00 0000 0000 0001")]),
      "OSI_BAD_OPTION",
    ],
  ])("rejects %s", (_name, bytes, code) => {
    expectCode(() => decodeIPv6(bytes), code);
  });

  const base: IPv6Header = { nextHeader: 17, source: "::1", destination: "::2" };
  it.each<[string, Partial<IPv6Header>]>([
    ["trafficClass 256", { trafficClass: 256 }],
    ["flowLabel 2^20", { flowLabel: 0x100000 }],
    ["hopLimit -1", { hopLimit: -1 }],
    ["nextHeader 256", { nextHeader: 256 }],
    ["nextHeader 44 (an extension header)", { nextHeader: 44 }],
    ["payloadLength 65536", { payloadLength: 0x10000 }],
    ["extension type 51 (AH)", { extensionHeaders: [{ type: 51, data: new Uint8Array(6) }] }],
    ["Routing header of 12 bytes", { extensionHeaders: [{ type: 43, data: new Uint8Array(10) }] }],
    ["Fragment header of 16 bytes", { extensionHeaders: [{ type: 44, data: new Uint8Array(14) }] }],
    [
      "Hop-by-Hop not first",
      {
        extensionHeaders: [
          { type: 60, data: new Uint8Array(6) },
          { type: 0, data: new Uint8Array(6) },
        ],
      },
    ],
    ["bad option TLV", { extensionHeaders: [{ type: 60, data: hex("0105 0000 0000") }] }],
  ])("rejects %s with OSI_INVALID_FIELD", (_name, fields) => {
    expectCode(() => encodeIPv6({ ...base, ...fields }, new Uint8Array(0)), "OSI_INVALID_FIELD");
  });

  it("rejects a payload over 65535 bytes and bad addresses", () => {
    expectCode(() => encodeIPv6(base, new Uint8Array(0x10000)), "OSI_INVALID_FIELD");
    expect(encodeIPv6(base, new Uint8Array(0xffff)).length).toBe(40 + 0xffff);
    expectCode(() => encodeIPv6({ ...base, destination: "10.0.0.1" }, new Uint8Array(0)), "OSI_BAD_ADDRESS");
  });

  const address = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b));
  const units = fc.integer({ min: 0, max: 3 });
  /** Options data filling 8n + 6 bytes: Pad1s, or one option of any type but Pad1 with random data. */
  const optionsData = units.chain((n) =>
    fc.oneof(
      fc.constant(new Uint8Array(8 * n + 6)),
      fc
        .tuple(
          fc.integer({ min: 1, max: 255 }),
          fc.uint8Array({ minLength: 8 * n + 4, maxLength: 8 * n + 4 }),
        )
        .map(([type, data]) => Uint8Array.from([type, data.length, ...data])),
    ),
  );
  const extension = (type: number): fc.Arbitrary<IPv6ExtensionHeader> =>
    (type === 44
      ? fc.uint8Array({ minLength: 6, maxLength: 6 })
      : type === 43
        ? units.chain((n) => fc.uint8Array({ minLength: 8 * n + 6, maxLength: 8 * n + 6 }))
        : optionsData
    ).map((data) => ({ type, data }));
  const chain = fc
    .tuple(
      fc.option(extension(0), { nil: undefined }),
      fc.array(fc.constantFrom(43, 44, 60).chain(extension), { maxLength: 3 }),
    )
    .map(([hopByHop, rest]) => (hopByHop ? [hopByHop, ...rest] : rest))
    // Only the last header may be the Fragment header of a non-first fragment (RFC 8200 §4.5).
    .map((headers) =>
      headers.map((h, i) =>
        h.type === 44 && i < headers.length - 1
          ? { type: 44, data: Uint8Array.of(0, h.data[1]! & 0x07, ...h.data.subarray(2)) }
          : h,
      ),
    );
  const header: fc.Arbitrary<IPv6Header> = fc.record({
    trafficClass: fc.integer({ min: 0, max: 255 }),
    flowLabel: fc.integer({ min: 0, max: 0xfffff }),
    hopLimit: fc.integer({ min: 0, max: 255 }),
    nextHeader: fc.integer({ min: 0, max: 255 }).filter((n) => ![0, 43, 44, 60].includes(n)),
    source: address,
    destination: address,
    extensionHeaders: chain,
  });

  it("round-trips: decode(encode(h, p)) is h with Payload Length filled in", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, p) => {
        const bytes = encodeIPv6(h, p);
        const decoded = decodeIPv6(bytes);
        expect(decoded.header).toEqual({ ...h, payloadLength: bytes.length - 40 });
        expect(decoded.headerLength).toBe(bytes.length - p.length);
        expect(decoded.payload).toEqual(p);
      }),
    );
  });

  it("arbitrary bytes decode or throw OsiError, never anything else", () => {
    const mutated = fc
      .tuple(
        header,
        fc.uint8Array({ maxLength: 16 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      )
      .map(([h, p, edits]) => {
        const bytes = encodeIPv6(h, p);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes;
      });
    const random = fc.uint8Array({ maxLength: 120 }).map((b) => {
      if (b.length > 0) b[0] = 0x60 | (b[0]! & 0x0f);
      return b;
    });
    fc.assert(
      fc.property(fc.oneof(random, mutated), fc.integer({ min: 0, max: 2 }), (bytes, offset) => {
        try {
          const { headerLength, payload, header } = decodeIPv6(bytes, offset);
          expect(headerLength + payload.length).toBe(40 + header.payloadLength);
        } catch (error) {
          if (!(error instanceof OsiError)) throw error;
        }
      }),
      { numRuns: 500 },
    );
  });
});
