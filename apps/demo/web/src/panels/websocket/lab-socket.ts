/**
 * One lab connection: the page's native WebSocket to `/ws`, and the tap WebSocket (`/ws-tap`) that
 * brings back the raw bytes of that connection as the server saw them. The tap opens first, so the
 * handshake is on it from the first byte.
 */
import { decodeBase64, type HeaderList, parseResponseHead } from "@proto/ws-handshake";
import { type Dir, FrameSplitter, type WireFrame } from "./wire";

export type SocketState = "idle" | "connecting" | "open" | "closing" | "closed";

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

export interface LabSocketHandlers {
  state(state: SocketState): void;
  /** The request head (text) as the server's parser saw it. */
  request(text: string): void;
  /** The response head, from the bytes the server wrote. */
  response(text: string, headers: HeaderList): void;
  frames(frames: WireFrame[]): void;
  /** A message the page's WebSocket delivered. */
  message(data: string | Uint8Array): void;
  browserClosed(info: CloseInfo): void;
  serverClosed(code: number, reason: string): void;
  tapLost(reason: string): void;
}

type TapMessage =
  | { type: "request"; t: number; b64: string }
  | { type: "bytes"; dir: Dir; t: number; b64: string }
  | { type: "closed"; t: number; code: number; reason: string };

const latin1 = new TextDecoder("latin1");

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

function opened(socket: WebSocket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.addEventListener("open", () => resolve(true), { once: true });
    socket.addEventListener("close", () => resolve(false), { once: true });
  });
}

/**
 * Closes `socket` now if open, or as soon as it opens: closing a socket still connecting would make the
 * browser log an error, and leaving it would keep a connection nobody reads.
 */
function leave(socket: WebSocket | undefined, code: number, reason: string): void {
  if (!socket) return;
  if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
  else if (socket.readyState === WebSocket.CONNECTING)
    socket.addEventListener("open", () => socket.close(code, reason), { once: true });
}

export class LabSocket {
  readonly id = randomId();
  private current: SocketState = "idle";
  private ws: WebSocket | undefined;
  private tap: WebSocket | undefined;
  private disposed = false;
  private outHead: Uint8Array | undefined = new Uint8Array(0);
  private readonly counter = { next: 1 };
  readonly inbound = new FrameSplitter("in", this.counter);
  readonly outbound = new FrameSplitter("out", this.counter);
  private serverClosedSeen = false;
  private outBroken = false;

  constructor(private readonly on: LabSocketHandlers) {}

  get state(): SocketState {
    return this.current;
  }

  private setState(state: SocketState): void {
    this.current = state;
    if (!this.disposed) this.on.state(state);
  }

  /** Opens the tap, then the WebSocket; resolves once the WebSocket is open or has failed. */
  async connect(): Promise<boolean> {
    const base = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}`;
    this.setState("connecting");
    const tap = new WebSocket(`${base}/ws-tap?id=${this.id}`);
    this.tap = tap;
    tap.addEventListener("message", (event) => this.onTap(event.data));
    tap.addEventListener("close", (event) => {
      if (!this.disposed && event.code !== 1000) this.on.tapLost(`${event.code} ${event.reason}`);
    });
    const tapOpen = await opened(tap);
    if (this.disposed) return false; // dispose() closes the tap

    const ws = new WebSocket(`${base}/ws${tapOpen ? `?tap=${this.id}` : ""}`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.addEventListener("open", () => this.setState("open"));
    ws.addEventListener("message", (event: MessageEvent<string | ArrayBuffer>) => {
      if (this.disposed) return;
      this.on.message(typeof event.data === "string" ? event.data : new Uint8Array(event.data));
    });
    ws.addEventListener("close", (event) => {
      this.setState("closed");
      if (!this.disposed)
        this.on.browserClosed({ code: event.code, reason: event.reason, wasClean: event.wasClean });
    });
    return opened(ws);
  }

  sendText(text: string): void {
    this.openSocket().send(text);
  }

  sendBinary(bytes: Uint8Array<ArrayBuffer>): void {
    this.openSocket().send(bytes);
  }

  /** The browser's close(); throws the browser's own error for a code a page may not send. */
  close(code: number, reason: string): void {
    this.openSocket().close(code, reason);
    this.setState("closing");
  }

  /** Leaves quietly (reconnect or panel teardown): no more callbacks. */
  dispose(): void {
    this.disposed = true;
    leave(this.ws, 1000, "reconnecting");
    leave(this.tap, 1000, "");
  }

  private openSocket(): WebSocket {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) throw new Error("the WebSocket is not open");
    return this.ws;
  }

  private onTap(data: unknown): void {
    if (this.disposed || typeof data !== "string") return;
    const message = JSON.parse(data) as TapMessage;
    switch (message.type) {
      case "request":
        this.on.request(latin1.decode(decodeBase64(message.b64) ?? new Uint8Array(0)));
        return;
      case "bytes": {
        const bytes = decodeBase64(message.b64) ?? new Uint8Array(0);
        if (message.dir === "out") this.onOutbound(bytes, message.t);
        else this.emitFrames(this.inbound.push(bytes, message.t));
        return;
      }
      case "closed":
        if (!this.serverClosedSeen) this.on.serverClosed(message.code, message.reason);
        this.serverClosedSeen = true;
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown tap message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** Server → browser: the 101 response head first, frames after it. */
  private onOutbound(bytes: Uint8Array, t: number): void {
    if (this.outBroken) return;
    if (this.outHead) {
      const joined = new Uint8Array(this.outHead.length + bytes.length);
      joined.set(this.outHead);
      joined.set(bytes, this.outHead.length);
      let parsed: ReturnType<typeof parseResponseHead>;
      try {
        parsed = parseResponseHead(joined);
      } catch (error) {
        this.outBroken = true;
        this.on.tapLost(
          `unreadable response head: ${error instanceof Error ? error.message : String(error)}`,
        );
        return;
      }
      if (!parsed) {
        this.outHead = joined;
        return;
      }
      this.outHead = undefined;
      this.on.response(latin1.decode(joined.subarray(0, parsed.bytesConsumed)), parsed.head.headers);
      bytes = joined.subarray(parsed.bytesConsumed);
    }
    this.emitFrames(this.outbound.push(bytes, t));
  }

  private emitFrames(frames: WireFrame[]): void {
    if (frames.length > 0) this.on.frames(frames);
  }
}
