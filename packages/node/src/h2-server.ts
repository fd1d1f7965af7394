/**
 * createH2Server: an HTTP/2 server built only on @proto/h2-session. Cleartext with prior knowledge (h2c,
 * RFC 9113 §3.3), or TLS with ALPN "h2" (§3.2) when given a key and certificate. Each connection is one
 * Http2Session; each request stream calls the handler with an H2Request and an H2Response.
 */
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from "node:tls";
import { type Http2Event, type Http2Limits, Http2Session, type Http2Settings } from "@proto/h2-session";
import { NodeError } from "./errors";
import { type ExchangeHost, H2Request, H2Response } from "./h2-exchange";

export type H2Handler = (req: H2Request, res: H2Response) => void | Promise<void>;

export interface H2ServerOptions {
  port?: number;
  host?: string;
  /** PEM key and certificate: TLS with ALPN h2. Without them, h2c with prior knowledge. */
  key?: string | Uint8Array;
  cert?: string | Uint8Array;
  /** Our SETTINGS (see @proto/h2-session; default 100 concurrent streams, 64 KiB header lists). */
  settings?: Partial<Http2Settings>;
  /** @proto/h2-session's flood and resource limits. */
  limits?: Partial<Http2Limits>;
  /** Milliseconds close() waits for open streams before destroying connections (default 5000). */
  closeTimeout?: number;
}

const INTERNAL_ERROR = 0x2;

/** One accepted connection: socket bytes in, session events to the handler, session bytes out. */
class H2ServerConnection implements ExchangeHost {
  readonly session: Http2Session;
  private readonly exchanges = new Map<number, { req: H2Request; res: H2Response }>();
  private flushQueued = false;

  constructor(
    private readonly socket: Socket,
    private readonly handler: H2Handler,
    options: H2ServerOptions,
  ) {
    this.session = new Http2Session({
      role: "server",
      ...(options.settings && { settings: options.settings }),
      ...(options.limits && { limits: options.limits }),
    });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.onClose());
    this.flush();
  }

  private onData(chunk: Buffer): void {
    const events = this.session.receive(chunk, Date.now());
    for (const event of events) this.onEvent(event);
    this.flush();
  }

  private onEvent(event: Http2Event): void {
    switch (event.type) {
      case "headers": {
        const req = new H2Request(this, event.streamId, event.headers);
        const res = new H2Response(this, event.streamId, req);
        this.exchanges.set(event.streamId, { req, res });
        if (event.endStream) req.end();
        this.run(req, res);
        return;
      }
      case "data":
        this.exchanges.get(event.streamId)?.req.push(event.data);
        return;
      case "trailers":
        this.exchanges.get(event.streamId)?.req.end(event.headers);
        return;
      case "streamEnd": {
        const exchange = this.exchanges.get(event.streamId);
        exchange?.req.end();
        if (exchange?.res.finished) this.exchanges.delete(event.streamId);
        return;
      }
      case "streamReset": {
        const exchange = this.exchanges.get(event.streamId);
        if (!exchange) return;
        this.exchanges.delete(event.streamId);
        exchange.res.close();
        exchange.req.abort(
          new NodeError("NODE_STREAM_RESET", `the client reset stream ${event.streamId}`, {
            wireCode: event.errorCode,
          }),
        );
        return;
      }
      case "connectionError":
        this.abortAll(new NodeError("NODE_CONNECTION_ERROR", event.error.message, { cause: event.error }));
        return;
      default:
        return;
    }
  }

  /** Calls the handler; a throw or rejection answers 500, or resets the stream once headers went out. */
  private run(req: H2Request, res: H2Response): void {
    const fail = () => {
      if (res.finished) return;
      try {
        res.respond(500, [], { endStream: true });
      } catch {
        this.session.resetStream(res.streamId, INTERNAL_ERROR);
        this.scheduleFlush();
      }
    };
    try {
      const result = this.handler(req, res);
      if (result && typeof (result as Promise<void>).then === "function")
        (result as Promise<void>).catch(fail);
    } catch {
      fail();
    }
  }

  scheduleFlush(): void {
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
    for (const [id, { res }] of this.exchanges) {
      if (res.finished && this.session.streamState(id) === "closed") this.exchanges.delete(id);
    }
    if (this.session.closed) this.socket.end();
  }

  /** Graceful shutdown (§6.8): GOAWAY, then the socket ends once the open streams are done. */
  shutdown(): void {
    this.session.goaway(0);
    this.flush();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private abortAll(error: Error): void {
    for (const { req, res } of this.exchanges.values()) {
      res.close();
      req.abort(error);
    }
    this.exchanges.clear();
  }

  private onClose(): void {
    this.abortAll(new NodeError("NODE_SOCKET_ERROR", "the connection closed"));
  }
}

export class H2Server {
  private readonly server: NetServer | TlsServer;
  private readonly connections = new Set<H2ServerConnection>();
  private readonly options: H2ServerOptions;

  constructor(options: H2ServerOptions, handler: H2Handler) {
    if (typeof handler !== "function")
      throw new NodeError("NODE_INVALID_ARGUMENT", "a handler function is required");
    if ((options.key === undefined) !== (options.cert === undefined)) {
      throw new NodeError("NODE_INVALID_ARGUMENT", "give both key and cert for TLS, or neither for h2c");
    }
    this.options = options;
    const accept = (socket: Socket) => {
      const connection = new H2ServerConnection(socket, handler, options);
      this.connections.add(connection);
      socket.on("close", () => this.connections.delete(connection));
    };
    if (options.key !== undefined && options.cert !== undefined) {
      this.server = createTlsServer({
        key: options.key as string,
        cert: options.cert as string,
        ALPNProtocols: ["h2"],
      });
      this.server.on("secureConnection", (socket: TLSSocket) => {
        // §3.2: "h2" must be negotiated; anything else is not HTTP/2 (we speak no HTTP/1.1 here).
        if (socket.alpnProtocol !== "h2") {
          socket.destroy();
          return;
        }
        accept(socket);
      });
      this.server.on("tlsClientError", () => {});
    } else {
      this.server = createNetServer(accept);
    }
  }

  /** Starts listening on the options' port and host; resolves with the bound address. */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, this.options.host, () => {
        this.server.off("error", reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo | null {
    return this.server.address() as AddressInfo | null;
  }

  /** GOAWAY to every connection, stop accepting; resolves once all connections are closed. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.shutdown();
    const timer = setTimeout(() => {
      for (const connection of this.connections) connection.destroy();
    }, this.options.closeTimeout ?? 5000);
    timer.unref();
    return closed.finally(() => clearTimeout(timer));
  }
}

/** An HTTP/2 server: h2c with prior knowledge, or TLS + ALPN h2 with `key` and `cert`. */
export function createH2Server(options: H2ServerOptions, handler: H2Handler): H2Server {
  return new H2Server(options, handler);
}
