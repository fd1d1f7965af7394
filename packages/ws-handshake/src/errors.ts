/** Stable codes of every error @proto/ws-handshake raises or reports. Never renumber or reuse one. */
export type HandshakeErrorCode =
  /** The head (request/status line + headers) is larger than `maxHeadSize`. 431 */
  | "HS_HEAD_TOO_LARGE"
  /** More header fields than `maxHeaders`. 431 */
  | "HS_TOO_MANY_HEADERS"
  /** A request line that is not `method SP target SP HTTP/x.y`. 400 */
  | "HS_BAD_REQUEST_LINE"
  /** A status line that is not `HTTP/x.y SP 3DIGIT [SP reason]`. */
  | "HS_BAD_STATUS_LINE"
  /** A header line that is not `name: value` (bad name, whitespace before the colon, bad bytes). 400 */
  | "HS_BAD_HEADER"
  /** A header continued on the next line (obs-fold, RFC 9112 §5.2). 400 */
  | "HS_OBSOLETE_LINE_FOLDING"
  /** A line ended by a bare CR or LF instead of CRLF. 400 */
  | "HS_BAD_LINE_ENDING"
  /** Not a GET request (RFC 6455 §4.2.1 item 1). 400 */
  | "HS_BAD_METHOD"
  /** Not HTTP/1.1 or later (§4.2.1 item 1; §4.1 for responses). 400 */
  | "HS_BAD_HTTP_VERSION"
  /** No Host header, or more than one (§4.2.1 item 2). 400 */
  | "HS_BAD_HOST"
  /** No `websocket` token in Upgrade (§4.2.1 item 3, §4.1 item 2). 400 */
  | "HS_BAD_UPGRADE"
  /** No `Upgrade` token in Connection (§4.2.1 item 4, §4.1 item 3). 400 */
  | "HS_BAD_CONNECTION"
  /** Sec-WebSocket-Key missing, duplicated, or not base64 of exactly 16 bytes (§4.2.1 item 5). 400 */
  | "HS_BAD_KEY"
  /** Sec-WebSocket-Version missing or duplicated (§4.2.1 item 6). 400 */
  | "HS_BAD_VERSION"
  /** Sec-WebSocket-Version other than 13 (§4.2.2 item 4). 426 with `Sec-WebSocket-Version: 13` */
  | "HS_UNSUPPORTED_VERSION"
  /** `allowOrigin` refused the Origin (§4.2.2 item 4 / §10.2). 403 */
  | "HS_FORBIDDEN_ORIGIN"
  /** A malformed Sec-WebSocket-Protocol header (§4.1, §11.3.4). 400 */
  | "HS_BAD_PROTOCOL_HEADER"
  /** A malformed Sec-WebSocket-Extensions header (§9.1). 400 */
  | "HS_BAD_EXTENSIONS_HEADER"
  /** Client: the response status is not 101 (§4.1 item 1). */
  | "HS_BAD_STATUS"
  /** Client: Sec-WebSocket-Accept missing, duplicated, or not the expected value (§4.1 item 4). */
  | "HS_BAD_ACCEPT"
  /** Client: the server chose a subprotocol the client did not offer, or sent the header twice (§4.1 item 6). */
  | "HS_UNEXPECTED_PROTOCOL"
  /** Client: the server used an extension the client did not offer, or one twice (§4.1 item 5). */
  | "HS_UNEXPECTED_EXTENSION"
  /** An RFC 8441 extended CONNECT request or response that breaks its rules. */
  | "HS_BAD_EXTENDED_CONNECT"
  /** Local misuse: a bad URL, subprotocol name, header or option. Thrown to the caller. */
  | "HS_INVALID_ARGUMENT";

/**
 * The one error class of @proto/ws-handshake: a stable `code` and the HTTP `status` the server must
 * answer with (400, 403, 426, 431), or the status the client received; `undefined` for local misuse.
 */
export class HandshakeError extends Error {
  override readonly name = "HandshakeError";
  readonly code: HandshakeErrorCode;
  readonly status: number | undefined;
  /** The same value as `status`, under the name every @proto error uses for what goes on the wire. */
  get wireCode(): number | undefined {
    return this.status;
  }

  constructor(code: HandshakeErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

export function badRequest(code: HandshakeErrorCode, message: string): HandshakeError {
  return new HandshakeError(code, message, { status: 400 });
}
