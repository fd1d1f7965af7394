import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { internetChecksum, onesComplementSum, updateChecksum } from "./checksum";
import { hex } from "./test-utils";

/** The textbook algorithm, RFC 1071 §4.1, one big-endian 16-bit word at a time. */
function naiveSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i < bytes.length; i += 2) {
    sum += (bytes[i]! << 8) | (i + 1 < bytes.length ? bytes[i + 1]! : 0);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum;
}

/** A buffer with the given contents starting at byte `shift` of its ArrayBuffer (to move the alignment). */
function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const backing = new Uint8Array(shift + bytes.length + 3).fill(0xa5);
  backing.set(bytes, shift);
  return backing.subarray(shift, shift + bytes.length);
}

describe("onesComplementSum / internetChecksum", () => {
  it("RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2", () => {
    const bytes = hex("0001 f203 f4f5 f6f7");
    expect(onesComplementSum(bytes)).toBe(0xddf2);
    expect(internetChecksum(bytes)).toBe(0x220d);
  });

  it("RFC 1071 §2(B): the same bytes one position later sum to the byte-swapped value (f2dd)", () => {
    expect(onesComplementSum(hex("00 0001 f203 f4f5 f6f7"))).toBe(0xf2dd);
    expect(onesComplementSum(hex("01f2 03f4 f5f6 f700"))).toBe(0xf2dd);
    // The same on the fast path: 240 bytes, then those bytes one position later.
    const long = Uint8Array.from({ length: 240 }, (_, i) => (i * 37 + 11) & 0xff);
    const sum = onesComplementSum(long);
    expect(onesComplementSum(Uint8Array.from([0, ...long]))).toBe(((sum & 0xff) << 8) | (sum >>> 8));
  });

  it("a captured IPv4 header verifies to 0 and its checksum field recomputes to b861", () => {
    const header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    expect(internetChecksum(header)).toBe(0);
    expect(onesComplementSum(header)).toBe(0xffff);
    const zeroed = header.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    expect(internetChecksum(zeroed)).toBe(0xb861);
  });

  it("pads an odd trailing byte with zero and continues from `initial`", () => {
    expect(onesComplementSum(hex("ab"))).toBe(0xab00);
    expect(onesComplementSum(new Uint8Array(0))).toBe(0);
    expect(onesComplementSum(new Uint8Array(0), 0x1234)).toBe(0x1234);
    expect(onesComplementSum(hex("ffff ffff"))).toBe(0xffff);
    expect(onesComplementSum(hex("8000"), 0x8000)).toBe(0x0001);
    expect(internetChecksum(new Uint8Array(10))).toBe(0xffff);
  });

  it("folds large all-ones inputs (every carry path)", () => {
    for (const length of [96, 97, 1000, 1001, 70_000]) {
      for (let shift = 0; shift < 4; shift++) {
        const expected = length % 2 === 0 ? 0xffff : 0xff00; // the odd last byte is padded with 00
        expect(onesComplementSum(shifted(new Uint8Array(length).fill(0xff), shift))).toBe(expected);
      }
    }
  });

  it("equals the naive sum on a 9 MiB buffer (more than one fold chunk)", () => {
    const big = new Uint8Array(9 * 1024 * 1024 + 5);
    // Mostly ff so that an unfolded accumulator of 32-bit words would pass 2^53 and lose low bits.
    big.fill(0xff);
    for (let i = 0; i < big.length; i += 4093) big[i] = (i * 2654435761) >>> 24;
    for (const shift of [0, 1, 2, 3])
      expect(onesComplementSum(big.subarray(shift))).toBe(naiveSum(big.subarray(shift)));
  });

  it("equals the naive implementation at every alignment, offset and length", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 0xffff }),
        (data, shift, start, initial) => {
          const bytes = shifted(data, shift).subarray(Math.min(start, data.length));
          expect(onesComplementSum(bytes, initial)).toBe(naiveSum(bytes, initial));
          expect(internetChecksum(bytes, initial)).toBe(~naiveSum(bytes, initial) & 0xffff);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is incremental: the sum of an even-length prefix continues into the rest", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(), (bytes, at) => {
        const split = Math.min(bytes.length, at) & ~1;
        const first = onesComplementSum(bytes.subarray(0, split));
        expect(onesComplementSum(bytes.subarray(split), first)).toBe(onesComplementSum(bytes));
      }),
    );
  });

  it("a packet carrying its own checksum verifies to 0", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 300 }), (data) => {
        fc.pre(data.some((b) => b !== 0));
        const bytes = Uint8Array.from([0, 0, ...data]);
        const checksum = internetChecksum(bytes);
        bytes[0] = checksum >>> 8;
        bytes[1] = checksum & 0xff;
        expect(internetChecksum(bytes)).toBe(0);
      }),
    );
  });
});

describe("updateChecksum (RFC 1624)", () => {
  it("RFC 1624 §4 example: HC 0xdd2f, m 0x5555 → m' 0x3285 gives 0x0000 (eqn. 3), not 0xffff", () => {
    expect(updateChecksum(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  it("a TTL decrement updates a captured IPv4 header like a recomputation", () => {
    const header = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    const updated = updateChecksum(0xb861, 0x4011, 0x3f11);
    header[8] = 0x3f;
    header[10] = 0;
    header[11] = 0;
    expect(updated).toBe(internetChecksum(header));
    expect(updated).toBe(0xb961);
  });

  it("equals recomputation for any changed word", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (words, at, newWord) => {
          const index = at % words.length;
          const bytes = (w: number[]) => Uint8Array.from(w.flatMap((v) => [v >>> 8, v & 0xff]));
          const before = internetChecksum(bytes(words));
          const changed = words.slice();
          changed[index] = newWord;
          const recomputed = internetChecksum(bytes(changed));
          const updated = updateChecksum(before, words[index]!, newWord);
          if (changed.every((w) => w === 0)) {
            // All-zero data: recomputation gives ffff; eqn. 3 may give its equivalent, 0 ("-0" = "+0").
            expect([0, 0xffff]).toContain(updated);
          } else {
            expect(updated).toBe(recomputed);
          }
        },
      ),
    );
  });
});
