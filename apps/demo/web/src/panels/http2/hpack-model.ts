/**
 * The HPACK playground's logic, without DOM: parse the edited header list, encode it twice with one
 * @proto/hpack encoder (the first request, then the same request again on the same connection), decode
 * both blocks with one decoder as the peer would, and cut every representation into its parts (the
 * prefix integer, string lengths with their H bit, string octets) so the view can explain each byte.
 */
import {
  type DynamicTableView,
  decodeInteger,
  describeBlock,
  HpackDecoder,
  HpackEncoder,
  type Representation,
  type RepresentationKind,
} from "@proto/hpack";

export type Field = [name: string, value: string];

export interface HpackOptions {
  huffman: "auto" | "always" | "never";
  indexing: "adaptive" | "all" | "none";
  tableSize: number;
}

export const DEFAULT_OPTIONS: HpackOptions = { huffman: "auto", indexing: "adaptive", tableSize: 4096 };

/** A browser's GET, the notes' example of headers that repeat on every request. */
export const DEFAULT_HEADERS = [
  ":method: GET",
  ":scheme: https",
  ":authority: www.example.com",
  ":path: /docs/http2.html",
  "user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "accept-language: en-US,en;q=0.9,zh-CN;q=0.8",
  "accept-encoding: gzip, deflate, br",
  "cookie: session=4f2a9c1e7b3d8a60; theme=dark; lang=zh-CN",
].join("\n");

export interface ParsedList {
  fields: Field[];
  /** 1-based numbers of lines that are not "name: value". */
  badLines: number[];
  /** Whether some name had capitals (HTTP/2 sends names in lowercase, RFC 9113 §8.2.1). */
  lowercased: boolean;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** @proto/hpack takes one character per octet: UTF-8 text becomes its octets as latin1 characters. */
export function toOctets(text: string): string {
  let out = "";
  for (const b of utf8.encode(text)) out += String.fromCharCode(b);
  return out;
}

/** The other way, for display. */
export function fromOctets(octets: string): string {
  return utf8Decoder.decode(Uint8Array.from(octets, (c) => c.charCodeAt(0)));
}

/** "name: value" per line; a pseudo-header's own leading colon is part of its name. */
export function parseHeaderList(text: string): ParsedList {
  const fields: Field[] = [];
  const badLines: number[] = [];
  let lowercased = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const colon = line.indexOf(":", line.startsWith(":") ? 1 : 0);
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    if (name === "" || name === ":") {
      badLines.push(i + 1);
      return;
    }
    const lower = name.toLowerCase();
    if (lower !== name) lowercased = true;
    fields.push([toOctets(lower), toOctets(line.slice(colon + 1).trim())]);
  });
  return { fields, badLines, lowercased };
}

/** One piece of a representation: the prefix integer, a string's length (with its H bit), or its octets. */
export interface Part {
  role: "prefix" | "name-length" | "name" | "value-length" | "value";
  start: number;
  end: number;
  /** The integer (index, size or string length) for prefix and length parts. */
  value?: number;
  /** Prefix parts: how many bits of the first byte the integer uses (§5.1). */
  prefixBits?: number;
  /** Length and string parts: whether the string is Huffman-coded (§5.2). */
  huffman?: boolean;
}

export interface Explained {
  rep: Representation;
  parts: Part[];
  bytes: Uint8Array;
}

export interface TableSnapshot {
  entries: Field[];
  size: number;
  maxSize: number;
}

export interface BlockResult {
  block: Uint8Array;
  reps: Explained[];
  /** The encoder's dynamic table after this block. */
  table: TableSnapshot;
  /** Whether the decoder got the list back and its table matches the encoder's. */
  inSync: boolean;
}

export interface Playground {
  fields: Field[];
  first: BlockResult;
  repeat: BlockResult;
  /** Octets of names and values only. */
  rawBytes: number;
  /** The same request as HTTP/1.1 text (request line, Host, fields, CRLFs). */
  http1Bytes: number;
}

/** §5.1: the prefix width of each representation's first integer (§6.1-§6.3). */
export const PREFIX_BITS: Record<RepresentationKind, number> = {
  indexed: 7,
  "literal-incremental": 6,
  "literal-without-indexing": 4,
  "literal-never-indexed": 4,
  "size-update": 5,
};

function cut(block: Uint8Array, rep: Representation): Part[] {
  const prefixBits = PREFIX_BITS[rep.kind];
  const first = decodeInteger(block, rep.offset, prefixBits);
  const parts: Part[] = [
    { role: "prefix", start: rep.offset, end: first.offset, value: first.value, prefixBits },
  ];
  if (rep.kind === "indexed" || rep.kind === "size-update") return parts;
  let at = first.offset;
  const string = (role: "name" | "value") => {
    const huffman = (block[at]! & 0x80) !== 0;
    const length = decodeInteger(block, at, 7);
    parts.push({ role: `${role}-length`, start: at, end: length.offset, value: length.value, huffman });
    const end = length.offset + length.value;
    if (end > length.offset) parts.push({ role, start: length.offset, end, huffman });
    at = end;
  };
  if (first.value === 0) string("name");
  string("value");
  return parts;
}

const snapshot = (t: DynamicTableView): TableSnapshot => ({
  entries: t.entries.map(([n, v]) => [n, v]),
  size: t.size,
  maxSize: t.maxSize,
});

function explainBlock(block: Uint8Array, fields: Field[], encoder: HpackEncoder, decoder: HpackDecoder) {
  const reps = describeBlock(block, decoder);
  const decoded = reps.filter((r) => r.kind !== "size-update").map((r) => [r.name, r.value]);
  const table = snapshot(encoder.dynamicTable);
  const peer = snapshot(decoder.dynamicTable);
  const inSync =
    JSON.stringify(decoded) === JSON.stringify(fields) &&
    JSON.stringify(peer.entries) === JSON.stringify(table.entries) &&
    peer.size === table.size;
  return {
    block,
    reps: reps.map((rep) => ({
      rep,
      parts: cut(block, rep),
      bytes: block.subarray(rep.offset, rep.offset + rep.bytes),
    })),
    table,
    inSync,
  };
}

/** HTTP/1.1's text for the same request (or response, when the list has :status). */
export function http1Size(fields: Field[]): number {
  const get = (n: string) => fields.find(([name]) => name === n)?.[1];
  const status = get(":status");
  let size = status
    ? `HTTP/1.1 ${status}\r\n`.length
    : `${get(":method") ?? "GET"} ${get(":path") ?? "/"} HTTP/1.1\r\n`.length;
  const authority = get(":authority");
  if (authority !== undefined) size += `host: ${authority}\r\n`.length;
  for (const [name, value] of fields) if (!name.startsWith(":")) size += name.length + value.length + 4;
  return size + 2;
}

/** Encodes `fields` twice with one encoder and decodes both blocks with one decoder. */
export function runPlayground(fields: Field[], options: HpackOptions): Playground {
  const encoder = new HpackEncoder({
    maxTableSize: options.tableSize,
    huffman: options.huffman,
    indexing: options.indexing,
  });
  const decoder = new HpackDecoder({ maxTableSize: options.tableSize });
  const first = explainBlock(encoder.encode(fields), fields, encoder, decoder);
  const repeat = explainBlock(encoder.encode(fields), fields, encoder, decoder);
  return {
    fields,
    first,
    repeat,
    rawBytes: fields.reduce((n, [name, value]) => n + name.length + value.length, 0),
    http1Bytes: http1Size(fields),
  };
}

/** The representation that carried field `i` (size updates skipped). */
export function repForField(result: BlockResult, i: number): Explained | undefined {
  return result.reps.filter((r) => r.rep.kind !== "size-update")[i];
}
