/**
 * The default engine in Node: node:zlib's synchronous raw deflate. zlib's sync calls compress or inflate
 * one buffer with a fresh stream, so context takeover (RFC 7692 §7.2.1, §7.2.2) is carried as a preset
 * dictionary: the window (the last 2^windowBits bytes of earlier messages) is what both LZ77 ends see.
 * Between messages a connection holds only those windows (at most 32 KiB each way), not zlib streams.
 */
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import {
  InflateLimitError,
  type RawDeflateEngine,
  type RawDeflater,
  type RawDeflaterOptions,
  type RawInflater,
  type RawInflaterOptions,
} from "./engine";
import { SlidingWindow } from "./window";

/**
 * How much of the window to hand the compressor as its dictionary: priming zlib costs time in proportion
 * to the dictionary, and a short message rarely reaches far back, so at least 4 KiB and 4× the message.
 */
export const MIN_DICTIONARY = 4096;

function view(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

class ZlibDeflater implements RawDeflater {
  private readonly history: SlidingWindow | undefined;
  private readonly options: RawDeflaterOptions;

  constructor(options: RawDeflaterOptions) {
    this.options = options;
    this.history = options.noContextTakeover ? undefined : new SlidingWindow(options.windowBits);
  }

  deflate(data: Uint8Array): Uint8Array {
    const { windowBits, level, memLevel } = this.options;
    const dictionary = this.history?.tail(Math.max(MIN_DICTIONARY, 4 * data.length));
    const out = deflateRawSync(data, {
      windowBits,
      level,
      memLevel,
      finishFlush: constants.Z_SYNC_FLUSH,
      ...(dictionary && dictionary.length > 0 ? { dictionary } : {}),
    });
    this.history?.push([data]);
    return view(out);
  }

  reset(): void {
    this.history?.clear();
  }
}

class ZlibInflater implements RawInflater {
  private readonly history: SlidingWindow | undefined;
  private pending: Uint8Array[] = [];

  constructor(options: RawInflaterOptions) {
    this.history = options.noContextTakeover ? undefined : new SlidingWindow(options.windowBits);
  }

  inflate(data: Uint8Array, final: boolean, maxOutput: number): Uint8Array[] {
    this.pending.push(data);
    if (!final) return [];
    const input = this.pending.length === 1 ? data : Buffer.concat(this.pending);
    this.pending = [];
    const dictionary = this.history?.tail();
    let out: Buffer;
    try {
      out = inflateRawSync(input, {
        windowBits: 15,
        finishFlush: constants.Z_SYNC_FLUSH,
        // zlib checks this after every output chunk it produces, so a bomb stops near the limit.
        maxOutputLength: Math.max(1, maxOutput),
        ...(dictionary && dictionary.length > 0 ? { dictionary } : {}),
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") {
        throw new InflateLimitError(`inflated output passed ${maxOutput} bytes`, { cause: error });
      }
      throw error;
    }
    const piece = view(out);
    this.history?.push([piece]);
    return [piece];
  }

  reset(): void {
    this.history?.clear();
    this.pending = [];
  }
}

/** node:zlib as a RawDeflateEngine: the default of `permessageDeflate()` and `createDeflateCodec()` in Node. */
export const nodeZlibEngine: RawDeflateEngine = {
  name: "node:zlib",
  createDeflater: (options) => new ZlibDeflater(options),
  createInflater: (options) => new ZlibInflater(options),
};
