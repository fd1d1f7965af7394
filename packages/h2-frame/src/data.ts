/**
 * DATA (RFC 9113 §6.1):
 *
 *   DATA Frame { Length (24), Type (8) = 0x00, Unused (4), PADDED (1), Unused (2), END_STREAM (1),
 *     Reserved (1), Stream Identifier (31), [Pad Length (8)], Data (..), Padding (..2040) }
 */
import { connectionError } from "./errors";
import type { FrameHeader } from "./frame-header";
import { unpad } from "./padding";
import { Flags, FrameType } from "./registries";

export interface DataFrame {
  type: typeof FrameType.DATA;
  flags: number;
  streamId: number;
  data: Uint8Array;
  endStream: boolean;
  padLength?: number;
}

export function decodeData(h: FrameHeader, payload: Uint8Array): DataFrame {
  // §6.1: "If a DATA frame is received whose Stream Identifier field is 0x00, the recipient MUST respond
  // with a connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "DATA on stream 0");
  const { body, padLength } = unpad(h.flags, payload);
  const frame: DataFrame = {
    type: FrameType.DATA,
    flags: h.flags,
    streamId: h.streamId,
    data: body,
    endStream: (h.flags & Flags.END_STREAM) !== 0,
  };
  if (padLength !== undefined) frame.padLength = padLength;
  return frame;
}
