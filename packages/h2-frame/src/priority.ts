/**
 * PRIORITY (RFC 9113 §6.3, deprecated but still parsed), and the priority fields HEADERS may carry:
 *
 *   PRIORITY Frame {
 *     Length (24) = 0x05, Type (8) = 0x02, Unused Flags (8), Reserved (1), Stream Identifier (31),
 *     Exclusive (1), Stream Dependency (31), Weight (8),
 *   }
 */
import { connectionError, Http2Error, streamError } from "./errors";
import type { Frame } from "./frame";
import { type FrameHeader, readUint32, writeUint32 } from "./frame-header";
import { ErrorCode, FrameType } from "./registries";

export interface Priority {
  streamDependency: number;
  exclusive: boolean;
  /** 1-256: the Weight octet plus one (§5.3.2 of RFC 7540). */
  weight: number;
}

export interface PriorityFrame {
  type: typeof FrameType.PRIORITY;
  flags: number;
  streamId: number;
  priority: Priority;
}

export function readPriority(bytes: Uint8Array, offset: number): Priority {
  const word = readUint32(bytes, offset);
  return {
    streamDependency: word & 0x7fff_ffff,
    exclusive: word >= 0x8000_0000,
    weight: bytes[offset + 4]! + 1,
  };
}

/**
 * "A stream cannot depend on itself. An endpoint MUST treat this as a stream error of type
 * PROTOCOL_ERROR." The decoded frame travels with the error.
 */
export function checkSelfDependency<F extends Frame>(frame: F, priority: Priority | undefined): F {
  if (priority !== undefined && priority.streamDependency === frame.streamId) {
    throw new Http2Error("H2_SELF_DEPENDENCY", `stream ${frame.streamId} depends on itself`, {
      errorCode: ErrorCode.PROTOCOL_ERROR,
      streamId: frame.streamId,
      frame,
    });
  }
  return frame;
}

export function writePriority(out: Uint8Array, offset: number, p: Priority): void {
  writeUint32(out, offset, ((p.exclusive ? 0x8000_0000 : 0) | (p.streamDependency & 0x7fff_ffff)) >>> 0);
  out[offset + 4] = (p.weight - 1) & 0xff;
}

export function decodePriority(h: FrameHeader, payload: Uint8Array): PriorityFrame {
  // §6.3: "If a PRIORITY frame is received with a stream identifier of 0x00, the recipient MUST respond
  // with a connection error of type PROTOCOL_ERROR."
  if (h.streamId === 0) throw connectionError("H2_STREAM_ID_REQUIRED", "PRIORITY on stream 0");
  // "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error of type FRAME_SIZE_ERROR."
  if (payload.length !== 5) {
    throw streamError(
      "H2_PRIORITY_LENGTH",
      `PRIORITY of ${payload.length} octets`,
      h.streamId,
      ErrorCode.FRAME_SIZE_ERROR,
    );
  }
  const priority = readPriority(payload, 0);
  return checkSelfDependency(
    { type: FrameType.PRIORITY, flags: h.flags, streamId: h.streamId, priority },
    priority,
  );
}
