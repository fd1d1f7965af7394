/** PING (RFC 9113 §6.7): PING Frame { Length (24) = 0x08, Type (8) = 0x06, Unused (7), ACK (1), ..., Opaque Data (64) } */
import { connectionError } from "./errors";
import type { FrameHeader } from "./frame-header";
import { ErrorCode, Flags, FrameType } from "./registries";

export interface PingFrame {
  type: typeof FrameType.PING;
  flags: number;
  streamId: number;
  ack: boolean;
  /** 8 octets of opaque data. */
  data: Uint8Array;
}

export function decodePing(h: FrameHeader, payload: Uint8Array): PingFrame {
  // §6.7: "If a PING frame is received with a Stream Identifier field value other than 0x00, the recipient
  // MUST respond with a connection error of type PROTOCOL_ERROR."
  if (h.streamId !== 0) throw connectionError("H2_STREAM_ID_FORBIDDEN", `PING on stream ${h.streamId}`);
  // "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection error
  // of type FRAME_SIZE_ERROR."
  if (payload.length !== 8)
    throw connectionError("H2_PING_LENGTH", `PING of ${payload.length} octets`, ErrorCode.FRAME_SIZE_ERROR);
  return {
    type: FrameType.PING,
    flags: h.flags,
    streamId: 0,
    ack: (h.flags & Flags.ACK) !== 0,
    data: payload,
  };
}
