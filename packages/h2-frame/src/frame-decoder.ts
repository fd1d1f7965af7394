/**
 * FrameDecoder: bytes in any split → frames (RFC 9113 §4), checking every frame-level rule of §4-§6.
 *
 * - A frame longer than the max frame size fails as soon as its 9-byte header arrives, before any of
 *   its payload is held (§4.2, FRAME_SIZE_ERROR).
 * - A header block must be contiguous: after HEADERS or PUSH_PROMISE without END_HEADERS only
 *   CONTINUATION frames of the same stream may follow (§4.3, §6.10), checked from the header alone.
 * - Errors come in order: frames decoded before an error are returned by that push(), the error is thrown
 *   by the next one. After a stream error (`streamId` ≠ 0) the offending frame is consumed and the next
 *   push() (an empty chunk will do) goes on with the rest; after a connection error the decoder is done.
 * - Payloads are views into the pushed chunks when a frame arrives whole, copies otherwise.
 */
import { decodeContinuation } from "./continuation";
import { decodeData } from "./data";
import { connectionError, type Http2Error, invalid } from "./errors";
import type { Frame } from "./frame";
import { FRAME_HEADER_LENGTH, type FrameHeader, readFrameHeader } from "./frame-header";
import { decodeGoaway } from "./goaway";
import { decodeHeaders } from "./headers";
import { decodeOrigin } from "./origin";
import { decodePing } from "./ping";
import { decodePriority } from "./priority";
import { decodePriorityUpdate } from "./priority-update";
import { decodePushPromise } from "./push-promise";
import { DEFAULT_MAX_FRAME_SIZE, ErrorCode, Flags, FrameType, MAX_ALLOWED_FRAME_SIZE } from "./registries";
import { decodeRstStream } from "./rst-stream";
import { decodeSettings } from "./settings";
import { decodeUnknown } from "./unknown";
import { decodeWindowUpdate } from "./window-update";

export interface FrameDecoderOptions {
  /** Largest frame payload accepted: our SETTINGS_MAX_FRAME_SIZE (default 16384, §6.5.2). */
  maxFrameSize?: number;
}

const EMPTY = new Uint8Array(0);

/** Decodes one frame's payload according to its type. */
export function decodeFramePayload(h: FrameHeader, payload: Uint8Array): Frame {
  switch (h.type) {
    case FrameType.DATA:
      return decodeData(h, payload);
    case FrameType.HEADERS:
      return decodeHeaders(h, payload);
    case FrameType.PRIORITY:
      return decodePriority(h, payload);
    case FrameType.RST_STREAM:
      return decodeRstStream(h, payload);
    case FrameType.SETTINGS:
      return decodeSettings(h, payload);
    case FrameType.PUSH_PROMISE:
      return decodePushPromise(h, payload);
    case FrameType.PING:
      return decodePing(h, payload);
    case FrameType.GOAWAY:
      return decodeGoaway(h, payload);
    case FrameType.WINDOW_UPDATE:
      return decodeWindowUpdate(h, payload);
    case FrameType.CONTINUATION:
      return decodeContinuation(h, payload);
    case FrameType.PRIORITY_UPDATE:
      return decodePriorityUpdate(h, payload);
    case FrameType.ORIGIN:
      return decodeOrigin(h, payload);
    default:
      return decodeUnknown(h, payload);
  }
}

export class FrameDecoder {
  private maxFrameSize: number;
  private readonly headerBytes = new Uint8Array(FRAME_HEADER_LENGTH);
  private have = 0;
  private current: FrameHeader | undefined;
  private buffer: Uint8Array | undefined;
  private got = 0;
  /** Unparsed input after an error, parsed by the next push(). */
  private leftover: Uint8Array | undefined;
  private pending: Http2Error | undefined;
  private dead: Http2Error | undefined;
  /** Stream whose header block is open (HEADERS/PUSH_PROMISE without END_HEADERS), or 0. */
  private openBlock = 0;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
    this.setMaxFrameSize(options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE);
  }

  /** Our SETTINGS_MAX_FRAME_SIZE changed (after the peer acknowledged it). */
  setMaxFrameSize(n: number): void {
    if (!Number.isInteger(n) || n < DEFAULT_MAX_FRAME_SIZE || n > MAX_ALLOWED_FRAME_SIZE) {
      throw invalid(`maxFrameSize ${n} is outside 16384..16777215`);
    }
    this.maxFrameSize = n;
  }

  /** True when no partial frame is held. */
  get idle(): boolean {
    return this.current === undefined && this.have === 0 && this.leftover === undefined;
  }

  /** Decodes `chunk` and returns the frames it completes. See the class comment for errors. */
  push(chunk: Uint8Array): Frame[] {
    if (this.dead) throw this.dead;
    let input =
      chunk.constructor === Uint8Array
        ? chunk
        : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.leftover) {
      const joined = new Uint8Array(this.leftover.length + input.length);
      joined.set(this.leftover);
      joined.set(input, this.leftover.length);
      input = joined;
      this.leftover = undefined;
    }
    if (this.pending) {
      const error = this.pending;
      this.pending = undefined;
      this.keep(input, 0);
      if (error.streamId === 0) this.dead = error;
      throw error;
    }
    const out: Frame[] = [];
    let pos = 0;
    while (pos < input.length) {
      let h = this.current;
      if (h === undefined) {
        if (this.have === 0 && input.length - pos >= FRAME_HEADER_LENGTH) {
          h = readFrameHeader(input, pos);
          pos += FRAME_HEADER_LENGTH;
        } else {
          const take = Math.min(FRAME_HEADER_LENGTH - this.have, input.length - pos);
          this.headerBytes.set(input.subarray(pos, pos + take), this.have);
          this.have += take;
          pos += take;
          if (this.have < FRAME_HEADER_LENGTH) break;
          this.have = 0;
          h = readFrameHeader(this.headerBytes, 0);
        }
        const early = this.checkHeader(h);
        if (early) return this.fail(early, out, input, pos);
        this.current = h;
        this.got = 0;
        this.buffer = undefined;
      }
      let payload: Uint8Array;
      if (this.got === 0 && input.length - pos >= h.length) {
        payload = h.length === 0 ? EMPTY : input.subarray(pos, pos + h.length);
        pos += h.length;
      } else {
        this.buffer ??= new Uint8Array(h.length);
        const take = Math.min(h.length - this.got, input.length - pos);
        this.buffer.set(input.subarray(pos, pos + take), this.got);
        this.got += take;
        pos += take;
        if (this.got < h.length) break;
        payload = this.buffer;
      }
      this.current = undefined;
      this.buffer = undefined;
      try {
        out.push(decodeFramePayload(h, payload));
      } catch (error) {
        return this.fail(error as Http2Error, out, input, pos);
      }
    }
    return out;
  }

  /** What the 9-byte header alone decides: the size limit and header-block contiguity. */
  private checkHeader(h: FrameHeader): Http2Error | undefined {
    // §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined
    // in SETTINGS_MAX_FRAME_SIZE". Decided before the payload is held; a connection error, since the
    // payload is never read.
    if (h.length > this.maxFrameSize) {
      return connectionError(
        "H2_FRAME_TOO_LARGE",
        `a frame of ${h.length} octets exceeds ${this.maxFrameSize}`,
        ErrorCode.FRAME_SIZE_ERROR,
      );
    }
    if (this.openBlock !== 0) {
      // §6.10: "... CONTINUATION frames ... MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame
      // without the END_HEADERS flag set"; §4.3: a field block is a contiguous sequence of frames, "with no
      // interleaved frames of any other type or from any other stream".
      if (h.type !== FrameType.CONTINUATION || h.streamId !== this.openBlock) {
        return connectionError(
          "H2_CONTINUATION_EXPECTED",
          `expected CONTINUATION on stream ${this.openBlock}`,
        );
      }
    } else if (h.type === FrameType.CONTINUATION) {
      return connectionError("H2_CONTINUATION_UNEXPECTED", "CONTINUATION without an open header block");
    }
    if (
      h.type === FrameType.HEADERS ||
      h.type === FrameType.PUSH_PROMISE ||
      h.type === FrameType.CONTINUATION
    ) {
      this.openBlock = h.flags & Flags.END_HEADERS ? 0 : h.streamId;
    }
    return undefined;
  }

  /** Returns the frames before `error` now and throws it next time, or throws it now if there are none. */
  private fail(error: Http2Error, out: Frame[], input: Uint8Array, pos: number): Frame[] {
    this.current = undefined;
    this.buffer = undefined;
    this.keep(input, pos);
    if (out.length > 0) {
      this.pending = error;
      return out;
    }
    if (error.streamId === 0) this.dead = error;
    throw error;
  }

  private keep(input: Uint8Array, pos: number): void {
    this.leftover = pos < input.length ? new Uint8Array(input.subarray(pos)) : undefined;
  }
}
