/**
 * The extension interface (RFC 6455 §9): how a negotiated extension such as permessage-deflate
 * (RFC 7692, @proto/ws-deflate) plugs into a WebSocketSession. An extension owns RSV bits; a frame with
 * an RSV bit no extension owns fails the connection with 1002 (§5.2).
 *
 * Negotiation (the Sec-WebSocket-Extensions header) belongs to @proto/ws-handshake; what it returns is a
 * list of these objects, given to `new WebSocketSession({ extensions })` in negotiated order.
 */
import type { WsFrameError } from "./errors";

/** Which RSV bits a frame has set, or an extension owns. */
export interface RsvBits {
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
}

export const RSV1 = 4;
export const RSV2 = 2;
export const RSV3 = 1;

/** RSV bits as a mask (RSV1 = 4, RSV2 = 2, RSV3 = 1). */
export function rsvMask(bits: RsvBits): number {
  return (bits.rsv1 ? RSV1 : 0) | (bits.rsv2 ? RSV2 : 0) | (bits.rsv3 ? RSV3 : 0);
}

/** What an extension is told about a received frame that has one of its RSV bits set. */
export interface ExtensionFrameInfo {
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  /** True for the first frame of a data message (text/binary opcode, not a continuation). */
  firstOfMessage: boolean;
}

/** A streaming decoder for one incoming message, created by `WebSocketExtension.decodeMessage`. */
export interface ExtensionMessageDecoder {
  /**
   * Takes the next piece of the (still transformed) message payload and returns the decoded bytes it
   * yields. `fin` is true with the last piece. Must throw a WsFrameError (1009 when the output would pass
   * `maxOutput`, checked while decoding, before the memory is spent; 1007 for corrupt data).
   */
  push(chunk: Uint8Array, fin: boolean): Uint8Array[];
}

export interface WebSocketExtension {
  /** The registered extension token, e.g. "permessage-deflate". */
  readonly name: string;
  /** The RSV bits this extension owns on the wire. */
  readonly rsv: RsvBits;
  /**
   * Checks a received frame that has at least one RSV bit this extension owns; throws a WsFrameError
   * (e.g. 1002 for RSV1 on a continuation or control frame) to fail the connection.
   */
  validateFrame?(frame: ExtensionFrameInfo): void;
  /**
   * Called at the first frame of each received data message. Returns a decoder when this extension
   * transformed the message (e.g. RSV1 set), or undefined to pass the payload through.
   * `maxOutput` is how many decoded bytes the session still accepts (maxMessageSize).
   */
  decodeMessage?(
    frame: ExtensionFrameInfo,
    limits: { maxOutput: number },
  ): ExtensionMessageDecoder | undefined;
  /**
   * Transforms an outgoing message payload; returns the bytes to send and the RSV bits to set on its
   * first frame. Called for every text/binary message sent, in negotiated order.
   */
  encodeMessage?(payload: Uint8Array, info: { opcode: number }): { payload: Uint8Array } & RsvBits;
}

/** Thrown by extensions; re-exported for their authors. */
export type { WsFrameError };
