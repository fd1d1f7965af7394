/**
 * @proto/ws-handshake: the WebSocket opening handshake (RFC 6455 §4) and WebSocket over HTTP/2
 * (RFC 8441), sans-IO.
 * @packageDocumentation
 */
export { computeAccept, generateKey, isValidKey, type RandomSource, WEBSOCKET_GUID } from "./accept";
export { decodeBase64, encodeBase64 } from "./base64";
export {
  type ClientHandshake,
  type ClientHandshakeOptions,
  configureAccepted,
  createClientHandshake,
  offeredProtocols,
  type VerifyResult,
} from "./client-handshake";
export { HandshakeError, type HandshakeErrorCode } from "./errors";
export {
  createExtendedConnectRequest,
  type ExtendedConnectCheck,
  type ExtendedConnectOptions,
  SETTINGS_ENABLE_CONNECT_PROTOCOL,
  validateExtendedConnectRequest,
  verifyExtendedConnectResponse,
} from "./extended-connect";
export type { HandshakeExtension } from "./extension";
export {
  type ExtensionOffer,
  type ExtensionParams,
  formatExtension,
  parseExtensions,
} from "./extensions-header";
export {
  DEFAULT_MAX_HEAD_SIZE,
  DEFAULT_MAX_HEADERS,
  getHeader,
  getHeaders,
  type HeaderList,
  type HeadLimits,
  type Parsed,
  parseRequestHead,
  parseResponseHead,
  type RequestHead,
  type ResponseHead,
} from "./http-head";
export {
  type AcceptOptions,
  type AcceptResult,
  acceptHandshake,
  rejectionResponse,
} from "./server-handshake";
export { sha1 } from "./sha1";
export { isToken, splitList } from "./tokens";
