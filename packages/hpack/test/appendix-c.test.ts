/**
 * RFC 7541 Appendix C, word for word: every example decodes to its header list and leaves the dynamic table
 * the RFC prints (entries newest first, size after the block), every block cut short is either a shorter
 * list or HPACK_TRUNCATED, describeBlock sees the representations the RFC names, and the encoder reproduces
 * C.2, C.3 (no Huffman), C.4 (Huffman), C.5 and C.6 (256-octet table) byte for byte.
 *
 * The fixture is a copy of shared/vectors/rfc7541-appendix-c.json (facts from the RFC, each block verified
 * by decoding), kept here so a fresh clone has it.
 */
import { describe, expect, it } from "vitest";
import {
  describeBlock,
  HpackDecoder,
  HpackEncoder,
  HpackError,
  huffmanDecode,
  huffmanEncode,
  huffmanEncodedLength,
} from "../src/index";
import fixture from "./fixtures/rfc7541-appendix-c.json";
import { entriesSize, type Field, fieldsView, hex, latin1Bytes, tableView, toHex } from "./helpers";

interface AppendixCase {
  id: string;
  title: string;
  hex: string;
  context: string;
  maxTableSize: number;
  huffman: boolean;
  headers: Field[];
  neverIndexed?: boolean;
  tableSize: number;
  dynamicTable: [name: string, value: string, entrySize: number][];
}

const CASES = (fixture as unknown as { cases: AppendixCase[] }).cases;

/** The examples that share one decoder (C.3 to C.6); C.2 examples each start from an empty context. */
function groups(): [string, AppendixCase[]][] {
  const out = new Map<string, AppendixCase[]>();
  for (const c of CASES) {
    const key = c.context.startsWith("independent") ? c.id : c.context;
    out.set(key, [...(out.get(key) ?? []), c]);
  }
  return [...out];
}

/**
 * The options that make our encoder take the RFC's choices: every field not found whole in a table is a
 * literal with incremental indexing (RFC 7541 C.3 to C.6 index even :path and date).
 */
const INDEX_EVERYTHING = { indexing: "all" } as const;

type Kind =
  | "indexed"
  | "literal-incremental"
  | "literal-without-indexing"
  | "literal-never-indexed"
  | "size-update";
const I: Kind = "indexed";
const INC: Kind = "literal-incremental";

/**
 * The representations of each example, as RFC 7541 Appendix C decodes them: [kind, index, octets].
 * For a literal, index is the name's index (0: a new name).
 */
const REPRESENTATIONS: Record<string, [Kind, number, number][]> = {
  "C.2.1": [[INC, 0, 26]],
  "C.2.2": [["literal-without-indexing", 4, 14]],
  "C.2.3": [["literal-never-indexed", 0, 17]],
  "C.2.4": [[I, 2, 1]],
  "C.3.1": [
    [I, 2, 1],
    [I, 6, 1],
    [I, 4, 1],
    [INC, 1, 17],
  ],
  "C.3.2": [
    [I, 2, 1],
    [I, 6, 1],
    [I, 4, 1],
    [I, 62, 1],
    [INC, 24, 10],
  ],
  "C.3.3": [
    [I, 2, 1],
    [I, 7, 1],
    [I, 5, 1],
    [I, 63, 1],
    [INC, 0, 25],
  ],
  "C.4.1": [
    [I, 2, 1],
    [I, 6, 1],
    [I, 4, 1],
    [INC, 1, 14],
  ],
  "C.4.2": [
    [I, 2, 1],
    [I, 6, 1],
    [I, 4, 1],
    [I, 62, 1],
    [INC, 24, 8],
  ],
  "C.4.3": [
    [I, 2, 1],
    [I, 7, 1],
    [I, 5, 1],
    [I, 63, 1],
    [INC, 0, 20],
  ],
  "C.5.1": [
    [INC, 8, 5],
    [INC, 24, 9],
    [INC, 33, 31],
    [INC, 46, 25],
  ],
  "C.5.2": [
    [INC, 8, 5],
    [I, 65, 1],
    [I, 64, 1],
    [I, 63, 1],
  ],
  "C.5.3": [
    [I, 8, 1],
    [I, 65, 1],
    [INC, 33, 31],
    [I, 64, 1],
    [INC, 26, 6],
    [INC, 55, 58],
  ],
  "C.6.1": [
    [INC, 8, 4],
    [INC, 24, 7],
    [INC, 33, 24],
    [INC, 46, 19],
  ],
  "C.6.2": [
    [INC, 8, 5],
    [I, 65, 1],
    [I, 64, 1],
    [I, 63, 1],
  ],
  "C.6.3": [
    [I, 8, 1],
    [I, 65, 1],
    [INC, 33, 24],
    [I, 64, 1],
    [INC, 26, 5],
    [INC, 55, 47],
  ],
};

describe("the fixture is the RFC's", () => {
  it("holds the 16 examples of C.2 to C.6, each table size the sum of its entries", () => {
    expect(CASES.map((c) => c.id)).toEqual(Object.keys(REPRESENTATIONS));
    for (const c of CASES) {
      expect(
        c.dynamicTable.reduce((n, [, , size]) => n + size, 0),
        c.id,
      ).toBe(c.tableSize);
      for (const [name, value, size] of c.dynamicTable)
        expect(size, c.id).toBe(name.length + value.length + 32);
    }
  });
});

describe("RFC 7541 Appendix C: decoding", () => {
  for (const [group, cases] of groups()) {
    it(`${group}: header lists and dynamic tables after each block`, () => {
      const first = cases[0] as AppendixCase;
      const decoder = new HpackDecoder({ maxTableSize: first.maxTableSize });
      for (const c of cases) {
        expect(fieldsView(decoder.decode(hex(c.hex))), c.id).toEqual(c.headers);
        const table = tableView(decoder.dynamicTable);
        expect(table.entries, c.id).toEqual(c.dynamicTable.map(([name, value]) => [name, value]));
        expect(table.size, c.id).toBe(c.tableSize);
        expect(table.size, c.id).toBe(entriesSize(table.entries));
        expect(table.maxSize, c.id).toBe(c.maxTableSize);
      }
    });
  }

  for (const [group, cases] of groups()) {
    it(`${group}: describeBlock names the RFC's representations`, () => {
      // describeBlock decodes with the decoder it is given, so later blocks see the earlier entries.
      const decoder = new HpackDecoder({ maxTableSize: (cases[0] as AppendixCase).maxTableSize });
      for (const c of cases) {
        const reps = describeBlock(hex(c.hex), decoder);
        const expected = REPRESENTATIONS[c.id] ?? [];
        expect(
          reps.map((r) => r.kind),
          c.id,
        ).toEqual(expected.map(([kind]) => kind));
        expect(
          reps.map((r) => r.bytes),
          c.id,
        ).toEqual(expected.map(([, , bytes]) => bytes));
        reps.forEach((r, i) => {
          const [kind, index] = expected[i] as [Kind, number, number];
          // Indexed fields carry their index; literals with an indexed name carry the name's index.
          if (kind === "indexed" || index > 0) expect(r.index, `${c.id} #${i}`).toBe(index);
          if (kind !== "indexed") {
            const huffman = r.huffman ?? { name: c.huffman, value: c.huffman };
            expect(huffman.value, `${c.id} #${i} value Huffman`).toBe(c.huffman);
            if (index === 0) expect(huffman.name, `${c.id} #${i} name Huffman`).toBe(c.huffman);
          }
        });
        expect(tableView(decoder.dynamicTable).size, c.id).toBe(c.tableSize);
      }
    });
  }

  it.each(CASES.map((c) => [c.id, c] as const))(
    "%s: every cut inside the block is a shorter list or HPACK_TRUNCATED",
    (id, c) => {
      const before = CASES.filter((o) => o.context === c.context && !o.context.startsWith("independent"));
      const prior = before.slice(0, before.indexOf(c));
      const block = hex(c.hex);
      let boundaries = 0;
      for (let cut = 0; cut < block.length; cut++) {
        const decoder = new HpackDecoder({ maxTableSize: c.maxTableSize });
        for (const p of prior) decoder.decode(hex(p.hex));
        try {
          const fields = fieldsView(decoder.decode(block.subarray(0, cut)));
          expect(fields, `${id} cut at ${cut}`).toEqual(c.headers.slice(0, fields.length));
          boundaries++;
        } catch (err) {
          expect(err, `${id} cut at ${cut}`).toBeInstanceOf(HpackError);
          expect((err as HpackError).code, `${id} cut at ${cut}`).toBe("HPACK_TRUNCATED");
        }
      }
      // One boundary before each representation: the empty prefix and after each one but the last.
      expect(boundaries).toBe(c.headers.length);
    },
  );
});

describe("RFC 7541 Appendix C: encoding byte for byte", () => {
  it("C.2.1: a new name with incremental indexing", () => {
    const encoder = new HpackEncoder({ huffman: "never", ...INDEX_EVERYTHING });
    expect(toHex(encoder.encode([["custom-key", "custom-header"]]))).toBe(
      "400a637573746f6d2d6b65790d637573746f6d2d686561646572",
    );
    expect(tableView(encoder.dynamicTable)).toEqual({
      entries: [["custom-key", "custom-header"]],
      size: 55,
      maxSize: 4096,
    });
  });

  it("C.2.3: a never-indexed literal (neverIndex callback)", () => {
    const encoder = new HpackEncoder({ huffman: "never", neverIndex: (name) => name === "password" });
    expect(toHex(encoder.encode([["password", "secret"]]))).toBe("100870617373776f726406736563726574");
    expect(tableView(encoder.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 4096 });
  });

  it("C.2.4: an exact static match is indexed whatever the options", () => {
    for (const huffman of ["never", "always", "auto"] as const) {
      expect(toHex(new HpackEncoder({ huffman }).encode([[":method", "GET"]]))).toBe("82");
    }
  });

  const SEQUENCES: [string, "never" | "always", string[]][] = [
    ["C.3", "never", ["C.3.1", "C.3.2", "C.3.3"]],
    ["C.4", "always", ["C.4.1", "C.4.2", "C.4.3"]],
    ["C.5", "never", ["C.5.1", "C.5.2", "C.5.3"]],
    ["C.6", "always", ["C.6.1", "C.6.2", "C.6.3"]],
  ];
  it.each(SEQUENCES)("%s: one encoder, huffman %s, reproduces the RFC's blocks", (_name, huffman, ids) => {
    const cases = ids.map((id) => CASES.find((c) => c.id === id) as AppendixCase);
    const maxTableSize = (cases[0] as AppendixCase).maxTableSize;
    const encoder = new HpackEncoder({ maxTableSize, huffman, ...INDEX_EVERYTHING });
    const decoder = new HpackDecoder({ maxTableSize });
    for (const c of cases) {
      const block = encoder.encode(c.headers);
      expect(toHex(block), c.id).toBe(c.hex);
      expect(fieldsView(decoder.decode(block)), c.id).toEqual(c.headers);
      expect(tableView(encoder.dynamicTable), c.id).toEqual({
        entries: c.dynamicTable.map(([name, value]) => [name, value]),
        size: c.tableSize,
        maxSize: maxTableSize,
      });
    }
  });
});

/** The Huffman strings of C.4 and C.6 (RFC 7541 Appendix B code). */
const HUFFMAN_STRINGS: [string, string, string][] = [
  ["C.4.1", "www.example.com", "f1e3c2e5f23a6ba0ab90f4ff"],
  ["C.4.2", "no-cache", "a8eb10649cbf"],
  ["C.4.3", "custom-key", "25a849e95ba97d7f"],
  ["C.4.3", "custom-value", "25a849e95bb8e8b4bf"],
  ["C.6.1", "302", "6402"],
  ["C.6.1", "private", "aec3771a4b"],
  ["C.6.1", "Mon, 21 Oct 2013 20:13:21 GMT", "d07abe941054d444a8200595040b8166e082a62d1bff"],
  ["C.6.1", "https://www.example.com", "9d29ad171863c78f0b97c8e9ae82ae43d3"],
  ["C.6.2", "307", "640eff"],
  ["C.6.3", "Mon, 21 Oct 2013 20:13:22 GMT", "d07abe941054d444a8200595040b8166e084a62d1bff"],
  ["C.6.3", "gzip", "9bd9ab"],
  [
    "C.6.3",
    "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
    "94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007",
  ],
];

describe("RFC 7541 Appendix C: Huffman strings", () => {
  it.each(HUFFMAN_STRINGS)("%s: %j", (_id, text, wire) => {
    expect(toHex(huffmanEncode(text))).toBe(wire);
    expect(huffmanEncodedLength(text)).toBe(wire.length / 2);
    expect(huffmanDecode(hex(wire))).toBe(text);
    // Not a coincidence of ASCII: the octets are the same as latin1.
    expect(latin1Bytes(huffmanDecode(hex(wire)))).toEqual(latin1Bytes(text));
  });
});
