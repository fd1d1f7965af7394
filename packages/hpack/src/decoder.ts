/**
 * HpackDecoder: header blocks → header lists (RFC 7541 §3, §6). Strict: every error is an HpackError
 * with a stable code and COMPRESSION_ERROR. Past `maxHeaderListSize` or `maxFields` it still decodes the
 * whole block, so the dynamic table stays in step with the peer's encoder, then throws; the next block
 * decodes normally.
 */
import { DynamicTable, type DynamicTableView, entrySize } from "./dynamic-table";
import { HpackError } from "./errors";
import { huffmanDecode, latin1 } from "./huffman";
import { decodeInteger } from "./integer";
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from "./static-table";

export interface HpackDecoderOptions {
  /** SETTINGS_HEADER_TABLE_SIZE this decoder announces (default 4096, RFC 9113 §6.5.2). */
  maxTableSize?: number;
  /** Largest decoded header list: name + value + 32 per field (default 64 KiB). */
  maxHeaderListSize?: number;
  /** Longest name or value in octets (default 64 KiB). */
  maxStringLength?: number;
  /** Most fields in one block (default 1024). */
  maxFields?: number;
}

export const DECODER_DEFAULTS = {
  maxTableSize: 4096,
  maxHeaderListSize: 64 * 1024,
  maxStringLength: 64 * 1024,
  maxFields: 1024,
} as const;

export type RepresentationKind =
  | "indexed"
  | "literal-incremental"
  | "literal-without-indexing"
  | "literal-never-indexed"
  | "size-update";

/** One representation of a block, as describeBlock reports it. */
export interface Representation {
  kind: RepresentationKind;
  /** Offset of its first byte in the block, and how many bytes it took. */
  offset: number;
  bytes: number;
  /** For "indexed", and literals with an indexed name: the index used (1-61 static, 62+ dynamic). */
  index?: number;
  /** Which table that index refers to. */
  table?: "static" | "dynamic";
  name?: string;
  value?: string;
  /** For literals: whether the name and value were Huffman-encoded. */
  huffman?: { name: boolean; value: boolean };
  /** For "size-update": the new maximum size. */
  size?: number;
}

export class HpackDecoder {
  private readonly table: DynamicTable;
  private settingsLimit: number;
  /** The limit dropped below the table's size: the next block must start with an update (§4.2). */
  private updateRequired = false;
  private readonly maxHeaderListSize: number;
  private readonly maxStringLength: number;
  private readonly maxFields: number;

  constructor(options: HpackDecoderOptions = {}) {
    const d = DECODER_DEFAULTS;
    this.settingsLimit = nonNegative("maxTableSize", options.maxTableSize ?? d.maxTableSize);
    this.maxHeaderListSize = nonNegative(
      "maxHeaderListSize",
      options.maxHeaderListSize ?? d.maxHeaderListSize,
    );
    this.maxStringLength = nonNegative("maxStringLength", options.maxStringLength ?? d.maxStringLength);
    this.maxFields = nonNegative("maxFields", options.maxFields ?? d.maxFields);
    this.table = new DynamicTable(this.settingsLimit);
  }

  /** The dynamic table, read-only: entries newest first, size, maxSize. */
  get dynamicTable(): DynamicTableView {
    return this.table;
  }

  /**
   * Sets the SETTINGS_HEADER_TABLE_SIZE the peer's encoder must respect. When it drops below the
   * table's current maximum, the next block must begin with a size update no larger (§4.2).
   */
  setMaxTableSize(n: number): void {
    this.settingsLimit = nonNegative("maxTableSize", n);
    if (n < this.table.maxSize) this.updateRequired = true;
  }

  /** Decodes one complete header block. */
  decode(block: Uint8Array): Array<[string, string]> {
    return this.run(block, undefined);
  }

  /** @internal decode, reporting each representation (for describeBlock). */
  run(block: Uint8Array, report: ((r: Representation) => void) | undefined): Array<[string, string]> {
    const fields: Array<[string, string]> = [];
    let listSize = 0;
    let overflow: HpackError | undefined;
    let sawField = false;
    let pos = 0;
    if (this.updateRequired && (block.length === 0 || (block[0]! & 0xe0) !== 0x20)) {
      throw new HpackError(
        "HPACK_MISSING_TABLE_SIZE_UPDATE",
        "the table size limit dropped: the block must start with a size update (§4.2)",
      );
    }
    while (pos < block.length) {
      const start = pos;
      const b = block[pos]!;
      let kind: RepresentationKind;
      let name: string;
      let value: string;
      let index = 0;
      let huffman: { name: boolean; value: boolean } | undefined;
      if (b & 0x80) {
        // §6.1 Indexed Header Field: 1xxxxxxx
        ({ value: index, offset: pos } = decodeInteger(block, pos, 7));
        [name, value] = this.lookup(index);
        kind = "indexed";
      } else if ((b & 0xe0) === 0x20) {
        // §6.3 Dynamic Table Size Update: 001xxxxx
        let size: number;
        ({ value: size, offset: pos } = decodeInteger(block, pos, 5));
        // §4.2: "This dynamic table size update MUST occur at the beginning of the first header block
        // following the change to the dynamic table size."
        if (sawField)
          throw new HpackError(
            "HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD",
            "a dynamic table size update after a field",
          );
        // §6.3: "The new maximum size MUST be lower than or equal to the limit determined by the protocol".
        if (size > this.settingsLimit) {
          throw new HpackError(
            "HPACK_TABLE_SIZE_UPDATE_TOO_LARGE",
            `size update to ${size} above the limit ${this.settingsLimit}`,
          );
        }
        this.table.setMaxSize(size);
        this.updateRequired = false;
        report?.({ kind: "size-update", offset: start, bytes: pos - start, size });
        continue;
      } else {
        // §6.2: 01 incremental (6-bit name index), 0001 never indexed, 0000 without indexing (4-bit).
        const incremental = (b & 0xc0) === 0x40;
        kind = incremental
          ? "literal-incremental"
          : b & 0x10
            ? "literal-never-indexed"
            : "literal-without-indexing";
        ({ value: index, offset: pos } = decodeInteger(block, pos, incremental ? 6 : 4));
        let nameHuffman = false;
        if (index === 0) {
          nameHuffman = pos < block.length && (block[pos]! & 0x80) !== 0;
          ({ text: name, offset: pos } = this.string(block, pos));
        } else {
          [name] = this.lookup(index);
        }
        const valueHuffman = pos < block.length && (block[pos]! & 0x80) !== 0;
        ({ text: value, offset: pos } = this.string(block, pos));
        huffman = { name: nameHuffman, value: valueHuffman };
        if (incremental) this.table.add(name, value);
      }
      sawField = true;
      listSize += entrySize(name, value);
      if (overflow === undefined) {
        if (listSize > this.maxHeaderListSize) {
          overflow = new HpackError(
            "HPACK_HEADER_LIST_TOO_LARGE",
            `header list larger than ${this.maxHeaderListSize} octets`,
          );
        } else if (fields.length === this.maxFields) {
          overflow = new HpackError("HPACK_TOO_MANY_FIELDS", `more than ${this.maxFields} fields`);
        } else {
          fields.push([name, value]);
        }
      }
      if (report) {
        const r: Representation = { kind, offset: start, bytes: pos - start, name, value };
        if (index > 0) {
          r.index = index;
          r.table = index <= STATIC_TABLE_LENGTH ? "static" : "dynamic";
        }
        if (huffman) r.huffman = huffman;
        report(r);
      }
    }
    if (overflow) throw overflow;
    return fields;
  }

  /** §2.3.3: 1-61 the static table, 62 and up the dynamic table, newest first. */
  private lookup(index: number): [string, string] {
    if (index >= 1 && index <= STATIC_TABLE_LENGTH) {
      const [n, v] = STATIC_TABLE[index - 1]!;
      return [n, v];
    }
    const entry = index > STATIC_TABLE_LENGTH ? this.table.get(index - STATIC_TABLE_LENGTH) : undefined;
    if (entry === undefined) {
      // §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be treated as a
      // decoding error"; §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error".
      throw new HpackError(
        "HPACK_INDEX_OUT_OF_RANGE",
        `index ${index} is not in the static or dynamic table`,
      );
    }
    return entry;
  }

  /** §5.2 String Literal: H bit, 7-bit prefix length, octets (Huffman-encoded when H is set). */
  private string(block: Uint8Array, offset: number): { text: string; offset: number } {
    if (offset >= block.length) throw new HpackError("HPACK_TRUNCATED", "the block ends before a string");
    const huffman = (block[offset]! & 0x80) !== 0;
    const { value: length, offset: start } = decodeInteger(block, offset, 7);
    const end = start + length;
    if (end > block.length) throw new HpackError("HPACK_TRUNCATED", "the block ends inside a string");
    if (huffman) return { text: huffmanDecode(block, start, end, this.maxStringLength), offset: end };
    if (length > this.maxStringLength) {
      throw new HpackError(
        "HPACK_STRING_TOO_LONG",
        `a string of ${length} octets, above ${this.maxStringLength}`,
      );
    }
    return { text: latin1(block, start, end), offset: end };
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new HpackError("HPACK_INVALID_ARGUMENT", `${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

/**
 * Every representation in `block`, decoded with `decoder` (whose dynamic table it uses and updates;
 * default a fresh decoder), for learners, demos and debugging.
 */
export function describeBlock(
  block: Uint8Array,
  decoder: HpackDecoder = new HpackDecoder(),
): Representation[] {
  const out: Representation[] = [];
  decoder.run(block, (r) => out.push(r));
  return out;
}
