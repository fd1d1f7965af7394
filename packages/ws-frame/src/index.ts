/**
 * @proto/ws-frame: RFC 6455 WebSocket framing and a sans-IO WebSocket session.
 * @packageDocumentation
 */
export {
  CloseCode,
  closeCodeName,
  decodeCloseBody,
  encodeCloseBody,
  isValidCloseCode,
  MAX_CLOSE_REASON_BYTES,
} from "./close-code";
export { WsFrameError, type WsFrameErrorCode } from "./errors";
export type {
  ExtensionFrameInfo,
  ExtensionMessageDecoder,
  RsvBits,
  WebSocketExtension,
} from "./extension";
export {
  type EncodeFrameOptions,
  encodeFrame,
  type Frame,
  type FrameInit,
  frameHeaderLength,
  MAX_CONTROL_PAYLOAD,
} from "./frame";
export { FrameDecoder, type FrameDecoderOptions } from "./frame-decoder";
export { type FrameHeaderInfo, readFrameHeader } from "./frame-header";
export { DEFAULT_MAX_FRAME_PAYLOAD, type Role } from "./frame-parser";
export { mask } from "./mask";
export { isControlOpcode, isKnownOpcode, Opcode, opcodeName } from "./opcode";
export { WebSocketSession } from "./session";
export { TRANSITIONS as SESSION_TRANSITIONS } from "./session-state";
export {
  type RandomSource,
  SESSION_DEFAULTS,
  type SendOptions,
  type SessionState,
  type WebSocketEvent,
  type WebSocketSessionOptions,
} from "./session-types";
