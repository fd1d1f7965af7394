/**
 * createWebSocketServer: the server's opening handshake (RFC 6455 §4.2) on an http.Server's `upgrade`
 * event, standalone (its own http.Server) or attached to yours. Node parses the request head;
 * @proto/ws-handshake's `acceptHandshake` checks it and writes the answer (101 or the error status); the
 * socket and the bytes after the head become a WebSocketConnection.
 */
import { EventEmitter } from "node:events";
import { createServer, type Server as HttpServer, type IncomingMessage, STATUS_CODES } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { acceptHandshake, type HandshakeExtension, type RequestHead } from "@proto/ws-handshake";
import { WebSocketConnection } from "./connection";
import { NodeError } from "./errors";
import {
  type CompressionOption,
  type ConnectionTuning,
  compressionExtensions,
  NODE_DEFAULTS,
  positiveInteger,
  type ResolvedTuning,
  resolveTuning,
} from "./options";

export interface WebSocketServerOptions extends ConnectionTuning {
  /** Standalone: the port to listen on (default 0: any free port; see `listen()`'s AddressInfo). */
  port?: number;
  /** Standalone: the address to listen on (default: Node's, every interface). */
  host?: string;
  /** Attach to this server's `upgrade` event instead of creating one (then `listen()` is not needed). */
  server?: HttpServer | HttpsServer;
  /** Only requests for this path (query ignored) are handled; see the README for the others. */
  path?: string;
  /** Subprotocols in preference order, or a function choosing from the client's offer. */
  protocols?: string[] | ((offered: string[]) => string | undefined);
  /** permessage-deflate (RFC 7692): off by default; `true` or options (see CompressionOption). */
  compression?: CompressionOption;
  /** Return false to refuse the Origin with 403 (RFC 6455 §10.2). */
  allowOrigin?: (origin: string | undefined) => boolean;
  /** Largest request head in bytes (default 16 KiB); larger gets 431. */
  maxHeadSize?: number;
}

export type WebSocketServerEvents = {
  /** A handshake succeeded. `request` is Node's IncomingMessage: url, headers, socket.remoteAddress. */
  connection: [connection: WebSocketConnection, request: IncomingMessage];
  /** An error of the standalone http.Server after `listen()` resolved. */
  error: [error: Error];
};

const GOING_AWAY = 1001;

export class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
  private readonly connections = new Set<WebSocketConnection>();
  private readonly options: WebSocketServerOptions;
  private readonly extensions: HandshakeExtension[];
  private readonly tuning: ResolvedTuning;
  private readonly maxHeadSize: number;
  private readonly httpServer: HttpServer | HttpsServer;
  private readonly attached: boolean;
  private closing: Promise<void> | undefined;
  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.upgrade(request, socket, head);

  constructor(options: WebSocketServerOptions = {}) {
    super();
    this.extensions = compressionExtensions(options.compression, false);
    if (options.server !== undefined && (options.port !== undefined || options.host !== undefined)) {
      throw new NodeError("NODE_INVALID_ARGUMENT", "give either `server` or `port`/`host`, not both");
    }
    if (
      options.port !== undefined &&
      !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)
    ) {
      throw new NodeError("NODE_INVALID_ARGUMENT", `port must be an integer 0-65535, got ${options.port}`);
    }
    if (options.path !== undefined && !options.path.startsWith("/")) {
      throw new NodeError("NODE_INVALID_ARGUMENT", `path must start with "/", got ${options.path}`);
    }
    this.options = options;
    this.tuning = resolveTuning(options);
    this.maxHeadSize = positiveInteger("maxHeadSize", options.maxHeadSize, NODE_DEFAULTS.maxHeadSize);
    this.attached = options.server !== undefined;
    this.httpServer =
      options.server ??
      createServer({ maxHeaderSize: this.maxHeadSize }, (_request, response) => {
        // A plain HTTP request to a WebSocket-only server: RFC 6455 §4.2.2 item 4's 426.
        response.writeHead(426, { "Content-Type": "text/plain", Connection: "close", Upgrade: "websocket" });
        response.end("426 Upgrade Required: this is a WebSocket endpoint\n");
      });
    this.httpServer.on("upgrade", this.onUpgrade);
  }

  /** The connections not yet closed; each leaves the set when it emits `close`. */
  get clients(): ReadonlySet<WebSocketConnection> {
    return this.connections;
  }

  /** Standalone only: starts listening on `port`/`host`; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    if (this.attached) {
      return Promise.reject(
        new NodeError("NODE_INVALID_STATE", "an attached server listens through its http.Server"),
      );
    }
    if (this.closing) return Promise.reject(new NodeError("NODE_INVALID_STATE", "the server is closed"));
    const server = this.httpServer;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, this.options.host, () => {
        server.off("error", reject);
        server.on("error", (error) => this.emit("error", error));
        resolve(server.address() as AddressInfo);
      });
    });
  }

  /** The bound address of the underlying http.Server (null before it listens). */
  address(): AddressInfo | null {
    const address = this.httpServer.address();
    return typeof address === "object" ? address : null;
  }

  /**
   * Closes every connection with 1001 (going away) and stops accepting: a standalone server closes its
   * listener, an attached one leaves your http.Server's `upgrade` event. Resolves when every connection
   * has closed (each within its `closeTimeout`) and the listener is closed. Calling it again returns the
   * same promise.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * Runs the handshake for one `upgrade` event, ignoring `path`: for routing upgrades yourself. Writes the
   * answer; on success emits `connection`, otherwise ends the socket after the error response.
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Uint8Array): void {
    // A reset during the handshake must not become an uncaught 'error'; the connection adds its own.
    if (socket.destroyed) return; // the client left while its request was read
    const ignore = () => {};
    socket.on("error", ignore);
    if (this.closing !== undefined) {
      refuse(socket, 503, "the server is shutting down");
      return;
    }
    const size = headSize(request);
    if (size > this.maxHeadSize) {
      refuse(socket, 431, `request head of ${size} bytes exceeds ${this.maxHeadSize}`);
      return;
    }
    const { protocols, allowOrigin } = this.options;
    const result = acceptHandshake(toRequestHead(request), {
      ...(protocols && { protocols }),
      ...(allowOrigin && { allowOrigin }),
      extensions: this.extensions,
    });
    if (!result.ok) {
      endWith(socket, result.response);
      return;
    }
    socket.write(result.response);
    const connection = new WebSocketConnection(socket, {
      role: "server",
      protocol: result.protocol,
      extensions: result.extensions,
      head,
      maxMessageSize: this.tuning.maxMessageSize,
      closeTimeout: this.tuning.closeTimeout,
      ...(this.tuning.heartbeat && { heartbeat: this.tuning.heartbeat }),
    });
    socket.off("error", ignore);
    this.connections.add(connection);
    connection.once("close", () => this.connections.delete(connection));
    this.emit("connection", connection, request);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path } = this.options;
    if (path !== undefined && pathOf(request.url) !== path) {
      // Attached beside other upgrade listeners: the request is theirs. Alone: nobody else will answer.
      if (this.attached && this.httpServer.listenerCount("upgrade") > 1) return;
      socket.on("error", () => {});
      refuse(socket, 404, `no WebSocket endpoint at ${pathOf(request.url)}`);
      return;
    }
    this.handleUpgrade(request, socket, head);
  }

  private async shutdown(): Promise<void> {
    this.httpServer.off("upgrade", this.onUpgrade);
    const closed = [...this.connections].map(
      (connection) => new Promise<void>((resolve) => connection.once("close", () => resolve())),
    );
    for (const connection of this.connections) connection.close(GOING_AWAY, "server shutting down");
    if (!this.attached && this.httpServer.listening) {
      const server = this.httpServer;
      closed.push(new Promise<void>((resolve) => server.close(() => resolve())));
      server.closeIdleConnections();
    }
    await Promise.all(closed);
  }
}

/** Creates a WebSocket server: standalone (call `listen()`) or attached to `options.server`. */
export function createWebSocketServer(options: WebSocketServerOptions = {}): WebSocketServer {
  return new WebSocketServer(options);
}

/** The head Node parsed, in @proto/ws-handshake's shape (rawHeaders keeps names, order, duplicates). */
function toRequestHead(request: IncomingMessage): RequestHead {
  const headers: Array<[string, string]> = [];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  return { method: request.method ?? "", target: request.url ?? "", version: request.httpVersion, headers };
}

/** Bytes of the head as sent: request line, `name: value` CRLF per field, final CRLF. */
function headSize(request: IncomingMessage): number {
  let size = (request.method ?? "").length + (request.url ?? "").length + 12;
  for (const field of request.rawHeaders) size += field.length + 2;
  return size + 2;
}

function pathOf(target: string | undefined): string {
  const url = target ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** Answers with an error status and ends the socket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nConnection: close\r\n` +
    `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  endWith(socket, new TextEncoder().encode(head + body));
}

/** Writes the last bytes, then destroys the socket once they are flushed (the peer may never close). */
function endWith(socket: Duplex, bytes: Uint8Array): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(bytes);
}
