import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CaptureRecord, PCAP_MAX_CAPLEN, readPcap, writePcap } from "./pcap";
import { hex, outcome, thrown } from "./test-utils";

/** "a1 b2 c3d4" → bytes; whitespace and `|` separators ignored. */

/** Runs `fn`; returns "ok" or the OsiError code, and fails the test on any other exception. */

const MAX_SECONDS_NS = 0xffff_ffffn * 1_000_000_000n + 999_999_999n;

const recordArb: fc.Arbitrary<CaptureRecord> = fc
  .record({
    timestampNs: fc.bigInt({ min: 0n, max: MAX_SECONDS_NS }),
    data: fc.uint8Array({ maxLength: 3000 }),
    extra: fc.option(fc.nat({ max: 70_000 }), { nil: undefined }),
  })
  .map(({ timestampNs, data, extra }) =>
    extra === undefined ? { timestampNs, data } : { timestampNs, data, originalLength: data.length + extra },
  );

describe("readPcap vectors (draft-ietf-opsawg-pcap §4, §5)", () => {
  // A big-endian microsecond file assembled field by field from Figures 1 and 2.
  const bigEndian = hex(`
    a1 b2 c3 d4 | 00 02 | 00 04 | 00 00 00 00 | 00 00 00 00 | 00 00 ff ff | 00 00 00 01
    5f 5e 10 00 | 00 01 e2 40 | 00 00 00 04 | 00 00 00 3c | de ad be ef
    5f 5e 10 01 | 00 00 00 00 | 00 00 00 00 | 00 00 00 00
  `);

  it("parses a hand-assembled big-endian file", () => {
    const file = readPcap(bigEndian);
    expect(file).toMatchObject({
      format: "pcap",
      byteOrder: "big",
      precision: "micro",
      versionMajor: 2,
      versionMinor: 4,
      snapLength: 65535,
      linkType: 1,
    });
    expect(file.records).toEqual([
      { timestampNs: 1_600_000_000_123_456_000n, data: hex("deadbeef"), originalLength: 60 },
      { timestampNs: 1_600_000_001_000_000_000n, data: new Uint8Array(0), originalLength: 0 },
    ]);
  });

  it("returns record data as views into the input", () => {
    const data = readPcap(bigEndian).records[0]?.data;
    expect(data?.buffer).toBe(bigEndian.buffer);
    expect(data?.byteOffset).toBe(40);
  });

  it("reads a big-endian nanosecond file", () => {
    const file = readPcap(
      hex(`
      a1 b2 3c 4d 00 02 00 04 00000000 00000000 00040000 00000065
      00000001 3b9ac9ff 00000001 00000001 45
    `),
    );
    expect(file).toMatchObject({ byteOrder: "big", precision: "nano", snapLength: 262144, linkType: 101 });
    expect(file.records[0]?.timestampNs).toBe(1_999_999_999n);
  });

  it("reads a little-endian nanosecond file and ignores the FCS bits of the link type", () => {
    const file = readPcap(hex("4d 3c b2 a1 0200 0400 00000000 00000000 ffff0000 01 00 00 34"));
    expect(file).toMatchObject({ byteOrder: "little", precision: "nano", linkType: 1, records: [] });
  });

  it("reads a file held in a subarray of a larger buffer", () => {
    const padded = new Uint8Array(bigEndian.length + 7);
    padded.set(bigEndian, 3);
    expect(readPcap(padded.subarray(3, 3 + bigEndian.length)).records).toHaveLength(2);
  });
});

describe("writePcap", () => {
  it("writes the little-endian 2.4 header", () => {
    expect(writePcap([])).toEqual(hex("d4 c3 b2 a1 0200 0400 00000000 00000000 00000400 01000000"));
    expect(writePcap([], { precision: "nano", linkType: 101, snapLength: 1500 })).toEqual(
      hex("4d 3c b2 a1 0200 0400 00000000 00000000 dc050000 65000000"),
    );
  });

  it("writes a record header and data", () => {
    const out = writePcap([
      { timestampNs: 1_600_000_000_123_456_789n, data: hex("0102"), originalLength: 9 },
    ]);
    expect(out.subarray(24)).toEqual(hex("00105e5f 40e20100 02000000 09000000 0102"));
  });

  it("truncates microsecond timestamps toward zero", () => {
    const [rec] = readPcap(writePcap([{ timestampNs: 1_999_999_999n, data: hex("00") }])).records;
    expect(rec?.timestampNs).toBe(1_999_999_000n);
  });

  it("truncates data to snapLength and keeps the original length", () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const file = readPcap(writePcap([{ timestampNs: 0n, data }], { snapLength: 10 }));
    expect(file.records[0]).toEqual({ timestampNs: 0n, data: data.subarray(0, 10), originalLength: 100 });
  });

  it("accepts any iterable", () => {
    function* gen() {
      yield { timestampNs: 5n, data: hex("aa") };
      yield { timestampNs: 6n, data: hex("bb") };
    }
    expect(readPcap(writePcap(gen(), { precision: "nano" })).records.map((r) => r.timestampNs)).toEqual([
      5n,
      6n,
    ]);
  });

  it.each<[string, CaptureRecord[], Parameters<typeof writePcap>[1]]>([
    ["negative timestamp", [{ timestampNs: -1n, data: hex("00") }], {}],
    ["seconds past 2^32 - 1", [{ timestampNs: MAX_SECONDS_NS + 1n, data: hex("00") }], {}],
    ["originalLength below data length", [{ timestampNs: 0n, data: hex("0000"), originalLength: 1 }], {}],
    ["originalLength past 32 bits", [{ timestampNs: 0n, data: hex("00"), originalLength: 2 ** 32 }], {}],
    ["snapLength 0", [], { snapLength: 0 }],
    ["linkType past 16 bits", [], { linkType: 0x10000 }],
    ["fractional snapLength", [], { snapLength: 1.5 }],
    ["unknown precision", [], { precision: "milli" as "micro" }],
  ])("rejects %s with OSI_INVALID_FIELD", (_, records, options) => {
    const err = thrown(() => writePcap(records, options));
    expect([err.code, err.layer]).toEqual(["OSI_INVALID_FIELD", "pcap"]);
  });
});

describe("readPcap errors", () => {
  const valid = writePcap([{ timestampNs: 1n, data: hex("01020304") }]);

  it.each<[string, Uint8Array, string, number]>([
    ["an empty buffer", new Uint8Array(0), "OSI_TRUNCATED", 0],
    ["a bad magic", hex("00000000"), "OSI_BAD_CAPTURE", 0],
    ["a pcapng file", hex("0a0d0d0a 1c000000 4d3c2b1a"), "OSI_BAD_CAPTURE", 0],
    ["a short file header", valid.subarray(0, 23), "OSI_TRUNCATED", 0],
    ["a short record header", valid.subarray(0, 30), "OSI_TRUNCATED", 24],
    ["record data past the end", valid.subarray(0, valid.length - 1), "OSI_TRUNCATED", 24],
    ["major version 3", hex("d4c3b2a1 0300 0000 00000000 00000000 ffff0000 01000000"), "OSI_UNSUPPORTED", 4],
    [
      "a modified-pcap magic",
      hex("34cdb2a1 0200 0400 00000000 00000000 ffff0000 01000000"),
      "OSI_UNSUPPORTED",
      0,
    ],
  ])("rejects %s", (_, bytes, code, offset) => {
    const err = thrown(() => readPcap(bytes));
    expect([err.code, err.layer, err.offset]).toEqual([code, "pcap", offset]);
  });

  it("rejects a captured length beyond SnapLen plus slack, accepts one within it", () => {
    const header = hex("d4c3b2a1 0200 0400 00000000 00000000 40000000 01000000"); // SnapLen 64
    const record = (caplen: number) => {
      const out = new Uint8Array(16 + caplen);
      new DataView(out.buffer).setUint32(8, caplen, true);
      return out;
    };
    const file = (caplen: number) => Uint8Array.from([...header, ...record(caplen)]);
    expect(readPcap(file(PCAP_MAX_CAPLEN)).records[0]?.data.length).toBe(PCAP_MAX_CAPLEN);
    const err = thrown(() => readPcap(file(PCAP_MAX_CAPLEN + 1)));
    expect([err.code, err.offset]).toEqual(["OSI_BAD_CAPTURE", 24]);
  });
});

describe("pcap properties", () => {
  it("round-trips arbitrary records at nanosecond precision", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 8 }), (records) => {
        const file = readPcap(writePcap(records, { precision: "nano", linkType: 228 }));
        expect(file.linkType).toBe(228);
        expect(file.records).toEqual(
          records.map((r) => ({ ...r, originalLength: r.originalLength ?? r.data.length })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("round-trips at microsecond precision with snapLength truncation", () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 8 }),
        fc.integer({ min: 1, max: 4000 }),
        (records, snap) => {
          const file = readPcap(writePcap(records, { snapLength: snap }));
          expect(file.snapLength).toBe(snap);
          expect(file.records).toEqual(
            records.map((r) => ({
              timestampNs: r.timestampNs - (r.timestampNs % 1000n),
              data: r.data.subarray(0, snap),
              originalLength: r.originalLength ?? r.data.length,
            })),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("returns or throws OsiError for arbitrary bytes", () => {
    const magic = fc.constantFrom(...["d4c3b2a1", "a1b2c3d4", "4d3cb2a1", "a1b23c4d"].map(hex));
    fc.assert(
      fc.property(fc.option(magic, { nil: undefined }), fc.uint8Array({ maxLength: 600 }), (prefix, tail) => {
        outcome(() => readPcap(prefix ? Uint8Array.from([...prefix, ...tail]) : tail));
      }),
      { numRuns: 1000 },
    );
  });

  it("returns or throws OsiError for mutated and truncated valid files", () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.boolean(),
        (records, edits, cut, nano) => {
          const bytes = writePcap(records, { precision: nano ? "nano" : "micro" });
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % (bytes.length + 1));
          const result = outcome(() => readPcap(input));
          expect(["ok", "OSI_TRUNCATED", "OSI_BAD_CAPTURE", "OSI_UNSUPPORTED"]).toContain(result);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("reports OSI_TRUNCATED for every proper prefix of a valid file", () => {
    const bytes = writePcap([
      { timestampNs: 1n, data: hex("0102030405") },
      { timestampNs: 2n, data: hex("06") },
    ]);
    const recordStarts = new Set([24, 24 + 16 + 5, bytes.length]);
    for (let n = 0; n < bytes.length; n++) {
      expect(
        outcome(() => readPcap(bytes.subarray(0, n))),
        `prefix ${n}`,
      ).toBe(recordStarts.has(n) ? "ok" : "OSI_TRUNCATED");
    }
  });
});
