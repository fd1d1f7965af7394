/**
 * HTTP/3 over QUIC: an HTTP/3 DATA frame (RFC 9114 §7.2.1) on a STREAM frame (RFC 9000 §19.8) in a
 * protected 1-RTT short-header packet (RFC 9000 §17.3, RFC 9001 §5), read back the way a server would.
 */
import {
  decodeFrames,
  derivePacketKeys,
  encodeFrames,
  encodeShortHeader,
  encodeVarint,
  type PacketKeys,
  parseShortHeader,
  protectPacket,
  readVarint,
  unprotectPacket,
} from "@proto/quic-sim";
import { type AppBuild, bit, concat, hexOf, type Part, quoted, type Row, type Side } from "./app-common";

/** Connection IDs each end chose; a short header carries the receiver's (RFC 9000 §5.1). */
export const SERVER_CID = Uint8Array.of(0x5e, 0x4e, 0xe0, 0xc1, 0xd0, 0x00, 0x00, 0x01);
export const CLIENT_CID = Uint8Array.of(0xc1, 0x1e, 0x27, 0xc1, 0xd0, 0x00, 0x00, 0x02);

/**
 * Stand-ins for the 1-RTT traffic secrets a TLS 1.3 handshake would produce (RFC 9001 §5.1); the keys
 * are then derived from them exactly as from real ones.
 */
const DEMO_SECRETS: Record<Side, Uint8Array> = {
  client: Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 1) & 0xff),
  server: Uint8Array.from({ length: 32 }, (_, i) => (i * 11 + 3) & 0xff),
};

/** RFC 9114 §7.2.1: DATA frame = type 0x00 (varint), length (varint), payload. */
export function http3Data(payload: Uint8Array): Uint8Array {
  return concat(encodeVarint(0x00), encodeVarint(payload.length), payload);
}

async function quicPacket(to: Uint8Array, keys: PacketKeys, frames: Parameters<typeof encodeFrames>[0]) {
  const header = encodeShortHeader(to, 0, 1);
  return protectPacket(keys, header, 0, encodeFrames(frames));
}

/** The STREAM frame and HTTP/3 frame inside a decrypted payload, read with varints from the bytes. */
function innerParts(plain: Uint8Array): { parts: Part[]; fields: Row[] } {
  const parts: Part[] = [];
  const fields: Row[] = [];
  const frames = decodeFrames(plain);
  const stream = frames.find((f) => f.type === "stream");
  if (stream?.type !== "stream") return { parts, fields };
  const type = plain[0]!;
  let at = 1;
  const id = readVarint(plain, at);
  at += id.length;
  if (type & 0x04) at += readVarint(plain, at).length;
  const len = readVarint(plain, at);
  at += len.length;
  parts.push({ key: "quicStreamHeader", start: 0, end: at, header: true });
  fields.push(
    {
      key: "quicStreamType",
      value: `0x${type.toString(16).padStart(2, "0")} (OFF=${bit(type, 4)} LEN=${bit(type, 2)} FIN=${bit(type, 1)})`,
    },
    { key: "quicStreamId", value: String(stream.streamId) },
    { key: "quicStreamLength", value: String(stream.data.length) },
  );
  const h3Type = readVarint(plain, at);
  const h3Len = readVarint(plain, at + h3Type.length);
  const h3End = at + h3Type.length + h3Len.length;
  parts.push({ key: "h3FrameHeader", start: at, end: h3End, header: true });
  parts.push({ key: "h3Data", start: h3End, end: h3End + Number(h3Len.value), header: false });
  fields.push(
    { key: "h3Type", value: `0x${h3Type.value.toString(16).padStart(2, "0")} DATA` },
    { key: "h3Length", value: String(h3Len.value) },
    { key: "h3Text", value: quoted(plain.subarray(h3End, h3End + Number(h3Len.value))) },
  );
  return { parts, fields };
}

export async function buildHttp3(message: Uint8Array): Promise<AppBuild> {
  const clientKeys = await derivePacketKeys(DEMO_SECRETS.client);
  const serverKeys = await derivePacketKeys(DEMO_SECRETS.server);
  // The client's request body on stream 0, the first client-initiated bidirectional stream.
  const payload = await quicPacket(SERVER_CID, clientKeys, [
    { type: "stream", streamId: 0, offset: 0, data: http3Data(message), fin: true, explicitLength: true },
  ]);
  const reply = await quicPacket(CLIENT_CID, serverKeys, [
    { type: "ack", ranges: [{ largest: 0, smallest: 0 }], ackDelay: 0 },
    { type: "stream", streamId: 0, offset: 0, data: http3Data(message), fin: true, explicitLength: true },
  ]);

  // Read it back the way the server would: header, header protection, AEAD.
  const short = parseShortHeader(payload, SERVER_CID.length);
  const opened = await unprotectPacket(clientKeys, payload, short.pnOffset);
  const headerEnd = short.pnOffset + opened.pnLength;
  const tagStart = payload.length - 16;
  const first = opened.header[0]!;
  const parts: Part[] = [
    { key: "quicFirstByte", start: 0, end: 1, header: true },
    { key: "quicDcid", start: 1, end: short.pnOffset, header: true },
    { key: "quicPn", start: short.pnOffset, end: headerEnd, header: true },
    { key: "quicCiphertext", start: headerEnd, end: tagStart, header: false },
    { key: "quicTag", start: tagStart, end: payload.length, header: true },
  ];
  const fields: Row[] = [
    { key: "quicForm", value: bit(payload[0]!, 0x80) },
    { key: "quicFixed", value: bit(payload[0]!, 0x40) },
    { key: "quicFirstProtected", value: `0x${payload[0]!.toString(16)} → 0x${first.toString(16)}` },
    { key: "quicKeyPhase", value: bit(first, 0x04) },
    { key: "quicDcidField", value: hexOf(short.dcid) },
    {
      key: "quicPnField",
      value: `${hexOf(payload.subarray(short.pnOffset, headerEnd))} → ${opened.packetNumber}`,
    },
    { key: "quicCipherLength", value: String(tagStart - headerEnd) },
    { key: "quicTagField", value: hexOf(payload.subarray(tagStart)) },
  ];
  return {
    payload,
    parts,
    fields,
    inner: { bytes: opened.payload, ...innerParts(opened.payload) },
    conversation: [
      { from: "client", data: payload, key: "msgH3Request" },
      { from: "server", data: reply, key: "msgH3Response" },
    ],
  };
}
