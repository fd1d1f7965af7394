/**
 * Shared helpers for the @proto/h2-session tests: a raw client that speaks hand-built frames to a server
 * session in memory (and decodes its answers), a client↔server pair pumped in memory, and a heap meter.
 */
import v8 from "node:v8";
import vm from "node:vm";
import {
  CONNECTION_PREFACE,
  encodeFrame,
  type Frame,
  FrameDecoder,
  type FrameInit,
  FrameType,
  isFrameType,
  MAX_ALLOWED_FRAME_SIZE,
} from "@proto/h2-frame";
import { HpackDecoder, HpackEncoder } from "@proto/hpack";
import { type Http2Event, Http2Session, type Http2SessionOptions } from "../src/index";

export type Fields = Array<[string, string]>;

export const GET: Fields = [
  [":method", "GET"],
  [":scheme", "https"],
  [":authority", "example.com"],
  [":path", "/"],
];
export const POST: Fields = [
  [":method", "POST"],
  [":scheme", "https"],
  [":authority", "example.com"],
  [":path", "/upload"],
];

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const frame = (init: FrameInit) => encodeFrame(init);
export const headersFrame = (
  streamId: number,
  headerBlock: Uint8Array,
  endStream = true,
  endHeaders = true,
) => encodeFrame({ type: FrameType.HEADERS, streamId, headerBlock, endStream, endHeaders });
export const continuationFrame = (streamId: number, headerBlock: Uint8Array, endHeaders = false) =>
  encodeFrame({ type: FrameType.CONTINUATION, streamId, headerBlock, endHeaders });
export const dataFrame = (streamId: number, data: Uint8Array, endStream = false) =>
  encodeFrame({ type: FrameType.DATA, streamId, data, endStream });
export const pingFrame = (data = new Uint8Array(8)) =>
  encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data });
export const settingsFrame = (settings: Array<[number, number]> = [], ack = false) =>
  encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack, settings });
export const rstFrame = (streamId: number, errorCode = 0x8) =>
  encodeFrame({ type: FrameType.RST_STREAM, streamId, errorCode });
export const windowUpdateFrame = (streamId: number, windowSizeIncrement: number) =>
  encodeFrame({ type: FrameType.WINDOW_UPDATE, streamId, windowSizeIncrement });

/** A client made of raw frames against a server session. */
export class RawClient {
  readonly server: Http2Session;
  readonly encoder = new HpackEncoder();
  readonly decoder = new HpackDecoder();
  private readonly frames = new FrameDecoder({ maxFrameSize: MAX_ALLOWED_FRAME_SIZE });
  private pending: Uint8Array[] = [];
  /** The first GOAWAY the server sent, whichever read() decoded it. */
  goaway: Extract<Frame, { type: 7 }> | undefined;
  /** The connectionError event, once there is one. */
  error: Extract<Http2Event, { type: "connectionError" }>["error"] | undefined;

  constructor(options: Partial<Http2SessionOptions> = {}) {
    this.server = new Http2Session({ ...options, role: "server" });
    this.feed(concat(CONNECTION_PREFACE, settingsFrame(), settingsFrame([], true)));
    this.read();
  }

  /** One receive call; remembers a connectionError; returns the events. */
  feed(bytes: Uint8Array, now?: number): Http2Event[] {
    const events = now === undefined ? this.server.receive(bytes) : this.server.receive(bytes, now);
    for (const e of events) if (e.type === "connectionError") this.error ??= e.error;
    return events;
  }

  /** Decodes what the server queued (field blocks decoded in order, so HPACK stays in step). */
  read(): Array<Frame & { fields?: Fields }> {
    const out: Array<Frame & { fields?: Fields }> = [...this.frames.push(this.server.dataToSend())];
    for (const f of out) {
      if (isFrameType(f, FrameType.GOAWAY)) this.goaway ??= f;
      if (isFrameType(f, FrameType.HEADERS) || isFrameType(f, FrameType.CONTINUATION)) {
        this.pending.push(f.headerBlock.slice());
        if (f.endHeaders) {
          f.fields = this.decoder.decode(concat(...this.pending));
          this.pending = [];
        }
      }
    }
    return out;
  }

  request(streamId: number, fields: Fields = GET, endStream = true): Uint8Array {
    return headersFrame(streamId, this.encoder.encode(fields), endStream);
  }
}

export const goawayOf = (frames: Frame[]) =>
  frames.find((f) => isFrameType(f, FrameType.GOAWAY)) as Extract<Frame, { type: 7 }> | undefined;

/** A client and a server session, and a pump that moves bytes both ways until both are quiet. */
export function pair(
  options: { client?: Partial<Http2SessionOptions>; server?: Partial<Http2SessionOptions> } = {},
) {
  const client = new Http2Session({ ...options.client, role: "client" });
  const server = new Http2Session({ ...options.server, role: "server" });
  const log = { client: [] as Http2Event[], server: [] as Http2Event[] };
  /** Moves bytes until quiet; `consume`: the application consumes every DATA at once (default). */
  const pump = (consume = true) => {
    const events = { client: [] as Http2Event[], server: [] as Http2Event[] };
    for (let i = 0; i < 10_000; i++) {
      const toServer = client.dataToSend();
      const toClient = server.dataToSend();
      if (toServer.length === 0 && toClient.length === 0) return events;
      for (const [side, session, bytes] of [
        ["server", server, toServer],
        ["client", client, toClient],
      ] as const) {
        for (const e of session.receive(bytes)) {
          if (e.type === "data") {
            e.data = e.data.slice(); // a view of the received bytes: keep a copy
            if (consume) session.consumed(e.streamId, e.data.length);
          }
          events[side].push(e);
          log[side].push(e);
        }
      }
    }
    throw new Error("pump: no quiet after 10000 rounds");
  };
  return { client, server, pump, log };
}

// ---- memory --------------------------------------------------------------------------------------------------

v8.setFlagsFromString("--expose-gc");
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? vm.runInNewContext("gc");

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const mib = (n: number) => (n / 1024 / 1024).toFixed(2);

/**
 * Heap (heapUsed + arrayBuffers) growth across `run`, after a full GC on both sides: `retained` is what the
 * result of `run` (the session, kept alive) still holds; `peak` the largest growth seen by `sample()` calls.
 */
export function heapGrowth<T>(
  label: string,
  run: (sample: () => void) => T,
): { result: T; retained: number; peak: number } {
  gc();
  gc();
  const before = used();
  let peak = before;
  const sample = () => {
    const now = used();
    if (now > peak) peak = now;
  };
  const result = run(sample);
  sample();
  gc();
  gc();
  const after = used();
  console.log(
    `[memory] ${label}: retained ${mib(after - before)} MiB, peak ${mib(peak - before)} MiB (before GC)`,
  );
  return { result, retained: after - before, peak: peak - before };
}

export const MiB = 1024 * 1024;
