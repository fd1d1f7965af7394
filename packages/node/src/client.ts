/**
 * connectWebSocket: the client's opening handshake (RFC 6455 §4.1) over node:net (ws://) or node:tls
 * (wss://). @proto/ws-handshake builds the request and verifies the response; this file only moves the
 * bytes: write the request, collect the response head, hand the bytes after it to the connection.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from "node:tls";
import { createClientHandshake, HandshakeError, parseResponseHead } from "@proto/ws-handshake";
import { WebSocketConnection } from "./connection";
import { NodeError } from "./errors";
import {
  type CompressionOption,
  type ConnectionTuning,
  compressionExtensions,
  NODE_DEFAULTS,
  positive,
  positiveInteger,
  resolveTuning,
} from "./options";

export interface ConnectOptions extends ConnectionTuning {
  /** Subprotocols to offer, most preferred first; the chosen one is `connection.protocol`. */
  protocols?: string[];
  /** The Origin header (browsers always send one; optional here). */
  origin?: string;
  /** Extra request header fields (the handshake's own fields cannot be overridden). */
  headers?: Record<string, string> | Array<[string, string]>;
  /** permessage-deflate (RFC 7692): offered by default; `false` to not offer it, or options. */
  compression?: CompressionOption;
  /** Milliseconds from connecting until the whole response head has arrived (default 30 s). */
  handshakeTimeout?: number;
  /** Largest response head accepted, in bytes (default 16 KiB). */
  maxHeadSize?: number;
  /**
   * Options for node:tls `connect` with wss:// (`ca`, `cert`, `key`, `rejectUnauthorized`, ...).
   * `host`, `port` come from the URL; `servername` (SNI) defaults to the URL's host unless it is an IP.
   */
  tls?: TlsConnectionOptions;
}

/**
 * Opens a WebSocket connection to `url` (ws://, wss://, http:// or https://). Resolves once the server's
 * 101 response is verified; rejects with a NodeError: NODE_HANDSHAKE_REJECTED (with `status` and
 * `handshakeCode`), NODE_HANDSHAKE_TIMEOUT or NODE_SOCKET_ERROR (with Node's error as `cause`), or a
 * HandshakeError (HS_INVALID_ARGUMENT) for a bad URL or option.
 */
export async function connectWebSocket(
  url: string | URL,
  options: ConnectOptions = {},
): Promise<WebSocketConnection> {
  const extensions = compressionExtensions(options.compression, true);
  const tuning = resolveTuning(options);
  const handshakeTimeout = positive(
    "handshakeTimeout",
    options.handshakeTimeout,
    NODE_DEFAULTS.handshakeTimeout,
  );
  const maxHeadSize = positiveInteger("maxHeadSize", options.maxHeadSize, NODE_DEFAULTS.maxHeadSize);
  const handshake = createClientHandshake({
    url,
    ...(options.protocols && { protocols: options.protocols }),
    ...(options.origin !== undefined && { origin: options.origin }),
    ...(options.headers && { headers: options.headers }),
    extensions,
  });
  const { host, port } = handshake;

  return new Promise<WebSocketConnection>((resolve, reject) => {
    const socket: Socket = handshake.secure
      ? tlsConnect({
          ALPNProtocols: ["http/1.1"],
          ...options.tls,
          host,
          port,
          // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in "HostName"."
          servername: options.tls?.servername ?? (isIP(host) === 0 ? host : undefined),
        })
      : netConnect({ host, port });
    let received: Uint8Array = new Uint8Array(0);

    const timer = setTimeout(() => {
      fail(new NodeError("NODE_HANDSHAKE_TIMEOUT", `no handshake response within ${handshakeTimeout} ms`));
    }, handshakeTimeout);
    timer.unref();

    const cleanup = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    const fail = (error: Error) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error) => {
      fail(
        new NodeError("NODE_SOCKET_ERROR", `connecting to ${String(url)}: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const onClose = () => {
      fail(new NodeError("NODE_SOCKET_ERROR", "the connection closed before the handshake completed"));
    };
    const onData = (chunk: Uint8Array) => {
      received = concat(received, chunk);
      let parsed: ReturnType<typeof parseResponseHead>;
      try {
        // Linear in what has arrived and bounded: past maxHeadSize the parser throws (431).
        parsed = parseResponseHead(received, { maxHeadSize });
      } catch (error) {
        const code = error instanceof HandshakeError ? error.code : undefined;
        fail(
          new NodeError(
            "NODE_HANDSHAKE_REJECTED",
            `unreadable handshake response: ${(error as Error).message}`,
            {
              cause: error,
              ...(code && { handshakeCode: code }),
            },
          ),
        );
        return;
      }
      if (parsed === null) return;
      const verdict = handshake.verify(parsed.head);
      if (!verdict.ok) {
        fail(
          new NodeError("NODE_HANDSHAKE_REJECTED", `handshake rejected: ${verdict.reason}`, {
            status: verdict.status,
            handshakeCode: verdict.code,
          }),
        );
        return;
      }
      cleanup();
      // Bytes after the head are the first WebSocket frames (the server may send at once).
      resolve(
        new WebSocketConnection(socket, {
          role: "client",
          protocol: verdict.protocol,
          extensions: verdict.extensions,
          head: received.subarray(parsed.bytesConsumed),
          maxMessageSize: tuning.maxMessageSize,
          closeTimeout: tuning.closeTimeout,
          ...(tuning.heartbeat && { heartbeat: tuning.heartbeat }),
        }),
      );
    };

    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.write(handshake.request);
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
