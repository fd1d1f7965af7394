import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CaptureRecord } from "./capture-record";
import { type PcapngInterface, readPcapng, writePcapng } from "./pcapng";
import { nsToPcapngTimestamp, pcapngTimestampToNs } from "./pcapng-options";
import { hex, outcome, thrown } from "./test-utils";

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** A little-endian block (§3.1) around `body` (already padded). */
function block(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, out.length, true);
  out.set(body, 8);
  view.setUint32(out.length - 4, out.length, true);
  return out;
}
const shbLe = (major = 1) =>
  block(0x0a0d0d0a, hex(`4d3c2b1a ${major.toString(16).padStart(2, "0")}00 0000 ffffffffffffffff`));

// A big-endian file assembled field by field from §4.1-§4.4 (Figures 9-12), with an NRB and a
// local-use block the reader must skip, and two interfaces: milliseconds and 1/1024 s.
const BIG_ENDIAN = hex(`
  0a0d0d0a 00000034 1a2b3c4d 0001 0000 ffffffff ffffffff
    0001 0002 6869 0000
    0004 0005 746f6f6c31 000000
    0000 0000
  00000034
  00000001 00000028 0001 0000 0000ffff
    0002 0004 65746830
    0009 0001 03 000000
    0000 0000
  00000028
  00000004 00000010 00000000 00000010
  80000001 00000010 cafebabe 00000010
  00000006 00000024 00000000 00000174 876e807b 00000003 00000003 616263 00 00000024
  00000003 00000018 00000005 0102030405 000000 00000018
  00000001 00000020 0065 0000 00000000 0009 0001 8a 000000 0000 0000 00000020
  00000006 00000024 00000001 0000017d 78400200 00000001 00000064 ff 000000 00000024
`);

describe("readPcapng vectors", () => {
  it("parses a hand-assembled big-endian file", () => {
    const file = readPcapng(BIG_ENDIAN);
    expect(file).toEqual({
      format: "pcapng",
      byteOrder: "big",
      comment: "hi",
      application: "tool1",
      interfaces: [
        { linkType: 1, snapLength: 65535, name: "eth0", tsresol: 3 },
        { linkType: 101, snapLength: 0, tsresol: 0x8a },
      ],
      records: [
        { timestampNs: 1_600_000_000_123_000_000n, data: hex("616263"), originalLength: 3, interfaceId: 0 },
        { timestampNs: 0n, data: hex("0102030405"), originalLength: 5, interfaceId: 0 },
        { timestampNs: 1_600_000_000_500_000_000n, data: hex("ff"), originalLength: 100, interfaceId: 1 },
      ],
    });
    expect(file.records[0]?.data.buffer).toBe(BIG_ENDIAN.buffer);
  });

  it("applies if_tsoffset and defaults tsresol to microseconds", () => {
    const idb = block(1, hex("0100 0000 00000000 0e00 0800 0a00000000000000 0000 0000")); // tsoffset 10 s
    const epb = block(6, hex("00000000 00000000 07000000 00000000 00000000"));
    const file = readPcapng(concat(shbLe(), idb, epb));
    expect(file.interfaces).toEqual([{ linkType: 1, snapLength: 0 }]);
    expect(file.records[0]?.timestampNs).toBe(10_000_007_000n);
  });

  it("reads the obsolete Packet Block (Appendix A) with its 16-bit interface ID", () => {
    const idb = block(1, hex("0100 0000 00000000"));
    const pb = block(2, hex("0000 0000 00000000 02000000 01000000 01000000 7f000000"));
    expect(readPcapng(concat(shbLe(), idb, pb)).records).toEqual([
      { timestampNs: 2000n, data: hex("7f"), originalLength: 1, interfaceId: 0 },
    ]);
  });

  it("concatenates the interfaces of several sections, in any byte order", () => {
    const first = writePcapng([{ timestampNs: 1n, data: hex("01"), interfaceId: 1 }], {
      interfaces: [
        { linkType: 1, snapLength: 0 },
        { linkType: 101, snapLength: 0, tsresol: 9 },
      ],
      comment: "first",
    });
    const file = readPcapng(concat(first, BIG_ENDIAN));
    expect(file).toMatchObject({ byteOrder: "little", comment: "first", application: "@proto/osi" });
    expect(file.interfaces.map((i) => i.linkType)).toEqual([1, 101, 1, 101]);
    expect(file.records.map((r) => r.interfaceId)).toEqual([1, 2, 2, 3]);
  });

  it("skips a section whose major version it cannot read (§3.4)", () => {
    const unknownVersion = concat(shbLe(2), block(6, new Uint8Array(20)));
    const good = writePcapng([{ timestampNs: 5n, data: hex("05") }]);
    const file = readPcapng(concat(unknownVersion, good));
    expect(file.records).toEqual([{ timestampNs: 5n, data: hex("05"), originalLength: 1, interfaceId: 0 }]);
    expect(thrown(() => readPcapng(unknownVersion)).code).toBe("OSI_UNSUPPORTED");
  });
});

describe("timestamp resolution (if_tsresol, §4.2)", () => {
  it.each([
    [1_500_000n, 6, 1_500_000_000n],
    [3n, 0, 3_000_000_000n],
    [42n, 9, 42n],
    [1024n, 0x8a, 1_000_000_000n],
    [1n, 0x8a, 976_563n], // 1/1024 s = 976562.5 ns, rounded up
    [5000n, 12, 5n],
    [1n, 12, 1n],
  ])("%s units at tsresol %s = %s ns", (units, tsresol, ns) => {
    expect(pcapngTimestampToNs(units, tsresol)).toBe(ns);
  });

  it("defaults to microseconds", () => {
    expect(pcapngTimestampToNs(1n)).toBe(1000n);
    expect(nsToPcapngTimestamp(1999n)).toBe(1n);
  });

  const coarse = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0x80, max: 0x80 + 29 }));
  const fine = fc.oneof(fc.integer({ min: 9, max: 40 }), fc.integer({ min: 0x80 + 30, max: 0x80 + 80 }));

  it("units → ns → units is exact at resolutions of 1 ns or coarser", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), coarse, (units, r) => {
        expect(nsToPcapngTimestamp(pcapngTimestampToNs(units, r), r)).toBe(units);
      }),
    );
  });

  it("ns → units → ns is exact at resolutions of 1 ns or finer", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fine, (ns, r) => {
        expect(pcapngTimestampToNs(nsToPcapngTimestamp(ns, r), r)).toBe(ns);
      }),
    );
  });
});

describe("writePcapng", () => {
  it("writes SHB, IDB and EPB little-endian with a correct Section Length", () => {
    const out = writePcapng([{ timestampNs: 0x1_0000_0002n, data: hex("aabbcc") }]);
    const view = new DataView(out.buffer);
    // SHB: 28 fixed octets + shb_userappl "@proto/osi" (4 + 10 + 2 padding) + opt_endofopt (4) = 48.
    expect(out.subarray(0, 16)).toEqual(hex("0a0d0d0a 30000000 4d3c2b1a 0100 0000"));
    expect(view.getBigInt64(16, true)).toBe(BigInt(out.length - 48));
    expect(out.subarray(24, 52)).toEqual(
      hex("0400 0a00 4070726f746f2f6f7369 0000 | 0000 0000 | 30000000 | 01000000"),
    );
    const epb = out.subarray(out.length - 36);
    expect(epb).toEqual(
      hex("06000000 24000000 00000000 01000000 02000000 03000000 03000000 aabbcc00 24000000"),
    );
    expect(readPcapng(out).interfaces).toEqual([{ linkType: 1, snapLength: 262144, tsresol: 9 }]);
  });

  it("truncates data to the interface's SnapLen; 0 means no limit", () => {
    const data = new Uint8Array(50).fill(7);
    const file = readPcapng(
      writePcapng(
        [
          { timestampNs: 0n, data, interfaceId: 0 },
          { timestampNs: 0n, data, interfaceId: 1 },
        ],
        {
          interfaces: [
            { linkType: 1, snapLength: 20 },
            { linkType: 1, snapLength: 0 },
          ],
        },
      ),
    );
    expect(file.records.map((r) => [r.data.length, r.originalLength])).toEqual([
      [20, 50],
      [50, 50],
    ]);
  });

  it.each<[string, CaptureRecord[], Parameters<typeof writePcapng>[1]]>([
    ["an unknown interfaceId", [{ timestampNs: 0n, data: hex("00"), interfaceId: 1 }], {}],
    ["a record with no interfaces", [{ timestampNs: 0n, data: hex("00") }], { interfaces: [] }],
    ["a negative timestamp", [{ timestampNs: -1n, data: hex("00") }], {}],
    ["a timestamp past 64 bits", [{ timestampNs: 1n << 64n, data: hex("00") }], {}],
    ["a comment with U+0000", [], { comment: "a\0b" }],
    ["a comment over 65535 octets", [], { comment: "é".repeat(40_000) }],
    ["tsresol past 8 bits", [], { interfaces: [{ linkType: 1, snapLength: 0, tsresol: 256 }] }],
    ["linkType past 16 bits", [], { interfaces: [{ linkType: 65536, snapLength: 0 }] }],
  ])("rejects %s with OSI_INVALID_FIELD", (_, records, options) => {
    const err = thrown(() => writePcapng(records, options));
    expect([err.code, err.layer]).toEqual(["OSI_INVALID_FIELD", "pcapng"]);
  });
});

describe("readPcapng errors", () => {
  const valid = writePcapng([{ timestampNs: 1n, data: hex("01020304") }], { comment: "c" });
  const idbAt = new DataView(valid.buffer).getUint32(4, true);
  const epbAt = valid.length - 36;
  const patched = (at: number, value: number) => {
    const copy = valid.slice();
    new DataView(copy.buffer).setUint32(at, value, true);
    return copy;
  };

  it.each<[string, () => Uint8Array, string, number]>([
    ["an empty buffer", () => new Uint8Array(0), "OSI_TRUNCATED", 0],
    ["a file not starting with an SHB", () => valid.subarray(idbAt), "OSI_BAD_CAPTURE", 0],
    ["a bad byte-order magic", () => patched(8, 0x01020304), "OSI_BAD_CAPTURE", 0],
    ["a length that is not a multiple of 4", () => patched(4, idbAt + 1), "OSI_BAD_CAPTURE", 0],
    ["a length under 12", () => patched(epbAt + 4, 8), "OSI_BAD_CAPTURE", epbAt],
    ["mismatched trailing length", () => patched(valid.length - 4, 40), "OSI_BAD_CAPTURE", epbAt],
    ["a block past the end", () => valid.subarray(0, valid.length - 4), "OSI_TRUNCATED", epbAt],
    ["a short block header", () => valid.subarray(0, idbAt + 5), "OSI_TRUNCATED", idbAt],
    ["an unknown interface ID", () => patched(epbAt + 8, 1), "OSI_BAD_CAPTURE", epbAt],
    ["captured data overrunning the block", () => patched(epbAt + 20, 9), "OSI_BAD_CAPTURE", epbAt],
    ["an option overrunning its block", () => patched(24, 0x0100_0001), "OSI_BAD_CAPTURE", 24],
    ["an SPB before any IDB", () => concat(shbLe(), block(3, hex("00000000"))), "OSI_BAD_CAPTURE", 28],
    [
      "an SHB under 28 octets",
      () => block(0x0a0d0d0a, hex("4d3c2b1a 0100 0000 00000000")),
      "OSI_BAD_CAPTURE",
      0,
    ],
    [
      "a 2-octet if_tsresol",
      () => concat(shbLe(), block(1, hex("0100 0000 00000000 0900 0200 0606 0000"))),
      "OSI_BAD_CAPTURE",
      28,
    ],
  ])("rejects %s", (_, make, code, offset) => {
    const err = thrown(() => readPcapng(make()));
    expect([err.code, err.layer, err.offset]).toEqual([code, "pcapng", offset]);
  });

  it("has the layout the table above assumes", () => {
    expect(idbAt).toBe(28 + 8 + 16 + 4); // fixed part, opt_comment "c", shb_userappl, opt_endofopt
    expect(outcome(() => readPcapng(valid))).toBe("ok");
  });

  it("reports OSI_TRUNCATED for every proper prefix except block boundaries", () => {
    const boundaries = new Set([idbAt, epbAt, valid.length]);
    for (let n = 1; n < valid.length; n++) {
      const expected = boundaries.has(n) ? "ok" : "OSI_TRUNCATED";
      expect(
        outcome(() => readPcapng(valid.subarray(0, n))),
        `prefix ${n}`,
      ).toBe(expected);
    }
  });
});

const safeString = fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !s.includes("\0"));
const tsresolArb = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0x80, max: 0x80 + 29 }));
const interfaceArb: fc.Arbitrary<PcapngInterface> = fc.record(
  {
    linkType: fc.integer({ min: 0, max: 0xffff }),
    snapLength: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4000 })),
    name: safeString,
    tsresol: tsresolArb,
  },
  { requiredKeys: ["linkType", "snapLength"] },
);
const recordsFor = (interfaces: number) =>
  fc.array(
    fc.record({
      timestampNs: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
      data: fc.uint8Array({ maxLength: 3000 }),
      originalLength: fc.option(fc.integer({ min: 3000, max: 100_000 }), { nil: undefined }),
      interfaceId: fc.integer({ min: 0, max: interfaces - 1 }),
    }),
    { maxLength: 6 },
  );

describe("pcapng properties", () => {
  it("round-trips arbitrary records through the default nanosecond interface", () => {
    fc.assert(
      fc.property(
        recordsFor(1),
        fc.option(safeString, { nil: undefined }),
        safeString,
        (records, comment, app) => {
          const file = readPcapng(writePcapng(records, { comment, application: app }));
          expect(file.comment).toBe(comment);
          expect(file.application).toBe(app);
          expect(file.records).toEqual(
            records.map((r) => ({ ...r, originalLength: r.originalLength ?? r.data.length })),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("round-trips across several interfaces within each one's resolution and SnapLen", () => {
    const arb = fc
      .array(interfaceArb, { minLength: 1, maxLength: 4 })
      .chain((interfaces) => fc.tuple(fc.constant(interfaces), recordsFor(interfaces.length)));
    fc.assert(
      fc.property(arb, ([interfaces, records]) => {
        const file = readPcapng(writePcapng(records, { interfaces }));
        expect(file.interfaces).toEqual(interfaces);
        expect(file.records).toHaveLength(records.length);
        file.records.forEach((got, i) => {
          const want = records[i]!;
          const iface = interfaces[want.interfaceId]!;
          const tsresol = iface.tsresol ?? 6;
          const perSecond = tsresol & 0x80 ? 2n ** BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
          const lost = want.timestampNs - got.timestampNs;
          expect(lost >= 0n && lost * perSecond < 1_000_000_000n).toBe(true);
          const keep = iface.snapLength === 0 ? want.data.length : iface.snapLength;
          expect(got.data).toEqual(want.data.subarray(0, keep));
          expect(got.interfaceId).toBe(want.interfaceId);
          expect(got.originalLength).toBe(want.originalLength ?? want.data.length);
        });
      }),
      { numRuns: 150 },
    );
  });

  it("returns or throws OsiError for arbitrary bytes, with or without an SHB start", () => {
    const start = fc.constantFrom(
      hex("0a0d0d0a"),
      hex("0a0d0d0a 1c000000 4d3c2b1a"),
      hex("0a0d0d0a 0000001c 1a2b3c4d"),
    );
    fc.assert(
      fc.property(fc.option(start, { nil: undefined }), fc.uint8Array({ maxLength: 400 }), (prefix, tail) => {
        outcome(() => readPcapng(prefix ? concat(prefix, tail) : tail));
      }),
      { numRuns: 1000 },
    );
  });

  it("returns or throws OsiError for mutated and truncated valid files", () => {
    const arb = fc
      .array(interfaceArb, { minLength: 1, maxLength: 3 })
      .chain((interfaces) => fc.tuple(fc.constant(interfaces), recordsFor(interfaces.length)));
    fc.assert(
      fc.property(
        arb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        ([interfaces, records], edits, cut, withVector) => {
          const written = writePcapng(records, { interfaces, comment: "fuzz" });
          const bytes = withVector ? concat(written, BIG_ENDIAN) : written;
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          const result = outcome(() => readPcapng(input));
          expect(["ok", "OSI_TRUNCATED", "OSI_BAD_CAPTURE", "OSI_UNSUPPORTED"]).toContain(result);
        },
      ),
      { numRuns: 500 },
    );
  });
});
