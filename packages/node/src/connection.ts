/**
 * WebSocketConnection: a WebSocketSession (the sans-IO protocol of @proto/ws-frame) bound to a Node
 * socket after the opening handshake. Bytes from the socket go into `session.receive()`; after every
 * receive and every command, `session.dataToSend()` goes to the socket.
 *
 * Closing (RFC 6455 §7.1.1): "the underlying TCP connection, in most normal cases, SHOULD be closed
 * first by the server". When the session reaches "closed" a server ends the socket; a client waits for
 * the server to end it. Either way a closing timer (`closeTimeout`) destroys a socket whose peer never
 * finishes. `close` is emitted once, when the socket is gone, with the code of the Close frame received
 * (1005 when it had none) or 1006 when none arrived (§7.1.5).
 */
import { EventEmitter } from "node:events";
import { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type Role, type WebSocketEvent, type WebSocketExtension, WebSocketSession } from "@proto/ws-frame";
import { NodeError } from "./errors";
import { Heartbeat } from "./heartbeat";
import { type ConnectionTuning, type ResolvedTuning, resolveTuning } from "./options";

/** "open", "closing" (a Close was sent or received, or the socket is ending), or "closed" (socket gone). */
export type ConnectionState = "open" | "closing" | "closed";

/** §7.4.1: 1006 "designated for use in applications expecting a status code to indicate that the connection was closed abnormally". */
const ABNORMAL_CLOSURE = 1006;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

export type WebSocketConnectionEvents = {
  /** A whole message: a string for text, a Uint8Array for binary. */
  message: [data: string | Uint8Array, isBinary: boolean];
  ping: [data: Uint8Array];
  pong: [data: Uint8Array];
  /** Exactly once, when the socket is gone. 1006 when no Close frame arrived. */
  close: [code: number, reason: string];
  /** A socket error (emitted only while someone listens; `close` with 1006 follows). */
  error: [error: Error];
  /** The socket's write buffer drained: `send()` may go on after it returned false. */
  drain: [];
};

export interface WebSocketConnectionOptions extends ConnectionTuning {
  /** "server" ends the TCP connection when closed; "client" masks what it sends and waits for the server. */
  role: Role;
  /** The negotiated subprotocol (Sec-WebSocket-Protocol), if any. */
  protocol?: string | undefined;
  /** The negotiated extensions, in the order of the Sec-WebSocket-Extensions response. */
  extensions?: WebSocketExtension[];
  /** Bytes that arrived after the handshake head: the first WebSocket bytes. */
  head?: Uint8Array;
}

export class WebSocketConnection extends EventEmitter<WebSocketConnectionEvents> {
  readonly role: Role;
  /** The negotiated subprotocol, or undefined when none was. */
  readonly protocol: string | undefined;
  /** The negotiated extensions (permessage-deflate when `compression` was agreed). */
  readonly extensions: readonly WebSocketExtension[];

  private readonly socket: Duplex;
  private readonly session: WebSocketSession;
  /** True while a read's events are dispatched: sends are queued and written together afterwards. */
  private dispatching = false;
  private readonly tuning: ResolvedTuning;
  private readonly heartbeat: Heartbeat | undefined;
  private current: ConnectionState = "open";
  private closeCode = ABNORMAL_CLOSURE;
  private closeReason = "";
  private closeTimer: NodeJS.Timeout | undefined;

  /**
   * Takes over a socket whose opening handshake is done (`createWebSocketServer` and `connectWebSocket`
   * call this; use it directly only after a handshake of your own). Reading starts on the next turn of
   * the event loop, `head` first, so listeners attached right after construction see every message.
   */
  constructor(socket: Duplex, options: WebSocketConnectionOptions) {
    super();
    this.tuning = resolveTuning(options);
    this.role = options.role;
    this.protocol = options.protocol;
    this.extensions = options.extensions ?? [];
    this.socket = socket;
    this.session = new WebSocketSession({
      role: options.role,
      maxMessageSize: this.tuning.maxMessageSize,
      extensions: [...this.extensions],
      // Socket chunks are fresh buffers nobody else holds: unmask them where they lie, and write large
      // payloads without copying them into the frame (as ws does; see send()).
      unmaskInPlace: true,
      zeroCopySend: true,
    });
    if (socket instanceof Socket) {
      socket.setNoDelay(true);
      socket.setTimeout(0); // idleness is the heartbeat's business
    }
    socket.pause();
    socket.on("error", (error) => this.onSocketError(error));
    socket.on("end", () => this.onSocketEnd());
    socket.on("close", () => this.onSocketClose());
    socket.on("drain", () => this.emit("drain"));
    this.heartbeat =
      this.tuning.heartbeat &&
      new Heartbeat(this.tuning.heartbeat, {
        ping: () => this.ping(),
        dead: (missed) => this.terminate(`heartbeat: ${missed} pings unanswered`),
      });
    const head = options.head ?? EMPTY;
    setImmediate(() => this.start(head));
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Bytes not yet handed to the kernel: the socket's write buffer plus frames the session still holds. */
  get bufferedAmount(): number {
    return this.socket.writableLength + this.session.bufferedAmount;
  }

  /**
   * Sends a text (string) or binary (Uint8Array) message. Returns `socket.write`'s verdict: false means
   * the socket's buffer is full; wait for `drain` before sending more. Throws NODE_INVALID_STATE unless
   * `state` is "open". A server writes binary payloads of 16 KiB or more without copying them (as `ws`
   * does): do not modify such a buffer after sending it. Received binary messages are views into the
   * socket's own chunks, unmasked in place.
   */
  send(data: string | Uint8Array, options?: { fin?: boolean }): boolean {
    if (this.current !== "open") {
      throw new NodeError("NODE_INVALID_STATE", `cannot send: the connection is ${this.current}`);
    }
    // `fin: false` sends a fragment (§5.4); the message ends with the next send whose fin is not false.
    const send = { fin: options?.fin ?? true };
    if (typeof data === "string") this.session.sendText(data, send);
    else if (data instanceof Uint8Array) this.session.sendBinary(data, send);
    else throw new NodeError("NODE_INVALID_ARGUMENT", "send() takes a string or a Uint8Array");
    return this.flush();
  }

  /** Sends a Ping with up to 125 bytes of data (§5.5.2); the peer's Pong arrives as `pong`. */
  ping(data?: string | Uint8Array): boolean {
    this.assertNotClosed("ping");
    this.session.ping(toBytes(data));
    return this.flush();
  }

  /** Sends an unsolicited Pong (§5.5.3: a unidirectional heartbeat). Pings are answered automatically. */
  pong(data?: string | Uint8Array): boolean {
    this.assertNotClosed("pong");
    this.session.pong(toBytes(data));
    return this.flush();
  }

  /**
   * Starts the closing handshake (§7.1.2): sends Close with `code` and `reason` (none: an empty Close),
   * then waits up to `closeTimeout` for the peer before destroying the socket. No-op unless "open".
   * Throws WS_INVALID_ARGUMENT (@proto/ws-frame) for a code that may not be sent or a reason over 123 bytes.
   */
  close(code?: number, reason?: string): void {
    if (this.current !== "open") return;
    this.session.close(code, reason);
    this.current = "closing";
    this.heartbeat?.stop();
    this.flush();
    this.armCloseTimer();
  }

  /** Destroys the socket at once, without a closing handshake; `close` follows with 1006. */
  terminate(reason = "terminated"): void {
    if (this.current === "closed") return;
    if (this.closeCode === ABNORMAL_CLOSURE) this.closeReason = reason;
    this.current = "closing";
    this.socket.destroy();
  }

  // ---- socket → session ----------------------------------------------------------------------------

  private start(head: Uint8Array): void {
    if (this.current === "closed" || this.socket.destroyed) return;
    if (head.length > 0) this.receive(head);
    this.socket.on("data", (chunk: Uint8Array) => this.receive(chunk));
    this.socket.resume();
  }

  private receive(bytes: Uint8Array): void {
    const events = this.session.receive(bytes);
    this.flush(); // automatic pongs and Close replies go out before anyone hears of the events
    // What listeners send while this read's events are dispatched goes out in one write afterwards:
    // a read carrying many messages costs one syscall for all their replies, not one each.
    this.dispatching = true;
    try {
      for (const event of events) this.dispatch(event);
    } finally {
      this.dispatching = false;
      this.flush();
    }
  }

  private dispatch(event: WebSocketEvent): void {
    switch (event.type) {
      case "text":
        this.emit("message", event.data, false);
        return;
      case "binary":
        this.emit("message", event.data, true);
        return;
      case "ping":
        this.emit("ping", event.data);
        return;
      case "pong":
        this.heartbeat?.pong();
        this.emit("pong", event.data);
        return;
      case "close":
        this.onSessionClosed(event.code, event.reason);
        return;
      case "text-chunk":
      case "binary-chunk":
        return; // streaming is off: never emitted
      default: {
        const unreachable: never = event;
        throw new Error(`unknown session event ${String(unreachable)}`);
      }
    }
  }

  /**
   * The session is closed: a Close was exchanged, or the peer broke the protocol and the session sent
   * Close with the code the violation calls for (§7.1.7). That code is reported in `close`, not `error`.
   */
  private onSessionClosed(code: number, reason: string): void {
    this.closeCode = code;
    this.closeReason = reason;
    this.current = "closing";
    this.heartbeat?.stop();
    // §7.1.1: the server closes TCP first; the client waits for it (bounded by the closing timer).
    if (this.role === "server") this.socket.end();
    this.armCloseTimer();
  }

  private onSocketEnd(): void {
    // The peer closed its half. Nothing more can be answered: close ours (allowHalfOpen sockets of an
    // http.Server do not do it by themselves).
    if (this.current === "open") this.current = "closing";
    if (!this.socket.writableEnded) this.socket.end();
    this.armCloseTimer();
  }

  private onSocketError(error: Error): void {
    // Emitting `error` without a listener would throw out of the event loop; a reset connection is
    // routine on a server, so it is reported only to those who asked. `close` (1006) always follows.
    if (this.listenerCount("error") > 0) this.emit("error", error);
  }

  private onSocketClose(): void {
    if (this.current === "closed") return;
    this.current = "closed";
    this.heartbeat?.stop();
    clearTimeout(this.closeTimer);
    this.emit("close", this.closeCode, this.closeReason);
  }

  // ---- session → socket ----------------------------------------------------------------------------

  /** Writes what the session queued; returns socket.write's verdict (true when nothing was queued). */
  private flush(): boolean {
    if (this.dispatching)
      return this.socket.writableLength + this.session.bufferedAmount < this.socket.writableHighWaterMark;
    const chunks = this.session.dataToSendChunks();
    if (chunks.length === 0) return this.socket.writableLength < this.socket.writableHighWaterMark;
    if (!this.socket.writable) return false;
    if (chunks.length === 1) return this.socket.write(chunks[0]!);
    // One writev for a frame's header and its zero-copy payload (or several frames). While corked,
    // write() reports "full" for bytes the kernel may then take at once, so the verdict is what is still
    // buffered after uncork().
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
    return this.socket.writableLength < this.socket.writableHighWaterMark;
  }

  private armCloseTimer(): void {
    if (this.closeTimer !== undefined || this.current === "closed") return;
    this.closeTimer = setTimeout(() => {
      if (this.closeCode === ABNORMAL_CLOSURE) this.closeReason = "closing handshake timed out";
      this.socket.destroy();
    }, this.tuning.closeTimeout);
    this.closeTimer.unref();
  }

  private assertNotClosed(what: string): void {
    if (this.current === "closed" || this.session.state === "closed") {
      throw new NodeError("NODE_INVALID_STATE", `cannot ${what}: the connection is closed`);
    }
  }
}

function toBytes(data: string | Uint8Array | undefined): Uint8Array {
  if (data === undefined) return EMPTY;
  return typeof data === "string" ? encoder.encode(data) : data;
}
