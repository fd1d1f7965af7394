/**
 * Properties and error paths of @proto/hpack (RFC 7541):
 * - round trip of arbitrary latin1 header lists over many blocks on one connection, with table size changes
 *   between blocks on both sides, in every Huffman mode: the decoded list is the input and both dynamic
 *   tables are equal after every block;
 * - arbitrary or mutated bytes: decode returns fields or throws HpackError, never another exception;
 * - the primitives: integers (§5.1, C.1), Huffman (§5.2, Appendix B), the static table (Appendix A);
 * - every decoder error code from hand-built bytes, and the table semantics of §4.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeInteger,
  encodeInteger,
  HpackDecoder,
  HpackEncoder,
  HpackError,
  huffmanDecode,
  huffmanEncode,
  huffmanEncodedLength,
  MAX_INTEGER,
  STATIC_TABLE,
} from "../src/index";
import {
  caught,
  concat,
  entriesSize,
  expectHpackError,
  type Field,
  fieldsView,
  hex,
  latin1,
  rawString,
  tableView,
  toHex,
} from "./helpers";

type Huffman = "auto" | "always" | "never";
const HUFFMAN_MODES: Huffman[] = ["auto", "always", "never"];

// ---------------------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------------------

/** Any latin1 string: every octet 0x00-0xff is one character. */
const octets = (maxLength: number, minLength = 0) =>
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength, maxLength }).map(latin1);

const COMMON_NAMES = [
  ":method",
  ":path",
  ":authority",
  ":scheme",
  ":status",
  "accept",
  "accept-encoding",
  "authorization",
  "cache-control",
  "content-type",
  "cookie",
  "date",
  "set-cookie",
  "user-agent",
  "x-custom",
  "x-secret-token",
];
const COMMON_VALUES = [
  "",
  "GET",
  "POST",
  "/",
  "/index.html",
  "200",
  "404",
  "gzip, deflate",
  "text/html",
  "a=b",
];

/** Names: mostly lowercase tokens (many from the static table), sometimes any octets. */
const nameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...COMMON_NAMES) },
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,15}$/) },
  { weight: 1, arbitrary: octets(24, 1) },
);
/** Values: common ones (exact static matches), any octets, and long ones that do not fit small tables. */
const valueArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...COMMON_VALUES) },
  { weight: 5, arbitrary: octets(40) },
  { weight: 1, arbitrary: octets(300) },
);
const fieldArb: fc.Arbitrary<Field> = fc.tuple(nameArb, valueArb);

/** Table sizes: the interesting ones (0, a single small entry, the defaults) and any up to 8192. */
const tableSizeArb = fc.oneof(
  fc.constantFrom(0, 32, 40, 64, 100, 256, 4096),
  fc.integer({ min: 0, max: 8192 }),
);

/** One connection: a pool of fields that repeat, then blocks with table size changes before each. */
const connectionArb = fc.record({
  maxTableSize: fc.constantFrom(0, 64, 256, 1000, 4096),
  huffman: fc.constantFrom(...HUFFMAN_MODES),
  neverIndexSecrets: fc.boolean(),
  pool: fc.array(fieldArb, { minLength: 1, maxLength: 12 }),
  steps: fc.array(
    fc.record({
      sizes: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as number[]) },
        { weight: 2, arbitrary: fc.array(tableSizeArb, { minLength: 1, maxLength: 3 }) },
      ),
      picks: fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.nat().map((i) => ({ pool: i }) as const) },
          { weight: 1, arbitrary: fieldArb.map((f) => ({ fresh: f }) as const) },
        ),
        { maxLength: 14 },
      ),
    }),
    { minLength: 1, maxLength: 10 },
  ),
});

// ---------------------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------------------

describe("round trip over one connection", () => {
  it("decodes what was encoded and keeps both dynamic tables equal, across table size changes", () => {
    fc.assert(
      fc.property(connectionArb, ({ maxTableSize, huffman, neverIndexSecrets, pool, steps }) => {
        const encoder = new HpackEncoder({
          maxTableSize,
          huffman,
          neverIndex: neverIndexSecrets ? (name) => name.startsWith("x-secret") : undefined,
        });
        const decoder = new HpackDecoder({ maxTableSize, maxHeaderListSize: 1 << 20 });
        expect(tableView(encoder.dynamicTable)).toEqual(tableView(decoder.dynamicTable));
        for (const { sizes, picks } of steps) {
          for (const n of sizes) {
            encoder.setMaxTableSize(n);
            decoder.setMaxTableSize(n);
          }
          const fields: Field[] = picks.map((p) =>
            "pool" in p ? (pool[p.pool % pool.length] as Field) : p.fresh,
          );
          const block = encoder.encode(fields);
          expect(fieldsView(decoder.decode(block))).toEqual(fields);
          const enc = tableView(encoder.dynamicTable);
          expect(enc).toEqual(tableView(decoder.dynamicTable));
          expect(enc.size).toBe(entriesSize(enc.entries));
          expect(enc.size).toBeLessThanOrEqual(enc.maxSize);
          if (sizes.length > 0) expect(enc.maxSize).toBe(sizes[sizes.length - 1]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("accepts any iterable of fields (a generator) and a single block with every octet", () => {
    const all = latin1(Array.from({ length: 256 }, (_, i) => i));
    function* fields(): Generator<[string, string]> {
      yield ["x-all-octets", all];
      yield [all, "name of every octet"];
      yield ["empty", ""];
    }
    for (const huffman of HUFFMAN_MODES) {
      const decoder = new HpackDecoder();
      const encoder = new HpackEncoder({ huffman });
      expect(fieldsView(decoder.decode(encoder.encode(fields())))).toEqual([...fields()]);
      expect(tableView(encoder.dynamicTable)).toEqual(tableView(decoder.dynamicTable));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Arbitrary input never escapes as anything but HpackError
// ---------------------------------------------------------------------------------------------------------

const limitsArb = fc.record({
  maxTableSize: fc.constantFrom(0, 64, 4096),
  maxHeaderListSize: fc.constantFrom(undefined, 0, 40, 100, 1000),
  maxStringLength: fc.constantFrom(undefined, 0, 1, 4, 16),
  maxFields: fc.constantFrom(undefined, 0, 1, 3),
});

/** Decodes and checks the result's shape, or returns the HpackError; rethrows anything else. */
function decodeOrHpackError(decoder: HpackDecoder, block: Uint8Array): Field[] | HpackError {
  let fields: Field[];
  try {
    fields = fieldsView(decoder.decode(block));
  } catch (err) {
    if (err instanceof HpackError) {
      expect(typeof err.code).toBe("string");
      return err;
    }
    throw err;
  }
  for (const [name, value] of fields) {
    expect(typeof name).toBe("string");
    expect(typeof value).toBe("string");
    for (const s of [name, value])
      for (let i = 0; i < s.length; i++) expect(s.charCodeAt(i)).toBeLessThan(256);
  }
  return fields;
}

describe("arbitrary bytes: fields or HpackError, never another exception", () => {
  it("random blocks on one decoder, default and small limits", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 6 }),
        limitsArb,
        (blocks, limits) => {
          const decoder = new HpackDecoder(limits);
          for (const block of blocks) decodeOrHpackError(decoder, block);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("valid blocks with octets changed, inserted or cut", () => {
    const mutationArb = fc.oneof(
      fc.record({ op: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant("insert" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ op: fc.constant("cut" as const), at: fc.nat(), byte: fc.constant(0) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(fieldArb, { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...HUFFMAN_MODES),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        limitsArb,
        (lists, huffman, mutations, limits) => {
          const encoder = new HpackEncoder({ huffman });
          const decoder = new HpackDecoder(limits);
          for (const list of lists) {
            let block = Array.from(encoder.encode(list));
            for (const { op, at, byte } of mutations) {
              const i = block.length === 0 ? 0 : at % (block.length + (op === "insert" ? 1 : 0));
              if (op === "set" && block.length > 0) block[i] = byte;
              else if (op === "insert") block.splice(i, 0, byte);
              else block = block.slice(0, i);
            }
            decodeOrHpackError(decoder, Uint8Array.from(block));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("huge declared lengths and indices fail fast (no hang, no huge allocation)", () => {
    const huge = [
      "047fffffffff0f", // value length 2^35-ish, no octets
      "04ffffffffff0f", // same with the Huffman bit
      "007fffffff07", // name length 2^31 + 126
      "ffffffffff07", // index 2^31 + 126
      "3fffffffff07", // table size update 2^31 + 30
    ];
    for (const h of huge) {
      for (const limits of [{}, { maxStringLength: 16, maxHeaderListSize: 100 }]) {
        const started = Date.now();
        const err = caught(() => new HpackDecoder(limits).decode(hex(h)));
        expect(err, h).toBeInstanceOf(HpackError);
        expect(Date.now() - started).toBeLessThan(1000);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Integers (RFC 7541 §5.1, C.1)
// ---------------------------------------------------------------------------------------------------------

/** RFC 7541 §5.1's pseudocode, written out independently: the oracle for encodeInteger. */
function referenceInteger(value: number, prefixBits: number, firstByte = 0): number[] {
  const max = 2 ** prefixBits - 1;
  if (value < max) return [firstByte | value];
  const out = [firstByte | max];
  let i = value - max;
  while (i >= 128) {
    out.push((i % 128) + 128);
    i = Math.floor(i / 128);
  }
  out.push(i);
  return out;
}

/** The octets of the minimal §5.1 encoding of `value` with an N-bit prefix. */
function integerLength(value: number, prefixBits: number): number {
  const max = 2 ** prefixBits - 1;
  if (value < max) return 1;
  let rest = value - max;
  let n = 2;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    n++;
  }
  return n;
}

describe("integers (RFC 7541 §5.1)", () => {
  it.each([
    ["C.1.1", 10, 5, "0a"],
    ["C.1.2", 1337, 5, "1f9a0a"],
    ["C.1.3", 42, 8, "2a"],
  ])("%s: %i with a %i-bit prefix is %s", (_id, value, prefix, wire) => {
    expect(toHex(encodeInteger(value, prefix))).toBe(wire);
    expect(decodeInteger(hex(wire), 0, prefix)).toEqual({ value, offset: wire.length / 2 });
  });

  it("keeps the first octet's high bits and ignores them when decoding", () => {
    expect(toHex(encodeInteger(1337, 5, 0xe0))).toBe("ff9a0a");
    expect(toHex(encodeInteger(10, 5, 0xa0))).toBe("aa");
    expect(toHex(encodeInteger(62, 7, 0x80))).toBe("be");
    expect(toHex(encodeInteger(4096, 5, 0x20))).toBe("3fe11f");
    expect(decodeInteger(hex("ff9a0a"), 0, 5)).toEqual({ value: 1337, offset: 3 });
    expect(decodeInteger(hex("00 aa 99"), 1, 5)).toEqual({ value: 10, offset: 2 });
  });

  it("round-trips every prefix 1..8 and every value up to 2^31-1, minimally, at any offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 4 }),
        fc.uint8Array({ maxLength: 4 }),
        (prefix, value, high, before, after) => {
          const mask = 2 ** prefix - 1;
          const firstByte = high & ~mask & 0xff;
          const wire = encodeInteger(value, prefix, firstByte);
          expect(Array.from(wire)).toEqual(referenceInteger(value, prefix, firstByte));
          expect(wire.length).toBe(integerLength(value, prefix));
          expect((wire[0] as number) & ~mask & 0xff).toBe(firstByte);
          expect(decodeInteger(wire, 0, prefix)).toEqual({ value, offset: wire.length });
          const framed = concat(before, wire, after);
          expect(decodeInteger(framed, before.length, prefix)).toEqual({
            value,
            offset: before.length + wire.length,
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("round-trips the boundaries of every prefix and 2^31-1", () => {
    for (let prefix = 1; prefix <= 8; prefix++) {
      const max = 2 ** prefix - 1;
      for (const value of [0, max - 1, max, max + 1, max + 127, max + 128, 2 ** 31 - 1]) {
        if (value < 0) continue;
        const wire = encodeInteger(value, prefix);
        expect(decodeInteger(wire, 0, prefix), `${value}/${prefix}`).toEqual({ value, offset: wire.length });
      }
    }
  });

  it("rejects a truncated integer (HPACK_TRUNCATED)", () => {
    expectHpackError(() => decodeInteger(hex("1f9a"), 0, 5), "HPACK_TRUNCATED");
    expectHpackError(() => decodeInteger(hex("1f"), 0, 5), "HPACK_TRUNCATED");
    expectHpackError(() => decodeInteger(hex("0a"), 1, 5), "HPACK_TRUNCATED");
  });

  it("rejects integers past the implementation's limits, in value or octet length (HPACK_INTEGER_OVERFLOW)", () => {
    // §5.1: "Integer encodings that exceed implementation limits -- in value or octet length -- MUST be
    // treated as decoding errors."
    expectHpackError(() => decodeInteger(hex("1fffffffffffffffffff7f"), 0, 5), "HPACK_INTEGER_OVERFLOW");
    // The value is 31, but with ten continuation octets.
    expectHpackError(() => decodeInteger(hex("1f80808080808080808000"), 0, 5), "HPACK_INTEGER_OVERFLOW");
    // Just past the largest value this implementation supports (MAX_INTEGER = 2^31-1), in few octets.
    expect(MAX_INTEGER).toBe(2 ** 31 - 1);
    for (let prefix = 1; prefix <= 8; prefix++) {
      const top = Uint8Array.from(referenceInteger(MAX_INTEGER, prefix));
      expect(decodeInteger(top, 0, prefix)).toEqual({ value: MAX_INTEGER, offset: top.length });
      const past = Uint8Array.from(referenceInteger(MAX_INTEGER + 1, prefix));
      expectHpackError(() => decodeInteger(past, 0, prefix), "HPACK_INTEGER_OVERFLOW");
    }
    expectHpackError(() => decodeInteger(hex("1fffffffff0f"), 0, 5), "HPACK_INTEGER_OVERFLOW"); // 2^32 + 30
  });
});

// ---------------------------------------------------------------------------------------------------------
// Huffman (RFC 7541 §5.2, Appendix B)
// ---------------------------------------------------------------------------------------------------------

describe("Huffman (RFC 7541 §5.2, Appendix B)", () => {
  it("round-trips any latin1 string, and huffmanEncodedLength is the encoded length", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          octets(64),
          fc.string({ maxLength: 64 }).map((s) => s.replace(/[^\0-\xff]/g, "?")),
        ),
        (s) => {
          const wire = huffmanEncode(s);
          expect(huffmanEncodedLength(s)).toBe(wire.length);
          expect(huffmanDecode(wire)).toBe(s);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("round-trips every octet, and the empty string", () => {
    const all = latin1(Array.from({ length: 256 }, (_, i) => i));
    expect(huffmanDecode(huffmanEncode(all))).toBe(all);
    for (let i = 0; i < 256; i++) {
      const s = String.fromCharCode(i).repeat(3);
      expect(huffmanDecode(huffmanEncode(s)), `octet ${i}`).toBe(s);
    }
    expect(huffmanEncode("").length).toBe(0);
    expect(huffmanEncodedLength("")).toBe(0);
    expect(huffmanDecode(new Uint8Array(0))).toBe("");
  });

  it("uses the Appendix B code lengths (5 bits for 'a', 13 for 0x00, 8 for '&')", () => {
    expect(toHex(huffmanEncode("a"))).toBe("1f"); // 00011 + 111 padding
    expect(huffmanEncodedLength("aaaaaaaa")).toBe(5); // 40 bits
    expect(huffmanEncodedLength("\0")).toBe(2); // 13 bits
    expect(huffmanEncodedLength("\0".repeat(8))).toBe(13); // 104 bits
    expect(toHex(huffmanEncode("&"))).toBe("f8"); // 11111000
  });

  it("rejects padding longer than 7 bits or not made of the EOS prefix (HPACK_HUFFMAN_PADDING)", () => {
    // §5.2: "A padding strictly longer than 7 bits MUST be treated as a decoding error. A padding not
    // corresponding to the most significant bits of the code for the EOS symbol MUST be treated as a
    // decoding error."
    expectHpackError(() => huffmanDecode(hex("1fff")), "HPACK_HUFFMAN_PADDING"); // 'a' + 11 one bits
    expectHpackError(() => huffmanDecode(hex("ff")), "HPACK_HUFFMAN_PADDING"); // 8 bits, no symbol
    expectHpackError(() => huffmanDecode(hex("18")), "HPACK_HUFFMAN_PADDING"); // 'a' + 000
    expectHpackError(() => huffmanDecode(hex("1e")), "HPACK_HUFFMAN_PADDING"); // 'a' + 110
  });

  it("rejects a string containing EOS (HPACK_HUFFMAN_EOS)", () => {
    // §5.2: "A Huffman-encoded string literal containing the EOS symbol MUST be treated as a decoding error."
    expectHpackError(() => huffmanDecode(hex("fffffffc7f")), "HPACK_HUFFMAN_EOS"); // EOS, 'a', padding
    expectHpackError(() => huffmanDecode(hex("1fffffffe3")), "HPACK_HUFFMAN_EOS"); // 'a', EOS, 'a'
  });
});

// ---------------------------------------------------------------------------------------------------------
// Static table (RFC 7541 Appendix A)
// ---------------------------------------------------------------------------------------------------------

describe("static table (RFC 7541 Appendix A)", () => {
  it("has the 61 entries, index 1 at position 0", () => {
    expect(STATIC_TABLE).toHaveLength(61);
    const at = (index: number) => fieldsView([STATIC_TABLE[index - 1] as [string, string]])[0];
    expect(at(1)).toEqual([":authority", ""]);
    expect(at(2)).toEqual([":method", "GET"]);
    expect(at(3)).toEqual([":method", "POST"]);
    expect(at(4)).toEqual([":path", "/"]);
    expect(at(7)).toEqual([":scheme", "https"]);
    expect(at(8)).toEqual([":status", "200"]);
    expect(at(14)).toEqual([":status", "500"]);
    expect(at(16)).toEqual(["accept-encoding", "gzip, deflate"]);
    expect(at(23)).toEqual(["authorization", ""]);
    expect(at(32)).toEqual(["cookie", ""]);
    expect(at(33)).toEqual(["date", ""]);
    expect(at(55)).toEqual(["set-cookie", ""]);
    expect(at(61)).toEqual(["www-authenticate", ""]);
  });

  it("decodes every static index", () => {
    const decoder = new HpackDecoder();
    for (let i = 1; i <= 61; i++) {
      expect(fieldsView(decoder.decode(encodeInteger(i, 7, 0x80)))).toEqual(
        fieldsView([STATIC_TABLE[i - 1] as [string, string]]),
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Decoder errors from hand-built bytes
// ---------------------------------------------------------------------------------------------------------

describe("decoder errors", () => {
  it("index 0 or past both tables (HPACK_INDEX_OUT_OF_RANGE)", () => {
    // §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error if found in an indexed
    // header field representation." §2.3.3: "Indices strictly greater than the sum of the lengths of both
    // tables MUST be treated as a decoding error."
    expectHpackError(() => new HpackDecoder().decode(hex("80")), "HPACK_INDEX_OUT_OF_RANGE");
    expectHpackError(() => new HpackDecoder().decode(hex("be")), "HPACK_INDEX_OUT_OF_RANGE"); // 62, table empty
    expectHpackError(() => new HpackDecoder().decode(hex("bf")), "HPACK_INDEX_OUT_OF_RANGE"); // 63
    expectHpackError(() => new HpackDecoder().decode(hex("ff8001")), "HPACK_INDEX_OUT_OF_RANGE"); // 255
    // A literal whose name index is past both tables.
    expectHpackError(
      () => new HpackDecoder().decode(concat(hex("7e"), rawString("v"))),
      "HPACK_INDEX_OUT_OF_RANGE",
    );
    expectHpackError(
      () => new HpackDecoder().decode(concat(hex("0f30"), rawString("v"))), // without indexing, name 63
      "HPACK_INDEX_OUT_OF_RANGE",
    );
    // With one dynamic entry, 62 is valid and 63 is not.
    const decoder = new HpackDecoder();
    expect(fieldsView(decoder.decode(concat(hex("40"), rawString("a"), rawString("b"), hex("be"))))).toEqual([
      ["a", "b"],
      ["a", "b"],
    ]);
    expectHpackError(() => decoder.decode(hex("bf")), "HPACK_INDEX_OUT_OF_RANGE");
  });

  it("a size update above SETTINGS_HEADER_TABLE_SIZE (HPACK_TABLE_SIZE_UPDATE_TOO_LARGE)", () => {
    // §6.3: "The new maximum size MUST be lower than or equal to the limit ... Signaling a value that exceeds
    // this limit MUST be treated as a decoding error."
    expect(fieldsView(new HpackDecoder().decode(hex("3fe11f 82")))).toEqual([[":method", "GET"]]); // 4096
    expectHpackError(() => new HpackDecoder().decode(hex("3fe21f 82")), "HPACK_TABLE_SIZE_UPDATE_TOO_LARGE");
    expectHpackError(
      () => new HpackDecoder({ maxTableSize: 256 }).decode(hex("3fe201")), // 257
      "HPACK_TABLE_SIZE_UPDATE_TOO_LARGE",
    );
    const lowered = new HpackDecoder();
    lowered.setMaxTableSize(100);
    expectHpackError(() => lowered.decode(hex("3f46 82")), "HPACK_TABLE_SIZE_UPDATE_TOO_LARGE"); // 101
  });

  it("a size update after a field (HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD)", () => {
    // §4.2: the update "MUST occur at the beginning of the first header block following the change".
    expectHpackError(
      () => new HpackDecoder().decode(hex("82 3fe11f")),
      "HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD",
    );
    expectHpackError(() => new HpackDecoder().decode(hex("82 20")), "HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD");
    expectHpackError(
      () => new HpackDecoder().decode(concat(hex("40"), rawString("a"), rawString("b"), hex("20"))),
      "HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD",
    );
    // Two updates at the start (smallest, then final) are fine.
    const decoder = new HpackDecoder();
    expect(fieldsView(decoder.decode(hex("20 3fe11f 82")))).toEqual([[":method", "GET"]]);
    expect(decoder.dynamicTable.maxSize).toBe(4096);
  });

  it("a block after SETTINGS_HEADER_TABLE_SIZE dropped that lacks the update (HPACK_MISSING_TABLE_SIZE_UPDATE)", () => {
    const decoder = new HpackDecoder();
    decoder.setMaxTableSize(100);
    expectHpackError(() => decoder.decode(hex("82")), "HPACK_MISSING_TABLE_SIZE_UPDATE");
    // An empty block has no update either.
    const empty = new HpackDecoder();
    empty.setMaxTableSize(0);
    expectHpackError(() => empty.decode(new Uint8Array(0)), "HPACK_MISSING_TABLE_SIZE_UPDATE");
  });

  it("accepts the update after SETTINGS dropped, and needs none after it grew", () => {
    const decoder = new HpackDecoder();
    decoder.decode(concat(hex("40"), rawString("a"), rawString("b")));
    decoder.setMaxTableSize(100);
    expect(fieldsView(decoder.decode(hex("3f45 82")))).toEqual([[":method", "GET"]]); // 100
    expect(tableView(decoder.dynamicTable)).toEqual({ entries: [["a", "b"]], size: 34, maxSize: 100 });
    expect(fieldsView(decoder.decode(hex("be")))).toEqual([["a", "b"]]); // only the first block needs it
    decoder.setMaxTableSize(0);
    expectHpackError(() => decoder.decode(hex("be")), "HPACK_MISSING_TABLE_SIZE_UPDATE");
    const zero = new HpackDecoder();
    zero.decode(concat(hex("40"), rawString("a"), rawString("b")));
    zero.setMaxTableSize(0);
    expect(fieldsView(zero.decode(hex("20")))).toEqual([]);
    expect(tableView(zero.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 0 });
    expectHpackError(() => zero.decode(hex("be")), "HPACK_INDEX_OUT_OF_RANGE");
  });

  it("dropped then raised again: smallest then final is accepted", () => {
    const decoder = new HpackDecoder();
    decoder.setMaxTableSize(100);
    decoder.setMaxTableSize(4096);
    expect(fieldsView(decoder.decode(hex("3f45 3fe11f 82")))).toEqual([[":method", "GET"]]);
    expect(decoder.dynamicTable.maxSize).toBe(4096);
    const grown = new HpackDecoder();
    grown.setMaxTableSize(8192);
    expect(fieldsView(grown.decode(hex("82")))).toEqual([[":method", "GET"]]);
    expect(fieldsView(grown.decode(hex("3fe13f 82")))).toEqual([[":method", "GET"]]); // 8192 now allowed
    expect(grown.dynamicTable.maxSize).toBe(8192);
  });

  it("integers past the limits (HPACK_INTEGER_OVERFLOW)", () => {
    expectHpackError(
      () => new HpackDecoder().decode(hex("ffffffffffffffffffff7f")),
      "HPACK_INTEGER_OVERFLOW",
    );
    expectHpackError(
      () => new HpackDecoder().decode(hex("ff80808080808080808000")),
      "HPACK_INTEGER_OVERFLOW",
    );
    expectHpackError(
      () => new HpackDecoder().decode(hex("3fffffffffffffffffff7f")),
      "HPACK_INTEGER_OVERFLOW",
    );
    expectHpackError(
      () => new HpackDecoder().decode(hex("04 7fffffffffffffffffff7f")), // a string length
      "HPACK_INTEGER_OVERFLOW",
    );
  });

  it("Huffman strings with bad padding (HPACK_HUFFMAN_PADDING)", () => {
    // :path (static name 4), literal without indexing, value Huffman-encoded.
    expectHpackError(() => new HpackDecoder().decode(hex("04 82 1fff")), "HPACK_HUFFMAN_PADDING");
    expectHpackError(() => new HpackDecoder().decode(hex("04 81 ff")), "HPACK_HUFFMAN_PADDING");
    expectHpackError(() => new HpackDecoder().decode(hex("04 81 18")), "HPACK_HUFFMAN_PADDING");
    // The same in a name.
    expectHpackError(() => new HpackDecoder().decode(hex("00 81 18 01 62")), "HPACK_HUFFMAN_PADDING");
    // And well-padded: 'a'.
    expect(fieldsView(new HpackDecoder().decode(hex("04 81 1f")))).toEqual([[":path", "a"]]);
  });

  it("a Huffman string containing EOS (HPACK_HUFFMAN_EOS)", () => {
    expectHpackError(() => new HpackDecoder().decode(hex("04 85 fffffffc7f")), "HPACK_HUFFMAN_EOS");
  });

  it("a block that ends inside a representation (HPACK_TRUNCATED)", () => {
    for (const h of [
      "ff",
      "ff80",
      "3f",
      "40",
      "4001",
      "400161",
      "40016101",
      "04",
      "0405 6162",
      "0485 1f",
      "00 03 6162",
    ]) {
      expectHpackError(() => new HpackDecoder().decode(hex(h)), "HPACK_TRUNCATED");
    }
  });

  it("a string longer than maxStringLength (HPACK_STRING_TOO_LONG)", () => {
    const options = { maxStringLength: 4 };
    expect(fieldsView(new HpackDecoder(options).decode(concat(hex("04"), rawString("abcd"))))).toEqual([
      [":path", "abcd"],
    ]);
    expectHpackError(
      () => new HpackDecoder(options).decode(concat(hex("04"), rawString("hello"))),
      "HPACK_STRING_TOO_LONG",
      { wire: false },
    );
    expectHpackError(
      () => new HpackDecoder(options).decode(concat(hex("00"), rawString("hello"), rawString("v"))),
      "HPACK_STRING_TOO_LONG",
      { wire: false },
    );
    // A declared length past the limit fails before the decoder waits for, or copies, the octets.
    const err = caught(() => new HpackDecoder(options).decode(hex("04 7fffffff07")));
    expect(err).toBeInstanceOf(HpackError);
    expect(["HPACK_STRING_TOO_LONG", "HPACK_TRUNCATED"]).toContain((err as HpackError).code);
  });

  it("a header list past maxHeaderListSize (HPACK_HEADER_LIST_TOO_LARGE), table still in sync", () => {
    // RFC 9113 §6.5.2: "the uncompressed size of field lines, including the length of the name and value in
    // octets plus an overhead of 32 octets for each field line".
    const limit = { maxHeaderListSize: 100 };
    const exactly = concat(hex("04"), rawString("x".repeat(63))); // 5 + 63 + 32 = 100
    expect(fieldsView(new HpackDecoder(limit).decode(exactly))).toEqual([[":path", "x".repeat(63)]]);
    const over = concat(hex("04"), rawString("x".repeat(64))); // 101
    expectHpackError(() => new HpackDecoder(limit).decode(over), "HPACK_HEADER_LIST_TOO_LARGE", {
      wire: false,
    });
    // Cumulative: two fields of 50 pass, three do not.
    const fifty = concat(hex("00"), rawString("a"), rawString("b".repeat(17))); // 1 + 17 + 32
    expect(fieldsView(new HpackDecoder(limit).decode(concat(fifty, fifty)))).toHaveLength(2);
    expectHpackError(
      () => new HpackDecoder(limit).decode(concat(fifty, fifty, fifty)),
      "HPACK_HEADER_LIST_TOO_LARGE",
      {
        wire: false,
      },
    );

    // The whole block is still consumed: the entries added after the limit is passed are in the table.
    const decoder = new HpackDecoder(limit);
    const big = concat(hex("40"), rawString("x-big"), rawString("v".repeat(70))); // 107
    const small = concat(hex("40"), rawString("x-small"), rawString("1")); // 40
    expectHpackError(() => decoder.decode(concat(big, small)), "HPACK_HEADER_LIST_TOO_LARGE", {
      wire: false,
    });
    expect(tableView(decoder.dynamicTable)).toEqual({
      entries: [
        ["x-small", "1"],
        ["x-big", "v".repeat(70)],
      ],
      size: 147,
      maxSize: 4096,
    });
    // And the next block decodes normally against that table.
    expect(fieldsView(decoder.decode(hex("be")))).toEqual([["x-small", "1"]]);
  });

  it("a compression error after the header list limit is passed is still a compression error", () => {
    const decoder = new HpackDecoder({ maxHeaderListSize: 40 });
    const big = concat(hex("40"), rawString("x-big"), rawString("v".repeat(70)));
    expectHpackError(() => decoder.decode(concat(big, hex("80"))), "HPACK_INDEX_OUT_OF_RANGE");
  });

  it("more fields than maxFields (HPACK_TOO_MANY_FIELDS)", () => {
    expect(fieldsView(new HpackDecoder({ maxFields: 3 }).decode(hex("828684")))).toHaveLength(3);
    expectHpackError(
      () => new HpackDecoder({ maxFields: 3 }).decode(hex("82868487")),
      "HPACK_TOO_MANY_FIELDS",
      {
        wire: false,
      },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// Dynamic table semantics (RFC 7541 §4)
// ---------------------------------------------------------------------------------------------------------

describe("dynamic table (RFC 7541 §4)", () => {
  it("evicts oldest first, and an entry larger than the table empties it without error (§4.4)", () => {
    const decoder = new HpackDecoder({ maxTableSize: 100 });
    decoder.decode(
      concat(hex("40"), rawString("a"), rawString("1"), hex("40"), rawString("b"), rawString("2")),
    );
    expect(tableView(decoder.dynamicTable)).toEqual({
      entries: [
        ["b", "2"],
        ["a", "1"],
      ],
      size: 68,
      maxSize: 100,
    });
    decoder.decode(concat(hex("40"), rawString("c"), rawString("3"))); // 102 > 100: "a" goes
    expect(tableView(decoder.dynamicTable).entries).toEqual([
      ["c", "3"],
      ["b", "2"],
    ]);
    // §4.4: "an attempt to add an entry larger than the maximum size causes the table to be emptied of all
    // existing entries and results in an empty table".
    expect(fieldsView(decoder.decode(concat(hex("40"), rawString("d"), rawString("x".repeat(68)))))).toEqual([
      ["d", "x".repeat(68)],
    ]);
    expect(tableView(decoder.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 100 });
  });

  it("a size update evicts down to the new size (§4.3)", () => {
    const decoder = new HpackDecoder();
    decoder.decode(
      concat(hex("40"), rawString("a"), rawString("1"), hex("40"), rawString("b"), rawString("2")),
    );
    decoder.decode(hex("3f03")); // 34
    expect(tableView(decoder.dynamicTable)).toEqual({ entries: [["b", "2"]], size: 34, maxSize: 34 });
    decoder.decode(hex("20"));
    expect(tableView(decoder.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 0 });
  });
});
