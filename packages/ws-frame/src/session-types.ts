/** Public types of WebSocketSession: options with their defaults, events, state. */
import { WsFrameError } from "./errors";
import type { WebSocketExtension } from "./extension";
import type { Role } from "./frame-parser";

export type { Role };

/** Fills `bytes` with cryptographically secure random values, like `crypto.getRandomValues`. */
export type RandomSource = (bytes: Uint8Array) => unknown;

export type SessionState = "open" | "closing" | "closed";

/** Defaults of the limits; each stops a named attack. */
export const SESSION_DEFAULTS = {
  /** Largest message (after extensions): 64 MiB. Stops memory exhaustion by one huge message. */
  maxMessageSize: 64 * 1024 * 1024,
  /** Largest frame payload: 64 MiB. Stops a header announcing an absurd length. */
  maxFramePayload: 64 * 1024 * 1024,
  /** Most frames in one message: 65,536. Stops endless tiny-fragment messages. */
  maxFragments: 65_536,
  /**
   * Most bytes held for unfinished frames and messages, counting 64 bytes of bookkeeping per held
   * piece: 72 MiB (a 64 MiB message in 65,536 fragments fits). Stops tiny fragments exhausting memory.
   */
  maxBufferedBytes: 72 * 1024 * 1024,
  /** Most automatic pongs queued before dataToSend() takes them: 32. Stops a ping flood. */
  maxPendingPongs: 32,
} as const;

export interface WebSocketSessionOptions {
  /** "client" masks what it sends and rejects masked frames; "server" the reverse (RFC 6455 §5.1). */
  role: Role;
  /** Default 64 MiB; a larger message fails with 1009. */
  maxMessageSize?: number;
  /** Default 64 MiB; a larger frame fails with 1009 as soon as its header arrives. */
  maxFramePayload?: number;
  /** Default 65,536; a message in more frames fails with 1009. */
  maxFragments?: number;
  /** Default 72 MiB; holding more for unfinished frames/messages fails with 1009. */
  maxBufferedBytes?: number;
  /** Default 32; more automatic pongs queued without dataToSend() fails with 1008. */
  maxPendingPongs?: number;
  /** Negotiated extensions, in the order of the Sec-WebSocket-Extensions response. */
  extensions?: WebSocketExtension[];
  /** Answer every ping with a pong carrying the same data (default true; RFC 6455 §5.5.2). */
  autoPong?: boolean;
  /** Source of masking keys for a client (default: crypto.getRandomValues, drawn in pooled batches). */
  randomSource?: RandomSource;
  /**
   * Deliver messages as they arrive, as `text-chunk` / `binary-chunk` events with `fin` on the last,
   * instead of one `text` / `binary` event per message (default false). Limits still apply.
   */
  streaming?: boolean;
  /**
   * Unmask received payloads inside the buffers given to `receive()` instead of copying them, and hand
   * out views of them (default false: your input is never modified). Set it when you pass buffers you
   * never reuse, such as Node socket chunks.
   */
  unmaskInPlace?: boolean;
  /**
   * Queue payloads of 16 KiB or more by reference instead of copying them into the frame, when they are
   * sent unmasked (a server); `dataToSendChunks()` then hands out the header and your buffer separately
   * (default false). Do not modify a buffer between sending it and taking the chunks.
   */
  zeroCopySend?: boolean;
}

export type WebSocketEvent =
  | { type: "text"; data: string }
  | { type: "binary"; data: Uint8Array }
  | { type: "text-chunk"; data: string; fin: boolean }
  | { type: "binary-chunk"; data: Uint8Array; fin: boolean }
  | { type: "ping"; data: Uint8Array }
  | { type: "pong"; data: Uint8Array }
  | {
      type: "close";
      /** The peer's code (1005 when its Close had none), or the code we failed the connection with. */
      code: number;
      reason: string;
      /** True when Close frames were exchanged; false when the connection was failed. */
      wasClean: boolean;
      /** The protocol violation, when we failed the connection. */
      error?: WsFrameError;
    };

/** Options of sendText/sendBinary. */
export interface SendOptions {
  /**
   * `false` sends this piece as a fragment of a message continued by later calls; the message ends with
   * a call that has `fin: true` (default). Extensions do not transform fragmented messages.
   */
  fin?: boolean;
}

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || (!Number.isInteger(value) && value !== Number.POSITIVE_INFINITY)) {
    throw new WsFrameError("WS_INVALID_ARGUMENT", `${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** The five limits of `options`, defaults filled in; throws WS_INVALID_ARGUMENT for a bad value. */
export function resolveLimits(options: WebSocketSessionOptions) {
  const d = SESSION_DEFAULTS;
  return {
    maxFramePayload: positiveLimit("maxFramePayload", options.maxFramePayload, d.maxFramePayload),
    maxMessageSize: positiveLimit("maxMessageSize", options.maxMessageSize, d.maxMessageSize),
    maxFragments: positiveLimit("maxFragments", options.maxFragments, d.maxFragments),
    maxBufferedBytes: positiveLimit("maxBufferedBytes", options.maxBufferedBytes, d.maxBufferedBytes),
    maxPendingPongs: positiveLimit("maxPendingPongs", options.maxPendingPongs, d.maxPendingPongs),
  };
}
