/**
 * An engine over pako (a JavaScript port of zlib) for browsers and other runtimes without node:zlib.
 * @proto/ws-deflate does not depend on pako: pass the module in, `pakoEngine(await import("pako")) (pako 2 or 3)`.
 * pako keeps a streaming deflater and inflater per direction, so context takeover is the stream's own.
 */
import {
  InflateLimitError,
  type RawDeflateEngine,
  type RawDeflater,
  type RawDeflaterOptions,
  type RawInflater,
  type RawInflaterOptions,
} from "./engine";
import { SlidingWindow } from "./window";

/** The part of pako's Deflate and Inflate objects this engine uses (pako 2 and 3). */
export interface PakoStream {
  /** Called with Z_SYNC_FLUSH (2) only; typed as the literal so pako 3's narrower signature fits. */
  push(data: Uint8Array, flushMode: 2): boolean;
  onData(chunk: Uint8Array): void;
  err: number;
  msg: string;
}

/** An Inflate also says when a BFINAL block ended its stream. */
export interface PakoInflateStream extends PakoStream {
  ended: boolean;
}

/** The part of the pako module this engine uses. */
export interface PakoLike {
  Deflate: new (options: { raw: true; windowBits: number; level: number; memLevel: number }) => PakoStream;
  Inflate: new (options: { raw: true; windowBits: number; dictionary?: Uint8Array }) => PakoInflateStream;
}

/** zlib's flush mode 2, the same number in every zlib port. */
const Z_SYNC_FLUSH = 2 as const;

/** Runs `push` and returns what the stream emitted; throws pako's message on an error. */
function run(
  stream: PakoStream,
  sink: Uint8Array[],
  data: Uint8Array,
  flush: typeof Z_SYNC_FLUSH,
): Uint8Array[] {
  sink.length = 0;
  stream.push(data, flush);
  if (stream.err !== 0) throw new Error(`pako: ${stream.msg || `error ${stream.err}`}`);
  return sink.splice(0);
}

class PakoDeflater implements RawDeflater {
  private stream!: PakoStream;
  private readonly sink: Uint8Array[] = [];

  constructor(
    private readonly pako: PakoLike,
    private readonly options: RawDeflaterOptions,
  ) {
    this.reset();
  }

  deflate(data: Uint8Array): Uint8Array {
    // zlib (and pako) refuse a second flush with no new input (Z_BUF_ERROR, no output): an empty message
    // is an empty stored block, which leaves the window as it was.
    if (data.length === 0) return new Uint8Array([0x00, 0x00, 0x00, 0xff, 0xff]);
    const chunks = run(this.stream, this.sink, data, Z_SYNC_FLUSH);
    if (chunks.length === 1) return chunks[0]!;
    let size = 0;
    for (const c of chunks) size += c.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  reset(): void {
    const { windowBits, level, memLevel } = this.options;
    this.stream = new this.pako.Deflate({ raw: true, windowBits, level, memLevel });
    const sink = this.sink;
    this.stream.onData = (chunk) => {
      sink.push(chunk);
    };
  }
}

class PakoInflater implements RawInflater {
  private stream!: PakoInflateStream;
  private readonly sink: Uint8Array[] = [];
  private produced = 0;
  private limit = 0;
  private atMessageStart = true;
  /** Kept so a stream ended by a BFINAL block (RFC 7692 §7.2.3.4) can resume with its window. */
  private readonly history: SlidingWindow | undefined;

  constructor(
    private readonly pako: PakoLike,
    options: RawInflaterOptions,
  ) {
    this.history = options.noContextTakeover ? undefined : new SlidingWindow(15);
    this.open();
  }

  private open(): void {
    const dictionary = this.history?.tail();
    this.stream = new this.pako.Inflate({
      raw: true,
      windowBits: 15,
      ...(dictionary && dictionary.length > 0 ? { dictionary: dictionary.slice() } : {}),
    });
    this.stream.onData = (chunk) => {
      this.produced += chunk.length;
      // Stop inside pako's loop: the rest of a bomb is never inflated.
      if (this.produced > this.limit)
        throw new InflateLimitError(`inflated output passed ${this.limit} bytes`);
      // pako hands out views of a fresh 64 KiB buffer per flush: a frame of a few bytes would pin all of it.
      this.sink.push(chunk.length * 2 < chunk.buffer.byteLength ? chunk.slice() : chunk);
    };
  }

  inflate(data: Uint8Array, final: boolean, maxOutput: number): Uint8Array[] {
    // A BFINAL block ended the stream (§7.2.3.4): the rest of that message (the appended 00 00 ff ff) is
    // ignored, and the next message starts a fresh stream over the same window.
    if (this.stream.ended && this.atMessageStart) this.open();
    this.atMessageStart = final;
    if (this.stream.ended) return [];
    this.produced = 0;
    this.limit = maxOutput;
    const out = run(this.stream, this.sink, data, Z_SYNC_FLUSH);
    this.history?.push(out);
    return out;
  }

  reset(): void {
    this.history?.clear();
    this.atMessageStart = true;
    this.open();
  }
}

/** pako as a RawDeflateEngine. */
export function pakoEngine(pako: PakoLike): RawDeflateEngine {
  return {
    name: "pako",
    createDeflater: (options) => new PakoDeflater(pako, options),
    createInflater: (options) => new PakoInflater(pako, options),
  };
}
