/**
 * Frames of unknown type (RFC 9113 §4.1, §5.5): "Implementations MUST ignore and discard frames of
 * unknown types." They are returned with their payload so the caller can do exactly that, or log them.
 */
import type { FrameHeader } from "./frame-header";

export interface UnknownFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Uint8Array;
}

export function decodeUnknown(h: FrameHeader, payload: Uint8Array): UnknownFrame {
  return { type: h.type, flags: h.flags, streamId: h.streamId, payload };
}
