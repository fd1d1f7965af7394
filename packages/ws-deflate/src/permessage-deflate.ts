/**
 * permessageDeflate(): the extension both handshakes negotiate (RFC 7692 §5, §7). The client offers the
 * parameters its options describe; the server accepts the first offer it can honour; each end then gets a
 * PerMessageDeflateExtension (for `new WebSocketSession({ extensions })`) with its own codec state.
 */
import type { WebSocketExtension } from "@proto/ws-frame";
import { DeflateCodec, requireEngine } from "./codec";
import type { RawDeflateEngine } from "./engine";
import { invalidArgument, WsDeflateError } from "./errors";
import {
  acceptResponse,
  checkWindowOption,
  chooseOffer,
  type DeflateNegotiation,
  type ExtensionParams,
  formatOffer,
} from "./params";
import { DEFAULT_THRESHOLD, PerMessageDeflateExtension } from "./session-extension";

export interface PermessageDeflateOptions extends DeflateNegotiation {
  /** Messages shorter than this many bytes are sent uncompressed (default 1024; 0 compresses all). */
  threshold?: number;
  /** Compression level 0-9, or -1 for zlib's default (6). */
  level?: number;
  /** zlib memLevel 1-9 (default 8). */
  memLevel?: number;
  /** The raw-deflate engine; node:zlib by default in Node, required elsewhere (e.g. pakoEngine(pako)). */
  engine?: RawDeflateEngine;
}

/**
 * An extension as @proto/ws-handshake negotiates it (its HandshakeExtension interface, which this type
 * matches structurally): pass it in `acceptHandshake({ extensions })` / `createClientHandshake({ extensions })`.
 */
export interface DeflateHandshakeExtension {
  readonly name: string;
  offer(): ExtensionParams[];
  accept(offers: ExtensionParams[]): { params: ExtensionParams; extension: WebSocketExtension } | undefined;
  configure(params: ExtensionParams): WebSocketExtension;
}

/** The extension token (§5). */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

export function createPermessageDeflate(
  options: PermessageDeflateOptions = {},
  defaultEngine?: RawDeflateEngine,
): DeflateHandshakeExtension {
  const engine = requireEngine(options.engine ?? defaultEngine);
  try {
    checkWindowOption("serverMaxWindowBits", options.serverMaxWindowBits);
    checkWindowOption("clientMaxWindowBits", options.clientMaxWindowBits);
  } catch (error) {
    throw invalidArgument((error as Error).message);
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw invalidArgument(`threshold must be a non-negative integer, got ${String(threshold)}`);
  }
  const tuning = {
    engine,
    ...(options.level === undefined ? {} : { level: options.level }),
    ...(options.memLevel === undefined ? {} : { memLevel: options.memLevel }),
  };
  // Fail on bad tuning now, not at the first connection.
  new DeflateCodec({ ...tuning });

  return {
    name: PERMESSAGE_DEFLATE,
    offer: (): ExtensionParams[] => [formatOffer(options)],
    accept(offers) {
      const chosen = chooseOffer(offers, options);
      if (chosen === undefined) return undefined;
      const codec = new DeflateCodec({ ...tuning, role: "server" }, chosen.agreed);
      return { params: chosen.params, extension: new PerMessageDeflateExtension(codec, threshold) };
    },
    configure(params) {
      const agreed = acceptResponse(params, options);
      if (typeof agreed === "string") {
        // @proto/ws-handshake turns this into HS_UNEXPECTED_EXTENSION: the client fails the connection (§7.1).
        throw new WsDeflateError("WS_DEFLATE_BAD_RESPONSE", `permessage-deflate: ${agreed}`);
      }
      const codec = new DeflateCodec({ ...tuning, role: "client" }, agreed);
      return new PerMessageDeflateExtension(codec, threshold);
    },
  };
}
