/**
 * CONTINUATION (RFC 9113 §6.10):
 *
 *   CONTINUATION Frame { Length (24), Type (8) = 0x09, Unused (5), END_HEADERS (1), Unused (2),
 *     Reserved (1), Stream Identifier (31), Field Block Fragment (..) }
 */
import { connectionError } from "./errors";
import type { FrameHeader } from "./frame-header";
import { Flags, FrameType } from "./registries";

export interface ContinuationFrame {
  type: typeof FrameType.CONTINUATION;
  flags: number;
  streamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
}

export function decodeContinuation(h: FrameHeader, payload: Uint8Array): ContinuationFrame {
  // §6.10: "If a CONTINUATION frame is received with a Stream Identifier field of 0x00, the recipient
  // MUST respond with a connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "CONTINUATION on stream 0");
  return {
    type: FrameType.CONTINUATION,
    flags: h.flags,
    streamId: h.streamId,
    headerBlock: payload,
    endHeaders: (h.flags & Flags.END_HEADERS) !== 0,
  };
}
