/**
 * The header of one frame as it stands on the wire (RFC 6455 §5.2), read without judging it: for
 * inspectors, proxies and captures that want what the bytes say (the length form, the masking key)
 * rather than what a decoder accepts. FrameDecoder is the one that enforces the rules.
 */
import type { FrameHeader } from "./frame-parser";

/** A header as written: the parser's fields (`maskKey` a copy here), plus how the length is encoded. */
export interface FrameHeaderInfo extends FrameHeader {
  /** How the length is written: in the 7-bit field, or 126 then 16 bits, or 127 then 64 bits (§5.2). */
  lengthForm: 7 | 16 | 64;
  /** Header bytes: 2, plus 2 or 8 for the extended length, plus 4 for the masking key. */
  headerLength: number;
}

/**
 * Reads the frame header at `offset`, or returns null when fewer bytes than the whole header are there.
 * It never throws and checks nothing (reserved opcodes, non-minimal lengths and a set high bit of the
 * 64-bit length are all reported as written).
 */
export function readFrameHeader(bytes: Uint8Array, offset = 0): FrameHeaderInfo | null {
  if (offset < 0 || bytes.length - offset < 2) return null;
  const b0 = bytes[offset]!;
  const b1 = bytes[offset + 1]!;
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  const lengthForm = len7 === 126 ? 16 : len7 === 127 ? 64 : 7;
  const extended = lengthForm === 16 ? 2 : lengthForm === 64 ? 8 : 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  if (bytes.length - offset < headerLength) return null;
  let length = len7;
  if (lengthForm === 16) length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  else if (lengthForm === 64) {
    length = 0;
    for (let i = 2; i < 10; i++) length = length * 256 + bytes[offset + i]!;
  }
  const keyAt = offset + 2 + extended;
  return {
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode: b0 & 0x0f,
    masked,
    length,
    lengthForm,
    headerLength,
    maskKey: masked ? bytes.slice(keyAt, keyAt + 4) : undefined,
  };
}
