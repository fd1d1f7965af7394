/**
 * Stable codes of every error @proto/ws-frame raises, each with the close code (RFC 6455 §7.4.1) the
 * peer must be sent. Never renumber or reuse one; the README lists them.
 */
export type WsFrameErrorCode =
  /** RSV1-3 set without a negotiated extension owning the bit (§5.2). 1002 */
  | "WS_RESERVED_BITS"
  /** A reserved opcode 0x3-0x7 or 0xB-0xF (§5.2). 1002 */
  | "WS_INVALID_OPCODE"
  /** A continuation frame with no message to continue (§5.4). 1002 */
  | "WS_UNEXPECTED_CONTINUATION"
  /** A new text/binary frame while a fragmented message is unfinished (§5.4). 1002 */
  | "WS_EXPECTED_CONTINUATION"
  /** A control frame with FIN clear (§5.5). 1002 */
  | "WS_CONTROL_FRAGMENTED"
  /** A control frame payload over 125 bytes (§5.5). 1002 */
  | "WS_CONTROL_TOO_LONG"
  /** A 16/64-bit payload length that fits a shorter encoding (§5.2 "minimal number of bytes"). 1002 */
  | "WS_NON_MINIMAL_LENGTH"
  /** A 64-bit payload length with the most significant bit set (§5.2). 1002 */
  | "WS_LENGTH_TOO_LARGE"
  /** A server received an unmasked frame (§5.1). 1002 */
  | "WS_UNMASKED_FRAME"
  /** A client received a masked frame (§5.1). 1002 */
  | "WS_MASKED_FRAME"
  /** A Close payload of exactly 1 byte (§5.5.1). 1002 */
  | "WS_INVALID_CLOSE_BODY"
  /** A Close code that may not be sent on the wire (§7.4). 1002 */
  | "WS_INVALID_CLOSE_CODE"
  /** Text (or a Close reason) that is not valid UTF-8 (§5.6, §8.1). 1007 */
  | "WS_INVALID_UTF8"
  /** A frame payload over `maxFramePayload`. 1009 */
  | "WS_FRAME_TOO_LARGE"
  /** A message over `maxMessageSize` (after extensions, e.g. decompressed). 1009 */
  | "WS_MESSAGE_TOO_LARGE"
  /** A message in more than `maxFragments` frames. 1009 */
  | "WS_TOO_MANY_FRAGMENTS"
  /** More than `maxBufferedBytes` held for an unfinished frame or message. 1009 */
  | "WS_BUFFER_LIMIT"
  /** More than `maxPendingPongs` automatic pongs queued and not yet taken by dataToSend(). 1008 */
  | "WS_PING_FLOOD"
  /** An extension could not decode a message (e.g. a corrupt deflate stream). 1007 */
  | "WS_EXTENSION_ERROR"
  /** Local misuse: sending after a Close was sent, or a bad argument. Thrown to the caller, never sent. */
  | "WS_INVALID_STATE"
  | "WS_INVALID_ARGUMENT";

/**
 * The one error class of @proto/ws-frame (shared/CONVENTIONS.md §5): a stable `code` to branch on and
 * the close code (`wireCode`) the peer must be sent; `undefined` for local misuse that never reaches the
 * wire. Every WebSocket protocol error is connection-level: there are no streams.
 */
export class WsFrameError extends Error {
  override readonly name = "WsFrameError";
  readonly code: WsFrameErrorCode;
  readonly wireCode: number | undefined;

  constructor(code: WsFrameErrorCode, message: string, options: { wireCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
  }
}

/** A protocol error the peer caused: 1002 unless the code says otherwise. */
export function protocolError(code: WsFrameErrorCode, message: string, wireCode = 1002): WsFrameError {
  return new WsFrameError(code, message, { wireCode });
}
