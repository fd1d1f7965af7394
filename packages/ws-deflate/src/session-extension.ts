/**
 * permessage-deflate inside a WebSocketSession (RFC 7692 §6): the @proto/ws-frame extension that owns
 * RSV1. RSV1 marks the first frame of a compressed message (§6); on a continuation or control frame it
 * fails the connection with 1002 (§6.1). Incoming compressed messages are inflated as their frames
 * arrive; outgoing messages at or above `threshold` bytes are compressed.
 */
import {
  type ExtensionFrameInfo,
  type ExtensionMessageDecoder,
  type WebSocketExtension,
  WsFrameError,
} from "@proto/ws-frame";
import type { DeflateCodec } from "./codec";
import { WsDeflateError } from "./errors";

/** Messages shorter than this many bytes are sent uncompressed by default (as `ws` does). */
export const DEFAULT_THRESHOLD = 1024;

/** A WsDeflateError as the WsFrameError the session fails the connection with. */
function toFrameError(error: unknown): unknown {
  if (!(error instanceof WsDeflateError)) return error;
  if (error.wireCode === 1009) {
    return new WsFrameError("WS_MESSAGE_TOO_LARGE", error.message, { wireCode: 1009, cause: error });
  }
  return new WsFrameError("WS_EXTENSION_ERROR", error.message, {
    wireCode: error.wireCode ?? 1007,
    cause: error,
  });
}

export class PerMessageDeflateExtension implements WebSocketExtension {
  readonly name = "permessage-deflate";
  readonly rsv = { rsv1: true } as const;
  readonly codec: DeflateCodec;
  readonly threshold: number;

  constructor(codec: DeflateCodec, threshold = DEFAULT_THRESHOLD) {
    this.codec = codec;
    this.threshold = threshold;
  }

  /** §6.1: RSV1 only on the first frame of a data message. */
  validateFrame(frame: ExtensionFrameInfo): void {
    if (!frame.rsv1 || frame.firstOfMessage) return;
    const what = frame.opcode === 0 ? "a continuation frame" : "a control frame";
    const cause = new WsDeflateError("WS_DEFLATE_MISPLACED_RSV1", `RSV1 set on ${what} (RFC 7692 §6.1)`, {
      wireCode: 1002,
    });
    throw new WsFrameError("WS_RESERVED_BITS", cause.message, { wireCode: 1002, cause });
  }

  /** §6.2: a message whose first frame has RSV1 is inflated; others pass through untouched. */
  decodeMessage(
    frame: ExtensionFrameInfo,
    limits: { maxOutput: number },
  ): ExtensionMessageDecoder | undefined {
    if (!frame.rsv1) return undefined;
    const inflater = this.codec.startMessage(limits.maxOutput);
    return {
      push(chunk, fin) {
        try {
          return inflater.push(chunk, fin);
        } catch (error) {
          throw toFrameError(error);
        }
      },
    };
  }

  /** §6.1: compress a message of at least `threshold` bytes and set RSV1 on its first frame. */
  encodeMessage(payload: Uint8Array): { payload: Uint8Array; rsv1?: boolean } {
    if (payload.length < this.threshold) return { payload };
    return { payload: this.codec.compress(payload), rsv1: true };
  }
}
