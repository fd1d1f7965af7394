/**
 * RFC 6455 §7.4 status codes, §11.7 "WebSocket Close Code Number Registry", and the Close frame body
 * (§5.5.1): an optional 2-byte big-endian code followed by an optional UTF-8 reason.
 */
import { protocolError, WsFrameError } from "./errors";

export const CloseCode = {
  NORMAL_CLOSURE: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** Reserved: never on the wire; reported when a Close had no code (§7.1.5). */
  NO_STATUS_RECEIVED: 1005,
  /** Reserved: never on the wire; reported when the connection closed without a Close frame (§7.1.5). */
  ABNORMAL_CLOSURE: 1006,
  INVALID_FRAME_PAYLOAD_DATA: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
  /** Reserved: never on the wire; TLS handshake failure. */
  TLS_HANDSHAKE: 1015,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

const NAMES = new Map<number, string>(Object.entries(CloseCode).map(([name, value]) => [value, name]));

/** "NORMAL_CLOSURE", ... "PRIVATE_4000", or "UNKNOWN_..." */
export function closeCodeName(code: number): string {
  const name = NAMES.get(code);
  if (name) return name;
  if (code >= 3000 && code <= 3999) return `REGISTERED_${code}`;
  if (code >= 4000 && code <= 4999) return `PRIVATE_${code}`;
  return `UNKNOWN_${code}`;
}

/**
 * Whether `code` may appear in a Close frame on the wire (§7.4.1, §7.4.2, IANA registry):
 * 1000-1003, 1007-1014, and 3000-4999. 1004 is reserved, 1005/1006/1015 "MUST NOT be set as a status
 * code in a Close control frame", 0-999 and 1016-2999 are not used or reserved.
 */
export function isValidCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
  );
}

/** Largest reason that fits a control frame: 125 bytes of payload less the 2-byte code (§5.5). */
export const MAX_CLOSE_REASON_BYTES = 123;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Encodes a Close body. No code → empty body; a reason needs a code (§5.5.1). */
export function encodeCloseBody(code?: number, reason = ""): Uint8Array {
  if (code === undefined) {
    if (reason !== "") throw new WsFrameError("WS_INVALID_ARGUMENT", "a close reason needs a close code");
    return new Uint8Array(0);
  }
  if (!isValidCloseCode(code)) {
    throw new WsFrameError("WS_INVALID_ARGUMENT", `close code ${code} may not be sent (RFC 6455 §7.4)`);
  }
  const text = encoder.encode(reason);
  if (text.length > MAX_CLOSE_REASON_BYTES) {
    throw new WsFrameError(
      "WS_INVALID_ARGUMENT",
      `close reason is ${text.length} bytes; at most ${MAX_CLOSE_REASON_BYTES} fit a control frame`,
    );
  }
  const body = new Uint8Array(2 + text.length);
  body[0] = code >> 8;
  body[1] = code & 0xff;
  body.set(text, 2);
  return body;
}

/**
 * Decodes a received Close body: `{ code: 1005, reason: "" }` when empty (§7.1.5). Throws WsFrameError:
 * a 1-byte body (1002), a code that may not be on the wire (1002), a reason that is not UTF-8 (1007).
 */
export function decodeCloseBody(body: Uint8Array): { code: number; reason: string } {
  if (body.length === 0) return { code: CloseCode.NO_STATUS_RECEIVED, reason: "" };
  if (body.length === 1) throw protocolError("WS_INVALID_CLOSE_BODY", "a Close frame body of 1 byte");
  const code = (body[0]! << 8) | body[1]!;
  if (!isValidCloseCode(code)) throw protocolError("WS_INVALID_CLOSE_CODE", `invalid close code ${code}`);
  let reason: string;
  try {
    reason = strictDecoder.decode(body.subarray(2));
  } catch {
    // §5.5.1 "the body ... MUST be UTF-8-encoded data"; §8.1 fail with 1007.
    throw protocolError("WS_INVALID_UTF8", "Close reason is not valid UTF-8", 1007);
  }
  return { code, reason };
}
