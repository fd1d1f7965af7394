/**
 * The static Huffman code of RFC 7541 §5.2 and Appendix B. Strings are latin1 (one character per
 * octet). Decoding walks a 4-bit state machine (generated from the code tree); a string must end on a
 * symbol boundary or inside the EOS code's leading ones, with at most 7 bits of padding.
 */
import { HpackError } from "./errors";
import { HUFFMAN_CODES, HUFFMAN_DECODE, HUFFMAN_LENGTHS } from "./huffman-table.generated";

const EMIT = 1 << 16;
const FAIL = 1 << 17;
const ACCEPT = 1 << 18;

function octet(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c > 0xff)
    throw new HpackError("HPACK_INVALID_ARGUMENT", "HPACK strings are latin1: one character per octet");
  return c;
}

/** Length in bytes of `text` Huffman-encoded, padding included. */
export function huffmanEncodedLength(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i++) bits += HUFFMAN_LENGTHS[octet(text, i)]!;
  return (bits + 7) >>> 3;
}

/** Huffman-encodes `text` into `out` at `offset` (room for huffmanEncodedLength bytes); returns the end. */
export function huffmanEncodeInto(text: string, out: Uint8Array, offset: number): number {
  let acc = 0; // pending bits, right-aligned, fewer than 8 after each flush
  let bits = 0;
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    const sym = octet(text, i);
    let code = HUFFMAN_CODES[sym]!;
    let len = HUFFMAN_LENGTHS[sym]!;
    if (len > 24) {
      // Keep acc within 32 bits: push the high part of a long code first.
      const high = len - 16;
      acc = (acc << high) | (code >>> 16);
      bits += high;
      while (bits >= 8) {
        bits -= 8;
        out[o++] = (acc >>> bits) & 0xff;
      }
      acc &= (1 << bits) - 1;
      code &= 0xffff;
      len = 16;
    }
    acc = (acc << len) | code;
    bits += len;
    while (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  // §5.2: "the most significant bits of the code corresponding to the EOS symbol" pad the last byte.
  if (bits > 0) out[o++] = ((acc << (8 - bits)) | (0xff >>> bits)) & 0xff;
  return o;
}

/** Huffman-encodes a latin1 string. */
export function huffmanEncode(text: string): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(text));
  huffmanEncodeInto(text, out, 0);
  return out;
}

let scratch = new Uint8Array(256);

/**
 * A byte-at-a-time view of the generated 4-bit machine, built once on first use: for each state and input
 * octet, the next state (bits 0-7), up to two symbols (bits 8-15, 16-23), how many (bits 24-25), whether
 * EOS was decoded (bit 26) and whether the next state may end a string (bit 27). One lookup per octet.
 */
let BYTE_TABLE: Uint32Array | undefined;
const B_FAIL = 1 << 26;
const B_ACCEPT = 1 << 27;

function byteTable(): Uint32Array {
  if (BYTE_TABLE) return BYTE_TABLE;
  const table = new Uint32Array(256 * 256);
  for (let state = 0; state < 256; state++) {
    for (let b = 0; b < 256; b++) {
      let entry = 0;
      let count = 0;
      const first = HUFFMAN_DECODE[(state << 4) | (b >>> 4)]!;
      if (first & FAIL) entry |= B_FAIL;
      if (first & EMIT) entry |= ((first >>> 8) & 0xff) << (8 + 8 * count++);
      const second = HUFFMAN_DECODE[((first & 0xff) << 4) | (b & 0x0f)]!;
      if (second & FAIL) entry |= B_FAIL;
      if (second & EMIT) entry |= ((second >>> 8) & 0xff) << (8 + 8 * count++);
      if (second & ACCEPT) entry |= B_ACCEPT;
      table[(state << 8) | b] = (entry | (count << 24) | (second & 0xff)) >>> 0;
    }
  }
  BYTE_TABLE = table;
  return table;
}

/**
 * Decodes Huffman-encoded bytes to a latin1 string. Throws HPACK_HUFFMAN_EOS, HPACK_HUFFMAN_PADDING, or
 * HPACK_STRING_TOO_LONG past `maxLength` decoded octets.
 */
export function huffmanDecode(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  maxLength = Number.POSITIVE_INFINITY,
): string {
  const table = byteTable();
  // Each octet decodes to at most 8/5 symbols.
  const bound = Math.min(Math.ceil(((end - start) * 8) / 5), maxLength + 1);
  if (scratch.length < bound + 2) scratch = new Uint8Array(Math.max(bound + 2, scratch.length * 2));
  const out = scratch;
  let n = 0;
  let state = 0;
  let accept = true;
  for (let i = start; i < end; i++) {
    const t = table[(state << 8) | bytes[i]!]!;
    if (t & B_FAIL) throw new HpackError("HPACK_HUFFMAN_EOS", "EOS inside a Huffman-encoded string (§5.2)");
    const count = (t >>> 24) & 3;
    if (count > 0) {
      out[n++] = (t >>> 8) & 0xff;
      if (count === 2) out[n++] = (t >>> 16) & 0xff;
      if (n > maxLength)
        throw new HpackError("HPACK_STRING_TOO_LONG", `a string longer than ${maxLength} octets`);
    }
    state = t & 0xff;
    accept = (t & B_ACCEPT) !== 0;
  }
  // §5.2: "A padding strictly longer than 7 bits MUST be treated as a decoding error. A padding not
  // corresponding to the most significant bits of the code for the EOS symbol MUST be treated as a
  // decoding error."
  if (!accept)
    throw new HpackError("HPACK_HUFFMAN_PADDING", "Huffman padding is longer than 7 bits or not all ones");
  return latin1(out, 0, n);
}

/** A latin1 string of bytes[start, end). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  if (end - start <= 2048)
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  let s = "";
  for (let i = start; i < end; i += 2048) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 2048)) as unknown as number[]);
  }
  return s;
}
