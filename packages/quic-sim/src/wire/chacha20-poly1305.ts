/**
 * ChaCha20 and Poly1305 (RFC 8439), for QUIC's ChaCha20 header protection (RFC 9001 §5.4.4) and the
 * AEAD_CHACHA20_POLY1305 packet protection: WebCrypto has neither, so they are written out here.
 */

function rotl(v: number, n: number): number {
  return ((v << n) | (v >>> (32 - n))) >>> 0;
}

function quarter(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] = (s[a]! + s[b]!) >>> 0;
  s[d] = rotl(s[d]! ^ s[a]!, 16);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotl(s[b]! ^ s[c]!, 12);
  s[a] = (s[a]! + s[b]!) >>> 0;
  s[d] = rotl(s[d]! ^ s[a]!, 8);
  s[c] = (s[c]! + s[d]!) >>> 0;
  s[b] = rotl(s[b]! ^ s[c]!, 7);
}

const le32 = (b: Uint8Array, i: number) =>
  (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

/** RFC 8439 §2.3: one 64-byte ChaCha20 block for a 32-byte key, a 32-bit counter and a 12-byte nonce. */
export function chacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array): Uint8Array {
  const init = new Uint32Array(16);
  init[0] = 0x61707865;
  init[1] = 0x3320646e;
  init[2] = 0x79622d32;
  init[3] = 0x6b206574;
  for (let i = 0; i < 8; i++) init[4 + i] = le32(key, i * 4);
  init[12] = counter >>> 0;
  for (let i = 0; i < 3; i++) init[13 + i] = le32(nonce, i * 4);
  const s = init.slice();
  for (let round = 0; round < 10; round++) {
    quarter(s, 0, 4, 8, 12);
    quarter(s, 1, 5, 9, 13);
    quarter(s, 2, 6, 10, 14);
    quarter(s, 3, 7, 11, 15);
    quarter(s, 0, 5, 10, 15);
    quarter(s, 1, 6, 11, 12);
    quarter(s, 2, 7, 8, 13);
    quarter(s, 3, 4, 9, 14);
  }
  const out = new Uint8Array(64);
  for (let i = 0; i < 16; i++) {
    const v = (s[i]! + init[i]!) >>> 0;
    out[i * 4] = v & 0xff;
    out[i * 4 + 1] = (v >>> 8) & 0xff;
    out[i * 4 + 2] = (v >>> 16) & 0xff;
    out[i * 4 + 3] = v >>> 24;
  }
  return out;
}

/** RFC 8439 §2.4: ChaCha20 encryption (XOR with the key stream from `counter`). */
export function chacha20(key: Uint8Array, counter: number, nonce: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let at = 0, block = counter; at < data.length; at += 64, block++) {
    const stream = chacha20Block(key, block, nonce);
    const n = Math.min(64, data.length - at);
    for (let i = 0; i < n; i++) out[at + i] = data[at + i]! ^ stream[i]!;
  }
  return out;
}

function leBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

const P1305 = (1n << 130n) - 5n;

/** RFC 8439 §2.5: the 16-byte Poly1305 tag of `msg` under a one-time 32-byte key. */
export function poly1305(key: Uint8Array, msg: Uint8Array): Uint8Array {
  const r = leBigint(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = leBigint(key.subarray(16, 32));
  let acc = 0n;
  for (let at = 0; at < msg.length; at += 16) {
    const chunk = msg.subarray(at, Math.min(at + 16, msg.length));
    const n = leBigint(chunk) + (1n << BigInt(8 * chunk.length));
    acc = ((acc + n) * r) % P1305;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  const tag = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    tag[i] = Number(acc & 0xffn);
    acc >>= 8n;
  }
  return tag;
}

function macData(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const pad = (n: number) => (16 - (n % 16)) % 16;
  const out = new Uint8Array(aad.length + pad(aad.length) + ciphertext.length + pad(ciphertext.length) + 16);
  out.set(aad, 0);
  const ctAt = aad.length + pad(aad.length);
  out.set(ciphertext, ctAt);
  const lens = new DataView(out.buffer, out.length - 16);
  lens.setBigUint64(0, BigInt(aad.length), true);
  lens.setBigUint64(8, BigInt(ciphertext.length), true);
  return out;
}

/** RFC 8439 §2.8: AEAD_CHACHA20_POLY1305 seal → ciphertext || 16-byte tag. */
export function chacha20Poly1305Seal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const otk = chacha20Block(key, 0, nonce).subarray(0, 32);
  const ciphertext = chacha20(key, 1, nonce, plaintext);
  const out = new Uint8Array(ciphertext.length + 16);
  out.set(ciphertext, 0);
  out.set(poly1305(otk, macData(aad, ciphertext)), ciphertext.length);
  return out;
}

/** Opens a sealed payload; undefined when the tag does not verify. */
export function chacha20Poly1305Open(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  const ciphertext = sealed.subarray(0, sealed.length - 16);
  const otk = chacha20Block(key, 0, nonce).subarray(0, 32);
  const tag = poly1305(otk, macData(aad, ciphertext));
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= tag[i]! ^ sealed[ciphertext.length + i]!;
  return diff === 0 ? chacha20(key, 1, nonce, ciphertext) : undefined;
}
