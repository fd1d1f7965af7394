import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv4, formatIPv6 } from "./address";
import { OsiError } from "./errors";
import { decodeIPv4 } from "./ipv4";
import type { PseudoHeader } from "./pseudo-header";
import { decodeTcp, encodeTcp, type TcpFlags, type TcpHeader, type TcpOption, tcpFlagsToString } from "./tcp";
import { expectCode, hex } from "./test-utils";

/**
 * A Linux-style SYN, 192.168.1.100:54321 → 93.184.216.34:80, built from the RFC 791 and RFC 9293 layouts:
 * MSS 1460, SACK-Permitted, Timestamps (TSval 0x01020304, TSecr 0), NOP, Window Scale 7; TCP checksum
 * e1d0 over the RFC 9293 §3.1 pseudo-header, IPv4 header checksum 268f.
 */
const SYN = hex(
  "4500 003c 1c46 4000 4006 268f c0a8 0164 5db8 d822" +
    "d431 0050 abcd ef01 0000 0000 a002 faf0 e1d0 0000 0204 05b4 0402 080a 0102 0304 0000 0000 0103 0307",
);
const SYN_OPTIONS: TcpOption[] = [
  { kind: "mss", value: 1460 },
  { kind: "sack-permitted" },
  { kind: "timestamps", value: 0x01020304, echoReply: 0 },
  { kind: "nop" },
  { kind: "window-scale", shift: 7 },
];
const NO_FLAGS = {
  cwr: false,
  ece: false,
  urg: false,
  ack: false,
  psh: false,
  rst: false,
  syn: false,
  fin: false,
};
const V6: PseudoHeader = { source: "2001:db8::80", destination: "2001:db8::1" };
/** 2001:db8::80 port 80 → 2001:db8::1 port 54321, PSH+ACK, NOP NOP SACK [0x1000, 0x2000), "GET". */
const PSH_ACK_V6 = hex(
  "0050 d431 0000 0001 0000 0002 8018 01f5 7c00 0000 0101 050a 0000 1000 0000 2000 4745 54",
);

describe("TCP", () => {
  it("decodes a captured-style IPv4 SYN with MSS, SACK-Permitted, Timestamps and Window Scale", () => {
    const ip = decodeIPv4(SYN, 0, { strict: true });
    const pseudo = { source: ip.header.source, destination: ip.header.destination };
    const { header, headerLength, payload, checksumValid } = decodeTcp(ip.payload, 0, {
      pseudo,
      strict: true,
    });
    expect(checksumValid).toBe(true);
    expect(headerLength).toBe(40);
    expect(payload.length).toBe(0);
    expect(header).toEqual({
      sourcePort: 54321,
      destinationPort: 80,
      sequenceNumber: 0xabcdef01,
      acknowledgmentNumber: 0,
      flags: { ...NO_FLAGS, syn: true },
      window: 64240,
      urgentPointer: 0,
      options: SYN_OPTIONS,
      checksum: 0xe1d0,
      reserved: 0,
    });
    expect(tcpFlagsToString(header.flags)).toBe("SYN");
  });

  it("encodes the SYN byte for byte, computing the checksum", () => {
    const header: TcpHeader = {
      sourcePort: 54321,
      destinationPort: 80,
      sequenceNumber: 0xabcdef01,
      flags: { syn: true },
      window: 64240,
      options: SYN_OPTIONS,
    };
    const pseudo = { source: "192.168.1.100", destination: "93.184.216.34" };
    expect(encodeTcp(header, new Uint8Array(0), { pseudo })).toEqual(SYN.subarray(20));
  });

  it("decodes and encodes an IPv6 PSH+ACK with a SACK block and data", () => {
    const decoded = decodeTcp(PSH_ACK_V6, 0, { pseudo: V6, strict: true });
    expect(decoded.checksumValid).toBe(true);
    expect(decoded.header.flags).toEqual({ ...NO_FLAGS, psh: true, ack: true });
    expect(tcpFlagsToString(decoded.header.flags)).toBe("PSH,ACK");
    expect(decoded.header.options).toEqual([
      { kind: "nop" },
      { kind: "nop" },
      { kind: "sack", blocks: [{ left: 0x1000, right: 0x2000 }] },
    ]);
    expect(new TextDecoder().decode(decoded.payload)).toBe("GET");
    const { checksum: _c, ...fields } = decoded.header;
    expect(encodeTcp(fields, decoded.payload, { pseudo: V6 })).toEqual(PSH_ACK_V6);
  });

  it("names flags from the low bit to the high bit", () => {
    expect(tcpFlagsToString({ ack: true, syn: true })).toBe("SYN,ACK");
    expect(
      tcpFlagsToString({
        cwr: true,
        ece: true,
        urg: true,
        ack: true,
        psh: true,
        rst: true,
        syn: true,
        fin: true,
      }),
    ).toBe("FIN,SYN,RST,PSH,ACK,URG,ECE,CWR");
    expect(tcpFlagsToString({})).toBe("");
    expect(
      decodeTcp(
        encodeTcp(
          { sourcePort: 1, destinationPort: 2, sequenceNumber: 3, flags: { cwr: true, fin: true } },
          new Uint8Array(0),
        ),
      ).header.flags,
    ).toEqual({ ...NO_FLAGS, cwr: true, fin: true });
  });

  it("reports a wrong checksum, or throws OSI_BAD_CHECKSUM when strict; undefined without pseudo-header", () => {
    const corrupted = PSH_ACK_V6.slice();
    corrupted[corrupted.length - 1] = 0x55;
    expect(decodeTcp(corrupted, 0, { pseudo: V6 }).checksumValid).toBe(false);
    expect(decodeTcp(corrupted).checksumValid).toBeUndefined();
    expectCode(() => decodeTcp(corrupted, 0, { pseudo: V6, strict: true }), "OSI_BAD_CHECKSUM");
  });

  it("writes an explicit checksum and the reserved bits as given", () => {
    const header: TcpHeader = {
      sourcePort: 1,
      destinationPort: 2,
      sequenceNumber: 3,
      flags: {},
      checksum: 0xbeef,
      reserved: 0xa,
    };
    const bytes = encodeTcp(header, new Uint8Array(0), { pseudo: V6 });
    expect(bytes).toEqual(hex("0001 0002 0000 0003 0000 0000 5a00 ffff beef 0000"));
    const decoded = decodeTcp(bytes, 0, { pseudo: V6 });
    expect(decoded.header.reserved).toBe(0xa);
    expect(decoded.checksumValid).toBe(false);
    expect(encodeTcp({ ...header, checksum: undefined }, new Uint8Array(0)).subarray(16, 18)).toEqual(
      hex("0000"),
    );
  });

  it.each([
    [
      "EOL then zero padding to 8 bytes",
      "0101 0000 0000 0000",
      [{ kind: "nop" }, { kind: "nop" }, ...new Array(3).fill({ kind: "eol" })],
    ],
    ["SACK-Permitted then EOL padding (macOS style)", "0402 0000", [{ kind: "sack-permitted" }]],
    [
      "an unknown option (kind 30, MPTCP)",
      "1e06 0001 0203 0000",
      [{ kind: "unknown", type: 30, data: hex("0001 0203") }],
    ],
  ])("options round-trip byte for byte: %s", (_name, optionHex, expected) => {
    const options = hex(optionHex);
    const segment = Uint8Array.from([
      ...hex("0001 0002 0000 0003 0000 0000 0000 ffff 0000 0000"),
      ...options,
    ]);
    segment[12] = (segment.length / 4) << 4;
    const decoded = decodeTcp(segment);
    expect(decoded.header.options).toEqual(expected);
    expect(encodeTcp(decoded.header, decoded.payload)).toEqual(segment);
  });

  const fixed = "0001 0002 0000 0003 0000 0000";
  it.each([
    ["19 bytes", `${fixed} 5000 ffff 0000 00`, "OSI_TRUNCATED"],
    ["Data Offset 4", `${fixed} 4000 ffff 0000 0000`, "OSI_BAD_HEADER_LENGTH"],
    ["Data Offset 6, 20 bytes", `${fixed} 6000 ffff 0000 0000`, "OSI_TRUNCATED"],
    ["option length 1", `${fixed} 6000 ffff 0000 0000 1e01 0000`, "OSI_BAD_OPTION"],
    ["option overrunning the header", `${fixed} 6000 ffff 0000 0000 1e05 0000`, "OSI_BAD_OPTION"],
    ["option without its length octet", `${fixed} 6000 ffff 0000 0000 0101 011e`, "OSI_BAD_OPTION"],
    ["MSS of length 3", `${fixed} 6000 ffff 0000 0000 0203 0500`, "OSI_BAD_OPTION"],
    ["Window Scale of length 4", `${fixed} 6000 ffff 0000 0000 0304 0700`, "OSI_BAD_OPTION"],
    ["SACK-Permitted of length 3", `${fixed} 6000 ffff 0000 0000 0403 0000`, "OSI_BAD_OPTION"],
    [
      "Timestamps of length 8",
      `${fixed} 8000 ffff 0000 0000 0808 0000 0000 0000 0000 0000`,
      "OSI_BAD_OPTION",
    ],
    ["SACK without blocks", `${fixed} 6000 ffff 0000 0000 0502 0000`, "OSI_BAD_OPTION"],
    ["SACK of length 11", `${fixed} 8000 ffff 0000 0000 050b 0000 0000 0000 0000 0000`, "OSI_BAD_OPTION"],
  ])("rejects %s", (_name, input, code) => {
    expectCode(() => decodeTcp(hex(input)), code);
  });

  it("rejects a segment longer than the IPv4 pseudo-header's 16-bit length with OSI_BAD_LENGTH", () => {
    const long = new Uint8Array(0x10000);
    long.set(hex("0001 0002 0000 0003 0000 0000 5000 ffff 0000 0000"));
    expectCode(
      () => decodeTcp(long, 0, { pseudo: { source: "10.0.0.1", destination: "10.0.0.2" } }),
      "OSI_BAD_LENGTH",
    );
    expect(decodeTcp(long, 0, { pseudo: V6 }).checksumValid).toBe(false);
  });

  it("rejects an offset past the end", () => {
    expectCode(() => decodeTcp(PSH_ACK_V6, PSH_ACK_V6.length - 19), "OSI_TRUNCATED");
  });

  const base: TcpHeader = { sourcePort: 1, destinationPort: 2, sequenceNumber: 3, flags: {} };
  it.each<[string, Partial<TcpHeader>]>([
    ["port 65536", { sourcePort: 0x10000 }],
    ["sequenceNumber 2^32", { sequenceNumber: 2 ** 32 }],
    ["acknowledgmentNumber -1", { acknowledgmentNumber: -1 }],
    ["window 65536", { window: 0x10000 }],
    ["urgentPointer 1.5", { urgentPointer: 1.5 }],
    ["reserved 16", { reserved: 16 }],
    ["checksum 65536", { checksum: 0x10000 }],
    ["MSS 65536", { options: [{ kind: "mss", value: 0x10000 }] }],
    ["window scale 256", { options: [{ kind: "window-scale", shift: 256 }] }],
    ["SACK without blocks", { options: [{ kind: "sack", blocks: [] }] }],
    ["SACK edge 2^32", { options: [{ kind: "sack", blocks: [{ left: 0, right: 2 ** 32 }] }] }],
    ["TSval -1", { options: [{ kind: "timestamps", value: -1, echoReply: 0 }] }],
    ["unknown kind 2 (MSS)", { options: [{ kind: "unknown", type: 2, data: hex("0000") }] }],
    ["unknown kind 256", { options: [{ kind: "unknown", type: 256, data: hex("") }] }],
    [
      "41 option bytes",
      { options: [...new Array(4).fill({ kind: "timestamps", value: 0, echoReply: 0 }), { kind: "nop" }] },
    ],
  ])("rejects %s with OSI_INVALID_FIELD", (_name, fields) => {
    expectCode(() => encodeTcp({ ...base, ...fields }, new Uint8Array(0)), "OSI_INVALID_FIELD");
  });

  it("rejects an IPv4 segment too long for the pseudo-header", () => {
    const pseudo = { source: "10.0.0.1", destination: "10.0.0.2" };
    expectCode(() => encodeTcp(base, new Uint8Array(0x10000), { pseudo }), "OSI_INVALID_FIELD");
  });

  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  const option: fc.Arbitrary<TcpOption> = fc.oneof(
    fc.constantFrom<TcpOption>({ kind: "eol" }, { kind: "nop" }, { kind: "sack-permitted" }),
    fc.integer({ min: 0, max: 0xffff }).map((value) => ({ kind: "mss" as const, value })),
    fc.integer({ min: 0, max: 255 }).map((shift) => ({ kind: "window-scale" as const, shift })),
    fc.tuple(u32, u32).map(([value, echoReply]) => ({ kind: "timestamps" as const, value, echoReply })),
    fc
      .array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 4 })
      .map((blocks) => ({ kind: "sack" as const, blocks })),
    fc
      .tuple(
        fc.integer({ min: 6, max: 255 }).filter((t) => t !== 8),
        fc.uint8Array({ maxLength: 8 }),
      )
      .map(([type, data]) => ({ kind: "unknown" as const, type, data })),
  );
  const size = (o: TcpOption) =>
    ({ eol: 1, nop: 1, mss: 4, "window-scale": 3, "sack-permitted": 2, timestamps: 10 })[o.kind as string] ??
    (o.kind === "sack" ? 2 + 8 * o.blocks.length : o.kind === "unknown" ? 2 + o.data.length : 0);
  const flags: fc.Arbitrary<Required<TcpFlags>> = fc.record({
    cwr: fc.boolean(),
    ece: fc.boolean(),
    urg: fc.boolean(),
    ack: fc.boolean(),
    psh: fc.boolean(),
    rst: fc.boolean(),
    syn: fc.boolean(),
    fin: fc.boolean(),
  });
  const header = fc.record({
    sourcePort: fc.integer({ min: 0, max: 0xffff }),
    destinationPort: fc.integer({ min: 0, max: 0xffff }),
    sequenceNumber: u32,
    acknowledgmentNumber: u32,
    flags,
    window: fc.integer({ min: 0, max: 0xffff }),
    urgentPointer: fc.integer({ min: 0, max: 0xffff }),
    reserved: fc.integer({ min: 0, max: 15 }),
    options: fc.array(option, { maxLength: 6 }).filter((list) => list.reduce((n, o) => n + size(o), 0) <= 40),
  });
  const pseudo: fc.Arbitrary<PseudoHeader> = fc.oneof(
    fc
      .uint8Array({ minLength: 8, maxLength: 8 })
      .map((b) => ({ source: formatIPv4(b, 0), destination: formatIPv4(b, 4) })),
    fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => ({ source: formatIPv6(b, 0), destination: formatIPv6(b, 16) })),
  );
  const withoutTrailingEol = (list: TcpOption[]) => {
    const copy = list.slice();
    while (copy.length > 0 && copy[copy.length - 1]!.kind === "eol") copy.pop();
    return copy;
  };

  it("round-trips: decode(encode(h, p)) is h with a valid checksum; re-encoding is byte-exact", () => {
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), pseudo, (h, p, ph) => {
        const bytes = encodeTcp(h, p, { pseudo: ph });
        const decoded = decodeTcp(bytes, 0, { pseudo: ph, strict: true });
        const { options: decodedOptions, checksum, ...fields } = decoded.header;
        const { options: givenOptions, ...given } = h;
        expect(fields).toEqual(given);
        expect(checksum).toBe((bytes[16]! << 8) | bytes[17]!);
        expect(withoutTrailingEol(decodedOptions)).toEqual(withoutTrailingEol(givenOptions));
        expect(decoded.checksumValid).toBe(true);
        expect(decoded.payload).toEqual(p);
        expect(encodeTcp(decoded.header, decoded.payload)).toEqual(bytes);
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
        const bytes = encodeTcp(h, p);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        return bytes;
      });
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated),
        fc.option(pseudo, { nil: undefined }),
        (bytes, ph) => {
          let decoded: ReturnType<typeof decodeTcp>;
          try {
            decoded = decodeTcp(bytes, 0, { pseudo: ph });
          } catch (error) {
            if (error instanceof OsiError) return;
            throw error;
          }
          expect(encodeTcp(decoded.header, decoded.payload)).toEqual(bytes);
        },
      ),
      { numRuns: 500 },
    );
  });
});
