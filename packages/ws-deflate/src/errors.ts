/**
 * Stable string codes of every error @proto/ws-deflate raises, each with the close code (RFC 6455 §7.4.1)
 * the peer must be sent. Never renumber or reuse one; the README lists them.
 */
export type WsDeflateErrorCode =
  /** A compressed message inflates past the output limit (maxMessageSize). 1009 */
  | "WS_DEFLATE_MESSAGE_TOO_LARGE"
  /** A compressed message is not a valid DEFLATE stream (RFC 1951), or the engine failed on it. 1007 */
  | "WS_DEFLATE_CORRUPT"
  /** RSV1 on a continuation or control frame (RFC 7692 §6, §6.1). 1002 */
  | "WS_DEFLATE_MISPLACED_RSV1"
  /** Client: the server's response parameters break §7.1; the handshake fails (HS_UNEXPECTED_EXTENSION). */
  | "WS_DEFLATE_BAD_RESPONSE"
  /** No raw-deflate engine: outside Node, pass `engine` (see README). Local, never sent. */
  | "WS_DEFLATE_NO_ENGINE"
  /** The engine failed to compress (threw, or did not end in an empty stored block). Local, never sent. */
  | "WS_DEFLATE_ENGINE_FAILED"
  /** A bad option or parameter given by the caller. Local, never sent. */
  | "WS_DEFLATE_INVALID_ARGUMENT";

/**
 * The one error class of @proto/ws-deflate (shared/CONVENTIONS.md §5): a stable `code` to branch on, and
 * the close code the peer must be sent (`undefined` when the error never reaches the wire). Inside a
 * WebSocketSession these arrive wrapped in @proto/ws-frame's WsFrameError (as its `cause`).
 */
export class WsDeflateError extends Error {
  override readonly name = "WsDeflateError";
  readonly code: WsDeflateErrorCode;
  readonly wireCode: number | undefined;

  constructor(
    code: WsDeflateErrorCode,
    message: string,
    options: { wireCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
  }
}

export function invalidArgument(message: string): WsDeflateError {
  return new WsDeflateError("WS_DEFLATE_INVALID_ARGUMENT", message);
}
