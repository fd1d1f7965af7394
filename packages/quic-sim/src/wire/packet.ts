/**
 * QUIC v1 packet headers (RFC 9000 §17): long headers (Initial, 0-RTT, Handshake, Retry; and Version
 * Negotiation, version 0) and the short (1-RTT) header. Parsing stops at the packet number, which is
 * header-protected (RFC 9001 §5.4) and read once protection is removed.
 */
import { PROTOCOL_VIOLATION, QuicSimError, truncated } from "../errors";
import { readVarintNumber, varintLength, writeVarint } from "./varint";

export const QUIC_V1 = 0x00000001;

/** Long packet types (§17.2, Table 5). */
export const LongPacketType = { INITIAL: 0, ZERO_RTT: 1, HANDSHAKE: 2, RETRY: 3 } as const;
export type LongPacketTypeName = "initial" | "0rtt" | "handshake" | "retry";
const TYPE_NAMES: LongPacketTypeName[] = ["initial", "0rtt", "handshake", "retry"];

export interface LongHeader {
  form: "long";
  type: LongPacketTypeName;
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  /** Initial only (§17.2.2). */
  token: Uint8Array;
  /** Length field: packet number + payload bytes (not for Retry or Version Negotiation). */
  length: number;
  /** Offset of the (protected) packet number; for Retry, of the Retry token. */
  pnOffset: number;
  /** Version Negotiation: the supported versions. */
  versions?: number[];
}

export interface ShortHeader {
  form: "short";
  dcid: Uint8Array;
  pnOffset: number;
}

function bad(message: string): QuicSimError {
  return new QuicSimError("QUIC_BAD_HEADER", message, { wireCode: PROTOCOL_VIOLATION });
}

/** Parses a long header (first byte's high bit set) up to the packet number. */
export function parseLongHeader(packet: Uint8Array): LongHeader {
  if (packet.length < 7) throw truncated("long header");
  const first = packet[0]!;
  if ((first & 0x80) === 0) throw bad("not a long header");
  const version = new DataView(packet.buffer, packet.byteOffset).getUint32(1);
  let at = 5;
  const dcidLen = packet[at++]!;
  if (version !== 0 && dcidLen > 20)
    throw bad(`destination connection id of ${dcidLen} bytes (§17.2: at most 20)`);
  if (at + dcidLen + 1 > packet.length) throw truncated("long header");
  const dcid = packet.subarray(at, at + dcidLen);
  at += dcidLen;
  const scidLen = packet[at++]!;
  if (version !== 0 && scidLen > 20) throw bad(`source connection id of ${scidLen} bytes`);
  if (at + scidLen > packet.length) throw truncated("long header");
  const scid = packet.subarray(at, at + scidLen);
  at += scidLen;
  const empty: Uint8Array = new Uint8Array(0);
  if (version === 0) {
    // §17.2.1 Version Negotiation: a list of 32-bit versions.
    const versions: number[] = [];
    const view = new DataView(packet.buffer, packet.byteOffset);
    for (; at + 4 <= packet.length; at += 4) versions.push(view.getUint32(at));
    return {
      form: "long",
      type: "initial",
      version,
      dcid,
      scid,
      token: empty,
      length: 0,
      pnOffset: at,
      versions,
    };
  }
  // §17.2: "Fixed Bit: ... MUST be set to 1" (except in Version Negotiation).
  if ((first & 0x40) === 0) throw bad("fixed bit clear");
  const type = TYPE_NAMES[(first >> 4) & 0x3]!;
  if (type === "retry") {
    return { form: "long", type, version, dcid, scid, token: empty, length: 0, pnOffset: at };
  }
  let token: Uint8Array = empty;
  if (type === "initial") {
    const t = readVarintNumber(packet, at, "token length");
    at += t.length;
    if (at + t.value > packet.length) throw truncated("token");
    token = packet.subarray(at, at + t.value);
    at += t.value;
  }
  const len = readVarintNumber(packet, at, "length");
  at += len.length;
  if (at + len.value > packet.length) throw truncated("packet payload");
  return { form: "long", type, version, dcid, scid, token, length: len.value, pnOffset: at };
}

/** Parses a short header given the connection id length this endpoint chose (§17.3). */
export function parseShortHeader(packet: Uint8Array, dcidLength: number): ShortHeader {
  if (packet.length < 1 + dcidLength) throw truncated("short header");
  const first = packet[0]!;
  if ((first & 0x80) !== 0) throw bad("not a short header");
  if ((first & 0x40) === 0) throw bad("fixed bit clear");
  return { form: "short", dcid: packet.subarray(1, 1 + dcidLength), pnOffset: 1 + dcidLength };
}

export interface LongHeaderInit {
  type: LongPacketTypeName;
  version?: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  token?: Uint8Array;
  /** The truncated packet number and its length in bytes (1-4). */
  packetNumber: number;
  pnLength: 1 | 2 | 3 | 4;
  /** Bytes of payload that will follow the packet number (AEAD tag included). */
  payloadLength: number;
  /** Force the Length field's size (e.g. 2 as in RFC 9001 A.2). */
  lengthFieldSize?: 1 | 2 | 4 | 8;
}

/** Serialises an unprotected long header through its packet number (§17.2). */
export function encodeLongHeader(h: LongHeaderInit): Uint8Array {
  const token = h.token ?? new Uint8Array(0);
  const length = h.pnLength + h.payloadLength;
  const lengthSize = h.lengthFieldSize ?? varintLength(length);
  const isInitial = h.type === "initial";
  const size =
    1 +
    4 +
    1 +
    h.dcid.length +
    1 +
    h.scid.length +
    (isInitial ? varintLength(token.length) + token.length : 0) +
    lengthSize +
    h.pnLength;
  const out = new Uint8Array(size);
  out[0] = 0xc0 | (TYPE_NAMES.indexOf(h.type) << 4) | (h.pnLength - 1);
  new DataView(out.buffer).setUint32(1, h.version ?? QUIC_V1);
  let at = 5;
  out[at++] = h.dcid.length;
  out.set(h.dcid, at);
  at += h.dcid.length;
  out[at++] = h.scid.length;
  out.set(h.scid, at);
  at += h.scid.length;
  if (isInitial) {
    at = writeVarint(out, at, token.length);
    out.set(token, at);
    at += token.length;
  }
  at = writeVarint(out, at, length, lengthSize);
  writePacketNumber(out, at, h.packetNumber, h.pnLength);
  return out;
}

/** Serialises an unprotected short header (§17.3.1): spin bit 0, key phase as given. */
export function encodeShortHeader(
  dcid: Uint8Array,
  packetNumber: number,
  pnLength: 1 | 2 | 3 | 4,
  keyPhase = 0,
): Uint8Array {
  const out = new Uint8Array(1 + dcid.length + pnLength);
  out[0] = 0x40 | ((keyPhase & 1) << 2) | (pnLength - 1);
  out.set(dcid, 1);
  writePacketNumber(out, 1 + dcid.length, packetNumber, pnLength);
  return out;
}

export function writePacketNumber(out: Uint8Array, at: number, pn: number, length: number): void {
  for (let i = length - 1; i >= 0; i--) {
    out[at + i] = pn % 256;
    pn = Math.floor(pn / 256);
  }
}

export function readPacketNumber(data: Uint8Array, at: number, length: number): number {
  let pn = 0;
  for (let i = 0; i < length; i++) pn = pn * 256 + data[at + i]!;
  return pn;
}
