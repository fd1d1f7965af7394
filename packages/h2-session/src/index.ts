/**
 * @proto/h2-session: a sans-IO HTTP/2 connection (RFC 9113) over @proto/h2-frame and @proto/hpack.
 * @packageDocumentation
 */
export {
  Http2SessionError,
  type Http2SessionErrorCode,
} from "./errors";
export type { Http2Event } from "./events";
export {
  checkOutgoing,
  checkRequest,
  checkResponse,
  checkTrailers,
  type HeaderList,
  headerListSize,
  type RequestInfo,
  type ResponseInfo,
} from "./fields";
export { defaultLimits, type Http2Limits } from "./limits";
export { Http2Session, type Http2SessionOptions } from "./session";
export { type Http2Settings, LOCAL_DEFAULTS, PROTOCOL_DEFAULTS } from "./settings";
export {
  peerCanSend,
  type StreamEvent,
  type StreamState,
  TRANSITIONS,
  transition,
  weCanSend,
} from "./stream-state";
