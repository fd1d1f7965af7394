/**
 * The WebSocket panel's wire tap: the raw bytes of one `/ws` connection, both directions, streamed as
 * JSON to the page over a second WebSocket (`/ws-tap?id=…`) so the page decodes the real wire bytes
 * itself. The tap is best effort and bounded: when the page reads too slowly the tap is dropped, never
 * the echo connection it watches.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketConnection } from "@proto/node";

/** Tap ids are made by the page: short URL-safe tokens. */
const TAP_ID = /^[A-Za-z0-9_-]{8,64}$/;
/** Most taps open at once (a page has one; tests open a few). The oldest is closed beyond this. */
export const MAX_TAPS = 32;
/** Bytes a tap may hold unsent before it is dropped (its page stopped reading). */
export const TAP_BACKLOG_LIMIT = 4 * 1024 * 1024;

/** One message on the tap, as the page receives it (JSON). `t`: ms since the upgrade request. */
export type TapMessage =
  | { type: "request"; t: number; b64: string; reconstructed: true }
  | { type: "bytes"; dir: "in" | "out"; t: number; b64: string }
  | { type: "closed"; t: number; code: number; reason: string };

export function validTapId(id: unknown): id is string {
  return typeof id === "string" && TAP_ID.test(id);
}

/** The page side of taps: `/ws-tap` connections by id. */
export class TapHub {
  private readonly taps = new Map<string, WebSocketConnection>();

  /** Registers a page's tap connection (replacing one with the same id). */
  add(id: string, connection: WebSocketConnection): void {
    this.taps.get(id)?.close(1000, "replaced by a newer tap");
    this.taps.set(id, connection);
    connection.once("close", () => {
      if (this.taps.get(id) === connection) this.taps.delete(id);
    });
    while (this.taps.size > MAX_TAPS) {
      const [oldest, tap] = this.taps.entries().next().value as [string, WebSocketConnection];
      this.taps.delete(oldest);
      tap.close(1008, "too many taps");
    }
  }

  get(id: string): WebSocketConnection | undefined {
    return this.taps.get(id);
  }

  get size(): number {
    return this.taps.size;
  }
}

/**
 * Watches one echo connection's socket. Call `attach` before the handshake (so the 101 response is
 * seen), then `watchInbound` once the connection exists (it pauses the socket; see there).
 */
export class WireTap {
  private readonly started = performance.now();
  private tap: WebSocketConnection | undefined;

  constructor(tap: WebSocketConnection | undefined) {
    this.tap = tap?.state === "open" ? tap : undefined;
  }

  get active(): boolean {
    return this.tap !== undefined;
  }

  elapsed(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  /**
   * The request head as Node's parser saw it: request line and `rawHeaders` (names, order and duplicates
   * kept). Node consumed the real bytes, so this is a faithful reconstruction, and labelled as one.
   */
  request(request: IncomingMessage): void {
    let text = `${request.method ?? "GET"} ${request.url ?? "/"} HTTP/${request.httpVersion}\r\n`;
    const raw = request.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
    text += "\r\n";
    this.send({
      type: "request",
      t: this.elapsed(),
      b64: Buffer.from(text, "latin1").toString("base64"),
      reconstructed: true,
    });
  }

  /** Wraps `socket.write` so every byte the server writes (the 101 head, then frames) is copied out. */
  watchOutbound(socket: Duplex): void {
    const write = socket.write as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      this.bytes("out", args[0]);
      return write.apply(socket, args);
    }) as Duplex["write"];
  }

  /**
   * Copies inbound chunks. Must be called after `WebSocketConnection`'s constructor paused the socket and
   * before its reader starts (the next turn): this listener then runs first and copies each chunk before
   * the connection unmasks it in place.
   */
  watchInbound(socket: Duplex, head: Uint8Array): void {
    if (!this.tap) return;
    if (head.length > 0) this.bytes("in", head);
    socket.on("data", (chunk: Uint8Array) => this.bytes("in", chunk));
  }

  /** The echo connection is gone: tell the page its close code, then close the tap. */
  closed(code: number, reason: string): void {
    this.send({ type: "closed", t: this.elapsed(), code, reason });
    this.tap?.close(1000, "connection closed");
    this.tap = undefined;
  }

  private bytes(dir: "in" | "out", chunk: unknown): void {
    if (!this.tap) return;
    let b64: string;
    if (typeof chunk === "string") b64 = Buffer.from(chunk, "utf8").toString("base64");
    else if (chunk instanceof Uint8Array)
      b64 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("base64");
    else return;
    this.send({ type: "bytes", dir, t: this.elapsed(), b64 });
  }

  private send(message: TapMessage): void {
    const tap = this.tap;
    if (!tap) return;
    if (tap.state !== "open") {
      this.tap = undefined;
      return;
    }
    if (tap.bufferedAmount > TAP_BACKLOG_LIMIT) {
      // The page is not keeping up: drop the tap (the page shows why), keep the echo running.
      this.tap = undefined;
      tap.close(1013, "tap fell behind and was dropped");
      return;
    }
    tap.send(JSON.stringify(message));
  }
}
