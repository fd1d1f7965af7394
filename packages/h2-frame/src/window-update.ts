/** WINDOW_UPDATE (RFC 9113 §6.9): { Length (24) = 0x04, Type (8) = 0x08, ..., Reserved (1), Window Size Increment (31) } */
import { connectionError, streamError } from "./errors";
import { type FrameHeader, readUint31 } from "./frame-header";
import { ErrorCode, FrameType } from "./registries";

export interface WindowUpdateFrame {
  type: typeof FrameType.WINDOW_UPDATE;
  flags: number;
  streamId: number;
  windowSizeIncrement: number;
}

export function decodeWindowUpdate(h: FrameHeader, payload: Uint8Array): WindowUpdateFrame {
  // §6.9: "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a connection error
  // of type FRAME_SIZE_ERROR."
  if (payload.length !== 4)
    throw connectionError(
      "H2_WINDOW_UPDATE_LENGTH",
      `WINDOW_UPDATE of ${payload.length} octets`,
      ErrorCode.FRAME_SIZE_ERROR,
    );
  const increment = readUint31(payload, 0);
  // "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control window increment of 0
  // as a stream error of type PROTOCOL_ERROR; errors on the connection flow-control window MUST be treated
  // as a connection error."
  if (increment === 0) {
    if (h.streamId === 0)
      throw connectionError("H2_WINDOW_UPDATE_ZERO", "WINDOW_UPDATE of 0 on the connection");
    throw streamError("H2_WINDOW_UPDATE_ZERO", `WINDOW_UPDATE of 0 on stream ${h.streamId}`, h.streamId);
  }
  return {
    type: FrameType.WINDOW_UPDATE,
    flags: h.flags,
    streamId: h.streamId,
    windowSizeIncrement: increment,
  };
}
