/**
 * Stable codes of every error @proto/quic-sim raises, with the QUIC transport error code (RFC 9000 §20.1)
 * a peer would be sent where one applies. Never renumber or reuse one; the README lists them.
 */
export type QuicSimErrorCode =
  /** The input ends inside a field (a varint, a header, a frame). FRAME_ENCODING_ERROR (0x07) */
  | "QUIC_TRUNCATED"
  /** A value outside its field's range (a varint above 2^62-1, a packet number too far). */
  | "QUIC_VALUE_OUT_OF_RANGE"
  /** A frame type this codec does not know. FRAME_ENCODING_ERROR (0x07) */
  | "QUIC_UNKNOWN_FRAME"
  /** A malformed frame field (e.g. a reserved bit, an ACK range below zero). FRAME_ENCODING_ERROR (0x07) */
  | "QUIC_BAD_FRAME"
  /** A malformed packet header (fixed bit clear, bad lengths). PROTOCOL_VIOLATION (0x0a) */
  | "QUIC_BAD_HEADER"
  /** Malformed or duplicate transport parameters (RFC 9000 §7.4, §18). TRANSPORT_PARAMETER_ERROR (0x08) */
  | "QUIC_BAD_TRANSPORT_PARAMETERS"
  /** AEAD authentication failed: the packet is discarded (RFC 9001 §5.3). */
  | "QUIC_DECRYPT_FAILED"
  /** A bad scenario, option or argument. Thrown to the caller, never sent. */
  | "QUIC_INVALID_ARGUMENT";

/**
 * The one error class of @proto/quic-sim (shared/CONVENTIONS.md §5): a stable `code`, and the QUIC error
 * code (`wireCode`) where the RFC names one.
 */
export class QuicSimError extends Error {
  override readonly name = "QuicSimError";
  readonly code: QuicSimErrorCode;
  readonly wireCode: number | undefined;

  constructor(code: QuicSimErrorCode, message: string, options: { wireCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
  }
}

export const FRAME_ENCODING_ERROR = 0x07;
export const TRANSPORT_PARAMETER_ERROR = 0x08;
export const PROTOCOL_VIOLATION = 0x0a;

export function truncated(what: string): QuicSimError {
  return new QuicSimError("QUIC_TRUNCATED", `truncated ${what}`, { wireCode: FRAME_ENCODING_ERROR });
}

export function invalidArgument(message: string): QuicSimError {
  return new QuicSimError("QUIC_INVALID_ARGUMENT", message);
}
