/**
 * Integer representation, RFC 7541 §5.1: an N-bit prefix, and when the value does not fit, the prefix
 * all ones followed by 7-bit groups, least significant first, with a continuation bit.
 *
 *     0   1   2   3   4   5   6   7
 *   +---+---+---+---+---+---+---+---+
 *   | ? | ? | ? | 1   1   1   1   1 |
 *   +---+---+---+-------------------+
 *   | 1 |    Value-(2^N-1) LSB      |
 *   +---+---------------------------+
 *   | 0 |    Value-(2^N-1) MSB      |
 *   +---+---------------------------+
 */
import { HpackError } from "./errors";

/** Largest integer decoded: §5.1 "Integer encodings that exceed implementation limits ... MUST be treated as decoding errors". */
export const MAX_INTEGER = 0x7fff_ffff;
/** At most this many continuation bytes (5 × 7 bits covers MAX_INTEGER). */
const MAX_CONTINUATION_BYTES = 5;

/** Encodes `value` with an N-bit prefix; `firstByte` carries the representation's flag bits. */
export function encodeInteger(value: number, prefixBits: number, firstByte = 0): Uint8Array {
  const out: number[] = [];
  writeInteger(out, value, prefixBits, firstByte);
  return Uint8Array.from(out);
}

/** Appends the encoding of `value` to `out` (used by the encoder's byte sink). */
export function writeInteger(
  out: { push(...bytes: number[]): unknown },
  value: number,
  prefixBits: number,
  firstByte = 0,
): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INTEGER || prefixBits < 1 || prefixBits > 8) {
    throw new HpackError(
      "HPACK_INVALID_ARGUMENT",
      `cannot encode integer ${value} with a ${prefixBits}-bit prefix`,
    );
  }
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(firstByte | value);
    return;
  }
  out.push(firstByte | max);
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

/**
 * Decodes an integer with an N-bit prefix starting at `offset`; returns the value and the offset after
 * it. Throws HPACK_TRUNCATED or HPACK_INTEGER_OVERFLOW.
 */
export function decodeInteger(
  bytes: Uint8Array,
  offset: number,
  prefixBits: number,
): { value: number; offset: number } {
  if (offset >= bytes.length) throw new HpackError("HPACK_TRUNCATED", "the block ends before an integer");
  const max = (1 << prefixBits) - 1;
  let value = bytes[offset++]! & max;
  if (value < max) return { value, offset };
  let shift = 1;
  for (let i = 0; ; i++) {
    if (i === MAX_CONTINUATION_BYTES)
      throw new HpackError("HPACK_INTEGER_OVERFLOW", "an integer encoded in too many bytes");
    if (offset >= bytes.length) throw new HpackError("HPACK_TRUNCATED", "the block ends inside an integer");
    const b = bytes[offset++]!;
    value += (b & 0x7f) * shift;
    shift *= 128;
    if ((b & 0x80) === 0) break;
  }
  if (value > MAX_INTEGER)
    throw new HpackError("HPACK_INTEGER_OVERFLOW", `integer ${value} exceeds ${MAX_INTEGER}`);
  return { value, offset };
}
