/**
 * The per-message compression codec of one connection (RFC 7692 §7.2): compressing a message drops the
 * trailing 00 00 ff ff of the sync flush (§7.2.1); decompressing appends it back and inflates (§7.2.2),
 * counting the output against the limit while inflating; each direction keeps or resets its LZ77 window
 * as the agreed parameters say.
 */
import {
  endsWithSyncFlush,
  InflateLimitError,
  type RawDeflateEngine,
  type RawDeflater,
  type RawInflater,
  SYNC_FLUSH_TAIL,
} from "./engine";
import { invalidArgument, WsDeflateError } from "./errors";
import {
  type DeflateParams,
  type ExtensionParams,
  MAX_WINDOW_BITS,
  MIN_COMPRESS_WINDOW_BITS,
  parseWindowBits,
} from "./params";

/** Defaults of the codec's limits and tuning; the README lists them. */
export const DEFLATE_DEFAULTS = {
  /** Largest decompressed message: 64 MiB, as @proto/ws-frame's maxMessageSize. 1009 beyond it. */
  maxMessageSize: 64 * 1024 * 1024,
  /** zlib's default level (6). */
  level: -1,
  /** zlib's default memLevel (8): 128 KiB of compressor state while a message is compressed. */
  memLevel: 8,
} as const;

export interface DeflateCodecOptions extends Partial<DeflateParams> {
  /** Which end this codec is: it compresses with that side's parameters. Default "server". */
  role?: "server" | "client";
  /** Shorthand: no context takeover in either direction. */
  noContextTakeover?: boolean;
  /** Compression level 0-9, or -1 for zlib's default (6). */
  level?: number;
  /** zlib memLevel 1-9 (default 8). */
  memLevel?: number;
  /** Largest decompressed message (default 64 MiB); beyond it decompression fails with 1009. */
  maxMessageSize?: number;
  /** The raw-deflate engine; node:zlib by default in Node, required elsewhere. */
  engine?: RawDeflateEngine;
}

/** The RFC 7692 parameter names accepted beside the camelCase ones. */
const RFC_NAMES: ReadonlyArray<[string, keyof DeflateParams]> = [
  ["server_no_context_takeover", "serverNoContextTakeover"],
  ["client_no_context_takeover", "clientNoContextTakeover"],
  ["server_max_window_bits", "serverMaxWindowBits"],
  ["client_max_window_bits", "clientMaxWindowBits"],
];

function windowBits(name: string, value: unknown): number {
  if (value === undefined || value === true) return MAX_WINDOW_BITS;
  const bits = typeof value === "string" ? parseWindowBits(value) : value;
  if (typeof bits !== "number" || !Number.isInteger(bits) || bits < 8 || bits > MAX_WINDOW_BITS) {
    throw invalidArgument(`${name} must be an integer 8-15, got ${String(value)}`);
  }
  return bits;
}

/**
 * The agreed parameters from codec options: camelCase keys, the RFC's snake_case names, or the
 * negotiated `[name, value]` pairs of a Sec-WebSocket-Extensions element.
 */
export function resolveParams(input: DeflateCodecOptions | ExtensionParams = {}): DeflateParams {
  const source: Record<string, unknown> = {};
  if (Array.isArray(input)) {
    for (const [name, value] of input) {
      const key = RFC_NAMES.find(([rfc]) => rfc === name)?.[1];
      if (key === undefined) throw invalidArgument(`unknown permessage-deflate parameter ${name}`);
      source[key] = value;
    }
  } else {
    Object.assign(source, input);
    for (const [rfc, key] of RFC_NAMES) {
      const value = (input as Record<string, unknown>)[rfc];
      if (value !== undefined && source[key] === undefined) source[key] = value;
    }
  }
  const both = source.noContextTakeover === true;
  return {
    serverNoContextTakeover: both || source.serverNoContextTakeover === true,
    clientNoContextTakeover: both || source.clientNoContextTakeover === true,
    serverMaxWindowBits: windowBits("serverMaxWindowBits", source.serverMaxWindowBits),
    clientMaxWindowBits: windowBits("clientMaxWindowBits", source.clientMaxWindowBits),
  };
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${name} must be an integer ${min}-${max}, got ${String(value)}`);
  }
  return value;
}

/** Decompresses one message piece by piece: what a WebSocketSession's extension decoder drives. */
export interface MessageInflater {
  /** The output of the next payload piece; `fin` with the last. Throws WsDeflateError (1009, 1007). */
  push(chunk: Uint8Array, fin: boolean): Uint8Array[];
}

const encoder = new TextEncoder();

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0]!;
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class DeflateCodec {
  readonly params: DeflateParams;
  readonly role: "server" | "client";
  readonly maxMessageSize: number;
  readonly engine: RawDeflateEngine;
  private readonly level: number;
  private readonly memLevel: number;
  private deflater: RawDeflater | undefined;
  private inflater: RawInflater | undefined;
  private inflating = false;

  constructor(options: DeflateCodecOptions & { engine: RawDeflateEngine }, params?: DeflateParams) {
    this.engine = options.engine;
    this.params = params ?? resolveParams(options);
    this.role = options.role ?? "server";
    if (this.role !== "server" && this.role !== "client")
      throw invalidArgument(`role must be server or client`);
    this.level = checkInteger("level", options.level ?? DEFLATE_DEFAULTS.level, -1, 9);
    this.memLevel = checkInteger("memLevel", options.memLevel ?? DEFLATE_DEFAULTS.memLevel, 1, 9);
    this.maxMessageSize = checkInteger(
      "maxMessageSize",
      options.maxMessageSize ?? DEFLATE_DEFAULTS.maxMessageSize,
      0,
      Number.MAX_SAFE_INTEGER,
    );
    if (this.ourWindowBits < MIN_COMPRESS_WINDOW_BITS) {
      throw invalidArgument(
        `a ${this.ourWindowBits}-bit window cannot be honoured by raw deflate (minimum 9)`,
      );
    }
  }

  /** Our compressor's window: the server's parameters on a server, the client's on a client. */
  get ourWindowBits(): number {
    return this.role === "server" ? this.params.serverMaxWindowBits : this.params.clientMaxWindowBits;
  }

  /** §7.1.1: whether we reset our window after every message. */
  get ourNoContextTakeover(): boolean {
    return this.role === "server" ? this.params.serverNoContextTakeover : this.params.clientNoContextTakeover;
  }

  /** Whether the peer resets its window after every message. */
  get peerNoContextTakeover(): boolean {
    return this.role === "server" ? this.params.clientNoContextTakeover : this.params.serverNoContextTakeover;
  }

  /** §7.2.1: the payload of a compressed message (RSV1 set on its first frame): the flush tail removed. */
  compress(message: Uint8Array | string): Uint8Array {
    const data = typeof message === "string" ? encoder.encode(message) : message;
    this.deflater ??= this.engine.createDeflater({
      windowBits: this.ourWindowBits,
      level: this.level,
      memLevel: this.memLevel,
      noContextTakeover: this.ourNoContextTakeover,
    });
    let out: Uint8Array;
    try {
      out = this.deflater.deflate(data);
    } catch (error) {
      this.deflater = undefined;
      throw new WsDeflateError("WS_DEFLATE_ENGINE_FAILED", `${this.engine.name} failed to compress`, {
        cause: error,
      });
    }
    // §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
    if (!endsWithSyncFlush(out)) {
      this.deflater = undefined;
      throw new WsDeflateError(
        "WS_DEFLATE_ENGINE_FAILED",
        `${this.engine.name} did not end the message with a sync flush (00 00 ff ff)`,
      );
    }
    // §7.1.1: without context takeover the next message starts from an empty window.
    if (this.ourNoContextTakeover) this.deflater.reset();
    return out.subarray(0, out.length - 4);
  }

  /** §7.2.2: the decompressed message of a whole payload. Throws WsDeflateError (1009, 1007). */
  decompress(payload: Uint8Array, maxOutput = this.maxMessageSize): Uint8Array {
    return concat(this.startMessage(maxOutput).push(payload, true));
  }

  /**
   * Starts decompressing one message whose pieces arrive one by one (frames, or parts of frames). The
   * output is counted against `maxOutput` while inflating; the compressed input is bounded too (a stream
   * of empty blocks inflates to nothing but still costs memory).
   */
  startMessage(maxOutput = this.maxMessageSize): MessageInflater {
    if (this.inflating) this.inflater?.reset(); // the previous message was abandoned mid-way
    this.inflating = true;
    this.inflater ??= this.engine.createInflater({
      windowBits: this.role === "server" ? this.params.clientMaxWindowBits : this.params.serverMaxWindowBits,
      noContextTakeover: this.peerNoContextTakeover,
    });
    const inflater = this.inflater;
    const maxInput = compressedInputLimit(maxOutput);
    let input = 0;
    let output = 0;
    const step = (data: Uint8Array, final: boolean, out: Uint8Array[]) => {
      let pieces: Uint8Array[];
      try {
        pieces = inflater.inflate(data, final, maxOutput - output);
      } catch (error) {
        this.abandon();
        if (error instanceof InflateLimitError) throw tooLarge(maxOutput, error);
        throw new WsDeflateError("WS_DEFLATE_CORRUPT", `invalid compressed data: ${String(error)}`, {
          wireCode: 1007,
          cause: error,
        });
      }
      for (const p of pieces) {
        output += p.length;
        if (p.length > 0) out.push(p);
      }
      if (output > maxOutput) {
        this.abandon();
        throw tooLarge(maxOutput);
      }
    };
    return {
      push: (chunk, fin) => {
        input += chunk.length;
        if (input > maxInput) {
          this.abandon();
          throw new WsDeflateError(
            "WS_DEFLATE_MESSAGE_TOO_LARGE",
            `compressed message of more than ${maxInput} bytes`,
            { wireCode: 1009 },
          );
        }
        const out: Uint8Array[] = [];
        if (chunk.length > 0 || !fin) step(chunk, false, out);
        if (fin) {
          // §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload".
          step(SYNC_FLUSH_TAIL, true, out);
          this.inflating = false;
          if (this.peerNoContextTakeover) inflater.reset();
        }
        return out;
      },
    };
  }

  private abandon(): void {
    this.inflater?.reset();
    this.inflater = undefined;
    this.inflating = false;
  }
}

/**
 * The most compressed octets one message may take: twice the output limit plus 64 KiB. Generous (a peer
 * that flushes every small fragment spends about 7 octets each on empty blocks), yet bounded: a stream of
 * empty DEFLATE blocks inflates to nothing but would otherwise be held without end.
 */
export function compressedInputLimit(maxOutput: number): number {
  return 2 * maxOutput + 65_536;
}

function tooLarge(maxOutput: number, cause?: unknown): WsDeflateError {
  return new WsDeflateError(
    "WS_DEFLATE_MESSAGE_TOO_LARGE",
    `decompressed message exceeds ${maxOutput} bytes`,
    cause === undefined ? { wireCode: 1009 } : { wireCode: 1009, cause },
  );
}

/** Throws WS_DEFLATE_NO_ENGINE when no engine was given and the runtime has no default. */
export function requireEngine(engine: RawDeflateEngine | undefined): RawDeflateEngine {
  if (engine !== undefined) return engine;
  throw new WsDeflateError(
    "WS_DEFLATE_NO_ENGINE",
    "no raw-deflate engine in this runtime: pass `engine` (e.g. pakoEngine(pako)); Node uses node:zlib",
  );
}

/** `createDeflateCodec` with the runtime's default engine (node:zlib in Node, none elsewhere). */
export function makeDeflateCodec(
  options: DeflateCodecOptions | ExtensionParams = {},
  defaultEngine?: RawDeflateEngine,
): DeflateCodec {
  const opts = Array.isArray(options) ? {} : options;
  return new DeflateCodec(
    { ...opts, engine: requireEngine(opts.engine ?? defaultEngine) },
    resolveParams(options),
  );
}
