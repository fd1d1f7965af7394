/**
 * HEADERS (RFC 9113 §6.2):
 *
 *   HEADERS Frame { Length (24), Type (8) = 0x01, Unused (2), PRIORITY (1), Unused (1), PADDED (1),
 *     END_HEADERS (1), Unused (1), END_STREAM (1), Reserved (1), Stream Identifier (31),
 *     [Pad Length (8)], [Exclusive (1)], [Stream Dependency (31)], [Weight (8)], Field Block Fragment (..),
 *     Padding (..2040) }
 */
import { connectionError } from "./errors";
import type { FrameHeader } from "./frame-header";
import { unpad } from "./padding";
import { checkSelfDependency, type Priority, readPriority } from "./priority";
import { ErrorCode, Flags, FrameType } from "./registries";

export interface HeadersFrame {
  type: typeof FrameType.HEADERS;
  flags: number;
  streamId: number;
  /** The HPACK field block fragment, as bytes (HPACK belongs to @proto/h2-session). */
  headerBlock: Uint8Array;
  endStream: boolean;
  endHeaders: boolean;
  priority?: Priority;
  padLength?: number;
}

export function decodeHeaders(h: FrameHeader, payload: Uint8Array): HeadersFrame {
  // §6.2: "If a HEADERS frame is received whose Stream Identifier field is 0x00, the recipient MUST
  // respond with a connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "HEADERS on stream 0");
  let { body, padLength } = unpad(h.flags, payload);
  let priority: Priority | undefined;
  if (h.flags & Flags.PRIORITY) {
    // §4.2: a frame too small to contain mandatory frame data is a FRAME_SIZE_ERROR.
    if (body.length < 5)
      throw connectionError(
        "H2_FRAME_TOO_SMALL",
        "HEADERS too short for its priority fields",
        ErrorCode.FRAME_SIZE_ERROR,
      );
    priority = readPriority(body, 0);
    body = body.subarray(5);
  }
  const frame: HeadersFrame = {
    type: FrameType.HEADERS,
    flags: h.flags,
    streamId: h.streamId,
    headerBlock: body,
    endStream: (h.flags & Flags.END_STREAM) !== 0,
    endHeaders: (h.flags & Flags.END_HEADERS) !== 0,
  };
  if (priority) frame.priority = priority;
  if (padLength !== undefined) frame.padLength = padLength;
  return checkSelfDependency(frame, priority);
}
