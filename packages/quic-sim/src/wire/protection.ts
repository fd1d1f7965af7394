/**
 * QUIC packet protection (RFC 9001 §5): Initial secrets from the client's Destination Connection ID
 * (§5.2), packet keys (§5.1), AEAD payload protection with a packet-number nonce (§5.3), header
 * protection (§5.4: AES-ECB or ChaCha20 masks over a 16-byte sample) and the Retry integrity tag (§5.8).
 * AES runs on WebCrypto, ChaCha20-Poly1305 on this package's own code: both run in browsers and Node.
 */
import { QuicSimError } from "../errors";
import { chacha20, chacha20Poly1305Open, chacha20Poly1305Seal } from "./chacha20-poly1305";
import { hkdfExpandLabel, hkdfExtract } from "./hkdf";
import { readPacketNumber } from "./packet";
import { decodePacketNumber } from "./packet-number";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));

/** §5.2: initial_salt for QUIC version 1. */
export const INITIAL_SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
/** §5.8: the Retry integrity key and nonce for QUIC version 1. */
export const RETRY_KEY_V1 = hex("be0c690b9f66575a1d766b54e368c84e");
export const RETRY_NONCE_V1 = hex("461599d35d632bf2239825bb");

export type AeadName = "aes-128-gcm" | "chacha20-poly1305";

export interface PacketKeys {
  aead: AeadName;
  secret: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("WebCrypto (globalThis.crypto.subtle) is required for QUIC packet protection");
  return s;
};

/** §5.1: key, iv and hp from a traffic secret ("quic key", "quic iv", "quic hp"). */
export async function derivePacketKeys(
  secret: Uint8Array,
  aead: AeadName = "aes-128-gcm",
): Promise<PacketKeys> {
  const keyLength = aead === "aes-128-gcm" ? 16 : 32;
  const empty = new Uint8Array(0);
  return {
    aead,
    secret,
    key: await hkdfExpandLabel(secret, "quic key", empty, keyLength),
    iv: await hkdfExpandLabel(secret, "quic iv", empty, 12),
    hp: await hkdfExpandLabel(secret, "quic hp", empty, keyLength),
  };
}

/** §6.1: the next generation's secret for a key update ("quic ku"). */
export function nextKeyUpdateSecret(secret: Uint8Array): Promise<Uint8Array> {
  return hkdfExpandLabel(secret, "quic ku", new Uint8Array(0), 32);
}

/** §5.2: the Initial secrets, both directions, from the client's first Destination Connection ID. */
export async function deriveInitialKeys(
  clientDcid: Uint8Array,
): Promise<{ initialSecret: Uint8Array; client: PacketKeys; server: PacketKeys }> {
  const initialSecret = await hkdfExtract(INITIAL_SALT_V1, clientDcid);
  const empty = new Uint8Array(0);
  const clientSecret = await hkdfExpandLabel(initialSecret, "client in", empty, 32);
  const serverSecret = await hkdfExpandLabel(initialSecret, "server in", empty, 32);
  return {
    initialSecret,
    client: await derivePacketKeys(clientSecret),
    server: await derivePacketKeys(serverSecret),
  };
}

/** §5.3: the nonce is the IV XORed with the packet number, left-padded to the IV's length. */
export function packetNonce(iv: Uint8Array, packetNumber: number): Uint8Array {
  const nonce = iv.slice();
  let pn = packetNumber;
  for (let i = nonce.length - 1; i >= 0 && pn > 0; i--) {
    nonce[i]! ^= pn % 256;
    pn = Math.floor(pn / 256);
  }
  return nonce;
}

async function aesGcm(
  op: "encrypt" | "decrypt",
  key: Uint8Array,
  nonce: Uint8Array,
  data: Uint8Array,
  aad: Uint8Array,
) {
  const k = await subtle().importKey("raw", key as BufferSource, "AES-GCM", false, [op]);
  const params = {
    name: "AES-GCM",
    iv: nonce as BufferSource,
    additionalData: aad as BufferSource,
    tagLength: 128,
  };
  return new Uint8Array(await subtle()[op](params, k, data as BufferSource));
}

/** AEAD seal (§5.3): ciphertext followed by the 16-byte tag. */
export function seal(
  keys: PacketKeys,
  packetNumber: number,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const nonce = packetNonce(keys.iv, packetNumber);
  if (keys.aead === "chacha20-poly1305")
    return Promise.resolve(chacha20Poly1305Seal(keys.key, nonce, plaintext, aad));
  return aesGcm("encrypt", keys.key, nonce, plaintext, aad);
}

/** AEAD open; throws QUIC_DECRYPT_FAILED when the tag does not verify (the packet is discarded, §5.3). */
export async function open(
  keys: PacketKeys,
  packetNumber: number,
  sealed: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const nonce = packetNonce(keys.iv, packetNumber);
  let plain: Uint8Array | undefined;
  if (keys.aead === "chacha20-poly1305") plain = chacha20Poly1305Open(keys.key, nonce, sealed, aad);
  else {
    try {
      plain = await aesGcm("decrypt", keys.key, nonce, sealed, aad);
    } catch {
      plain = undefined;
    }
  }
  if (plain === undefined)
    throw new QuicSimError("QUIC_DECRYPT_FAILED", "packet authentication failed (RFC 9001 §5.3)");
  return plain;
}

/**
 * §5.4.3 / §5.4.4: the 5-byte header protection mask for a 16-byte sample: AES-ECB(hp, sample), or
 * ChaCha20(hp, counter = sample[0..4] little-endian, nonce = sample[4..16]) over five zero bytes.
 */
export async function headerProtectionMask(keys: PacketKeys, sample: Uint8Array): Promise<Uint8Array> {
  if (keys.aead === "chacha20-poly1305") {
    const counter = (sample[0]! | (sample[1]! << 8) | (sample[2]! << 16) | (sample[3]! << 24)) >>> 0;
    return chacha20(keys.hp, counter, sample.subarray(4, 16), new Uint8Array(5));
  }
  // AES-ECB of one block is AES-CBC of that block with a zero IV (WebCrypto has no ECB).
  const k = await subtle().importKey("raw", keys.hp as BufferSource, "AES-CBC", false, ["encrypt"]);
  const out = await subtle().encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, k, sample as BufferSource);
  return new Uint8Array(out).subarray(0, 5);
}

/** §5.4.1: applies (or removes) the mask: 4 low bits of a long header's first byte, 5 of a short one's. */
function applyMask(packet: Uint8Array, pnOffset: number, pnLength: number, mask: Uint8Array): void {
  packet[0]! ^= mask[0]! & ((packet[0]! & 0x80) !== 0 ? 0x0f : 0x1f);
  for (let i = 0; i < pnLength; i++) packet[pnOffset + i]! ^= mask[1 + i]!;
}

/**
 * Protects a packet: `header` is the unprotected header through the packet number (its first byte's low
 * bits give the packet number length), `payload` the frames. Returns header + ciphertext + tag with
 * header protection applied (§5.3, §5.4).
 */
export async function protectPacket(
  keys: PacketKeys,
  header: Uint8Array,
  packetNumber: number,
  payload: Uint8Array,
): Promise<Uint8Array> {
  const pnLength = (header[0]! & 0x03) + 1;
  const pnOffset = header.length - pnLength;
  const sealed = await seal(keys, packetNumber, payload, header);
  const packet = new Uint8Array(header.length + sealed.length);
  packet.set(header, 0);
  packet.set(sealed, header.length);
  // §5.4.2: the sample starts 4 bytes after the start of the packet number field.
  const sample = packet.subarray(pnOffset + 4, pnOffset + 20);
  if (sample.length < 16)
    throw new QuicSimError("QUIC_INVALID_ARGUMENT", "payload too short to sample (§5.4.2)");
  applyMask(packet, pnOffset, pnLength, await headerProtectionMask(keys, sample));
  return packet;
}

/**
 * Removes protection from a packet whose packet number starts at `pnOffset` and ends at `end` (the
 * Length field's end for a long header, the datagram's end for a short one). `largestPn` is the largest
 * packet number received in that space (-1 before any).
 */
export async function unprotectPacket(
  keys: PacketKeys,
  packet: Uint8Array,
  pnOffset: number,
  largestPn = -1,
  end = packet.length,
): Promise<{ header: Uint8Array; packetNumber: number; pnLength: number; payload: Uint8Array }> {
  const copy = packet.slice(0, end);
  const sample = copy.subarray(pnOffset + 4, pnOffset + 20);
  if (sample.length < 16) throw new QuicSimError("QUIC_DECRYPT_FAILED", "packet too short to sample");
  const mask = await headerProtectionMask(keys, sample);
  copy[0]! ^= mask[0]! & ((copy[0]! & 0x80) !== 0 ? 0x0f : 0x1f);
  const pnLength = (copy[0]! & 0x03) + 1;
  for (let i = 0; i < pnLength; i++) copy[pnOffset + i]! ^= mask[1 + i]!;
  const truncatedPn = readPacketNumber(copy, pnOffset, pnLength);
  const packetNumber = decodePacketNumber(largestPn, truncatedPn, pnLength * 8);
  const header = copy.subarray(0, pnOffset + pnLength);
  const payload = await open(keys, packetNumber, copy.subarray(pnOffset + pnLength), header);
  return { header, packetNumber, pnLength, payload };
}

/**
 * §5.8: the Retry Integrity Tag: AES-128-GCM with the fixed key and nonce over an empty plaintext, the
 * Retry Pseudo-Packet (ODCID length, ODCID, the Retry packet without its tag) as associated data.
 */
export async function retryIntegrityTag(
  originalDcid: Uint8Array,
  retryWithoutTag: Uint8Array,
): Promise<Uint8Array> {
  const pseudo = new Uint8Array(1 + originalDcid.length + retryWithoutTag.length);
  pseudo[0] = originalDcid.length;
  pseudo.set(originalDcid, 1);
  pseudo.set(retryWithoutTag, 1 + originalDcid.length);
  return aesGcm("encrypt", RETRY_KEY_V1, RETRY_NONCE_V1, new Uint8Array(0), pseudo);
}
