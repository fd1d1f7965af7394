/**
 * @proto/node: Node.js bindings for the @proto WebSocket packages: a WebSocket server (standalone or on
 * an http.Server) and client for ws:// and wss://, with heartbeats, backpressure and a closing timeout.
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
