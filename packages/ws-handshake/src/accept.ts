/**
 * RFC 6455 §1.3 / §4.2.2 item 5.4: the server proves it read the handshake by answering
 * `Sec-WebSocket-Accept: base64(SHA-1(Sec-WebSocket-Key + GUID))`; §4.1: the client's key is 16 random
 * bytes, base64-encoded, "randomly selected for each connection".
 */
import { decodeBase64, encodeBase64 } from "./base64";
import { HandshakeError } from "./errors";
import { sha1 } from "./sha1";

/** The GUID of RFC 6455 §1.3. */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Fills bytes with secure random values, like `crypto.getRandomValues`. */
export type RandomSource = (bytes: Uint8Array) => unknown;

/** The Sec-WebSocket-Accept value for `key` (the key as sent, not decoded). Synchronous everywhere. */
export function computeAccept(key: string): string {
  const text = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) throw new HandshakeError("HS_INVALID_ARGUMENT", "a Sec-WebSocket-Key is ASCII");
    bytes[i] = c;
  }
  return encodeBase64(sha1(bytes));
}

/** Whether `key` is base64 of exactly 16 bytes (RFC 6455 §4.2.1 item 5). */
export function isValidKey(key: string): boolean {
  return key.length === 24 && decodeBase64(key)?.length === 16;
}

/** A fresh Sec-WebSocket-Key: 16 bytes from `randomSource` (default crypto.getRandomValues), base64. */
export function generateKey(randomSource?: RandomSource): string {
  const bytes = new Uint8Array(16);
  if (randomSource) randomSource(bytes);
  else {
    const c = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
    if (typeof c?.getRandomValues !== "function") {
      throw new HandshakeError("HS_INVALID_ARGUMENT", "no crypto.getRandomValues here: pass a randomSource");
    }
    c.getRandomValues(bytes);
  }
  return encodeBase64(bytes);
}
