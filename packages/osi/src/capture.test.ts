import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectCaptureFormat, readCapture } from "./capture";
import { OsiError } from "./errors";
import { writePcap } from "./pcap";
import { writePcapng } from "./pcapng";
import { outcome } from "./test-utils";

const records = [
  { timestampNs: 1_700_000_000_000_001_000n, data: Uint8Array.of(1, 2, 3), originalLength: 64 },
  { timestampNs: 1_700_000_000_500_000_000n, data: Uint8Array.of(4) },
];

describe("readCapture", () => {
  it("reads pcap files in every magic and byte order", () => {
    const le = writePcap(records, { precision: "nano" });
    expect(readCapture(le)).toMatchObject({ format: "pcap", byteOrder: "little", precision: "nano" });
    // The same file byte-swapped by hand: header fields and record header fields.
    const be = le.slice();
    const view = new DataView(be.buffer);
    const swap32 = (at: number) => view.setUint32(at, new DataView(le.buffer).getUint32(at, true), false);
    const swap16 = (at: number) => view.setUint16(at, new DataView(le.buffer).getUint16(at, true), false);
    [0, 8, 12, 16, 20].forEach(swap32);
    [4, 6].forEach(swap16);
    let at = 24;
    for (const r of records) {
      [at, at + 4, at + 8, at + 12].forEach(swap32);
      at += 16 + r.data.length;
    }
    const file = readCapture(be);
    expect(file).toMatchObject({ format: "pcap", byteOrder: "big", precision: "nano" });
    expect(file.records).toEqual(readCapture(le).records);
  });

  it("reads pcapng files", () => {
    const file = readCapture(writePcapng(records));
    expect(file.format).toBe("pcapng");
    expect(file.records.map((r) => r.timestampNs)).toEqual(records.map((r) => r.timestampNs));
  });

  it("tells the formats apart", () => {
    expect(detectCaptureFormat(writePcap([]))).toBe("pcap");
    expect(detectCaptureFormat(writePcap([], { precision: "nano" }))).toBe("pcap");
    expect(detectCaptureFormat(writePcapng([]))).toBe("pcapng");
    expect(detectCaptureFormat(Uint8Array.of(0x0a, 0x0d, 0x0d))).toBeUndefined();
    expect(detectCaptureFormat(new TextEncoder().encode("GET / HTTP/1.1"))).toBeUndefined();
  });

  it.each<[string, Uint8Array, string, string]>([
    ["three octets", Uint8Array.of(0xd4, 0xc3, 0xb2), "OSI_TRUNCATED", "capture"],
    ["an unknown magic", new TextEncoder().encode("%PDF-1.7"), "OSI_BAD_CAPTURE", "capture"],
    ["a truncated pcap header", writePcap([]).subarray(0, 10), "OSI_TRUNCATED", "pcap"],
    ["a truncated pcapng block", writePcapng([]).subarray(0, 20), "OSI_TRUNCATED", "pcapng"],
  ])("rejects %s", (_, bytes, code, layer) => {
    try {
      readCapture(bytes);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(OsiError);
      expect([(err as OsiError).code, (err as OsiError).layer, (err as OsiError).offset]).toEqual([
        code,
        layer,
        0,
      ]);
    }
  });

  it("returns or throws OsiError for arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        outcome(() => readCapture(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("returns or throws OsiError for mutated and truncated files of both formats", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (ng, payloads, edits, cut) => {
          const recs = payloads.map((data, i) => ({ timestampNs: BigInt(i) * 1000n, data }));
          const bytes = ng ? writePcapng(recs) : writePcap(recs);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const result = outcome(() => readCapture(bytes.subarray(0, cut % (bytes.length + 1))));
          expect(["ok", "OSI_TRUNCATED", "OSI_BAD_CAPTURE", "OSI_UNSUPPORTED"]).toContain(result);
        },
      ),
      { numRuns: 500 },
    );
  });
});
