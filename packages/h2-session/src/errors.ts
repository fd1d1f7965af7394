/**
 * Stable codes of every error @proto/h2-session raises or reports, each with the HTTP/2 error code
 * (RFC 9113 §7) the peer is sent. Frame-level violations found by @proto/h2-frame keep its codes
 * (H2_*). Never renumber or reuse one; the README lists them.
 */
import type { Http2ErrorCode } from "@proto/h2-frame";

export type Http2SessionErrorCode =
  | Http2ErrorCode
  /** §3.4: the client's connection preface was not "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". PROTOCOL_ERROR */
  | "H2S_BAD_PREFACE"
  /** §3.4: the first frame of the peer was not SETTINGS. PROTOCOL_ERROR */
  | "H2S_EXPECTED_SETTINGS"
  /** §5.1.1: a stream id of the wrong parity, not increasing, or otherwise unexpected. PROTOCOL_ERROR */
  | "H2S_BAD_STREAM_ID"
  /** §5.1: a frame that the stream's state does not allow (idle stream). PROTOCOL_ERROR */
  | "H2S_IDLE_STREAM"
  /** §5.1: a frame on a half-closed (remote) or closed stream. STREAM_CLOSED */
  | "H2S_STREAM_CLOSED"
  /** §5.1.2: a stream beyond our SETTINGS_MAX_CONCURRENT_STREAMS. REFUSED_STREAM (stream) */
  | "H2S_REFUSED_STREAM"
  /** §6.9: DATA beyond the window we granted, or a window pushed past 2^31-1. FLOW_CONTROL_ERROR */
  | "H2S_FLOW_CONTROL"
  /** §6.5: SETTINGS not acknowledged within settingsTimeout. SETTINGS_TIMEOUT */
  | "H2S_SETTINGS_TIMEOUT"
  /** §6.5.2: a setting value the peer may not send (a server's ENABLE_PUSH=1). PROTOCOL_ERROR */
  | "H2S_BAD_SETTING"
  /** §8.4: PUSH_PROMISE received by a server, or while push is disabled, or on a bad stream. PROTOCOL_ERROR */
  | "H2S_PUSH_REFUSED"
  /** §4.3: a field block HPACK could not decode; the decoder state is lost. COMPRESSION_ERROR */
  | "H2S_COMPRESSION"
  /** §8.1.1: a malformed request or response (fields of §8.2-§8.3). PROTOCOL_ERROR (stream) */
  | "H2S_MALFORMED"
  /** §8.1.1: content-length differs from the DATA received. PROTOCOL_ERROR (stream) */
  | "H2S_CONTENT_LENGTH"
  /** §10.5.1: a field section over our SETTINGS_MAX_HEADER_LIST_SIZE: 431 or RST_STREAM, the stream only. */
  | "H2S_HEADER_LIST_TOO_LARGE"
  /** Flood limits (§10.5): ENHANCE_YOUR_CALM. CONTINUATION frames per field block over the limit. */
  | "H2S_CONTINUATION_FLOOD"
  /** A field block (HEADERS + CONTINUATION) larger than maxHeaderBlockSize. ENHANCE_YOUR_CALM */
  | "H2S_HEADER_BLOCK_TOO_LARGE"
  /** A decoded field section past the HPACK decoder's hard limits (an HPACK bomb). ENHANCE_YOUR_CALM */
  | "H2S_HPACK_BOMB"
  /** Streams reset by the peer before their response was done, over the rate (Rapid Reset). ENHANCE_YOUR_CALM */
  | "H2S_RAPID_RESET"
  /** Stream errors the peer made us send, over the rate ("MadeYouReset"). ENHANCE_YOUR_CALM */
  | "H2S_STREAM_ERROR_FLOOD"
  /** SETTINGS, PING, PRIORITY or empty DATA frames over the rate. ENHANCE_YOUR_CALM */
  | "H2S_CONTROL_FLOOD"
  /** More control replies (PING/SETTINGS ACKs, RST_STREAMs) queued than maxQueuedControlFrames. ENHANCE_YOUR_CALM */
  | "H2S_QUEUE_FLOOD"
  /** Local misuse: a command the stream's or session's state does not allow. Thrown, never sent. */
  | "H2S_INVALID_STATE"
  /** Local misuse: a bad argument (headers, settings, stream id). Thrown, never sent. */
  | "H2S_INVALID_ARGUMENT";

/**
 * The one error class of @proto/h2-session: `code` to branch on, `errorCode` (= `wireCode`) the HTTP/2
 * error code sent in GOAWAY or RST_STREAM, and `streamId` (0 for a connection error).
 */
export class Http2SessionError extends Error {
  override readonly name = "Http2SessionError";
  readonly code: Http2SessionErrorCode;
  readonly errorCode: number;
  readonly streamId: number;
  get wireCode(): number {
    return this.errorCode;
  }
  get isConnectionError(): boolean {
    return this.streamId === 0;
  }

  constructor(
    code: Http2SessionErrorCode,
    message: string,
    options: { errorCode: number; streamId?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errorCode = options.errorCode;
    this.streamId = options.streamId ?? 0;
  }
}

export const PROTOCOL_ERROR = 0x1;
export const INTERNAL_ERROR = 0x2;
export const FLOW_CONTROL_ERROR = 0x3;
export const STREAM_CLOSED = 0x5;
export const REFUSED_STREAM = 0x7;
export const COMPRESSION_ERROR = 0x9;
export const ENHANCE_YOUR_CALM = 0xb;

export function connError(code: Http2SessionErrorCode, message: string, errorCode = PROTOCOL_ERROR) {
  return new Http2SessionError(code, message, { errorCode });
}

export function streamErr(
  code: Http2SessionErrorCode,
  message: string,
  streamId: number,
  errorCode = PROTOCOL_ERROR,
) {
  return new Http2SessionError(code, message, { errorCode, streamId });
}

export function invalidState(message: string): Http2SessionError {
  return new Http2SessionError("H2S_INVALID_STATE", message, { errorCode: INTERNAL_ERROR });
}

export function invalidArgument(message: string): Http2SessionError {
  return new Http2SessionError("H2S_INVALID_ARGUMENT", message, { errorCode: INTERNAL_ERROR });
}
