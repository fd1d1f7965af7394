/**
 * @proto/ws-deflate: permessage-deflate (RFC 7692) for WebSockets, sans-IO: negotiation on both sides, a
 * WebSocket extension that owns RSV1, a stateful codec with context takeover, zip-bomb limits, and a
 * pluggable raw-deflate engine. This entry has no default engine (browsers and other runtimes): pass
 * `engine`, e.g. `pakoEngine(pako)`. In Node the package resolves to `index.node.ts`, where node:zlib
 * is the default.
 * @packageDocumentation
 */
import { type DeflateCodec, type DeflateCodecOptions, makeDeflateCodec } from "./codec";
import type { ExtensionParams } from "./params";
import {
  createPermessageDeflate,
  type DeflateHandshakeExtension,
  type PermessageDeflateOptions,
} from "./permessage-deflate";

export * from "./exports";

/** The permessage-deflate extension for `acceptHandshake` / `createClientHandshake` `{ extensions }`. */
export function permessageDeflate(options?: PermessageDeflateOptions): DeflateHandshakeExtension {
  return createPermessageDeflate(options);
}

/** A stateful codec for framing by hand: `compress(message)` → payload with RSV1; `decompress(payload)`. */
export function createDeflateCodec(options?: DeflateCodecOptions | ExtensionParams): DeflateCodec {
  return makeDeflateCodec(options);
}
