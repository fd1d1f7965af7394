/**
 * HpackEncoder: header lists → header blocks (RFC 7541 §6). Exact matches become one-byte indexed
 * fields; everything else is a literal whose name comes from a table when it can, Huffman-coded only
 * when that is shorter (§5.2), and indexed (§6.2.1) when it is likely to repeat on this connection.
 *
 * Indexing policy ("adaptive", the default): sensitive fields are never indexed (§7.1.3: authorization,
 * short cookies, and whatever `neverIndex` says); entries over three quarters of the table are not
 * indexed (they would flush it); names whose values churn (paths, lengths, dates, etags, cookies set by
 * the server) start unindexed, but the encoder remembers recent values per name, and a value seen again
 * is indexed, so what repeats on this connection is learned.
 */
import { DynamicTable, type DynamicTableView, entrySize } from "./dynamic-table";
import { HpackError } from "./errors";
import { huffmanEncodedLength, huffmanEncodeInto } from "./huffman";
import { writeInteger } from "./integer";
import { STATIC_NAMES, STATIC_PAIRS, STATIC_TABLE_LENGTH } from "./static-table";

export interface HpackEncoderOptions {
  /** Dynamic table size to use (default 4096; at most the peer's SETTINGS_HEADER_TABLE_SIZE). */
  maxTableSize?: number;
  /** "auto" (default): Huffman when shorter; "always"; "never". */
  huffman?: "auto" | "always" | "never";
  /** Fields to send as never-indexed literals (§6.2.3), besides authorization and short cookies. */
  neverIndex?: (name: string, value: string) => boolean;
  /**
   * "adaptive" (default, as above); "all": index every literal that fits (as RFC 7541 Appendix C does);
   * "none": never add to the dynamic table.
   */
  indexing?: "adaptive" | "all" | "none";
}

/** Names whose values usually change from one message to the next. */
const CHURNING = new Set([
  ":path",
  "content-length",
  "location",
  "set-cookie",
  "etag",
  "if-modified-since",
  "if-none-match",
  "last-modified",
  "date",
  "expires",
  "age",
]);
/** Recent values remembered per name, to notice repeats. */
const REMEMBERED_VALUES = 8;

/** Names whose facts an encoder caches. */
const MAX_NAMES = 1024;

interface NameInfo {
  staticIndex: number;
  staticValues: ReadonlyMap<string, number> | undefined;
  alwaysSensitive: boolean;
  recent: string[] | undefined;
}

function remember(recent: string[], value: string): void {
  if (recent.includes(value)) return;
  recent.push(value);
  if (recent.length > REMEMBERED_VALUES) recent.shift();
}

/** A growable byte buffer. */
class Writer {
  buf = new Uint8Array(256);
  length = 0;
  push(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }
  grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}

export class HpackEncoder {
  private readonly table: DynamicTable;
  private readonly huffman: "auto" | "always" | "never";
  private readonly neverIndex: ((name: string, value: string) => boolean) | undefined;
  private readonly indexing: "adaptive" | "all" | "none";
  private pendingMin: number | undefined;
  private pendingFinal = 0;
  private readonly names = new Map<string, NameInfo>();
  private readonly out = new Writer();

  constructor(options: HpackEncoderOptions = {}) {
    const size = options.maxTableSize ?? 4096;
    if (!Number.isInteger(size) || size < 0)
      throw new HpackError("HPACK_INVALID_ARGUMENT", `maxTableSize ${size}`);
    this.table = new DynamicTable(size, true);
    this.huffman = options.huffman ?? "auto";
    this.neverIndex = options.neverIndex;
    this.indexing = options.indexing ?? "adaptive";
  }

  get dynamicTable(): DynamicTableView {
    return this.table;
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed (or the encoder wants another size). The size update is
   * emitted at the start of the next block (§4.2): the smallest size reached, then the final one if it
   * grew again; nothing when the size ends where it was.
   */
  setMaxTableSize(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new HpackError("HPACK_INVALID_ARGUMENT", `maxTableSize ${n}`);
    this.pendingMin = this.pendingMin === undefined ? n : Math.min(this.pendingMin, n);
    this.pendingFinal = n;
  }

  /** Encodes one header list as a header block. */
  encode(fields: Iterable<readonly [string, string]>): Uint8Array {
    const out = this.out;
    out.length = 0;
    if (this.pendingMin !== undefined) {
      const current = this.table.maxSize;
      let size = current;
      if (this.pendingMin < current) {
        size = this.pendingMin;
        this.sizeUpdate(size);
      }
      if (this.pendingFinal !== size) this.sizeUpdate(this.pendingFinal);
      this.pendingMin = undefined;
    }
    for (const [name, value] of fields) this.field(name, value);
    return out.buf.slice(0, out.length);
  }

  private sizeUpdate(size: number): void {
    // §6.3: 001xxxxx, 5-bit prefix.
    writeInteger(this.out, size, 5, 0x20);
    this.table.setMaxSize(size);
  }

  /** What this encoder knows about a name, looked up once per field. */
  private info(name: string): NameInfo {
    let info = this.names.get(name);
    if (info === undefined) {
      info = {
        staticIndex: STATIC_NAMES.get(name) ?? 0,
        staticValues: STATIC_PAIRS.get(name),
        alwaysSensitive: name === "authorization" || name === "proxy-authorization",
        // A churning name's recent values, to notice when one repeats; undefined for other names.
        recent: CHURNING.has(name) ? [] : undefined,
      };
      // Bounded: a flood of distinct names (a proxy forwarding a client's) cannot grow it without limit.
      if (this.names.size < MAX_NAMES) this.names.set(name, info);
    }
    return info;
  }

  private field(name: string, value: string): void {
    const info = this.info(name);
    const sensitive =
      info.alwaysSensitive ||
      (name === "cookie" && value.length < 20) ||
      this.neverIndex?.(name, value) === true;
    if (!sensitive) {
      // §6.1: an exact match is one indexed field.
      const exact = info.staticValues?.get(value) ?? this.dynamicIndex(this.table.findPair(name, value));
      if (exact > 0) {
        writeInteger(this.out, exact, 7, 0x80);
        if (info.recent) remember(info.recent, value);
        return;
      }
    }
    const nameIndex = info.staticIndex || this.dynamicIndex(this.table.findName(name));
    const index = !sensitive && this.shouldIndex(info, name, value);
    if (info.recent) remember(info.recent, value);
    if (index) {
      writeInteger(this.out, nameIndex, 6, 0x40); // §6.2.1: 01xxxxxx
    } else {
      writeInteger(this.out, nameIndex, 4, sensitive ? 0x10 : 0x00); // §6.2.3: 0001xxxx / §6.2.2: 0000xxxx
    }
    if (nameIndex === 0) this.string(name);
    this.string(value);
    if (index) this.table.add(name, value);
  }

  private dynamicIndex(i: number): number {
    return i === 0 ? 0 : i + STATIC_TABLE_LENGTH;
  }

  private shouldIndex(info: NameInfo, name: string, value: string): boolean {
    if (this.indexing === "none") return false;
    const size = entrySize(name, value);
    if (this.indexing === "all") return size <= this.table.maxSize;
    // An entry over three quarters of the table would flush most of what is there.
    if (size * 4 > this.table.maxSize * 3) return false;
    // A churning name's value is indexed once it has been seen again on this connection.
    return info.recent === undefined || info.recent.includes(value);
  }

  /** §5.2 String Literal: Huffman when the mode says so (auto: only when strictly shorter). */
  private string(text: string): void {
    const out = this.out;
    const raw = text.length;
    const coded = this.huffman === "never" ? raw + 1 : huffmanEncodedLength(text);
    if (this.huffman === "always" || (this.huffman === "auto" && coded < raw)) {
      writeInteger(out, coded, 7, 0x80);
      out.grow(coded);
      out.length = huffmanEncodeInto(text, out.buf, out.length);
      return;
    }
    writeInteger(out, raw, 7, 0x00);
    out.grow(raw);
    for (let i = 0; i < raw; i++) {
      const c = text.charCodeAt(i);
      if (c > 0xff)
        throw new HpackError("HPACK_INVALID_ARGUMENT", "HPACK strings are latin1: one character per octet");
      out.buf[out.length++] = c;
    }
  }
}
