/**
 * SETTINGS (RFC 9113 §6.5):
 *
 *   SETTINGS Frame { Length (24), Type (8) = 0x04, Unused (7), ACK (1), Reserved (1),
 *     Stream Identifier (31) = 0, Setting (48) ..., }   Setting { Identifier (16), Value (32) }
 */
import { connectionError } from "./errors";
import { type FrameHeader, readUint32 } from "./frame-header";
import {
  ErrorCode,
  Flags,
  FrameType,
  MAX_ALLOWED_FRAME_SIZE,
  MAX_WINDOW_SIZE,
  SettingId,
} from "./registries";

export interface SettingsFrame {
  type: typeof FrameType.SETTINGS;
  flags: number;
  streamId: number;
  ack: boolean;
  /** [identifier, value] in the order received; unknown identifiers are kept (§6.5.2: ignored by the session). */
  settings: Array<[number, number]>;
}

/** Checks one setting's value (§6.5.2); throws the connection error the RFC names. */
export function checkSetting(id: number, value: number): void {
  if (
    (id === SettingId.ENABLE_PUSH ||
      id === SettingId.ENABLE_CONNECT_PROTOCOL ||
      id === SettingId.NO_RFC7540_PRIORITIES) &&
    value > 1
  ) {
    // §6.5.2: "Any value other than 0 or 1 MUST be treated as a connection error of type PROTOCOL_ERROR."
    const code =
      id === SettingId.ENABLE_PUSH
        ? "H2_SETTINGS_ENABLE_PUSH"
        : id === SettingId.ENABLE_CONNECT_PROTOCOL
          ? "H2_SETTINGS_ENABLE_CONNECT_PROTOCOL"
          : "H2_SETTINGS_NO_RFC7540_PRIORITIES";
    throw connectionError(code, `setting 0x${id.toString(16)} = ${value} is not 0 or 1`);
  }
  if (id === SettingId.INITIAL_WINDOW_SIZE && value > MAX_WINDOW_SIZE) {
    // "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection error
    // of type FLOW_CONTROL_ERROR."
    throw connectionError(
      "H2_SETTINGS_INITIAL_WINDOW_SIZE",
      `INITIAL_WINDOW_SIZE ${value} > 2^31-1`,
      ErrorCode.FLOW_CONTROL_ERROR,
    );
  }
  if (id === SettingId.MAX_FRAME_SIZE && (value < 16_384 || value > MAX_ALLOWED_FRAME_SIZE)) {
    // "Values outside this range MUST be treated as a connection error of type PROTOCOL_ERROR."
    throw connectionError("H2_SETTINGS_MAX_FRAME_SIZE", `MAX_FRAME_SIZE ${value} outside 16384..16777215`);
  }
}

export function decodeSettings(h: FrameHeader, payload: Uint8Array): SettingsFrame {
  // §6.5: "If an endpoint receives a SETTINGS frame whose Stream Identifier field is anything other than
  // 0x00, the endpoint MUST respond with a connection error of type PROTOCOL_ERROR."
  if (h.streamId !== 0) throw connectionError("H2_STREAM_ID_FORBIDDEN", `SETTINGS on stream ${h.streamId}`);
  const ack = (h.flags & Flags.ACK) !== 0;
  // "Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0 MUST be
  // treated as a connection error of type FRAME_SIZE_ERROR."
  if (ack && payload.length !== 0)
    throw connectionError(
      "H2_SETTINGS_ACK_LENGTH",
      "SETTINGS ACK with a payload",
      ErrorCode.FRAME_SIZE_ERROR,
    );
  // "A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection
  // error of type FRAME_SIZE_ERROR."
  if (payload.length % 6 !== 0)
    throw connectionError(
      "H2_SETTINGS_LENGTH",
      `SETTINGS of ${payload.length} octets`,
      ErrorCode.FRAME_SIZE_ERROR,
    );
  const settings: Array<[number, number]> = [];
  for (let o = 0; o < payload.length; o += 6) {
    const id = (payload[o]! << 8) | payload[o + 1]!;
    const value = readUint32(payload, o + 2);
    checkSetting(id, value);
    settings.push([id, value]);
  }
  return { type: FrameType.SETTINGS, flags: h.flags, streamId: 0, ack, settings };
}
