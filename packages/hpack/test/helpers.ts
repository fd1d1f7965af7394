/**
 * Shared helpers for the @proto/hpack acceptance tests: hex and latin1 conversions, a normalised view of a
 * dynamic table, and an assertion for the typed decoder errors (shared/CONVENTIONS.md §5).
 *
 * Names and values are strings with one character per octet (latin1), so a string built here from bytes
 * uses `String.fromCharCode` per byte, never a UTF-8 decoder.
 */
import { expect } from "vitest";
import { HpackError } from "../src/index";

/** A field as the contract spells it: `[name, value]`, one character per octet. */
export type Field = [name: string, value: string];

/** RFC 9113 §7: COMPRESSION_ERROR, the HTTP/2 error code every HPACK decoding error maps to. */
export const COMPRESSION_ERROR = 0x9;

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The octets of an ASCII/latin1 string (one character per octet). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new Error(`not latin1: ${JSON.stringify(text)}`);
    out[i] = c;
  }
  return out;
}

/** The latin1 string of some octets (one character per octet). */
export function latin1(bytes: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

/** A JSON string (UTF-16) as the contract's one-character-per-octet string of its UTF-8 octets. */
export function utf8AsLatin1(text: string): string {
  return latin1(new TextEncoder().encode(text));
}

/** A literal string on the wire without Huffman (RFC 7541 §5.2), for lengths below 127. */
export function rawString(text: string): Uint8Array {
  if (text.length >= 127) throw new Error("rawString helper handles lengths below 127 only");
  return concat(Uint8Array.of(text.length), latin1Bytes(text));
}

export interface TableView {
  entries: Field[];
  size: number;
  maxSize: number;
}

/** A plain copy of a `dynamicTable`, so two tables compare with `toEqual` whatever their classes are. */
export function tableView(table: {
  readonly entries: ReadonlyArray<readonly [string, string]>;
  readonly size: number;
  readonly maxSize: number;
}): TableView {
  return {
    entries: table.entries.map(([name, value]): Field => [name, value]),
    size: table.size,
    maxSize: table.maxSize,
  };
}

/** A plain copy of a decoded header list. */
export function fieldsView(fields: Iterable<readonly [string, string]>): Field[] {
  return Array.from(fields, ([name, value]): Field => [name, value]);
}

/** The sum of `name + value + 32` over entries (RFC 7541 §4.1). */
export function entriesSize(entries: ReadonlyArray<readonly [string, string]>): number {
  return entries.reduce((n, [name, value]) => n + name.length + value.length + 32, 0);
}

/** The error `fn` throws; fails the test when it returns. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  expect.fail("expected an HpackError, but the call returned normally");
}

/**
 * Asserts that `fn` throws an HpackError with `code`; `errorCode` is checked to be COMPRESSION_ERROR unless
 * `wire` is false (the header-list limits are not compression errors: the table stays in sync).
 */
export function expectHpackError(
  fn: () => unknown,
  code: string,
  options: { wire?: boolean } = {},
): HpackError {
  const err = caught(fn);
  expect(err).toBeInstanceOf(HpackError);
  const e = err as HpackError;
  expect(e.code, e.message).toBe(code);
  if (options.wire !== false)
    expect((e as HpackError & { errorCode?: number }).errorCode).toBe(COMPRESSION_ERROR);
  return e;
}
