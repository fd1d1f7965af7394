/**
 * connectH2: an HTTP/2 client built only on @proto/h2-session. http:// URLs speak h2c with prior knowledge
 * (RFC 9113 §3.3), https:// URLs TLS with ALPN "h2" (§3.2). Concurrent requests share the one connection
 * as multiplexed streams; beyond the server's MAX_CONCURRENT_STREAMS they wait for a free stream.
 */
import { connect as netConnect, type Socket } from "node:net";
import {
  type TLSSocket,
  type ConnectionOptions as TlsConnectionOptions,
  connect as tlsConnect,
} from "node:tls";
import {
  type HeaderList,
  type Http2Event,
  type Http2Limits,
  Http2Session,
  type Http2Settings,
} from "@proto/h2-session";
import { NodeError } from "./errors";

export interface H2RequestOptions {
  method?: string;
  path?: string;
  /** Extra fields (names are lowercased). */
  headers?: HeaderList | Record<string, string>;
  body?: Uint8Array | string;
}

export interface H2ClientResponse {
  status: number;
  headers: HeaderList;
  body: Uint8Array;
  trailers: HeaderList | undefined;
}

export interface H2ClientOptions {
  /** node:tls options for https:// (ca, rejectUnauthorized, ...). */
  tls?: TlsConnectionOptions;
  settings?: Partial<Http2Settings>;
  limits?: Partial<Http2Limits>;
  /** Milliseconds to connect (default 30 s). */
  connectTimeout?: number;
}

export interface H2Client {
  request(options: H2RequestOptions): Promise<H2ClientResponse>;
  /** GOAWAY, then the connection ends once open requests are done. */
  close(): Promise<void>;
  readonly session: Http2Session;
}

interface Pending {
  resolve: (response: H2ClientResponse) => void;
  reject: (error: Error) => void;
  status: number;
  headers: HeaderList;
  chunks: Uint8Array[];
  size: number;
  trailers: HeaderList | undefined;
}

const encoder = new TextEncoder();

class H2ClientConnection implements H2Client {
  readonly session: Http2Session;
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Array<() => void> = [];
  private failure: Error | undefined;
  private flushQueued = false;
  private readonly closed: Promise<void>;
  /** Settles with the server's first SETTINGS (§3.4): until then its stream limit is unknown. */
  readonly ready: Promise<void>;
  private onReady: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly scheme: string,
    private readonly authority: string,
    options: H2ClientOptions,
  ) {
    // Push is off: this client has no API for pushed responses (§8.4, SETTINGS_ENABLE_PUSH = 0).
    this.session = new Http2Session({
      role: "client",
      settings: { enablePush: false, initialWindowSize: 1 << 20, ...options.settings },
      ...(options.limits && { limits: options.limits }),
    });
    this.ready = new Promise((resolve, reject) => {
      this.onReady = { resolve, reject };
    });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      for (const event of this.session.receive(chunk, Date.now())) this.onEvent(event);
      this.flush();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.on("error", (error) =>
      this.fail(new NodeError("NODE_SOCKET_ERROR", error.message, { cause: error })),
    );
    socket.on("close", () => this.fail(new NodeError("NODE_SOCKET_ERROR", "the connection closed")));
    this.flush();
  }

  async request(options: H2RequestOptions): Promise<H2ClientResponse> {
    // Beyond the server's MAX_CONCURRENT_STREAMS, wait for one of ours to finish (§5.1.2).
    while (!this.failure && !this.session.canRequest && this.pending.size > 0) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.failure) throw this.failure;
    const fields: HeaderList = [
      [":method", options.method ?? "GET"],
      [":scheme", this.scheme],
      [":authority", this.authority],
      [":path", options.path ?? "/"],
    ];
    const extra = options.headers ?? [];
    for (const [name, value] of Array.isArray(extra) ? extra : Object.entries(extra)) {
      fields.push([name.toLowerCase(), String(value)]);
    }
    const body = typeof options.body === "string" ? encoder.encode(options.body) : options.body;
    const streamId = this.session.request(fields, { endStream: body === undefined });
    if (body !== undefined) this.session.sendData(streamId, body, { endStream: true });
    const response = new Promise<H2ClientResponse>((resolve, reject) => {
      this.pending.set(streamId, {
        resolve,
        reject,
        status: 0,
        headers: [],
        chunks: [],
        size: 0,
        trailers: undefined,
      });
    });
    this.scheduleFlush();
    return response;
  }

  private onEvent(event: Http2Event): void {
    const p = "streamId" in event ? this.pending.get(event.streamId) : undefined;
    switch (event.type) {
      case "settings":
        this.onReady?.resolve();
        this.onReady = undefined;
        return;
      case "headers":
        if (!p) return;
        {
          const status = Number(event.headers.find(([n]) => n === ":status")?.[1] ?? 0);
          if (status >= 200) {
            p.status = status;
            p.headers = event.headers;
          }
        }
        return;
      case "data":
        if (!p) return;
        // The body is collected for the caller: credit the window at once.
        p.chunks.push(event.data);
        p.size += event.data.length;
        this.session.consumed(event.streamId, event.data.length);
        return;
      case "trailers":
        if (p) p.trailers = event.headers;
        return;
      case "streamEnd":
        if (!p) return;
        this.settle(event.streamId);
        p.resolve({
          status: p.status,
          headers: p.headers,
          body: concat(p.chunks, p.size),
          trailers: p.trailers,
        });
        return;
      case "streamReset":
        if (!p) return;
        this.settle(event.streamId);
        p.reject(
          new NodeError("NODE_STREAM_RESET", `the server reset stream ${event.streamId}`, {
            wireCode: event.errorCode,
          }),
        );
        return;
      case "connectionError":
        this.fail(new NodeError("NODE_CONNECTION_ERROR", event.error.message, { cause: event.error }));
        return;
      case "goaway":
        if (event.errorCode !== 0) {
          this.fail(
            new NodeError("NODE_CONNECTION_ERROR", `the server sent GOAWAY with error ${event.errorCode}`),
          );
        }
        return;
      default:
        return;
    }
  }

  private settle(streamId: number): void {
    this.pending.delete(streamId);
    this.waiting.shift()?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.onReady?.reject(this.failure);
    this.onReady = undefined;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    for (const wake of this.waiting.splice(0)) wake();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.socket.destroyed) return;
    const out = this.session.dataToSend();
    if (out.length > 0) this.socket.write(out);
    if (this.session.closed && this.pending.size === 0) this.socket.end();
  }

  async close(): Promise<void> {
    if (!this.socket.destroyed) {
      this.session.goaway(0);
      this.flush();
      if (this.pending.size === 0) this.socket.end();
    }
    await this.closed;
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return new Uint8Array(chunks[0]!);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Connects to an HTTP/2 server: http:// with prior knowledge (h2c), https:// with TLS + ALPN h2. */
export function connectH2(url: string | URL, options: H2ClientOptions = {}): Promise<H2Client> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  if (!secure && target.protocol !== "http:") {
    return Promise.reject(
      new NodeError("NODE_INVALID_ARGUMENT", `connectH2 takes http:// or https://, got ${target.protocol}`),
    );
  }
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || (secure ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket: Socket = secure
      ? tlsConnect({
          host,
          port,
          ALPNProtocols: ["h2"],
          ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
          ...options.tls,
        })
      : netConnect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NodeError("NODE_SOCKET_ERROR", `connecting to ${target.host} timed out`));
    }, options.connectTimeout ?? 30_000);
    timer.unref();
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(
        new NodeError("NODE_SOCKET_ERROR", `connecting to ${target.host}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    socket.once("error", onError);
    socket.once(secure ? "secureConnect" : "connect", () => {
      socket.off("error", onError);
      if (secure && (socket as TLSSocket).alpnProtocol !== "h2") {
        clearTimeout(timer);
        socket.destroy();
        reject(new NodeError("NODE_HANDSHAKE_REJECTED", "the server did not negotiate h2 with ALPN"));
        return;
      }
      const connection = new H2ClientConnection(socket, secure ? "https" : "http", target.host, options);
      // Requests wait for the server's SETTINGS (§3.4), so MAX_CONCURRENT_STREAMS is known before any
      // stream opens: none is lost to REFUSED_STREAM on a new connection.
      connection.ready.then(
        () => {
          clearTimeout(timer);
          resolve(connection);
        },
        (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  });
}
