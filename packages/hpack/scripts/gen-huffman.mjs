#!/usr/bin/env node
// Writes src/huffman-table.generated.ts from RFC 7541 Appendix B.
//
// The HPACK Huffman code is canonical: within each code length, codes are consecutive in symbol order,
// and each length starts where the previous one ended, shifted left. So the code is fully determined by
// each symbol's length, listed here by length exactly as they can be read off Appendix B. The codes are
// derived, then checked against rows of the appendix, and a 4-bit decoding state machine is built from
// the code tree: 256 states (the tree's internal nodes) × 16 nibbles.
//
// Run: node scripts/gen-huffman.mjs   (pnpm --filter @proto/hpack gen)
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** RFC 7541 Appendix B: the symbols (0-255, 256 = EOS) having each code length in bits. */
const SYMBOLS_BY_LENGTH = {
  5: [48, 49, 50, 97, 99, 101, 105, 111, 115, 116],
  6: [
    32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56, 57, 61, 65, 95, 98, 100, 102, 103, 104, 108, 109, 110, 112,
    114, 117,
  ],
  7: [
    58, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107,
    113, 118, 119, 120, 121, 122,
  ],
  8: [38, 42, 44, 59, 88, 90],
  10: [33, 34, 40, 41, 63],
  11: [39, 43, 124],
  12: [35, 62],
  13: [0, 36, 64, 91, 93, 126],
  14: [94, 125],
  15: [60, 96, 123],
  19: [92, 195, 208],
  20: [128, 130, 131, 162, 184, 194, 224, 226],
  21: [153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230],
  22: [
    129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190,
    196, 198, 228, 232, 233,
  ],
  23: [
    1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158, 165, 166, 168, 174, 175,
    180, 182, 183, 188, 191, 197, 231, 239,
  ],
  24: [9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237],
  25: [199, 207, 234, 235],
  26: [192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255],
  27: [203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254],
  28: [
    2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220,
    249,
  ],
  30: [10, 13, 22, 256],
};

const lengths = new Array(257).fill(0);
for (const [len, symbols] of Object.entries(SYMBOLS_BY_LENGTH))
  for (const s of symbols) lengths[s] = Number(len);
if (lengths.some((l) => l === 0)) throw new Error("a symbol has no length");

// Canonical assignment: by length, then by symbol.
const codes = new Array(257).fill(0);
let code = 0;
let previous = 0;
for (const len of Object.keys(SYMBOLS_BY_LENGTH)
  .map(Number)
  .sort((a, b) => a - b)) {
  code <<= len - previous;
  previous = len;
  for (const s of [...SYMBOLS_BY_LENGTH[len]].sort((a, b) => a - b)) codes[s] = code++;
}
// The code is complete: the last code of the longest length is all ones (EOS, 30 ones).
if (codes[256] !== 0x3fffffff) throw new Error(`EOS is 0x${codes[256].toString(16)}, not 0x3fffffff`);

// Rows of Appendix B, checked: (symbol, code, length).
for (const [s, c, l] of [
  [0, 0x1ff8, 13],
  [1, 0x7fffd8, 23],
  [9, 0xffffea, 24],
  [10, 0x3ffffffc, 30],
  [32, 0x14, 6],
  [48, 0x0, 5],
  [97, 0x3, 5],
  [116, 0x9, 5],
  [122, 0x7b, 7],
  [127, 0xffffffc, 28],
  [128, 0xfffe6, 20],
  [255, 0x3ffffee, 26],
]) {
  if (codes[s] !== c || lengths[s] !== l)
    throw new Error(`symbol ${s}: got ${codes[s].toString(16)}/${lengths[s]}`);
}

// Decoding state machine: states are internal nodes of the code tree (root = 0).
const children = [[-1, -1]]; // internal node → [child0, child1]; child >= 0 internal node, < -1 leaf (-(sym+2))
const depth = [0];
const allOnes = [true];
for (let s = 0; s < 257; s++) {
  let node = 0;
  for (let b = lengths[s] - 1; b >= 0; b--) {
    const bit = (codes[s] >>> b) & 1;
    if (b === 0) {
      children[node][bit] = -(s + 2);
    } else {
      if (children[node][bit] === -1) {
        children.push([-1, -1]);
        depth.push(depth[node] + 1);
        allOnes.push(allOnes[node] && bit === 1);
        children[node][bit] = children.length - 1;
      }
      node = children[node][bit];
    }
  }
}
if (children.length !== 256) throw new Error(`${children.length} internal nodes, expected 256`);

// Transition entry (Uint32): bits 0-7 next state, 8-15 symbol, bit 16 emits a symbol, bit 17 fail (EOS
// decoded), bit 18 the next state may end a string (its path is all ones and at most 7 bits: padding).
const EMIT = 1 << 16;
const FAIL = 1 << 17;
const ACCEPT = 1 << 18;
const table = [];
for (let state = 0; state < 256; state++) {
  for (let nibble = 0; nibble < 16; nibble++) {
    let node = state;
    let entry = 0;
    for (let b = 3; b >= 0; b--) {
      const next = children[node][(nibble >>> b) & 1];
      if (next < -1) {
        const sym = -next - 2;
        if (sym === 256) entry |= FAIL;
        else entry |= EMIT | (sym << 8);
        node = 0;
      } else {
        node = next;
      }
    }
    if (allOnes[node] && depth[node] <= 7) entry |= ACCEPT;
    table.push((entry | node) >>> 0);
  }
}

const out = `// DO NOT EDIT: generated by scripts/gen-huffman.mjs from RFC 7541 Appendix B.

/** Huffman code of each symbol (0-255, 256 = EOS), right-aligned. */
export const HUFFMAN_CODES: Uint32Array = Uint32Array.from([${codes.join(",")}]);

/** Code length in bits of each symbol. */
export const HUFFMAN_LENGTHS: Uint8Array = Uint8Array.from([${lengths.join(",")}]);

/**
 * Decoding state machine, 256 states × 16 nibbles. Entry bits 0-7: next state; 8-15: symbol; 16: a
 * symbol is emitted; 17: EOS was decoded (an error); 18: the next state may end a string.
 */
export const HUFFMAN_DECODE: Uint32Array = Uint32Array.from([${table.join(",")}]);
`;
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "src", "huffman-table.generated.ts");
writeFileSync(target, out);
console.log(`wrote ${target}`);
