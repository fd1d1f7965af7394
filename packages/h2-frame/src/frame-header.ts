/**
 * The frame header, RFC 9113 §4.1:
 *
 *   HTTP Frame {
 *     Length (24),
 *     Type (8),
 *     Flags (8),
 *     Reserved (1),
 *     Stream Identifier (31),
 *     Frame Payload (..),
 *   }
 */
export const FRAME_HEADER_LENGTH = 9;

export interface FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

/** Reads the 9-byte header at `offset`; the reserved bit of the stream identifier is ignored (§4.1). */
export function readFrameHeader(bytes: Uint8Array, offset: number): FrameHeader {
  return {
    length: (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!,
    type: bytes[offset + 3]!,
    flags: bytes[offset + 4]!,
    streamId: readUint31(bytes, offset + 5),
  };
}

/** Writes a 9-byte header; the reserved bit is sent as zero (§4.1: "MUST remain unset"). */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  length: number,
  type: number,
  flags: number,
  streamId: number,
): void {
  out[offset] = length >>> 16;
  out[offset + 1] = (length >>> 8) & 0xff;
  out[offset + 2] = length & 0xff;
  out[offset + 3] = type;
  out[offset + 4] = flags;
  writeUint32(out, offset + 5, streamId & 0x7fff_ffff);
}

/** A 31-bit value after a reserved bit, which is ignored. */
export function readUint31(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! & 0x7f) << 24) |
    (bytes[offset + 1]! << 16) |
    (bytes[offset + 2]! << 8) |
    bytes[offset + 3]!
  );
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>>
    0
  );
}

export function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}
