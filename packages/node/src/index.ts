/**
 * @proto/node: Node.js bindings for the @proto packages: a WebSocket server (standalone or on an
 * http.Server) and client for ws:// and wss://, with heartbeats, backpressure, compression and a closing
 * timeout; and an HTTP/2 server (h2c and TLS + ALPN h2) and client over @proto/h2-session.
 * The only @proto package that touches node:net, node:http, node:tls and node:https.
 * @packageDocumentation
 */
export { type ConnectOptions, connectWebSocket } from "./client";
export {
  type ConnectionState,
  WebSocketConnection,
  type WebSocketConnectionEvents,
  type WebSocketConnectionOptions,
} from "./connection";
export { NodeError, type NodeErrorCode, type NodeErrorOptions } from "./errors";
export {
  connectH2,
  type H2Client,
  type H2ClientOptions,
  type H2ClientResponse,
  type H2RequestOptions,
} from "./h2-client";
export { type BodyChunk, H2Request, H2Response } from "./h2-exchange";
export { createH2Server, type H2Handler, H2Server, type H2ServerOptions } from "./h2-server";
export {
  type CompressionOption,
  type ConnectionTuning,
  type HeartbeatOptions,
  NODE_DEFAULTS,
} from "./options";
export {
  createWebSocketServer,
  WebSocketServer,
  type WebSocketServerEvents,
  type WebSocketServerOptions,
} from "./server";
