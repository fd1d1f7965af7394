/** What both entries (index.ts, index.node.ts) export beside their engine-specific factories. */
export {
  compressedInputLimit,
  DEFLATE_DEFAULTS,
  DeflateCodec,
  type DeflateCodecOptions,
  type MessageInflater,
  resolveParams,
} from "./codec";
export {
  endsWithSyncFlush,
  InflateLimitError,
  type RawDeflateEngine,
  type RawDeflater,
  type RawDeflaterOptions,
  type RawInflater,
  type RawInflaterOptions,
  SYNC_FLUSH_TAIL,
} from "./engine";
export { WsDeflateError, type WsDeflateErrorCode } from "./errors";
export { type PakoInflateStream, type PakoLike, type PakoStream, pakoEngine } from "./pako-engine";
export {
  acceptResponse,
  answerOffer,
  chooseOffer,
  type DeflateNegotiation,
  type DeflateOffer,
  type DeflateParams,
  type ExtensionParams,
  formatOffer,
  MAX_WINDOW_BITS,
  MIN_COMPRESS_WINDOW_BITS,
  MIN_WINDOW_BITS,
  parseOffer,
  parseWindowBits,
} from "./params";
export {
  type DeflateHandshakeExtension,
  PERMESSAGE_DEFLATE,
  type PermessageDeflateOptions,
} from "./permessage-deflate";
export { DEFAULT_THRESHOLD, PerMessageDeflateExtension } from "./session-extension";
export { SlidingWindow } from "./window";
