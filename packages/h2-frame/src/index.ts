/**
 * @proto/h2-frame: every HTTP/2 frame of RFC 9113 (plus PRIORITY_UPDATE and ORIGIN), strict and fast.
 * @packageDocumentation
 */
export type { ContinuationFrame } from "./continuation";
export type { DataFrame } from "./data";
export { Http2Error, type Http2ErrorCode } from "./errors";
export { encodeFrame, type Frame, type FrameInit, isFrameType, type KnownFrame } from "./frame";
export { decodeFramePayload, FrameDecoder, type FrameDecoderOptions } from "./frame-decoder";
export { FRAME_HEADER_LENGTH, type FrameHeader, readFrameHeader } from "./frame-header";
export type { GoawayFrame } from "./goaway";
export type { HeadersFrame } from "./headers";
export type { OriginFrame } from "./origin";
export type { PingFrame } from "./ping";
export type { Priority, PriorityFrame } from "./priority";
export type { PriorityUpdateFrame } from "./priority-update";
export type { PushPromiseFrame } from "./push-promise";
export {
  CONNECTION_PREFACE,
  DEFAULT_MAX_FRAME_SIZE,
  ErrorCode,
  errorCodeName,
  Flags,
  FrameType,
  frameTypeName,
  MAX_ALLOWED_FRAME_SIZE,
  MAX_WINDOW_SIZE,
  SettingId,
  settingName,
} from "./registries";
export type { RstStreamFrame } from "./rst-stream";
export { checkSetting, type SettingsFrame } from "./settings";
export type { UnknownFrame } from "./unknown";
export type { WindowUpdateFrame } from "./window-update";
