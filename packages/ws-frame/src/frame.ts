/**
 * The base framing protocol, RFC 6455 §5.2:
 *
 *      0                   1                   2                   3
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-------+-+-------------+-------------------------------+
 *     |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 *     |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 *     |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 *     | |1|2|3|       |K|             |                               |
 *     +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
 *     |     Extended payload length continued, if payload len == 127  |
 *     + - - - - - - - - - - - - - - - +-------------------------------+
 *     |                               |Masking-key, if MASK set to 1  |
 *     +-------------------------------+-------------------------------+
 *     | Masking-key (continued)       |          Payload Data         |
 *     +-------------------------------- - - - - - - - - - - - - - - - +
 */
import { WsFrameError } from "./errors";
import { mask } from "./mask";
import { isControlOpcode } from "./opcode";

/** A decoded frame. `payload` is unmasked. */
export interface Frame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  /** Whether the frame was masked on the wire (client-to-server frames are). */
  masked: boolean;
  payload: Uint8Array;
}

/** What `encodeFrame` needs; the flags default to `fin: true` and RSV bits clear. */
export interface FrameInit {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  opcode: number;
  payload?: Uint8Array;
}

export interface EncodeFrameOptions {
  /** 4-byte masking key: the frame is masked with it (a client MUST mask, §5.3). */
  maskKey?: Uint8Array;
}

/** Largest payload a 7-bit length carries; 126 and 127 announce 16- and 64-bit lengths. */
export const MAX_7BIT_LENGTH = 125;
/** §5.5: "All control frames MUST have a payload length of 125 bytes or less". */
export const MAX_CONTROL_PAYLOAD = 125;
/** Largest payload length this package encodes or decodes: 2^53 - 1 (a JavaScript safe integer). */
export const MAX_PAYLOAD_LENGTH = Number.MAX_SAFE_INTEGER;

/** Header length for a payload of `length` bytes, masked or not (2, 4 or 10 bytes, plus 4 for a mask). */
export function frameHeaderLength(length: number, masked: boolean): number {
  return (length <= MAX_7BIT_LENGTH ? 2 : length <= 0xffff ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes a frame header for a payload of `length` bytes into `out` at `offset`; returns the header
 * length. Lengths use the minimal encoding (§5.2 "the minimal number of bytes MUST be used").
 */
export function writeFrameHeader(
  out: Uint8Array,
  offset: number,
  first: number,
  length: number,
  maskKey: Uint8Array | undefined,
): number {
  let o = offset;
  const maskBit = maskKey ? 0x80 : 0;
  out[o++] = first;
  if (length <= MAX_7BIT_LENGTH) {
    out[o++] = maskBit | length;
  } else if (length <= 0xffff) {
    out[o++] = maskBit | 126;
    out[o++] = length >>> 8;
    out[o++] = length & 0xff;
  } else {
    out[o++] = maskBit | 127;
    const high = Math.floor(length / 0x1_0000_0000);
    const low = length >>> 0;
    out[o++] = 0;
    out[o++] = 0;
    out[o++] = (high >>> 8) & 0xff;
    out[o++] = high & 0xff;
    out[o++] = low >>> 24;
    out[o++] = (low >>> 16) & 0xff;
    out[o++] = (low >>> 8) & 0xff;
    out[o++] = low & 0xff;
  }
  if (maskKey) {
    out[o++] = maskKey[0]!;
    out[o++] = maskKey[1]!;
    out[o++] = maskKey[2]!;
    out[o++] = maskKey[3]!;
  }
  return o - offset;
}

/** The first header byte: FIN, RSV1-3 and the opcode. */
export function firstHeaderByte(
  fin: boolean,
  rsv1: boolean,
  rsv2: boolean,
  rsv3: boolean,
  opcode: number,
): number {
  return (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | opcode;
}

/**
 * Encodes one frame. With `maskKey` the payload is masked (in a copy: the caller's bytes are never
 * changed). Refuses what no conforming endpoint may send: an opcode outside 0-15, a control frame that
 * is fragmented or longer than 125 bytes (§5.5), a mask key that is not 4 bytes.
 */
export function encodeFrame(frame: FrameInit, options: EncodeFrameOptions = {}): Uint8Array {
  const { opcode } = frame;
  const payload = frame.payload ?? new Uint8Array(0);
  const fin = frame.fin ?? true;
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 0xf) {
    throw new WsFrameError("WS_INVALID_ARGUMENT", `opcode ${opcode} is not 0-15`);
  }
  if (isControlOpcode(opcode)) {
    if (!fin) throw new WsFrameError("WS_INVALID_ARGUMENT", "control frames MUST NOT be fragmented (§5.5)");
    if (payload.length > MAX_CONTROL_PAYLOAD) {
      throw new WsFrameError(
        "WS_INVALID_ARGUMENT",
        `control frame payload ${payload.length} > 125 bytes (§5.5)`,
      );
    }
  }
  const { maskKey } = options;
  if (maskKey !== undefined && maskKey.length !== 4) {
    throw new WsFrameError("WS_INVALID_ARGUMENT", `masking key must be 4 bytes, got ${maskKey.length}`);
  }
  const first = firstHeaderByte(fin, frame.rsv1 === true, frame.rsv2 === true, frame.rsv3 === true, opcode);
  return buildFrame(first, payload, maskKey);
}

/**
 * A whole frame in one buffer: the header (first byte `first`), then the payload, masked with `maskKey`
 * when given. The payload is copied, never changed. No checks: encodeFrame and the session's Outbox
 * validate before calling.
 */
export function buildFrame(first: number, payload: Uint8Array, maskKey: Uint8Array | undefined): Uint8Array {
  const headerLength = frameHeaderLength(payload.length, maskKey !== undefined);
  const out = new Uint8Array(headerLength + payload.length);
  writeFrameHeader(out, 0, first, payload.length, maskKey);
  out.set(payload, headerLength);
  if (maskKey !== undefined) mask(out.subarray(headerLength), maskKey);
  return out;
}
