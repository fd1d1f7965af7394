/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * RFC 1071 §1: "Adjacent octets to be checksummed are paired to form 16-bit integers, and the 1's
 * complement sum of these 16-bit integers is formed." The checksum is the 16-bit one's complement of
 * that sum. Three properties of the sum make the fast path below correct:
 *
 * - §2(A) commutative and associative: words may be added in any order and grouping, so the bytes can be
 *   read as 32-bit words and the carries folded back at the end ("deferred carries", §2(C));
 * - §2(B) byte order independence: summing byte-swapped words gives the byte-swapped sum, so a
 *   little-endian host may add its native words and swap the folded result once;
 * - modulo arithmetic: the folded sum is the plain sum modulo 0xffff (0 only when every word is 0), and a
 *   byte swap of a 16-bit value is multiplication by 256 modulo 0xffff. Every fold and swap below is
 *   computed that way, so a Number accumulator up to 2^53 folds exactly.
 */

/** Endianness, detected once: true when the host stores 0x0102 as bytes 02 01. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([0x0102]).buffer)[0] === 0x02;

/** Below this many bytes the plain byte loop beats creating a Uint32Array view. */
const FAST_PATH_MIN = 96;

/** 32-bit words summed before folding: 2^20 words of at most 2^32 - 1 stay below 2^53. */
const WORDS_PER_FOLD = 1 << 20;

/**
 * Folds a non-negative integer below 2^53 to 16 bits with end-around carry (RFC 1071 §4.1:
 * `while (sum>>16) sum = (sum & 0xffff) + (sum >> 16)`): the result is 0 only for 0, otherwise the value
 * in 1..0xffff congruent to `sum` modulo 0xffff.
 */
function fold(sum: number): number {
  return sum === 0 ? 0 : ((sum - 1) % 0xffff) + 1;
}

/** Swaps the bytes of a folded 16-bit sum (RFC 1071 §2(B)). */
function swap16(sum: number): number {
  return ((sum & 0xff) << 8) | (sum >>> 8);
}

/** Big-endian 16-bit word sum of all of `bytes`, two words per iteration (the small-input path). */
function sumBytes(bytes: Uint8Array): number {
  const end = bytes.length;
  let sum = 0;
  let i = 0;
  for (; i + 3 < end; i += 4)
    sum += ((bytes[i]! << 8) | bytes[i + 1]!) + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  if (i + 1 < end) {
    sum += (bytes[i]! << 8) | bytes[i + 1]!;
    i += 2;
  }
  if (i < end) sum += bytes[i]! << 8; // RFC 1071 §4.1: "Add left-over byte, if any"
  return sum;
}

/** Plain sum of view[start, end), eight words per iteration; below 2^53 for at most 2^21 words. */
function sumWords(view: Uint32Array, start: number, end: number): number {
  let acc = 0;
  let k = start;
  for (; k + 8 <= end; k += 8) {
    acc +=
      view[k]! +
      view[k + 1]! +
      view[k + 2]! +
      view[k + 3]! +
      view[k + 4]! +
      view[k + 5]! +
      view[k + 6]! +
      view[k + 7]!;
  }
  for (; k < end; k++) acc += view[k]!;
  return acc;
}

/**
 * The 16-bit one's complement sum of `bytes` read as big-endian 16-bit words, an odd trailing byte padded
 * with a zero byte (RFC 1071 §1), folded but not complemented. `initial` is a partial sum (for example
 * `pseudoHeaderSum` or the result of a previous call over an even-length prefix) to continue from.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  const length = bytes.length;
  if (length < FAST_PATH_MIN) return fold(sumBytes(bytes) + initial);

  // Head: bytes before the first 4-byte-aligned address, summed in place (even positions are high bytes).
  const head = (4 - (bytes.byteOffset & 3)) & 3;
  const words = (length - head) >>> 2;
  const tailStart = head + words * 4;
  let edges = 0;
  for (let i = 0; i < head; i++) edges += (i & 1) === 0 ? bytes[i]! << 8 : bytes[i]!;
  for (let i = tailStart; i < length; i++) edges += (i & 1) === 0 ? bytes[i]! << 8 : bytes[i]!;

  // Middle: native-order 32-bit words, folded every WORDS_PER_FOLD words.
  const view = new Uint32Array(bytes.buffer, bytes.byteOffset + head, words);
  let middle = 0;
  for (let start = 0; start < words; start += WORDS_PER_FOLD) {
    middle = fold(middle + sumWords(view, start, Math.min(words, start + WORDS_PER_FOLD)));
  }
  // The view's words start at position `head`: a little-endian host read each 16-bit lane byte-swapped,
  // and an odd `head` puts the view's high bytes at odd positions of `bytes` (RFC 1071 §2: a sum taken at
  // an odd offset is byte-swapped). Two swaps cancel.
  if (LITTLE_ENDIAN !== ((head & 1) === 1)) middle = swap16(middle);
  return fold(edges + middle + initial);
}

/** The Internet checksum of `bytes`: the one's complement of their one's complement sum (RFC 1071 §1). */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/**
 * Updates a checksum after one 16-bit word of the covered data changed from `oldWord` to `newWord`,
 * RFC 1624 §3 eqn. 3: `HC' = ~(~HC + ~m + m')`, which (unlike RFC 1141's eqn. 2) never yields the
 * 0xffff that a full recomputation could not produce from non-zero data.
 */
export function updateChecksum(checksum: number, oldWord: number, newWord: number): number {
  const sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  return ~fold(sum) & 0xffff;
}
