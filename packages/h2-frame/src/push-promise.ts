/**
 * PUSH_PROMISE (RFC 9113 §6.6):
 *
 *   PUSH_PROMISE Frame { Length (24), Type (8) = 0x05, Unused (4), PADDED (1), END_HEADERS (1),
 *     Unused (2), Reserved (1), Stream Identifier (31), [Pad Length (8)], Reserved (1),
 *     Promised Stream ID (31), Field Block Fragment (..), Padding (..2040) }
 */
import { connectionError } from "./errors";
import { type FrameHeader, readUint31 } from "./frame-header";
import { unpad } from "./padding";
import { ErrorCode, Flags, FrameType } from "./registries";

export interface PushPromiseFrame {
  type: typeof FrameType.PUSH_PROMISE;
  flags: number;
  streamId: number;
  promisedStreamId: number;
  headerBlock: Uint8Array;
  endHeaders: boolean;
  padLength?: number;
}

export function decodePushPromise(h: FrameHeader, payload: Uint8Array): PushPromiseFrame {
  // §6.6: "If the Stream Identifier field specifies the value 0x00, a recipient MUST respond with a
  // connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "PUSH_PROMISE on stream 0");
  const { body, padLength } = unpad(h.flags, payload);
  if (body.length < 4)
    throw connectionError(
      "H2_FRAME_TOO_SMALL",
      "PUSH_PROMISE without a promised stream",
      ErrorCode.FRAME_SIZE_ERROR,
    );
  const frame: PushPromiseFrame = {
    type: FrameType.PUSH_PROMISE,
    flags: h.flags,
    streamId: h.streamId,
    promisedStreamId: readUint31(body, 0),
    headerBlock: body.subarray(4),
    endHeaders: (h.flags & Flags.END_HEADERS) !== 0,
  };
  if (padLength !== undefined) frame.padLength = padLength;
  return frame;
}
