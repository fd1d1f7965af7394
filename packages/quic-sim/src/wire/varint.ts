/**
 * Variable-length integers (RFC 9000 §16): the two most significant bits of the first byte give the
 * length (1, 2, 4 or 8 bytes), the rest the value, big-endian. Values up to 2^62-1; those above 2^53-1
 * (beyond a JavaScript number's exact range) are bigints.
 */
import { QuicSimError, truncated } from "../errors";

export const MAX_VARINT = (1n << 62n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes the shortest encoding of `value` takes (§16: 1, 2, 4 or 8). */
export function varintLength(value: number | bigint): 1 | 2 | 4 | 8 {
  const v = typeof value === "bigint" ? value : BigInt(value);
  if (v < 0n || v > MAX_VARINT) {
    throw new QuicSimError("QUIC_VALUE_OUT_OF_RANGE", `varint ${v} is outside 0..2^62-1`);
  }
  if (v < 64n) return 1;
  if (v < 16384n) return 2;
  if (v < 1073741824n) return 4;
  return 8;
}

/** Writes `value` at `offset` in `length` bytes (default: the shortest); returns the new offset. */
export function writeVarint(
  out: Uint8Array,
  offset: number,
  value: number | bigint,
  length = varintLength(value),
): number {
  if (length < varintLength(value))
    throw new QuicSimError("QUIC_VALUE_OUT_OF_RANGE", `${value} needs more than ${length} bytes`);
  if (typeof value === "number" && length <= 4) {
    if (length === 1) out[offset] = value;
    else if (length === 2) {
      out[offset] = 0x40 | (value >>> 8);
      out[offset + 1] = value & 0xff;
    } else {
      out[offset] = 0x80 | (value >>> 24);
      out[offset + 1] = (value >>> 16) & 0xff;
      out[offset + 2] = (value >>> 8) & 0xff;
      out[offset + 3] = value & 0xff;
    }
    return offset + length;
  }
  let v = typeof value === "bigint" ? value : BigInt(value);
  for (let i = length - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[offset] = out[offset]! | (length === 1 ? 0x00 : length === 2 ? 0x40 : length === 4 ? 0x80 : 0xc0);
  return offset + length;
}

/** The encoding of `value` as its own array. */
export function encodeVarint(value: number | bigint, length?: 1 | 2 | 4 | 8): Uint8Array {
  const n = length ?? varintLength(value);
  const out = new Uint8Array(n);
  writeVarint(out, 0, value, n);
  return out;
}

/** Reads a varint at `offset`: a number when it fits 2^53-1, else a bigint. */
export function readVarint(data: Uint8Array, offset: number): { value: number | bigint; length: number } {
  if (offset >= data.length) throw truncated("varint");
  const first = data[offset]!;
  const length = 1 << (first >> 6);
  if (offset + length > data.length) throw truncated("varint");
  if (length === 1) return { value: first & 0x3f, length };
  if (length === 2) return { value: ((first & 0x3f) << 8) | data[offset + 1]!, length };
  if (length === 4) {
    return {
      value:
        (first & 0x3f) * 0x1000000 +
        ((data[offset + 1]! << 16) | (data[offset + 2]! << 8) | data[offset + 3]!),
      length,
    };
  }
  let v = BigInt(first & 0x3f);
  for (let i = 1; i < 8; i++) v = (v << 8n) | BigInt(data[offset + i]!);
  return { value: v > MAX_SAFE ? v : Number(v), length };
}

/** A varint that must fit a JavaScript number (lengths, offsets, stream ids in practice). */
export function readVarintNumber(
  data: Uint8Array,
  offset: number,
  what: string,
): { value: number; length: number } {
  const r = readVarint(data, offset);
  if (typeof r.value === "bigint")
    throw new QuicSimError("QUIC_VALUE_OUT_OF_RANGE", `${what} ${r.value} exceeds 2^53-1`);
  return { value: r.value, length: r.length };
}
