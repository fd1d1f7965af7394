/**
 * PRIORITY_UPDATE (RFC 9218 §7.1): { Length (24), Type (8) = 0x10, Unused Flags (8), Reserved (1),
 *   Stream Identifier (31) = 0, Reserved (1), Prioritized Stream ID (31), Priority Field Value (..) }
 */
import { connectionError } from "./errors";
import { type FrameHeader, readUint31 } from "./frame-header";
import { ErrorCode, FrameType } from "./registries";

export interface PriorityUpdateFrame {
  type: typeof FrameType.PRIORITY_UPDATE;
  flags: number;
  streamId: number;
  prioritizedStreamId: number;
  /** The Priority Field Value (an RFC 8941 dictionary such as "u=1, i"), ASCII. */
  priorityFieldValue: string;
}

export function decodePriorityUpdate(h: FrameHeader, payload: Uint8Array): PriorityUpdateFrame {
  // RFC 9218 §7.1: "... sent on stream 0 ... If a PRIORITY_UPDATE frame is received with a stream ID other
  // than 0x0, the recipient MUST respond with a connection error of type PROTOCOL_ERROR."
  if (h.streamId !== 0)
    throw connectionError("H2_PRIORITY_UPDATE", `PRIORITY_UPDATE on stream ${h.streamId}`);
  if (payload.length < 4)
    throw connectionError(
      "H2_FRAME_TOO_SMALL",
      "PRIORITY_UPDATE shorter than 4 octets",
      ErrorCode.FRAME_SIZE_ERROR,
    );
  const prioritizedStreamId = readUint31(payload, 0);
  // "... with a Prioritized Stream ID of 0x0 ... MUST respond with a connection error of type PROTOCOL_ERROR."
  if (prioritizedStreamId === 0) throw connectionError("H2_PRIORITY_UPDATE", "PRIORITY_UPDATE for stream 0");
  let value = "";
  for (let i = 4; i < payload.length; i++) value += String.fromCharCode(payload[i]!);
  return {
    type: FrameType.PRIORITY_UPDATE,
    flags: h.flags,
    streamId: 0,
    prioritizedStreamId,
    priorityFieldValue: value,
  };
}
