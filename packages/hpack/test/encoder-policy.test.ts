/**
 * The encoder's choices (RFC 7541 §4.2, §6.2.3, §6.3, §7.1): when table size updates are emitted, which
 * fields are never indexed, when Huffman is used, and that an entry larger than the table is not added.
 * Each block is also decoded, so a choice that breaks the decoder's view of the table fails here too.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeBlock,
  HpackDecoder,
  HpackEncoder,
  HpackError,
  huffmanEncode,
  huffmanEncodedLength,
  type Representation,
} from "../src/index";
import { type Field, fieldsView, latin1, rawString, tableView, toHex } from "./helpers";

/**
 * An encoder and a decoder on one connection: `send` encodes, decodes, checks both tables agree, and
 * returns the block with its representations (describeBlock on a second decoder kept in step).
 */
function connection(options: ConstructorParameters<typeof HpackEncoder>[0] = {}) {
  const encoder = new HpackEncoder(options);
  const decoder = new HpackDecoder({ maxTableSize: options?.maxTableSize ?? 4096 });
  const shadow = new HpackDecoder({ maxTableSize: options?.maxTableSize ?? 4096 });
  return {
    encoder,
    decoder,
    send(fields: Field[]): { block: Uint8Array; reps: Representation[]; kinds: string[] } {
      const block = encoder.encode(fields);
      expect(fieldsView(decoder.decode(block))).toEqual(fields);
      expect(tableView(encoder.dynamicTable)).toEqual(tableView(decoder.dynamicTable));
      const reps = describeBlock(block, shadow);
      expect(reps.reduce((n, r) => n + r.bytes, 0)).toBe(block.length);
      return { block, reps, kinds: reps.map((r) => r.kind) };
    },
    /** SETTINGS_HEADER_TABLE_SIZE changed and was acknowledged: both sides learn it. */
    settings(n: number): void {
      encoder.setMaxTableSize(n);
      decoder.setMaxTableSize(n);
      shadow.setMaxTableSize(n);
    },
  };
}

const GET: Field[] = [[":method", "GET"]];

describe("setMaxTableSize (RFC 7541 §4.2, §6.3)", () => {
  it.each([
    ["a shrink: one update", [100], "3f45"],
    ["two shrinks: the last (smallest) only", [100, 50], "3f13"],
    ["shrink then grow: the smallest then the final", [100, 50, 200], "3f13 3fa901"],
    ["shrink then back to the current size: the smallest then the final", [100, 4096], "3f45 3fe11f"],
    ["down to 0 then up to 1000", [0, 1000], "20 3fc907"],
    ["a grow: one update", [8192], "3fe13f"],
    ["grow then shrink: the final (smallest) only", [8192, 100], "3f45"],
    ["the current size again: nothing", [4096], ""],
    ["the current size several times: nothing", [4096, 4096], ""],
  ])("%s", (_title, sizes, updates) => {
    const c = connection();
    for (const n of sizes) c.settings(n);
    const { block, kinds } = c.send(GET);
    expect(toHex(block)).toBe(`${updates.replace(/\s+/g, "")}82`);
    const count = updates === "" ? 0 : updates.split(" ").length;
    expect(kinds).toEqual([...Array(count).fill("size-update"), "indexed"]);
    expect(c.encoder.dynamicTable.maxSize).toBe(sizes[sizes.length - 1]);
    // Only at the start of the next block: the one after carries none.
    expect(toHex(c.send(GET).block)).toBe("82");
  });

  it("emits the update in an empty block too", () => {
    const c = connection();
    c.settings(100);
    expect(toHex(c.send([]).block)).toBe("3f45");
    expect(toHex(c.send([]).block)).toBe("");
  });

  it("does not emit anything before the next block, and the update leads that block", () => {
    const c = connection();
    c.send([["x-custom", "one"]]);
    c.settings(64);
    const { block, kinds } = c.send([
      [":method", "GET"],
      ["x-custom", "two"],
    ]);
    expect(toHex(block.subarray(0, 2))).toBe("3f21");
    expect(kinds[0]).toBe("size-update");
    expect(kinds.filter((k) => k === "size-update")).toHaveLength(1);
  });

  it("evicts the encoder's table to the new size, in step with the decoder", () => {
    const c = connection();
    for (let i = 0; i < 10; i++) c.send([[`x-field-${i}`, `value-${i}`.repeat(3)]]);
    c.settings(0);
    c.send([["x-after", "zero"]]);
    expect(tableView(c.encoder.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 0 });
    c.settings(4096);
    for (let i = 0; i < 3; i++) c.send([[`x-field-${i}`, `value-${i}`]]);
    expect(c.encoder.dynamicTable.size).toBeLessThanOrEqual(4096);
  });
});

describe("never-indexed literals (RFC 7541 §6.2.3, §7.1.3)", () => {
  it("uses the 0001 pattern for fields the neverIndex callback picks, every time", () => {
    const calls: [string, string][] = [];
    const c = connection({
      huffman: "never",
      neverIndex: (name, value) => {
        calls.push([name, value]);
        return name === "x-secret" || value === "hunter2";
      },
    });
    const fields: Field[] = [
      ["x-secret", "s3"],
      [":path", "hunter2"],
      ["x-public", "ok"],
    ];
    const { block: first, kinds: firstKinds } = c.send(fields);
    // 0x10 + new name; then 0x14: :path (static 4) never indexed, the value as a raw literal.
    expect(
      toHex(first).startsWith(
        `10${toHex(rawString("x-secret"))}${toHex(rawString("s3"))}14${toHex(rawString("hunter2"))}`,
      ),
    ).toBe(true);
    expect(calls).toContainEqual(["x-secret", "s3"]);
    expect(calls).toContainEqual([":path", "hunter2"]);
    expect(firstKinds.slice(0, 2)).toEqual(["literal-never-indexed", "literal-never-indexed"]);
    const names = tableView(c.encoder.dynamicTable).entries.map(([name]) => name);
    expect(names).not.toContain("x-secret");
    expect(tableView(c.encoder.dynamicTable).entries.map(([, value]) => value)).not.toContain("hunter2");
    // The second time too: never indexed means never put in the table, so never an indexed representation.
    const { block: second, kinds: secondKinds } = c.send(fields);
    expect(secondKinds.slice(0, 2)).toEqual(["literal-never-indexed", "literal-never-indexed"]);
    expect(toHex(second).startsWith(toHex(first.subarray(0, 13 + 9)))).toBe(true);
  });

  it("reproduces RFC 7541 C.2.3 and the decoder's describeBlock reports it", () => {
    const c = connection({ huffman: "never", neverIndex: (name) => name === "password" });
    const { block, reps } = c.send([["password", "secret"]]);
    expect(toHex(block)).toBe("100870617373776f726406736563726574");
    const [rep] = reps;
    expect(rep?.kind).toBe("literal-never-indexed");
    expect(rep?.bytes).toBe(17);
  });

  it("never indexes authorization or a short cookie (< 20 octets) by default", () => {
    const c = connection();
    const fields: Field[] = [
      ["authorization", "Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
      ["cookie", "a=b"],
      ["cookie", "session=0123456789a"], // 19 octets
    ];
    const { block: first, kinds } = c.send(fields);
    expect(kinds).toEqual(["literal-never-indexed", "literal-never-indexed", "literal-never-indexed"]);
    // authorization is static index 23: 0001 1111, then 23 - 15 = 8.
    expect(toHex(first.subarray(0, 2))).toBe("1f08");
    expect(tableView(c.encoder.dynamicTable).entries).toEqual([]);
    // Nothing was learned: the same list encodes to the same octets.
    expect(toHex(c.send(fields).block)).toBe(toHex(first));
  });
});

describe("Huffman modes (RFC 7541 §5.2)", () => {
  /** The octet after a one-octet name index: the value's H bit and (short) length. */
  const valueOctet = (huffman: "never" | "always" | "auto", field: Field) => {
    const block = new HpackEncoder({ huffman }).encode([field]);
    expect(describeBlock(block)[0]?.kind).not.toBe("indexed");
    return block[1] as number;
  };

  it("never: no string is Huffman-encoded", () => {
    const block = new HpackEncoder({ huffman: "never" }).encode([[":authority", "www.example.com"]]);
    expect(toHex(block.subarray(1))).toBe(toHex(rawString("www.example.com")));
    expect(valueOctet("never", [":status", "307"])).toBe(0x03);
    const named = new HpackEncoder({ huffman: "never" }).encode([["custom-key", "custom-value"]]);
    expect(toHex(named.subarray(1))).toBe(toHex(rawString("custom-key")) + toHex(rawString("custom-value")));
  });

  it("always: every string is Huffman-encoded, even when it is not shorter", () => {
    const block = new HpackEncoder({ huffman: "always" }).encode([[":authority", "www.example.com"]]);
    expect(toHex(block.subarray(1))).toBe("8cf1e3c2e5f23a6ba0ab90f4ff");
    expect(valueOctet("always", [":status", "307"])).toBe(0x83); // 640eff: not shorter
    expect(valueOctet("always", [":path", "\0\0\0"])).toBe(0x85); // 39 bits: longer
    const named = new HpackEncoder({ huffman: "always" }).encode([["qqq", "x"]]);
    expect(named[1]).toBe(0x83); // 'q' is 7 bits: 21 bits, not shorter
  });

  it("auto: Huffman only when strictly shorter", () => {
    expect(valueOctet("auto", [":authority", "www.example.com"])).toBe(0x8c); // 12 < 15
    expect(valueOctet("auto", [":status", "307"])).toBe(0x03); // 3 = 3: raw
    expect(valueOctet("auto", [":path", "\0\0\0"])).toBe(0x03); // 5 > 3: raw
    expect(new HpackEncoder({ huffman: "auto" }).encode([["custom-key", "x"]])[1]).toBe(0x88); // 8 < 10
    expect(new HpackEncoder({ huffman: "auto" }).encode([["qqq", "x"]])[1]).toBe(0x03); // 3 = 3: raw
  });

  it("auto, any value: the H bit is set exactly when the Huffman form is shorter", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }).map(latin1), (value) => {
        fc.pre(value !== "/" && value !== "/index.html"); // exact static matches are indexed
        const block = new HpackEncoder({ huffman: "auto" }).encode([[":path", value]]);
        const huffman = huffmanEncodedLength(value) < value.length;
        expect(((block[1] as number) & 0x80) !== 0).toBe(huffman);
        const body = huffman ? huffmanEncode(value) : Uint8Array.from(value, (ch) => ch.charCodeAt(0));
        expect(toHex(block.subarray(block.length - body.length))).toBe(toHex(body));
        expect(fieldsView(new HpackDecoder().decode(block))).toEqual([[":path", value]]);
      }),
      { numRuns: 500 },
    );
  });
});

describe("entries larger than the table (RFC 7541 §4.4)", () => {
  it("are not added: the table keeps what it had", () => {
    for (const [huffman, indexing] of [
      ["never", undefined],
      ["always", "adaptive"],
      ["auto", "all"],
    ] as const) {
      const c = connection({ maxTableSize: 100, huffman, indexing });
      c.send([["x-a", "1"]]);
      c.send([["x-a", "1"]]);
      const before = tableView(c.encoder.dynamicTable);
      const { kinds } = c.send([["x-big", "v".repeat(80)]]); // 5 + 80 + 32 = 117 > 100
      expect(kinds[0]).not.toBe("literal-incremental");
      expect(tableView(c.encoder.dynamicTable)).toEqual(before);
    }
  });

  it("a zero-size table adds nothing, and the encoder still round-trips", () => {
    const c = connection({ maxTableSize: 0 });
    const { kinds } = c.send([
      ["x-a", "1"],
      [":path", "/somewhere"],
    ]);
    expect(kinds).not.toContain("literal-incremental");
    expect(tableView(c.encoder.dynamicTable)).toEqual({ entries: [], size: 0, maxSize: 0 });
  });
});

describe("strings are latin1 (one character per octet)", () => {
  it.each(["auto", "always", "never"] as const)(
    "huffman %s: a character above U+00FF is refused",
    (huffman) => {
      for (const field of [
        ["x-name", "caf\u00e9 \u20ac"],
        ["x-\u0101", "v"],
        [":path", "/\u{1f600}"],
      ] as Field[]) {
        let err: unknown;
        try {
          new HpackEncoder({ huffman }).encode([field]);
        } catch (e) {
          err = e;
        }
        expect(err, JSON.stringify(field)).toBeInstanceOf(HpackError);
      }
      // U+00E9 alone is one octet, and round-trips.
      const c = connection({ huffman });
      c.send([["x-name", "caf\u00e9\u00ff\u0000"]]);
    },
  );
});
