/**
 * Shared helpers for the Autobahn-style acceptance tests: build the frames a *client* puts on the wire
 * (masked, RFC 6455 §5.3), drive a server-role WebSocketSession in memory, and decode what the server
 * sends back with an independent client-role FrameDecoder.
 *
 * `rawFrame` is written from the §5.2 diagram, not with `encodeFrame`, so it can build what a conforming
 * encoder refuses: oversized or fragmented control frames, reserved opcodes, non-minimal lengths.
 */
import { expect } from "vitest";
import { encodeFrame, type Frame, FrameDecoder, Opcode, WebSocketSession } from "../../src/index";

export type SessionOptions = Partial<ConstructorParameters<typeof WebSocketSession>[0]>;
export type WsEvent = ReturnType<WebSocketSession["receive"]>[number];

/** The RFC 6455 §5.7 example masking key. */
export const KEY = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

const utf8 = new TextEncoder();

export function bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "");
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

/** Deterministic pseudo-random payload (xorshift), so big messages are not all zeros. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export interface ClientFrameInit {
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  key?: Uint8Array;
}

/** A well-formed masked client frame, encoded by the package's `encodeFrame`. */
export function clientFrame(opcode: number, payload: Uint8Array | string = "", init: ClientFrameInit = {}) {
  const data = typeof payload === "string" ? bytes(payload) : payload;
  return encodeFrame(
    { fin: init.fin ?? true, rsv1: init.rsv1, rsv2: init.rsv2, rsv3: init.rsv3, opcode, payload: data },
    { maskKey: init.key ?? KEY },
  );
}

export interface RawFrameInit {
  fin?: boolean;
  /** The three RSV bits as a number 0-7, Autobahn style: 4 = RSV1, 2 = RSV2, 1 = RSV3. */
  rsv?: number;
  opcode: number;
  payload?: Uint8Array | string;
  /** `null` sends the frame unmasked. */
  key?: Uint8Array | null;
  /** Force the 7-, 16- or 64-bit length form (default: minimal). */
  lengthForm?: 7 | 16 | 64;
  /** Replace the high 32 bits of a 64-bit length (to set its most significant bit). */
  high32?: number;
}

/** A frame assembled byte by byte from RFC 6455 §5.2, independently of the package under test. */
export function rawFrame(init: RawFrameInit): Uint8Array {
  const payload =
    typeof init.payload === "string" ? bytes(init.payload) : (init.payload ?? new Uint8Array(0));
  const key = init.key === undefined ? KEY : init.key;
  const len = payload.length;
  const form = init.lengthForm ?? (len <= 125 ? 7 : len <= 0xffff ? 16 : 64);
  const header: number[] = [((init.fin ?? true) ? 0x80 : 0) | ((init.rsv ?? 0) << 4) | init.opcode];
  const maskBit = key ? 0x80 : 0;
  if (form === 7) {
    header.push(maskBit | len);
  } else if (form === 16) {
    header.push(maskBit | 126, (len >>> 8) & 0xff, len & 0xff);
  } else {
    const high = init.high32 ?? Math.floor(len / 2 ** 32);
    header.push(maskBit | 127, high >>> 24, (high >>> 16) & 0xff, (high >>> 8) & 0xff, high & 0xff);
    header.push(len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff);
  }
  const body = payload.slice();
  if (key) {
    header.push(...key);
    for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  }
  return concat(Uint8Array.from(header), body);
}

export const textFrame = (text: string | Uint8Array, init?: ClientFrameInit) =>
  clientFrame(Opcode.TEXT, text, init);
export const binaryFrame = (data: Uint8Array, init?: ClientFrameInit) =>
  clientFrame(Opcode.BINARY, data, init);
export const pingFrame = (data: Uint8Array | string = "") => clientFrame(Opcode.PING, data);
export const pongFrame = (data: Uint8Array | string = "") => clientFrame(Opcode.PONG, data);

/** A Close frame: no code → empty body; `reason` may be raw bytes (to send invalid UTF-8). */
export function closeFrame(code?: number, reason: string | Uint8Array = ""): Uint8Array {
  if (code === undefined) return clientFrame(Opcode.CLOSE);
  const r = typeof reason === "string" ? bytes(reason) : reason;
  return clientFrame(Opcode.CLOSE, concat(Uint8Array.of(code >> 8, code & 0xff), r));
}

/** One message split into frames with the given payloads: first frame `opcode`, then continuations. */
export function fragmented(opcode: number, parts: (Uint8Array | string)[]): Uint8Array {
  return concat(
    ...parts.map((p, i) =>
      clientFrame(i === 0 ? opcode : Opcode.CONTINUATION, p, { fin: i === parts.length - 1 }),
    ),
  );
}

/** Each byte of `data` as its own frame (Autobahn's "fragmented into 1-byte frames"). */
export function oneBytePieces(data: Uint8Array): Uint8Array[] {
  return Array.from(data, (b) => Uint8Array.of(b));
}

export function server(options: SessionOptions = {}): WebSocketSession {
  return new WebSocketSession({ role: "server", ...options });
}

/** Feeds `data` in pieces of `size` bytes (1 = byte by byte) and returns every event, in order. */
export function feed(session: WebSocketSession, data: Uint8Array, size = data.length): WsEvent[] {
  const events: WsEvent[] = [];
  if (data.length === 0) return session.receive(data);
  for (let i = 0; i < data.length; i += Math.max(1, size)) {
    events.push(...session.receive(data.subarray(i, i + Math.max(1, size))));
  }
  return events;
}

/** Feeds `data` cut at the given offsets. */
export function feedSplit(session: WebSocketSession, data: Uint8Array, cuts: number[]): WsEvent[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const events: WsEvent[] = [];
  let start = 0;
  for (const p of [...points, data.length]) {
    events.push(...session.receive(data.subarray(start, p)));
    start = p;
  }
  return events;
}

/** The three ways every vector is fed (§9): whole, byte by byte, and in 7-byte pieces. */
export const SPLITS = [
  ["whole", 0],
  ["byte by byte", 1],
  ["7-byte chunks", 7],
] as const;

export function feedBy(session: WebSocketSession, data: Uint8Array, size: number): WsEvent[] {
  return feed(session, data, size === 0 ? data.length : size);
}

/** Decodes what a server put on the wire: frames MUST be unmasked (§5.1), so a client decoder reads them. */
export function decodeServer(wire: Uint8Array): Frame[] {
  if (wire.length === 0) return [];
  const frames = new FrameDecoder({ role: "client" }).push(wire);
  let total = 0;
  for (const f of frames) {
    expect(f.masked).toBe(false);
    const n = f.payload.length;
    total += 2 + (n > 0xffff ? 8 : n > 125 ? 2 : 0) + n;
  }
  // Whole frames only: nothing half-written is left over.
  expect(total).toBe(wire.length);
  return frames;
}

/** Takes and decodes everything the session has queued. */
export function sent(session: WebSocketSession): Frame[] {
  const wire = session.dataToSend();
  expect(wire).toBeInstanceOf(Uint8Array);
  return decodeServer(wire);
}

export function closeCodeOf(frame: Frame): number | undefined {
  if (frame.payload.length < 2) return undefined;
  return (frame.payload[0]! << 8) | frame.payload[1]!;
}

export function closeReasonOf(frame: Frame): string {
  return new TextDecoder("utf-8", { fatal: true }).decode(frame.payload.subarray(2));
}

/** The payloads of the Pong frames among `frames`, as hex, in order. */
export function pongs(frames: Frame[]): string[] {
  return frames.filter((f) => f.opcode === Opcode.PONG).map((f) => toHex(f.payload));
}

/**
 * The session failed the connection (§7.1.7) with `code`: exactly one close event, last, not clean; state
 * closed; exactly one Close frame queued, last on the wire, its body starting with `code`; and every later
 * input is ignored. Returns the frames that were queued (pongs before the Close, if any).
 */
export function expectFailed(session: WebSocketSession, events: WsEvent[], code: number): Frame[] {
  const closes = events.filter((e) => e.type === "close");
  expect(closes).toHaveLength(1);
  expect(events.at(-1)).toMatchObject({ type: "close", code, wasClean: false });
  expect(session.state).toBe("closed");
  const frames = sent(session);
  const closeFrames = frames.filter((f) => f.opcode === Opcode.CLOSE);
  expect(closeFrames).toHaveLength(1);
  expect(frames.at(-1)?.opcode).toBe(Opcode.CLOSE);
  expect(closeCodeOf(closeFrames[0]!)).toBe(code);
  // Ignores further input, even a perfectly valid message, a ping and a close.
  expect(session.receive(concat(textFrame("late"), pingFrame("late"), closeFrame(1000)))).toEqual([]);
  expect(session.dataToSend()).toHaveLength(0);
  expect(session.state).toBe("closed");
  return frames;
}

/** No failure: no close event, state open, nothing but the expected frames queued. */
export function expectOpen(session: WebSocketSession, events: WsEvent[]): void {
  expect(events.filter((e) => e.type === "close")).toEqual([]);
  expect(session.state).toBe("open");
}

/** The event list with text/binary events only (drops ping/pong notifications). */
export function messages(events: WsEvent[]): WsEvent[] {
  return events.filter((e) => e.type === "text" || e.type === "binary");
}

/** Events in a comparable shape: Uint8Array data as hex. */
export function normalize(events: WsEvent[]): unknown[] {
  return events.map((e) =>
    "data" in e && e.data instanceof Uint8Array ? { ...e, data: `hex:${toHex(e.data)}` } : { ...e },
  );
}

/**
 * Reference UTF-8 validator from RFC 3629 §4 (the UTF8-octets ABNF), written for these tests. Returns the
 * index of the first byte at which `data` stops being a prefix of valid UTF-8, or -1 when every prefix is
 * fine; `complete` says whether the whole input ends on a character boundary.
 */
export function utf8FirstError(data: Uint8Array): { index: number; complete: boolean } {
  let need = 0;
  let lo = 0x80;
  let hi = 0xbf;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (need === 0) {
      if (b <= 0x7f) continue;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lo = 0xa0;
        if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lo = 0x90;
        if (b === 0xf4) hi = 0x8f;
      } else return { index: i, complete: false };
      continue;
    }
    if (b < lo || b > hi) return { index: i, complete: false };
    lo = 0x80;
    hi = 0xbf;
    need--;
  }
  return { index: -1, complete: need === 0 };
}
