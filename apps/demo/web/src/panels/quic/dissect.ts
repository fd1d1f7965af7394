/**
 * The RFC 9001 A.2 client Initial taken apart step by step with @proto/quic-sim: Initial secrets and
 * keys from the Destination Connection ID (§5.2, §5.1), the long header up to the packet number
 * (RFC 9000 §17.2.2), header protection removed by hand from the sample and mask (§5.4), the AEAD nonce
 * (§5.3) and decryption, the frames of the payload, and the ClientHello in the CRYPTO frame.
 */
import {
  decodeFrames,
  decodePacketNumber,
  deriveInitialKeys,
  headerProtectionMask,
  hkdfLabel,
  INITIAL_SALT_V1,
  type LongHeader,
  open,
  packetNonce,
  parseLongHeader,
  readPacketNumber,
  readVarint,
} from "@proto/quic-sim";
import { type ClientHello, parseClientHello } from "./client-hello";
import { CLIENT_DCID_HEX, CLIENT_INITIAL_HEX } from "./rfc9001-vectors";

export const fromHex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
export const toHex = (bytes: Uint8Array, sep = "") =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(sep);

/** The colour classes of the packet's fields. */
export type FieldKind =
  | "first"
  | "version"
  | "cidlen"
  | "dcid"
  | "scid"
  | "token"
  | "length"
  | "pn"
  | "payload"
  | "tag";

export interface PacketField {
  kind: FieldKind;
  start: number;
  end: number;
}

export interface VarintReading {
  bytes: Uint8Array;
  /** The two most significant bits of the first byte. */
  prefix: number;
  length: number;
  value: number | bigint;
}

/** One frame of the decrypted payload with where it sits. */
export interface FrameSpan {
  type: "crypto" | "padding" | "ping";
  start: number;
  end: number;
  /** CRYPTO: the varints' bytes and values. */
  offset?: VarintReading;
  length?: VarintReading;
  dataStart?: number;
}

export interface Dissection {
  dcid: Uint8Array;
  salt: Uint8Array;
  initialSecret: Uint8Array;
  clientSecret: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
  hp: Uint8Array;
  /** The HkdfLabel structures (RFC 8446 §7.1) each expansion uses. */
  labels: Record<"client in" | "quic key" | "quic iv" | "quic hp", Uint8Array>;
  packet: Uint8Array;
  header: LongHeader;
  fields: PacketField[];
  tokenLength: VarintReading;
  lengthField: VarintReading;
  sampleOffset: number;
  sample: Uint8Array;
  mask: Uint8Array;
  firstProtected: number;
  firstUnprotected: number;
  pnLength: number;
  pnProtected: Uint8Array;
  pnUnprotected: Uint8Array;
  packetNumber: number;
  /** The header with protection removed: the AEAD's associated data. */
  aad: Uint8Array;
  nonce: Uint8Array;
  ciphertextLength: number;
  tag: Uint8Array;
  plaintext: Uint8Array;
  frames: FrameSpan[];
  clientHello: ClientHello;
  /** The CRYPTO frame's data (the ClientHello bytes). */
  cryptoData: Uint8Array;
}

export function readVarintAt(bytes: Uint8Array, at: number): VarintReading {
  const r = readVarint(bytes, at);
  return {
    bytes: bytes.subarray(at, at + r.length),
    prefix: bytes[at]! >> 6,
    length: r.length,
    value: r.value,
  };
}

/** Walks the payload frame by frame, reading each field's varint where the frame starts. */
function frameSpans(plain: Uint8Array): FrameSpan[] {
  const spans: FrameSpan[] = [];
  for (let at = 0; at < plain.length; ) {
    const type = plain[at]!;
    if (type === 0x00) {
      let end = at;
      while (end < plain.length && plain[end] === 0) end++;
      spans.push({ type: "padding", start: at, end });
      at = end;
    } else if (type === 0x01) {
      spans.push({ type: "ping", start: at, end: at + 1 });
      at += 1;
    } else if (type === 0x06) {
      const offset = readVarintAt(plain, at + 1);
      const length = readVarintAt(plain, at + 1 + offset.length);
      const dataStart = at + 1 + offset.length + length.length;
      const end = dataStart + Number(length.value);
      spans.push({ type: "crypto", start: at, end, offset, length, dataStart });
      at = end;
    } else {
      throw new Error(`frame type 0x${type.toString(16)} is not expected in a client Initial`);
    }
  }
  return spans;
}

export async function dissect(): Promise<Dissection> {
  const dcid = fromHex(CLIENT_DCID_HEX);
  const packet = fromHex(CLIENT_INITIAL_HEX);
  const keys = await deriveInitialKeys(dcid);
  const empty = new Uint8Array(0);

  // RFC 9000 §17.2.2: everything up to the Length field is readable without keys.
  const header = parseLongHeader(packet);
  const dcidStart = 6;
  const scidLenAt = dcidStart + header.dcid.length;
  const tokenAt = scidLenAt + 1 + header.scid.length;
  const tokenLength = readVarintAt(packet, tokenAt);
  const lengthAt = tokenAt + tokenLength.length + header.token.length;
  const lengthField = readVarintAt(packet, lengthAt);

  // RFC 9001 §5.4.2: the sample starts 4 bytes after the start of the Packet Number field.
  const sampleOffset = header.pnOffset + 4;
  const sample = packet.subarray(sampleOffset, sampleOffset + 16);
  const mask = await headerProtectionMask(keys.client, sample);
  const firstProtected = packet[0]!;
  // §5.4.1: a long header protects the 4 low bits of the first byte.
  const firstUnprotected = firstProtected ^ (mask[0]! & 0x0f);
  const pnLength = (firstUnprotected & 0x03) + 1;
  const pnProtected = packet.subarray(header.pnOffset, header.pnOffset + pnLength);
  const pnUnprotected = pnProtected.map((b, i) => b ^ mask[1 + i]!);
  const packetNumber = decodePacketNumber(-1, readPacketNumber(pnUnprotected, 0, pnLength), pnLength * 8);

  const end = header.pnOffset + header.length;
  const aad = packet.slice(0, header.pnOffset + pnLength);
  aad[0] = firstUnprotected;
  aad.set(pnUnprotected, header.pnOffset);
  const sealed = packet.subarray(header.pnOffset + pnLength, end);
  const plaintext = await open(keys.client, packetNumber, sealed, aad);
  const frames = frameSpans(plaintext);
  // Cross-check the walk against the package's frame decoder.
  const decoded = decodeFrames(plaintext);
  const crypto = frames.find((f) => f.type === "crypto");
  const decodedCrypto = decoded.find((f) => f.type === "crypto");
  if (!crypto || decodedCrypto?.type !== "crypto" || decoded.length !== frames.length) {
    throw new Error("the payload's frames do not match @proto/quic-sim's decoder");
  }
  const cryptoData = plaintext.subarray(crypto.dataStart!, crypto.end);

  const fields: PacketField[] = [
    { kind: "first", start: 0, end: 1 },
    { kind: "version", start: 1, end: 5 },
    { kind: "cidlen", start: 5, end: 6 },
    { kind: "dcid", start: dcidStart, end: scidLenAt },
    { kind: "cidlen", start: scidLenAt, end: scidLenAt + 1 },
    { kind: "scid", start: scidLenAt + 1, end: tokenAt },
    { kind: "token", start: tokenAt, end: lengthAt },
    { kind: "length", start: lengthAt, end: header.pnOffset },
    { kind: "pn", start: header.pnOffset, end: header.pnOffset + pnLength },
    { kind: "payload", start: header.pnOffset + pnLength, end: end - 16 },
    { kind: "tag", start: end - 16, end },
  ];

  return {
    dcid,
    salt: INITIAL_SALT_V1,
    initialSecret: keys.initialSecret,
    clientSecret: keys.client.secret,
    key: keys.client.key,
    iv: keys.client.iv,
    hp: keys.client.hp,
    labels: {
      "client in": hkdfLabel("client in", empty, 32),
      "quic key": hkdfLabel("quic key", empty, 16),
      "quic iv": hkdfLabel("quic iv", empty, 12),
      "quic hp": hkdfLabel("quic hp", empty, 16),
    },
    packet,
    header,
    fields,
    tokenLength,
    lengthField,
    sampleOffset,
    sample,
    mask,
    firstProtected,
    firstUnprotected,
    pnLength,
    pnProtected,
    pnUnprotected,
    packetNumber,
    aad,
    nonce: packetNonce(keys.client.iv, packetNumber),
    ciphertextLength: sealed.length - 16,
    tag: sealed.subarray(sealed.length - 16),
    plaintext,
    frames,
    clientHello: parseClientHello(cryptoData),
    cryptoData,
  };
}
