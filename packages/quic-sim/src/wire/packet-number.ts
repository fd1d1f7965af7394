/**
 * Packet numbers on the wire (RFC 9000 §17.1, Appendix A.2 and A.3): the sender sends enough of the low
 * bits for the receiver to recover the full number from the largest it has seen.
 */
import { QuicSimError } from "../errors";

/**
 * RFC 9000 A.2: the number of bits needed so that the receiver, knowing `largestAcked` (or nothing:
 * undefined), can recover `fullPn`: twice the distance plus one, rounded up to whole bytes (1-4).
 */
export function packetNumberLength(fullPn: number, largestAcked: number | undefined): 1 | 2 | 3 | 4 {
  const numUnacked = largestAcked === undefined ? fullPn + 1 : fullPn - largestAcked;
  const minBits = Math.floor(Math.log2(numUnacked)) + 2;
  const bytes = Math.ceil(minBits / 8);
  if (bytes > 4)
    throw new QuicSimError(
      "QUIC_VALUE_OUT_OF_RANGE",
      `packet number ${fullPn} too far ahead of ${largestAcked}`,
    );
  return Math.max(1, bytes) as 1 | 2 | 3 | 4;
}

/** The truncated packet number and its length in bytes (A.2). */
export function encodePacketNumber(
  fullPn: number,
  largestAcked: number | undefined,
): { truncated: number; length: 1 | 2 | 3 | 4 } {
  const length = packetNumberLength(fullPn, largestAcked);
  return { truncated: fullPn % 2 ** (8 * length), length };
}

/** RFC 9000 A.3: the full packet number closest to the one expected after `largestPn`. */
export function decodePacketNumber(largestPn: number, truncatedPn: number, pnNbits: number): number {
  const expected = largestPn + 1;
  const win = 2 ** pnNbits;
  const hwin = win / 2;
  // The candidate with the expected number's high bits and the received low bits (arithmetic, not
  // bitwise: numbers here pass 2^32).
  const candidate = expected - (expected % win) + (truncatedPn % win);
  if (candidate <= expected - hwin && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + hwin && candidate >= win) return candidate - win;
  return candidate;
}
