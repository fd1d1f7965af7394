/**
 * @proto/ws-deflate in Node: the same API, with node:zlib as the default engine.
 * @packageDocumentation
 */
import { type DeflateCodec, type DeflateCodecOptions, makeDeflateCodec } from "./codec";
import type { ExtensionParams } from "./params";
import {
  createPermessageDeflate,
  type DeflateHandshakeExtension,
  type PermessageDeflateOptions,
} from "./permessage-deflate";
import { nodeZlibEngine } from "./zlib.node.ts";

export * from "./exports";
export { nodeZlibEngine };

/** The permessage-deflate extension for `acceptHandshake` / `createClientHandshake` `{ extensions }`. */
export function permessageDeflate(options?: PermessageDeflateOptions): DeflateHandshakeExtension {
  return createPermessageDeflate(options, nodeZlibEngine);
}

/** A stateful codec for framing by hand: `compress(message)` → payload with RSV1; `decompress(payload)`. */
export function createDeflateCodec(options?: DeflateCodecOptions | ExtensionParams): DeflateCodec {
  return makeDeflateCodec(options, nodeZlibEngine);
}
