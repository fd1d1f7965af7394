import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeAccept, generateKey, isValidKey, WEBSOCKET_GUID } from "./accept";
import { decodeBase64, encodeBase64 } from "./base64";
import { sha1 } from "./sha1";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

describe("RFC 6455 §1.3 / §4.2.2 key and accept", () => {
  it("computes the RFC's example: dGhlIHNhbXBsZSBub25jZQ== → s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", () => {
    expect(WEBSOCKET_GUID).toBe("258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const key = "dGhlIHNhbXBsZSBub25jZQ==";
    expect(new TextDecoder().decode(decodeBase64(key))).toBe("the sample nonce");
    expect(hex(sha1(new TextEncoder().encode(key + WEBSOCKET_GUID)))).toBe(
      "b37a4f2cc0624f1690f64606cf385945b2bec4ea",
    );
    expect(computeAccept(key)).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("§4.1's example key for bytes 01..10, as corrected (the RFC prints ...EC==)", () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    expect(encodeBase64(bytes)).toBe("AQIDBAUGBwgJCgsMDQ4PEA==");
    expect(isValidKey("AQIDBAUGBwgJCgsMDQ4PEA==")).toBe(true);
    expect(isValidKey("AQIDBAUGBwgJCgsMDQ4PEC==")).toBe(false); // non-zero bits under the padding
  });

  it("SHA-1 matches node:crypto for arbitrary inputs (FIPS 180-4)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha1(bytes))).toBe(createHash("sha1").update(bytes).digest("hex"));
      }),
    );
    expect(hex(sha1(new TextEncoder().encode("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
  });

  it("base64 round-trips and matches Buffer, and rejects non-canonical text", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString("base64"));
        expect(decodeBase64(text)).toEqual(bytes);
      }),
    );
    for (const bad of ["abc", "ab=c", "a===", "ab!d", "QQ=", "QR==", "é=AA"])
      expect(decodeBase64(bad)).toBeUndefined();
  });

  it("generates keys of 16 random bytes from the source", () => {
    const key = generateKey((b) => b.fill(1));
    expect(key).toBe("AQEBAQEBAQEBAQEBAQEBAQ==");
    expect(isValidKey(generateKey())).toBe(true);
    expect(generateKey()).not.toBe(generateKey());
  });
});
