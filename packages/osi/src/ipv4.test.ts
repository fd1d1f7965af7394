import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4 } from "./address";
import { internetChecksum } from "./checksum";
import { OsiError } from "./errors";
import { decodeIPv4, encodeIPv4, type IPv4Header, type IPv4Option } from "./ipv4";
import { expectCode, hex } from "./test-utils";

/** A captured UDP datagram's IPv4 header (192.168.0.1 → 192.168.0.199, Total Length 115). */
const CAPTURED = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
/** An IGMPv2 membership report with the Router Alert option (RFC 2113) and TOS 0xc0 (DSCP 48, CS6). */
const IGMP = hex("46c0 0020 0000 4000 0102 416a c0a8 010a e000 00fb 9404 0000 1600 0904 e000 00fb");

describe("IPv4", () => {
  it("decodes a captured header; the payload stops at Total Length, not at the link padding", () => {
    const packet = new Uint8Array(115 + 6);
    packet.set(CAPTURED);
    packet.fill(0xee, 20, 115);
    const { header, headerLength, payload, checksumValid } = decodeIPv4(packet);
    expect(header).toEqual({
      dscp: 0,
      ecn: 0,
      identification: 0,
      dontFragment: true,
      moreFragments: false,
      reservedFlag: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: 17,
      source: "192.168.0.1",
      destination: "192.168.0.199",
      options: [],
      checksum: 0xb861,
      totalLength: 115,
    });
    expect(headerLength).toBe(20);
    expect(checksumValid).toBe(true);
    expect(payload.length).toBe(95);
    expect(payload.every((b) => b === 0xee)).toBe(true);
  });

  it("encodes the captured header byte for byte, computing checksum and Total Length", () => {
    const bytes = encodeIPv4(
      { dontFragment: true, protocol: 17, source: "192.168.0.1", destination: "192.168.0.199" },
      new Uint8Array(95),
    );
    expect(bytes.subarray(0, 20)).toEqual(CAPTURED);
  });

  it("decodes and re-encodes an IGMPv2 report with Router Alert (RFC 2113) and DSCP CS6", () => {
    const { header, headerLength, payload, checksumValid } = decodeIPv4(IGMP, 0, { strict: true });
    expect(checksumValid).toBe(true);
    expect(headerLength).toBe(24);
    expect(header.dscp).toBe(48);
    expect(header.ttl).toBe(1);
    expect(header.options).toEqual([{ type: 0x94, data: hex("0000") }]);
    expect(payload).toEqual(hex("1600 0904 e000 00fb"));
    const { checksum: _c, totalLength: _t, ...rest } = header;
    expect(encodeIPv4(rest, payload)).toEqual(IGMP);
  });

  /** A 20-byte header to 10.0.0.2 with `optionHex` appended, IHL, Total Length and checksum set to match. */
  function withOptions(optionHex: string): Uint8Array {
    const options = hex(optionHex);
    const packet = Uint8Array.from([...hex("4000 0000 0000 0000 4006 0000 0a00 0001 0a00 0002"), ...options]);
    packet[0] = 0x40 | (packet.length / 4);
    packet[3] = packet.length;
    const checksum = internetChecksum(packet);
    packet[10] = checksum >>> 8;
    packet[11] = checksum & 0xff;
    return packet;
  }

  it.each<[string, string, IPv4Option[]]>([
    [
      "NOP, EOL, zero padding to 8 bytes",
      "01 00 00 00 00 00 00 00",
      [{ type: 1 }, ...new Array(4).fill({ type: 0 })],
    ],
    [
      "Record Route (7 bytes) then EOL",
      "07 07 04 00 00 00 00 00",
      [{ type: 7, data: hex("04 00 00 00 00") }],
    ],
    ["EOL then NOPs (parsed uniformly)", "00 01 01 01", [{ type: 0 }, { type: 1 }, { type: 1 }, { type: 1 }]],
    ["padding only", "00 00 00 00", [{ type: 0 }]],
    ["Router Alert, no padding", "94 04 00 00", [{ type: 0x94, data: hex("0000") }]],
  ])("options round-trip byte for byte: %s", (_name, optionHex, expected) => {
    const packet = withOptions(optionHex);
    const decoded = decodeIPv4(packet, 0, { strict: true });
    expect(decoded.header.options).toEqual(expected);
    expect(encodeIPv4(decoded.header, decoded.payload)).toEqual(packet);
    const { checksum: _c, totalLength: _t, ...fields } = decoded.header;
    expect(encodeIPv4(fields, decoded.payload)).toEqual(packet);
  });

  it("reports a bad checksum, or throws OSI_BAD_CHECKSUM when strict", () => {
    const packet = new Uint8Array(115);
    packet.set(CAPTURED);
    packet[8] = 63; // TTL changed, checksum not updated
    expect(decodeIPv4(packet).checksumValid).toBe(false);
    expectCode(() => decodeIPv4(packet, 0, { strict: true }), "OSI_BAD_CHECKSUM");
  });

  it("writes an explicit checksum and Total Length as given", () => {
    const bytes = encodeIPv4(
      { protocol: 6, source: "10.0.0.1", destination: "10.0.0.2", checksum: 0x1234, totalLength: 20 },
      hex("aabb"),
    );
    expect(bytes.length).toBe(22);
    const decoded = decodeIPv4(bytes);
    expect(decoded.header.checksum).toBe(0x1234);
    expect(decoded.header.totalLength).toBe(20);
    expect(decoded.payload.length).toBe(0);
    expect(decoded.checksumValid).toBe(false);
  });

  it.each([
    ["empty input", "", 0, "OSI_TRUNCATED"],
    ["version 6", "6500 0014 0000 0000 4006 0000 0a00 0001 0a00 0002", 0, "OSI_BAD_VERSION"],
    ["IHL 4", "4400 0014 0000 0000 4006 0000 0a00 0001 0a00 0002", 0, "OSI_BAD_HEADER_LENGTH"],
    ["19 bytes", "4500 0014 0000 0000 4006 0000 0a00 0001 0a00 00", 0, "OSI_TRUNCATED"],
    ["IHL 6, 20 bytes", "4600 0014 0000 0000 4006 0000 0a00 0001 0a00 0002", 0, "OSI_TRUNCATED"],
    ["Total Length < IHL×4", "4500 0013 0000 0000 4006 0000 0a00 0001 0a00 0002", 0, "OSI_BAD_LENGTH"],
    ["Total Length > input", "4500 0015 0000 0000 4006 0000 0a00 0001 0a00 0002", 0, "OSI_TRUNCATED"],
    ["offset past the end", "4500 0014 0000 0000 4006 0000 0a00 0001 0a00 0002", 21, "OSI_TRUNCATED"],
    ["option length 1", "4600 0018 0000 0000 4006 0000 0a00 0001 0a00 0002 8801 0000", 0, "OSI_BAD_OPTION"],
    ["option overruns", "4600 0018 0000 0000 4006 0000 0a00 0001 0a00 0002 8805 0000", 0, "OSI_BAD_OPTION"],
    [
      "option type, no length",
      "4600 0018 0000 0000 4006 0000 0a00 0001 0a00 0002 0101 0188",
      0,
      "OSI_BAD_OPTION",
    ],
  ])("rejects %s", (_name, input, offset, code) => {
    expectCode(() => decodeIPv4(hex(input), offset), code);
  });

  it("decodes at an offset, with errors naming it", () => {
    const packet = Uint8Array.from([0xff, 0xff, ...CAPTURED, ...new Uint8Array(95)]);
    expect(decodeIPv4(packet, 2).header.destination).toBe("192.168.0.199");
    packet[2] = 0x55;
    try {
      decodeIPv4(packet, 2);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "OSI_BAD_VERSION", layer: "ipv4", offset: 2 });
    }
  });

  it.each<[string, Partial<IPv4Header>]>([
    ["dscp 64", { dscp: 64 }],
    ["ecn 4", { ecn: 4 }],
    ["identification 65536", { identification: 0x10000 }],
    ["fragmentOffset 8192", { fragmentOffset: 0x2000 }],
    ["ttl 256", { ttl: 256 }],
    ["ttl -1", { ttl: -1 }],
    ["protocol 1.5", { protocol: 1.5 }],
    ["checksum 65536", { checksum: 0x10000 }],
    ["totalLength 65536", { totalLength: 0x10000 }],
    ["option type 256", { options: [{ type: 256, data: new Uint8Array(2) }] }],
    ["data on NOP", { options: [{ type: 1, data: new Uint8Array(1) }] }],
    ["41 option bytes", { options: [{ type: 7, data: new Uint8Array(37) }, { type: 1 }, { type: 1 }] }],
  ])("rejects %s with OSI_INVALID_FIELD", (_name, fields) => {
    const header: IPv4Header = { protocol: 6, source: "10.0.0.1", destination: "10.0.0.2", ...fields };
    expectCode(() => encodeIPv4(header, new Uint8Array(0)), "OSI_INVALID_FIELD");
  });

  it("rejects a datagram over 65535 bytes and bad addresses", () => {
    const header: IPv4Header = { protocol: 6, source: "10.0.0.1", destination: "10.0.0.2" };
    expectCode(() => encodeIPv4(header, new Uint8Array(65516)), "OSI_INVALID_FIELD");
    expect(encodeIPv4(header, new Uint8Array(65515)).length).toBe(65535);
    expectCode(() => encodeIPv4({ ...header, source: "::1" }, new Uint8Array(0)), "OSI_BAD_ADDRESS");
  });

  const address = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(b));
  const option: fc.Arbitrary<IPv4Option> = fc.oneof(
    fc.constantFrom<IPv4Option>({ type: 0 }, { type: 1 }),
    fc.record({ type: fc.integer({ min: 2, max: 255 }), data: fc.uint8Array({ maxLength: 10 }) }),
  );
  const options = fc
    .array(option, { maxLength: 8 })
    .filter((list) => list.reduce((n, o) => n + (o.type < 2 ? 1 : 2 + (o.data?.length ?? 0)), 0) <= 40);
  const header: fc.Arbitrary<IPv4Header> = fc.record({
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    identification: fc.integer({ min: 0, max: 0xffff }),
    dontFragment: fc.boolean(),
    moreFragments: fc.boolean(),
    reservedFlag: fc.boolean(),
    fragmentOffset: fc.integer({ min: 0, max: 0x1fff }),
    ttl: fc.integer({ min: 0, max: 255 }),
    protocol: fc.integer({ min: 0, max: 255 }),
    source: address,
    destination: address,
    options,
  });
  const withoutTrailingEol = (list: IPv4Option[]) => {
    const copy = list.slice();
    while (copy.length > 0 && copy[copy.length - 1]!.type === 0) copy.pop();
    return copy;
  };

  it("round-trips: decode(encode(h, p)) is h with checksum and Total Length filled in", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, p) => {
        const bytes = encodeIPv4(h, p);
        const decoded = decodeIPv4(bytes, 0, { strict: true });
        const { options: decodedOptions, checksum, totalLength, ...fields } = decoded.header;
        const { options: givenOptions, ...given } = h;
        expect(fields).toEqual(given);
        expect(totalLength).toBe(bytes.length);
        expect(checksum).toBe((bytes[10]! << 8) | bytes[11]!);
        expect(withoutTrailingEol(decodedOptions)).toEqual(withoutTrailingEol(givenOptions ?? []));
        expect(decoded.payload).toEqual(p);
        expect(encodeIPv4(decoded.header, decoded.payload)).toEqual(bytes);
      }),
    );
  });

  it("arbitrary bytes decode or throw OsiError, never anything else; what decodes re-encodes exactly", () => {
    const mutated = fc
      .tuple(
        header,
        fc.uint8Array({ maxLength: 16 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
      )
      .map(([h, p, edits]) => {
        const bytes = encodeIPv4(h, p);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated),
        fc.integer({ min: 0, max: 3 }),
        (bytes, offset) => {
          let decoded: ReturnType<typeof decodeIPv4>;
          try {
            decoded = decodeIPv4(bytes, offset);
          } catch (error) {
            if (error instanceof OsiError) return;
            throw error;
          }
          const packet = bytes.subarray(offset, offset + decoded.header.totalLength);
          expect(encodeIPv4(decoded.header, decoded.payload)).toEqual(packet);
        },
      ),
      { numRuns: 500 },
    );
  });
});
