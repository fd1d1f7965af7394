/**
 * The raw DEFLATE (RFC 1951) engine behind permessage-deflate, injectable so the package runs wherever a
 * synchronous deflate exists: node:zlib by default in Node (`nodeZlibEngine`), pako in browsers
 * (`pakoEngine(pako)`), or any implementation of these two interfaces.
 *
 * RFC 7692 §7.2.1 needs a compressor that can end a message with a sync flush (an empty stored block,
 * 00 00 ff ff) and keep its LZ77 window for the next message; §7.2.2 needs an inflater that keeps its
 * window likewise. `reset()` forgets the window (no context takeover).
 */

export interface RawDeflaterOptions {
  /** log2 of the LZ77 window the compressor may use: 9-15 (§7.1.2). */
  windowBits: number;
  /** zlib compression level 0-9 (-1: the engine's default). */
  level: number;
  /** zlib memLevel 1-9: memory for the compressor's internal state. */
  memLevel: number;
  /** True when the window is reset after every message: an engine need not keep history. */
  noContextTakeover?: boolean;
}

export interface RawInflaterOptions {
  /** log2 of the peer's window (9-15); an inflater may always use 15, which accepts any smaller window. */
  windowBits: number;
  /** True when the window is reset after every message: an engine need not keep history. */
  noContextTakeover?: boolean;
}

export interface RawDeflater {
  /**
   * Compresses one whole message, ending with a sync flush: the output ends in 00 00 ff ff. The window
   * carries over to the next call until `reset()`.
   */
  deflate(data: Uint8Array): Uint8Array;
  /** Forgets the window: the next message is compressed without reference to earlier ones. */
  reset(): void;
}

export interface RawInflater {
  /**
   * Inflates the next piece of a message (the last piece, `final`, already ends in 00 00 ff ff) and
   * returns the output it yields; an engine may hold input back until `final`. It must stop once its
   * output passes `maxOutput` (returning more than `maxOutput` bytes, or throwing `InflateLimitError`),
   * so that a bomb costs at most `maxOutput` plus one internal chunk. Throws on a corrupt stream.
   */
  inflate(data: Uint8Array, final: boolean, maxOutput: number): Uint8Array[];
  /** Forgets the window (the peer does not take over context) and any partial message. */
  reset(): void;
}

export interface RawDeflateEngine {
  /** A short name for errors and benchmarks ("node:zlib", "pako"). */
  readonly name: string;
  createDeflater(options: RawDeflaterOptions): RawDeflater;
  createInflater(options: RawInflaterOptions): RawInflater;
}

/** Thrown by an engine that stopped inflating because the output passed `maxOutput`. */
export class InflateLimitError extends Error {
  override readonly name = "InflateLimitError";
}

/** The empty stored block a sync flush ends with (§7.2.1), removed before sending, appended on receipt. */
export const SYNC_FLUSH_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** True when `data` ends with 00 00 ff ff. */
export function endsWithSyncFlush(data: Uint8Array): boolean {
  const n = data.length;
  return n >= 4 && data[n - 4] === 0 && data[n - 3] === 0 && data[n - 2] === 0xff && data[n - 1] === 0xff;
}
