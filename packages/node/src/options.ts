/** Options shared by the server and the client, their defaults, and the checks that guard them. */
import { type PermessageDeflateOptions, permessageDeflate, WsDeflateError } from "@proto/ws-deflate";
import { SESSION_DEFAULTS } from "@proto/ws-frame";
import type { HandshakeExtension } from "@proto/ws-handshake";
import { NodeError } from "./errors";

/** Defaults of @proto/node's limits and timers; each names what it stops. */
export const NODE_DEFAULTS = {
  /** Largest message: 64 MiB (the session's default). Stops memory exhaustion by one message. */
  maxMessageSize: SESSION_DEFAULTS.maxMessageSize,
  /** Time for the peer to finish the closing handshake: 10 s. Stops half-closed sockets piling up. */
  closeTimeout: 10_000,
  /** Largest HTTP head (request line or status line plus headers): 16 KiB. Stops header floods. */
  maxHeadSize: 16 * 1024,
  /** Time for the server's 101 response to arrive: 30 s. Stops a silent server holding a client forever. */
  handshakeTimeout: 30_000,
  /** Unanswered heartbeat pings before the connection is terminated: 2. */
  heartbeatMaxMissed: 2,
} as const;

/**
 * Heartbeat (心跳): ping every `interval` ms. A ping still unanswered when the next one is due counts as
 * missed; after `maxMissed` (default 2) missed in a row the connection is terminated and `close` is
 * emitted with 1006. Any pong resets the count.
 */
export interface HeartbeatOptions {
  interval: number;
  maxMissed?: number;
}

/**
 * permessage-deflate (RFC 7692, @proto/ws-deflate with node:zlib). `true` uses the defaults; an object
 * sets the negotiation (`serverNoContextTakeover`, `clientNoContextTakeover`, `serverMaxWindowBits`,
 * `clientMaxWindowBits`) and tuning: `threshold` (default 1024: smaller messages go uncompressed),
 * `level` (zlib's, default 6), `memLevel` (default 8). Off by default on the server and offered by default
 * by the client, as in `ws`. Decompressed messages count against `maxMessageSize` while they inflate.
 */
export type CompressionOption = boolean | PermessageDeflateOptions;

/** Options every connection takes, on either side. */
export interface ConnectionTuning {
  /** Largest message accepted (default 64 MiB); a larger one closes the connection with 1009. */
  maxMessageSize?: number;
  /** Ping the peer periodically and terminate it when it stops answering (off by default). */
  heartbeat?: HeartbeatOptions;
  /** Milliseconds to wait for the peer to finish the closing handshake before destroying the socket (default 10 s). */
  closeTimeout?: number;
}

/** A positive finite number, or the fallback when undefined. */
export function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined && Number.isFinite(fallback)) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new NodeError("NODE_INVALID_ARGUMENT", `${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/** A positive integer, or the fallback when undefined. */
export function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const checked = positive(name, value, fallback);
  if (!Number.isInteger(checked)) {
    throw new NodeError("NODE_INVALID_ARGUMENT", `${name} must be an integer, got ${checked}`);
  }
  return checked;
}

/**
 * The handshake extensions for a `compression` option: none when false, permessage-deflate when true or
 * an object; unset means `byDefault` (false on the server, true on the client). Bad options throw
 * NODE_INVALID_ARGUMENT with @proto/ws-deflate's error as `cause`.
 */
export function compressionExtensions(
  compression: CompressionOption | undefined,
  byDefault: boolean,
): HandshakeExtension[] {
  const option = compression ?? byDefault;
  if (option === false) return [];
  try {
    return [permessageDeflate(option === true ? {} : option)];
  } catch (error) {
    if (!(error instanceof WsDeflateError)) throw error;
    throw new NodeError("NODE_INVALID_ARGUMENT", `compression: ${error.message}`, { cause: error });
  }
}

/** Validated connection options with defaults applied. */
export interface ResolvedTuning {
  maxMessageSize: number;
  closeTimeout: number;
  heartbeat: Required<HeartbeatOptions> | undefined;
}

export function resolveTuning(options: ConnectionTuning): ResolvedTuning {
  const hb = options.heartbeat;
  return {
    maxMessageSize: positiveInteger("maxMessageSize", options.maxMessageSize, NODE_DEFAULTS.maxMessageSize),
    closeTimeout: positive("closeTimeout", options.closeTimeout, NODE_DEFAULTS.closeTimeout),
    heartbeat:
      hb === undefined
        ? undefined
        : {
            interval: positive("heartbeat.interval", hb.interval, Number.NaN), // required
            maxMissed: positiveInteger("heartbeat.maxMissed", hb.maxMissed, NODE_DEFAULTS.heartbeatMaxMissed),
          },
  };
}
