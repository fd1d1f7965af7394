/**
 * Shared pieces of the @proto/ws-deflate tests: both engines, frames built by hand, sessions carrying the
 * extension, splitting byte streams, and events in a comparable shape.
 */
import {
  encodeFrame,
  type Frame,
  FrameDecoder,
  type WebSocketEvent,
  WebSocketSession,
  type WebSocketSessionOptions,
} from "@proto/ws-frame";
import * as pako from "pako";
import {
  createDeflateCodec,
  type DeflateCodec,
  type DeflateCodecOptions,
  nodeZlibEngine,
  PerMessageDeflateExtension,
  pakoEngine,
  type RawDeflateEngine,
} from "../src/index.node";

export const pakoJs: RawDeflateEngine = pakoEngine(pako);
/** Every property and rule runs on both engines. */
export const ENGINES: readonly RawDeflateEngine[] = [nodeZlibEngine, pakoJs];

/** The §5.7 example masking key, for frames a client sends. */
export const MASK_KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

const utf8 = new TextEncoder();

export function bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

export function toHex(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("hex");
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ""), "hex"));
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift32): incompressible payloads of any size, cheaply. */
export function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * `data` cut at positions given as fractions 0-1000 of its length: sorted, so repeated positions give
 * empty pieces, and a cut at 0 or at the end gives an empty first or last piece.
 */
export function splitAt(data: Uint8Array, fractions: readonly number[]): Uint8Array[] {
  const cuts = fractions.map((f) => Math.floor((f * data.length) / 1000)).sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const cut of cuts) {
    pieces.push(data.subarray(at, cut));
    at = cut;
  }
  pieces.push(data.subarray(at));
  return pieces;
}

export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
}

/** A frame as `sender` puts it on the wire: masked when a client sends it (RFC 6455 §5.3). */
export function wire(sender: "client" | "server", ...frames: FrameSpec[]): Uint8Array {
  const options = sender === "client" ? { maskKey: MASK_KEY } : {};
  return concat(...frames.map((f) => encodeFrame(f, options)));
}

/** The frames a session queued, decoded as its peer would. */
export function sentFrames(from: WebSocketSession): Frame[] {
  return new FrameDecoder({ role: from.role === "server" ? "client" : "server" }).push(from.dataToSend());
}

export interface DeflateSessionOptions extends Partial<WebSocketSessionOptions> {
  threshold?: number;
  codec?: DeflateCodecOptions;
}

/** A session of `role` with permessage-deflate on `engine`; the codec is returned beside it. */
export function deflateSession(
  role: "server" | "client",
  engine: RawDeflateEngine,
  options: DeflateSessionOptions = {},
): { session: WebSocketSession; codec: DeflateCodec } {
  const { threshold = 0, codec: codecOptions = {}, ...sessionOptions } = options;
  const codec = createDeflateCodec({ ...codecOptions, engine, role });
  const session = new WebSocketSession({
    ...sessionOptions,
    role,
    extensions: [new PerMessageDeflateExtension(codec, threshold)],
  });
  return { session, codec };
}

/** Feeds every piece to the session, stopping after a close event; never catches what receive() throws. */
export function receiveAll(session: WebSocketSession, pieces: readonly Uint8Array[]): WebSocketEvent[] {
  const events: WebSocketEvent[] = [];
  for (const piece of pieces) {
    events.push(...session.receive(piece));
    if (events.some((e) => e.type === "close")) break;
  }
  return events;
}

export type Plain =
  | { type: "text"; data: string }
  | { type: "binary"; hex: string }
  | { type: "close"; code: number; wasClean: boolean; error: string | undefined; cause: string | undefined }
  | { type: string };

/** Events with bytes as hex and errors as their codes, for toEqual. */
export function plain(events: readonly WebSocketEvent[]): Plain[] {
  return events.map((e) => {
    switch (e.type) {
      case "text":
        return { type: "text", data: e.data };
      case "binary":
        return { type: "binary", hex: toHex(e.data) };
      case "close": {
        const cause = e.error?.cause as { code?: string } | undefined;
        return {
          type: "close",
          code: e.code,
          wasClean: e.wasClean,
          error: e.error?.code,
          cause: cause?.code,
        };
      }
      default:
        return { type: e.type };
    }
  });
}

/** The one close event of `events`, failing the connection (wasClean false). */
export function failure(events: readonly WebSocketEvent[]) {
  const close = events.find((e) => e.type === "close");
  if (close === undefined || close.type !== "close")
    throw new Error(`no close event in ${JSON.stringify(plain(events))}`);
  return {
    code: close.code,
    wasClean: close.wasClean,
    error: close.error?.code,
    cause: (close.error?.cause as { code?: string } | undefined)?.code,
  };
}
