/**
 * Shared helpers for the @proto/h2-frame acceptance tests: hex, frame headers built by hand, deterministic
 * split points, and one driver that feeds chunks to a FrameDecoder and records what comes out (frames and
 * typed errors, in order) under the error-delivery contract:
 *
 * - frames decoded before an error in the same chunk are returned first; the error is thrown by a
 *   following push, so after every push of a real chunk the driver pushes empty chunks until one returns
 *   nothing, which surfaces a pending error without ever handing the decoder new bytes;
 * - after a stream error (streamId ≠ 0) the decoder has consumed the offending frame and goes on;
 * - after a connection error (streamId 0) it is done: the driver stops there.
 */
import { expect } from "vitest";
import { encodeFrame, FrameDecoder, Http2Error } from "../src/index";

/** A decoded frame, as the decoder's `push` returns it. */
export type Frame = ReturnType<FrameDecoder["push"]>[number];
/** A frame as `encodeFrame` takes it. */
export type FrameInput = Parameters<typeof encodeFrame>[0];

/** A frame written loosely (unknown types, extra flag bits), seen through the contract's field names. */
export type LooseFrame = { type: number; flags: number; streamId: number } & Record<string, unknown>;

export const EMPTY = new Uint8Array(0);

export function hex(text: string): Uint8Array {
  const clean = text.replace(/#[^\n]*/g, "").replace(/\s+/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function toHex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** RFC 9113 §4.1: Length (24), Type (8), Flags (8), Reserved (1) + Stream Identifier (31), written raw. */
export function frameHeader(length: number, type: number, flags: number, streamWord: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = (length >>> 16) & 0xff;
  out[1] = (length >>> 8) & 0xff;
  out[2] = length & 0xff;
  out[3] = type;
  out[4] = flags;
  new DataView(out.buffer).setUint32(5, streamWord >>> 0);
  return out;
}

/** A whole frame: header (with the payload's length) + payload. */
export function rawFrame(type: number, flags: number, streamWord: number, payload: Uint8Array = EMPTY) {
  return concat(frameHeader(payload.length, type, flags, streamWord), payload);
}

export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

export function setting(id: number, value: number): Uint8Array {
  const out = new Uint8Array(6);
  const view = new DataView(out.buffer);
  view.setUint16(0, id);
  view.setUint32(2, value >>> 0);
  return out;
}

/** xorshift32: deterministic split points (no Math.random in tests that must be reproducible). */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** `bytes` cut at `cuts` (positions, any order, out-of-range ones dropped): copies, never views. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(from, p));
    from = p;
  }
  return out;
}

export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b));
}

export function randomSplit(bytes: Uint8Array, seed: number): Uint8Array[] {
  const next = xorshift(seed);
  const count = bytes.length === 0 ? 0 : next() % Math.min(bytes.length, 12);
  return splitAt(
    bytes,
    Array.from({ length: count }, () => next() % (bytes.length + 1)),
  );
}

/** Whole, byte by byte, and at several deterministic random splits. */
export function splits(bytes: Uint8Array): Array<[string, Uint8Array[]]> {
  return [
    ["whole", [bytes.slice()]],
    ["byte by byte", byteByByte(bytes)],
    ...[1, 2, 3, 4, 5].map((seed): [string, Uint8Array[]] => [
      `random split #${seed}`,
      randomSplit(bytes, seed),
    ]),
  ];
}

/** An error as recorded by the driver: what the contract promises about it. */
export interface ErrorEvent {
  error: { errorCode: number; streamId: number; code: string };
}
export type DecodeEvent = Frame | ErrorEvent;

export function isErrorEvent(e: DecodeEvent): e is ErrorEvent {
  return "error" in e && !("type" in e);
}

/** Pushes per driver call before the driver decides the decoder hangs. */
const MAX_PUSHES = 100_000;

/**
 * Feeds `chunks` to `decoder` under the contract and returns every frame and error in order. Throws (fails
 * the test) on any exception that is not an Http2Error, or when a decoder keeps returning frames or errors
 * on empty pushes without end.
 */
export function drive(decoder: FrameDecoder, chunks: Iterable<Uint8Array>): DecodeEvent[] {
  const events: DecodeEvent[] = [];
  let pushes = 0;
  /** Pushes `chunk`, then empty chunks until one returns nothing; false after a connection error. */
  const feed = (chunk: Uint8Array): boolean => {
    let input = chunk;
    for (;;) {
      if (++pushes > MAX_PUSHES) throw new Error("decoder did not settle: too many pushes");
      let frames: Frame[];
      try {
        frames = decoder.push(input);
      } catch (err) {
        if (!(err instanceof Http2Error)) throw err;
        events.push({ error: { errorCode: err.errorCode, streamId: err.streamId, code: err.code } });
        if (err.streamId === 0) return false;
        input = EMPTY;
        continue;
      }
      events.push(...frames);
      if (frames.length === 0 && input.length === 0) return true;
      input = EMPTY;
    }
  };
  for (const chunk of chunks) if (!feed(chunk)) break;
  return events;
}

export function decodeAll(bytes: Uint8Array | Uint8Array[], maxFrameSize?: number): DecodeEvent[] {
  const decoder = new FrameDecoder(maxFrameSize === undefined ? {} : { maxFrameSize });
  return drive(decoder, Array.isArray(bytes) ? bytes : [bytes]);
}

/** Encodes each frame and concatenates the bytes. */
export function encodeAll(frames: ReadonlyArray<LooseFrame | Frame>): Uint8Array {
  return concat(...frames.map((f) => encodeFrame(f as FrameInput)));
}

/** Asserts an Http2Error with the contract's three fields, and returns it. */
export function expectHttp2Error(
  err: unknown,
  want: { errorCode: number; streamId: number },
  label = "",
): Http2Error {
  expect(err, `${label}: expected an Http2Error`).toBeInstanceOf(Http2Error);
  expect(err).toBeInstanceOf(Error);
  const e = err as Http2Error;
  expect({ errorCode: e.errorCode, streamId: e.streamId }, `${label}: ${e.code} ${e.message}`).toEqual(want);
  expect(typeof e.code, label).toBe("string");
  expect(e.code.length, label).toBeGreaterThan(0);
  return e;
}

/**
 * The first error `bytes` raise, pushed whole into a fresh decoder (plus one empty push if the first push
 * returned), with the frames returned before it. Fails when no Http2Error comes.
 */
export function firstError(
  bytes: Uint8Array,
  options: { maxFrameSize?: number } = {},
): { frames: Frame[]; error: Http2Error; decoder: FrameDecoder } {
  const decoder = new FrameDecoder(options);
  const frames: Frame[] = [];
  for (const input of [bytes, EMPTY]) {
    try {
      frames.push(...decoder.push(input));
    } catch (err) {
      if (!(err instanceof Http2Error)) throw err;
      return { frames, error: err, decoder };
    }
  }
  return expect.fail(
    `no Http2Error; decoded ${frames.length} frame(s) of types ${frames.map((f) => f.type)}`,
  );
}
