/** RFC 9000 Appendix A and RFC 9001 Appendix A, byte for byte. */
import { describe, expect, it } from "vitest";
import {
  decodePacketNumber,
  deriveInitialKeys,
  derivePacketKeys,
  encodeLongHeader,
  encodePacketNumber,
  encodeShortHeader,
  encodeVarint,
  headerProtectionMask,
  hkdfLabel,
  nextKeyUpdateSecret,
  packetNonce,
  parseLongHeader,
  protectPacket,
  readVarint,
  retryIntegrityTag,
  unprotectPacket,
} from "../src/index";
import v from "./fixtures/quic-vectors.json" with { type: "json" };

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const int = (s: string) => Number.parseInt(s, 16);

describe("RFC 9000 A.1 variable-length integers", () => {
  it.each(v.rfc9000.varint_samples)("$hex ↔ $value", ({ hex: h, value }) => {
    const decoded = readVarint(hex(h), 0);
    expect(String(decoded.value)).toBe(value);
    expect(decoded.length).toBe(h.length / 2);
    const n = BigInt(value);
    expect(
      toHex(
        encodeVarint(n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n), (h.length / 2) as 1 | 2 | 4 | 8),
      ),
    ).toBe(h);
  });
  it("values above 2^53 come back as bigints; the shortest encoding is chosen by default", () => {
    expect(typeof readVarint(hex("c2197c5eff14e88c"), 0).value).toBe("bigint");
    expect(toHex(encodeVarint(37))).toBe("25");
    expect(toHex(encodeVarint(15293))).toBe("7bbd");
  });
});

describe("RFC 9000 A.2/A.3 packet numbers", () => {
  it("A.2: 0xac5c02 after 0xabe8b3 needs 16 bits; 0xace8fe needs 24", () => {
    const e = v.rfc9000.packet_number_encoding;
    expect(encodePacketNumber(int(e.full_pn), int(e.largest_acked)).length * 8).toBe(e.bits_needed);
    const s = e.second_example;
    expect(encodePacketNumber(int(s.full_pn), int(s.largest_acked)).length * 8).toBe(s.bits_needed);
  });
  it("A.3: 0x9b32 after 0xa82f30ea decodes to 0xa82f9b32", () => {
    const d = v.rfc9000.packet_number_decoding;
    expect(decodePacketNumber(int(d.largest_pn), int(d.truncated_pn), d.pn_nbits)).toBe(int(d.decoded));
  });
});

describe("RFC 9001 A.1 keys", () => {
  const r = v.rfc9001;
  it("HkdfLabel info bytes", () => {
    expect(toHex(hkdfLabel("client in", new Uint8Array(0), 32))).toBe(r.hkdf_label_info["client in"]);
    expect(toHex(hkdfLabel("quic hp", new Uint8Array(0), 16))).toBe(r.hkdf_label_info["quic hp"]);
  });
  it("initial, client and server secrets, keys, IVs and header protection keys", async () => {
    const keys = await deriveInitialKeys(hex(r.client_dcid));
    expect(toHex(keys.initialSecret)).toBe(r.initial_secret);
    for (const side of ["client", "server"] as const) {
      expect(toHex(keys[side].secret)).toBe(r[side].secret);
      expect(toHex(keys[side].key)).toBe(r[side].key);
      expect(toHex(keys[side].iv)).toBe(r[side].iv);
      expect(toHex(keys[side].hp)).toBe(r[side].hp);
    }
  });
});

describe("RFC 9001 A.2-A.3 Initial packets", () => {
  const r = v.rfc9001;
  it("A.2: the client Initial's header, sample, mask and the whole protected packet", async () => {
    const { client } = await deriveInitialKeys(hex(r.client_dcid));
    const c = r.client_initial;
    const payload = new Uint8Array(c.padded_payload_length);
    payload.set(hex(c.crypto_frame));
    const header = encodeLongHeader({
      type: "initial",
      dcid: hex(r.client_dcid),
      scid: new Uint8Array(0),
      packetNumber: c.packet_number,
      pnLength: c.pn_length as 4,
      payloadLength: c.padded_payload_length + 16,
      lengthFieldSize: 2,
    });
    expect(toHex(header)).toBe(c.unprotected_header);
    const packet = await protectPacket(client, header, c.packet_number, payload);
    expect(toHex(packet.subarray(0, header.length))).toBe(c.protected_header);
    expect(toHex(packet.subarray(header.length - 4 + 4, header.length + 16))).toBe(c.sample);
    expect(toHex(await headerProtectionMask(client, hex(c.sample)))).toBe(c.mask);
    expect(toHex(packet)).toBe(c.protected_packet);
    expect(packet.length).toBe(1200);

    const parsed = parseLongHeader(packet);
    expect(parsed).toMatchObject({ type: "initial", length: 1182 });
    const opened = await unprotectPacket(client, packet, parsed.pnOffset);
    expect(opened.packetNumber).toBe(2);
    expect(toHex(opened.payload)).toBe(toHex(payload));
  });

  it("A.3: the server Initial", async () => {
    const { server } = await deriveInitialKeys(hex(r.client_dcid));
    const s = r.server_initial;
    const header = hex(s.unprotected_header);
    const packet = await protectPacket(server, header, s.packet_number, hex(s.payload));
    expect(toHex(await headerProtectionMask(server, hex(s.sample)))).toBe(s.mask);
    expect(toHex(packet)).toBe(s.protected_packet);
    const opened = await unprotectPacket(server, packet, parseLongHeader(packet).pnOffset);
    expect(toHex(opened.payload)).toBe(s.payload);
  });

  it("a flipped byte fails authentication (§5.3)", async () => {
    const { server } = await deriveInitialKeys(hex(r.client_dcid));
    const packet = hex(r.server_initial.protected_packet);
    packet[packet.length - 1]! ^= 1;
    await expect(unprotectPacket(server, packet, parseLongHeader(packet).pnOffset)).rejects.toMatchObject({
      code: "QUIC_DECRYPT_FAILED",
    });
  });
});

describe("RFC 9001 A.4 Retry", () => {
  it("the Retry Integrity Tag", async () => {
    const r = v.rfc9001.retry;
    const packet = hex(r.packet);
    const tag = await retryIntegrityTag(hex(r.odcid), packet.subarray(0, packet.length - 16));
    expect(toHex(tag)).toBe(r.tag);
    expect(parseLongHeader(packet).type).toBe("retry");
  });
});

describe("RFC 9001 A.5 ChaCha20-Poly1305 short header packet", () => {
  it("keys, key update secret, nonce, mask and the protected packet", async () => {
    const c = v.rfc9001.chacha20_short_header;
    const keys = await derivePacketKeys(hex(c.secret), "chacha20-poly1305");
    expect(toHex(keys.key)).toBe(c.key);
    expect(toHex(keys.iv)).toBe(c.iv);
    expect(toHex(keys.hp)).toBe(c.hp);
    expect(toHex(await nextKeyUpdateSecret(hex(c.secret)))).toBe(c.ku);
    expect(toHex(packetNonce(keys.iv, c.packet_number))).toBe(c.nonce);
    expect(toHex(await headerProtectionMask(keys, hex(c.sample)))).toBe(c.mask);
    const header = hex(c.unprotected_header);
    expect(toHex(encodeShortHeader(new Uint8Array(0), c.packet_number % 2 ** 24, 3))).toBe(
      c.unprotected_header,
    );
    const packet = await protectPacket(keys, header, c.packet_number, hex(c.payload));
    expect(toHex(packet)).toBe(c.protected_packet);
    const opened = await unprotectPacket(keys, packet, 1, c.packet_number - 1);
    expect(opened.packetNumber).toBe(c.packet_number);
    expect(toHex(opened.payload)).toBe(c.payload);
  });
});
