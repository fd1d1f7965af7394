/**
 * Masking keys for clients, RFC 6455 §5.3: "The masking key is a 32-bit value chosen at random by the
 * client ... MUST pick a fresh masking key from the set of allowed 32-bit values. The masking key needs
 * to be unpredictable; thus, the masking key MUST be derived from a strong source of entropy". Keys come
 * from `crypto.getRandomValues` (or an injected source) in pooled batches of 256.
 */
import { WsFrameError } from "./errors";
import type { RandomSource } from "./session-types";

const POOL_SIZE = 1024;

function defaultSource(): RandomSource {
  const c = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== "function") {
    throw new WsFrameError(
      "WS_INVALID_ARGUMENT",
      "no crypto.getRandomValues in this runtime: pass a randomSource for client masking keys",
    );
  }
  return (bytes) => c.getRandomValues!(bytes);
}

export class MaskKeyPool {
  private readonly source: RandomSource;
  private readonly pool = new Uint8Array(POOL_SIZE);
  private pos = POOL_SIZE;

  constructor(source?: RandomSource) {
    this.source = source ?? defaultSource();
  }

  /** A fresh 4-byte masking key (a view into the pool: copy it if kept). */
  next(): Uint8Array {
    if (this.pos === POOL_SIZE) {
      this.source(this.pool);
      this.pos = 0;
    }
    const key = this.pool.subarray(this.pos, this.pos + 4);
    this.pos += 4;
    return key;
  }
}
