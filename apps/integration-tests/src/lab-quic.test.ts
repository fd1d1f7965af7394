/**
 * The QUIC panel in Debian's Chromium: the RFC 9001 Appendix A.2 client Initial dissected with WebCrypto
 * in the browser must show the RFC's values (secrets, keys, sample, mask, packet number, the decrypted
 * CRYPTO frame byte for byte, the transport parameters), and the varint explainer must encode the
 * RFC 9000 A.1 examples. The expected values come from quic-sim's copy of the RFC vectors.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");
const vectors = JSON.parse(
  readFileSync(
    resolve(import.meta.dirname, "../../../packages/quic-sim/test/fixtures/quic-vectors.json"),
    "utf8",
  ),
);
const r = vectors.rfc9001;
const a1: Array<{ hex: string; value: string }> = vectors.rfc9000.varint_samples;

describe.skipIf(!browserPeer.available)("QUIC panel in Chromium", () => {
  let lab: OpenLab;

  beforeAll(async () => {
    lab = await openLab(browserPeer);
    await lab.openPanel("quic");
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  const text = async (selector: string) => ((await lab.page.textContent(selector)) ?? "").trim();
  /** The bytes of a hex view as one hex string, optionally only the bytes with class `cls`. */
  const hexOf = (selector: string, cls = "qb") =>
    lab.page.$$eval(`${selector} span.${cls}`, (spans) => spans.map((s) => s.textContent).join(""));

  it("derives the Initial secrets and keys of RFC 9001 A.1", async () => {
    expect(await text("#quic-dcid")).toBe(r.client_dcid);
    expect(await text("#quic-initial-secret")).toBe(r.initial_secret);
    expect(await text("#quic-client-secret")).toBe(r.client.secret);
    expect(await text("#quic-key")).toBe("1f369613dd76d5467730efcbe3b1a22d");
    expect(await text("#quic-key")).toBe(r.client.key);
    expect(await text("#quic-iv")).toBe(r.client.iv);
    expect(await text("#quic-hp")).toBe(r.client.hp);
    expect(lab.errors).toEqual([]);
  });

  it("shows the protected packet coloured by field", async () => {
    expect(await hexOf("#quic-packet-hex")).toBe(r.client_initial.protected_packet);
    expect(await hexOf("#quic-packet-hex", "q-dcid")).toBe(r.client_dcid);
    expect(await hexOf("#quic-packet-hex", "q-sample")).toBe(r.client_initial.sample);
    expect(await hexOf("#quic-packet-hex", "q-pn")).toBe(r.client_initial.protected_header.slice(-8));
    expect(await hexOf("#quic-packet-hex", "q-length")).toBe("449e");
    expect((await hexOf("#quic-packet-hex", "q-tag")).length).toBe(32);
  });

  it("removes header protection: sample, mask, first byte, packet number 2", async () => {
    expect(await text("#quic-sample")).toBe(r.client_initial.sample);
    expect(await text("#quic-mask")).toBe(r.client_initial.mask);
    expect(await text("#quic-first-byte")).toBe("0xc0 → 0xc3");
    expect(await text("#quic-pn-bytes")).toMatch(/= 00000002$/);
    expect(await text("#quic-pn")).toBe(String(r.client_initial.packet_number));
    expect(await text("#quic-length-field")).toBe("44 9e");
    expect(await text("#quic-header-table")).toMatch(/1182/);
    // The AEAD's associated data is the unprotected header of A.2.
    expect(await text("#quic-aad")).toBe(r.client_initial.unprotected_header);
    expect(await text("#quic-nonce")).toBe("fa044b2f42a3fd3b46fb255e");
  });

  it("decrypts the payload: the CRYPTO frame of A.2 byte for byte, then PADDING", async () => {
    const crypto = await lab.page.$("#quic-crypto");
    expect(await crypto?.getAttribute("data-offset")).toBe("0");
    expect(await crypto?.getAttribute("data-length")).toBe("241");
    expect(await hexOf("#quic-crypto-hex")).toBe(r.client_initial.crypto_frame);
    const cryptoLength = r.client_initial.crypto_frame.length / 2;
    expect(await lab.page.getAttribute("#quic-padding", "data-count")).toBe(
      String(r.client_initial.padded_payload_length - cryptoLength),
    );
    expect(await text("#quic-hello-length")).toBe(String(cryptoLength - 4 - 4));
  });

  it("decodes the ClientHello's QUIC transport parameters", async () => {
    const rows = await lab.page.$$eval("#quic-tp tbody tr", (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent?.trim() ?? "")),
    );
    const byName = Object.fromEntries(rows.map((cells) => [cells[1], cells[3]?.replace(/\*$/, "")]));
    expect(byName).toEqual({
      initial_max_data: "4611686018427387903",
      initial_max_stream_data_bidi_local: "65535",
      initial_max_stream_data_uni: "65535",
      initial_max_streams_bidi: "16",
      max_idle_timeout: "30000",
      initial_max_streams_uni: "16",
      initial_source_connection_id: r.client_dcid,
      initial_max_stream_data_bidi_remote: "65535",
    });
    // The raw bytes of the rows are the extension's data: the last 50 bytes of the CRYPTO frame.
    const raw = rows.map((cells) => cells[4]?.replace(/\s+/g, "")).join("");
    expect(raw).toBe(r.client_initial.crypto_frame.slice(-100));
    expect(await text("#quic-extensions")).toMatch(/example\.com/);
  });

  it("encodes varints with their 2-bit prefix (RFC 9000 A.1)", async () => {
    for (const sample of a1.filter((s) => s.hex !== "4025")) {
      await lab.page.fill("#quic-varint-input", sample.value);
      expect(await lab.page.getAttribute("#quic-varint-output", "data-hex")).toBe(sample.hex);
    }
    await lab.page.fill("#quic-varint-input", "4611686018427387904");
    expect(await lab.page.getAttribute("#quic-varint-input", "aria-invalid")).toBe("true");
    await lab.page.fill("#quic-varint-input", "1182");
    expect(await lab.page.getAttribute("#quic-varint-output", "data-hex")).toBe("449e");
    expect(await lab.page.$$eval("#quic-varint-examples tbody tr", (trs) => trs.length)).toBe(a1.length);
    expect(await lab.page.$$eval("#quic-varint-examples .bad", (bad) => bad.length)).toBe(0);
  });

  it("follows the language switch", async () => {
    const english = await text("#quic-keys h3");
    await lab.page.click("#lang");
    const chinese = await text("#quic-keys h3");
    expect(chinese).not.toBe(english);
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(await text("#quic-frames h3")).toMatch(/帧/);
    expect(await text("#quic-varint h3")).toMatch(/变长整数/);
    expect(await text("#quic-key")).toBe(r.client.key);
    await lab.page.click("#lang");
    expect(await text("#quic-keys h3")).toBe(english);
    await lab.shot("quic");
    expect(lab.errors).toEqual([]);
  });
});
