/**
 * Http2Error: one class for every frame-level violation (CONVENTIONS.md §5). `errorCode` is the HTTP/2
 * error code to send; `streamId` is 0 for a connection error (GOAWAY, RFC 9113 §5.4.1) or the stream
 * for a stream error (RST_STREAM, §5.4.2); `code` is a stable string.
 */
import type { Frame } from "./frame";
import { ErrorCode } from "./registries";

export type Http2ErrorCode =
  | "H2_FRAME_TOO_LARGE"
  | "H2_FRAME_TOO_SMALL"
  | "H2_STREAM_ID_REQUIRED"
  | "H2_STREAM_ID_FORBIDDEN"
  | "H2_PADDING"
  | "H2_SELF_DEPENDENCY"
  | "H2_SETTINGS_ACK_LENGTH"
  | "H2_SETTINGS_LENGTH"
  | "H2_SETTINGS_ENABLE_PUSH"
  | "H2_SETTINGS_INITIAL_WINDOW_SIZE"
  | "H2_SETTINGS_MAX_FRAME_SIZE"
  | "H2_SETTINGS_ENABLE_CONNECT_PROTOCOL"
  | "H2_SETTINGS_NO_RFC7540_PRIORITIES"
  | "H2_PING_LENGTH"
  | "H2_RST_STREAM_LENGTH"
  | "H2_PRIORITY_LENGTH"
  | "H2_WINDOW_UPDATE_LENGTH"
  | "H2_WINDOW_UPDATE_ZERO"
  | "H2_GOAWAY_LENGTH"
  | "H2_PRIORITY_UPDATE"
  | "H2_CONTINUATION_EXPECTED"
  | "H2_CONTINUATION_UNEXPECTED"
  | "H2_INVALID_ARGUMENT";

export class Http2Error extends Error {
  override readonly name = "Http2Error";
  readonly code: Http2ErrorCode;
  /** The HTTP/2 error code to send (RST_STREAM or GOAWAY). */
  readonly errorCode: number;
  /** 0: a connection error; otherwise the stream a stream error applies to. */
  readonly streamId: number;
  get wireCode(): number {
    return this.errorCode;
  }
  /**
   * For a stream error on a frame that still decoded (a HEADERS whose priority names its own stream):
   * the frame, so its header block can still be decompressed (RFC 9113 §4.3: HPACK state must stay in
   * step even for frames that are discarded).
   */
  readonly frame: Frame | undefined;
  /** True for a connection error. */
  get isConnectionError(): boolean {
    return this.streamId === 0;
  }

  constructor(
    code: Http2ErrorCode,
    message: string,
    options: { errorCode: number; streamId?: number; frame?: Frame },
  ) {
    super(message);
    this.code = code;
    this.errorCode = options.errorCode;
    this.streamId = options.streamId ?? 0;
    this.frame = options.frame;
  }
}

export function connectionError(
  code: Http2ErrorCode,
  message: string,
  errorCode: number = ErrorCode.PROTOCOL_ERROR,
): Http2Error {
  return new Http2Error(code, message, { errorCode });
}

export function streamError(
  code: Http2ErrorCode,
  message: string,
  streamId: number,
  errorCode: number = ErrorCode.PROTOCOL_ERROR,
): Http2Error {
  return new Http2Error(code, message, { errorCode, streamId });
}

/** Local misuse when encoding: thrown to the caller. */
export function invalid(message: string): Http2Error {
  return new Http2Error("H2_INVALID_ARGUMENT", message, { errorCode: ErrorCode.INTERNAL_ERROR });
}
