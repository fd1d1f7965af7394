/**
 * GOAWAY (RFC 9113 §6.8): GOAWAY Frame { Length (24), Type (8) = 0x07, Unused (8), Reserved (1),
 *   Stream Identifier (31) = 0, Reserved (1), Last-Stream-ID (31), Error Code (32), Additional Debug Data (..) }
 */
import { connectionError } from "./errors";
import { type FrameHeader, readUint31, readUint32 } from "./frame-header";
import { ErrorCode, FrameType } from "./registries";

export interface GoawayFrame {
  type: typeof FrameType.GOAWAY;
  flags: number;
  streamId: number;
  lastStreamId: number;
  errorCode: number;
  debugData: Uint8Array;
}

export function decodeGoaway(h: FrameHeader, payload: Uint8Array): GoawayFrame {
  // §6.8: "An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00 as a connection
  // error of type PROTOCOL_ERROR."
  if (h.streamId !== 0) throw connectionError("H2_STREAM_ID_FORBIDDEN", `GOAWAY on stream ${h.streamId}`);
  if (payload.length < 8)
    throw connectionError(
      "H2_GOAWAY_LENGTH",
      `GOAWAY of ${payload.length} octets`,
      ErrorCode.FRAME_SIZE_ERROR,
    );
  return {
    type: FrameType.GOAWAY,
    flags: h.flags,
    streamId: 0,
    lastStreamId: readUint31(payload, 0),
    errorCode: readUint32(payload, 4),
    debugData: payload.subarray(8),
  };
}
