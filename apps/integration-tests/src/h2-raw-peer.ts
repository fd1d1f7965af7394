/**
 * A "raw peer" for the HTTP/2 conformance suite: it speaks frames built by hand with @proto/h2-frame's
 * encodeFrame and header blocks from its own HpackEncoder to an Http2Session held in memory, and decodes
 * everything the session writes with a FrameDecoder (and its own HpackDecoder, kept in step with the
 * session's encoder). Against a server session it plays the client (connection preface + SETTINGS);
 * against a client session it plays the server.
 */
import {
  CONNECTION_PREFACE,
  ErrorCode,
  encodeFrame,
  errorCodeName,
  Flags,
  type Frame,
  FrameDecoder,
  type FrameInit,
  FrameType,
  isFrameType,
  MAX_ALLOWED_FRAME_SIZE,
} from "@proto/h2-frame";
import type { Http2Event, Http2SessionOptions } from "@proto/h2-session";
import { Http2Session } from "@proto/h2-session";
import { HpackDecoder, HpackEncoder, type HpackEncoderOptions } from "@proto/hpack";
import { expect } from "vitest";

export type Fields = Array<[string, string]>;

export const GET: Fields = [
  [":method", "GET"],
  [":scheme", "http"],
  [":authority", "example.com"],
  [":path", "/"],
];
export const POST: Fields = [
  [":method", "POST"],
  [":scheme", "http"],
  [":authority", "example.com"],
  [":path", "/upload"],
];
export const OK: Fields = [[":status", "200"]];

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const bytes = (...values: number[]) => Uint8Array.from(values);

/** A decoded field section the session sent (HEADERS or PUSH_PROMISE + CONTINUATIONs). */
export interface SentBlock {
  type: "headers" | "push";
  streamId: number;
  promisedStreamId?: number;
  endStream: boolean;
  fields: Fields;
}

export class RawPeer {
  readonly session: Http2Session;
  readonly encoder: HpackEncoder;
  /** Decodes the session's field blocks (its encoder uses at most 4096, our default SETTINGS). */
  readonly decoder = new HpackDecoder({ maxTableSize: 4096 });
  private readonly frameDecoder = new FrameDecoder({ maxFrameSize: MAX_ALLOWED_FRAME_SIZE });
  private prefaceLeft: number;
  private open: { block: Uint8Array[]; head: SentBlock } | undefined;
  /** Everything collected since the last `clear()`. */
  frames: Frame[] = [];
  events: Http2Event[] = [];
  blocks: SentBlock[] = [];

  /** `role` is the session's role; the peer plays the other one. */
  constructor(
    readonly role: "server" | "client",
    options: Partial<Http2SessionOptions> = {},
    encoderOptions: HpackEncoderOptions = {},
  ) {
    this.session = new Http2Session({ ...options, role });
    this.encoder = new HpackEncoder(encoderOptions);
    this.prefaceLeft = role === "client" ? CONNECTION_PREFACE.length : 0;
  }

  /**
   * The peer's preface: (client preface +) SETTINGS with `settings`, then an ACK of the session's
   * SETTINGS; what the session answers is read and then cleared.
   */
  handshake(settings: Array<[number, number]> = []): this {
    this.read();
    const ours = encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings });
    const ack = encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] });
    this.send(this.role === "server" ? concat(CONNECTION_PREFACE, ours, ack) : concat(ours, ack));
    expect(this.goaway(), "handshake failed").toBeUndefined();
    expect(this.frames.some((f) => isFrameType(f, FrameType.SETTINGS) && f.ack)).toBe(true);
    this.clear();
    return this;
  }

  /** Feeds the parts in one receive call and decodes the output. */
  send(...parts: Uint8Array[]): Http2Event[] {
    const events = this.session.receive(concat(...parts));
    this.events.push(...events);
    this.read();
    return events;
  }

  /** Feeds each part with its own receive call. */
  sendEach(parts: Uint8Array[], now?: number): void {
    for (const part of parts) this.events.push(...this.session.receive(part, now));
    this.read();
  }

  /** Decodes whatever the session has queued. */
  read(): Frame[] {
    let out = this.session.dataToSend();
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, out.length);
      expect(out.subarray(0, n)).toEqual(
        CONNECTION_PREFACE.subarray(24 - this.prefaceLeft, 24 - this.prefaceLeft + n),
      );
      this.prefaceLeft -= n;
      out = out.subarray(n);
    }
    const frames = [...this.frameDecoder.push(out), ...this.frameDecoder.push(new Uint8Array(0))];
    for (const f of frames) this.track(f);
    this.frames.push(...frames);
    return frames;
  }

  private track(f: Frame): void {
    if (isFrameType(f, FrameType.HEADERS) || isFrameType(f, FrameType.PUSH_PROMISE)) {
      const head: SentBlock =
        f.type === FrameType.HEADERS
          ? { type: "headers", streamId: f.streamId, endStream: f.endStream, fields: [] }
          : {
              type: "push",
              streamId: f.streamId,
              promisedStreamId: f.promisedStreamId,
              endStream: false,
              fields: [],
            };
      this.open = { block: [f.headerBlock.slice()], head };
      if (f.endHeaders) this.finish();
    } else if (isFrameType(f, FrameType.CONTINUATION)) {
      this.open!.block.push(f.headerBlock.slice());
      if (f.endHeaders) this.finish();
    }
  }

  private finish(): void {
    const { block, head } = this.open!;
    this.open = undefined;
    head.fields = this.decoder.decode(concat(...block));
    this.blocks.push(head);
  }

  clear(): void {
    this.frames = [];
    this.events = [];
    this.blocks = [];
  }

  // ---- what the session answered ----------------------------------------------------------------------

  goaway(): Extract<Frame, { type: 7 }> | undefined {
    return this.frames.find((f) => isFrameType(f, FrameType.GOAWAY)) as
      | Extract<Frame, { type: 7 }>
      | undefined;
  }

  resets(): Array<Extract<Frame, { type: 3 }>> {
    return this.frames.filter((f) => isFrameType(f, FrameType.RST_STREAM)) as Array<
      Extract<Frame, { type: 3 }>
    >;
  }

  ofType<K extends Frame["type"]>(type: K): Array<Extract<Frame, { type: K }>> {
    return this.frames.filter((f) => f.type === type) as Array<Extract<Frame, { type: K }>>;
  }

  connectionError() {
    const e = this.events.find((x) => x.type === "connectionError");
    return e?.type === "connectionError" ? e.error : undefined;
  }

  /** A PING round trip: true when the session still answers (so it did not fail the connection). */
  alive(): boolean {
    const data = bytes(0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 0x07, 0x18);
    const before = this.frames.length;
    this.send(encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data }));
    return this.frames
      .slice(before)
      .some((f) => isFrameType(f, FrameType.PING) && f.ack && f.data.every((b, i) => b === data[i]));
  }

  // ---- frame builders -----------------------------------------------------------------------------------

  frame(init: FrameInit): Uint8Array {
    return encodeFrame(init);
  }

  /** HEADERS with a block from our encoder (END_HEADERS and END_STREAM by default). */
  headers(
    streamId: number,
    fields: Fields,
    opts: { endStream?: boolean; endHeaders?: boolean; padLength?: number; flags?: number } = {},
  ): Uint8Array {
    return this.headersRaw(streamId, this.encoder.encode(fields), opts);
  }

  headersRaw(
    streamId: number,
    headerBlock: Uint8Array,
    opts: { endStream?: boolean; endHeaders?: boolean; padLength?: number; flags?: number } = {},
  ): Uint8Array {
    const init: FrameInit = {
      type: FrameType.HEADERS,
      streamId,
      headerBlock,
      endStream: opts.endStream ?? true,
      endHeaders: opts.endHeaders ?? true,
      flags: opts.flags ?? 0,
    };
    if (opts.padLength !== undefined) init.padLength = opts.padLength;
    return encodeFrame(init);
  }

  continuation(streamId: number, headerBlock: Uint8Array, endHeaders = true): Uint8Array {
    return encodeFrame({ type: FrameType.CONTINUATION, streamId, headerBlock, endHeaders });
  }

  data(streamId: number, data: Uint8Array | number, endStream = false, padLength?: number): Uint8Array {
    const init: FrameInit = {
      type: FrameType.DATA,
      streamId,
      data: typeof data === "number" ? new Uint8Array(data) : data,
      endStream,
    };
    if (padLength !== undefined) init.padLength = padLength;
    return encodeFrame(init);
  }

  settings(settings: Array<[number, number]>): Uint8Array {
    return encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: false, settings });
  }

  ping(data = new Uint8Array(8), ack = false): Uint8Array {
    return encodeFrame({ type: FrameType.PING, streamId: 0, ack, data });
  }

  rst(streamId: number, errorCode = 0x8): Uint8Array {
    return encodeFrame({ type: FrameType.RST_STREAM, streamId, errorCode });
  }

  windowUpdate(streamId: number, windowSizeIncrement: number): Uint8Array {
    return encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId, windowSizeIncrement });
  }

  priority(streamId: number, streamDependency: number): Uint8Array {
    return encodeFrame({
      type: FrameType.PRIORITY,
      streamId,
      priority: { streamDependency, exclusive: false, weight: 16 },
    });
  }
}

/**
 * A frame written byte by byte (RFC 9113 §4.1): any length/type/flags/stream word, any payload. The
 * stream word is written whole, so the reserved bit can be set.
 */
export function rawFrame(
  type: number,
  flags: number,
  streamWord: number,
  payload: Uint8Array = bytes(),
): Uint8Array {
  const out = new Uint8Array(9 + payload.length);
  out[0] = (payload.length >>> 16) & 0xff;
  out[1] = (payload.length >>> 8) & 0xff;
  out[2] = payload.length & 0xff;
  out[3] = type;
  out[4] = flags;
  new DataView(out.buffer).setUint32(5, streamWord >>> 0);
  out.set(payload, 9);
  return out;
}

/** A frame header claiming `length` octets, with only `payload` behind it (for size checks). */
export function frameHeaderOnly(length: number, type: number, flags: number, streamId: number): Uint8Array {
  const out = rawFrame(type, flags, streamId);
  out[0] = (length >>> 16) & 0xff;
  out[1] = (length >>> 8) & 0xff;
  out[2] = length & 0xff;
  return out;
}

export { Flags };

// ---- table-driven cases -----------------------------------------------------------------------------------

/** What the session must answer. */
export type Outcome =
  /** A connection error: GOAWAY with this code, a connectionError event, and nothing read afterwards. */
  | { goaway: number }
  /** A stream error: RST_STREAM with this code on this stream, and the connection goes on (PING answered). */
  | { rst: number; stream: number }
  /** Neither a GOAWAY nor a RST_STREAM, and the connection goes on. */
  | { ignored: true }
  /** Anything else, checked by hand (a response, an ACK, DATA sized by a window...). */
  | { check: (p: RawPeer) => void };

export interface Case {
  /** The RFC section, e.g. "RFC 9113 §6.5". */
  section: string;
  title: string;
  /** The session's role (default "server": the raw peer plays the client). */
  role?: "server" | "client";
  options?: Partial<Http2SessionOptions>;
  encoder?: HpackEncoderOptions;
  /** The raw peer's SETTINGS in its preface; `false`: no handshake at all (preface tests). */
  settings?: Array<[number, number]> | false;
  /** Frames before the case (opening streams, app commands): their output is cleared. */
  setup?: (p: RawPeer) => void;
  /** The case itself: frames sent (`p.send`) and app commands (`p.session`). */
  run: (p: RawPeer) => void;
  expect: Outcome;
}

const name = (code: number) => errorCodeName(code);

export function runCase(c: Case): RawPeer {
  const p = new RawPeer(c.role ?? "server", c.options, c.encoder);
  if (c.settings !== false) p.handshake(c.settings ?? []);
  if (c.setup) {
    c.setup(p);
    p.read();
    expect(p.connectionError(), "setup failed the connection").toBeUndefined();
    p.clear();
  }
  c.run(p);
  p.read();
  const e = c.expect;
  if ("goaway" in e) {
    const goaway = p.goaway();
    expect(goaway, `expected GOAWAY ${name(e.goaway)}`).toBeDefined();
    expect(name(goaway!.errorCode)).toBe(name(e.goaway));
    const error = p.connectionError();
    expect(error, "connectionError event").toBeDefined();
    expect(name(error!.errorCode)).toBe(name(e.goaway));
    expect(error!.streamId).toBe(0);
    // §5.4.1: after GOAWAY for an error the connection is done: nothing more is read or answered.
    expect(p.session.receive(p.ping())).toEqual([]);
    expect(p.session.dataToSend().length).toBe(0);
  } else if ("rst" in e) {
    expect(p.goaway(), "a stream error must not end the connection").toBeUndefined();
    expect(p.connectionError()).toBeUndefined();
    const resets = p.resets().map((f) => `${f.streamId}:${name(f.errorCode)}`);
    expect(resets).toContain(`${e.stream}:${name(e.rst)}`);
    expect(p.alive(), "the connection answers PING after a stream error").toBe(true);
  } else if ("ignored" in e) {
    expect(p.goaway()).toBeUndefined();
    expect(p.connectionError()).toBeUndefined();
    expect(p.resets()).toEqual([]);
    expect(p.alive(), "the connection answers PING").toBe(true);
  } else {
    e.check(p);
  }
  return p;
}

export { ErrorCode };

// ---- shared by the conformance tables -----------------------------------------------------------------

export const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
export const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const T = {
  DATA: 0,
  HEADERS: 1,
  PRIORITY: 2,
  RST: 3,
  SETTINGS: 4,
  PUSH: 5,
  PING: 6,
  GOAWAY: 7,
  WU: 8,
  CONT: 9,
} as const;
export const S = { TABLE: 1, PUSH: 2, MAX_STREAMS: 3, WINDOW: 4, FRAME: 5, LIST: 6, CONNECT: 8 } as const;
export const MAX_WINDOW = 0x7fff_ffff;
export const settingsBody = (pairs: Array<[number, number]>) => {
  const out = new Uint8Array(pairs.length * 6);
  const view = new DataView(out.buffer);
  pairs.forEach(([id, v], i) => {
    view.setUint16(i * 6, id);
    view.setUint32(i * 6 + 2, v);
  });
  return out;
};
/** A request without END_STREAM: the stream stays "open" (§5.1). */
export const openPost = (p: RawPeer) => p.send(p.headers(1, POST, { endStream: false }));
/** A GET with END_STREAM: the stream is "half-closed (remote)" (§5.1). */
export const halfClosed = (p: RawPeer) => p.send(p.headers(1, GET));
/** A GET answered with END_STREAM: the stream is "closed" by END_STREAM both ways (§5.1). */
export const closedByEndStream = (p: RawPeer) => {
  p.send(p.headers(1, GET));
  p.session.respond(1, OK, { endStream: true });
};
/** Our RST_STREAM on an open stream (§5.1 "closed": frames after it are ignored). */
export const closedByOurReset = (p: RawPeer) => {
  openPost(p);
  p.session.resetStream(1, ErrorCode.CANCEL);
};

/** The lengths of the DATA frames the session sent on `streamId`. */
export const dataSizes = (p: RawPeer, streamId = 1) =>
  p
    .ofType(T.DATA)
    .filter((f) => f.streamId === streamId)
    .map((f) => f.data.length);
/** Opens stream 1 with a GET; the application answers 200 and `n` bytes of body, END_STREAM. */
export const answer = (n: number) => (p: RawPeer) => {
  p.send(p.headers(1, GET));
  p.session.respond(1, OK);
  p.session.sendData(1, new Uint8Array(n), { endStream: true });
};
