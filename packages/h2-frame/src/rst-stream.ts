/** RST_STREAM (RFC 9113 §6.4): RST_STREAM Frame { Length (24) = 0x04, Type (8) = 0x03, ..., Error Code (32) } */
import { connectionError } from "./errors";
import { type FrameHeader, readUint32 } from "./frame-header";
import { ErrorCode, FrameType } from "./registries";

export interface RstStreamFrame {
  type: typeof FrameType.RST_STREAM;
  flags: number;
  streamId: number;
  errorCode: number;
}

export function decodeRstStream(h: FrameHeader, payload: Uint8Array): RstStreamFrame {
  // §6.4: "If a RST_STREAM frame is received with a stream identifier of 0x00, the recipient MUST treat
  // this as a connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "RST_STREAM on stream 0");
  // "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error of type FRAME_SIZE_ERROR."
  if (payload.length !== 4)
    throw connectionError(
      "H2_RST_STREAM_LENGTH",
      `RST_STREAM of ${payload.length} octets`,
      ErrorCode.FRAME_SIZE_ERROR,
    );
  return {
    type: FrameType.RST_STREAM,
    flags: h.flags,
    streamId: h.streamId,
    errorCode: readUint32(payload, 0),
  };
}
