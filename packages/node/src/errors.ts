/**
 * Stable string codes of every error @proto/node raises. Never renumber or reuse one; the README lists
 * them. `ERR_PROTO_COMPRESSION_UNAVAILABLE` keeps the name the issue fixed for it.
 */
export type NodeErrorCode =
  /** An option or argument is out of range (a bad port, a negative timeout, both `port` and `server`). */
  | "NODE_INVALID_ARGUMENT"
  /** A call the current state does not allow: sending once closing, `listen()` on an attached server. */
  | "NODE_INVALID_STATE"
  /** The server's answer was not a valid 101 for our request (RFC 6455 §4.1); `status` says what came. */
  | "NODE_HANDSHAKE_REJECTED"
  /** No complete response head within `handshakeTimeout`. */
  | "NODE_HANDSHAKE_TIMEOUT"
  /** The TCP/TLS connection failed or closed before the handshake completed; `cause` is Node's error. */
  | "NODE_SOCKET_ERROR"
  /** HTTP/2: the peer reset the stream (RST_STREAM); `wireCode` is its error code. */
  | "NODE_STREAM_RESET"
  /** HTTP/2: the connection failed (a protocol error, or GOAWAY with an error); `cause` says why. */
  | "NODE_CONNECTION_ERROR"
  /**
   * Reserved: raised by `compression` before @proto/ws-deflate existed; no longer raised (compression is
   * available), kept so the code is never reused.
   */
  | "ERR_PROTO_COMPRESSION_UNAVAILABLE";

export interface NodeErrorOptions {
  wireCode?: number;
  cause?: unknown;
  status?: number;
  handshakeCode?: string;
}

/**
 * The one error class of @proto/node (shared/CONVENTIONS.md §5): a stable `code` to branch on, and the wire
 * code the peer must be told (`undefined` when the error never reaches the wire). Handshake failures add
 * the HTTP `status` the server answered with and the `handshakeCode` of @proto/ws-handshake's verdict.
 */
export class NodeError extends Error {
  override readonly name = "NodeError";
  readonly code: NodeErrorCode;
  readonly wireCode: number | undefined;
  /** The HTTP status of the server's response, for `NODE_HANDSHAKE_REJECTED`. */
  readonly status: number | undefined;
  /** @proto/ws-handshake's code for what was wrong (e.g. a bad Sec-WebSocket-Accept). */
  readonly handshakeCode: string | undefined;

  constructor(code: NodeErrorCode, message: string, options: NodeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
    this.status = options.status;
    this.handshakeCode = options.handshakeCode;
  }
}
