/**
 * FrameDecoder: bytes in any split → complete frames (RFC 6455 §5.2), payloads unmasked. It checks
 * every rule one frame must obey (reserved opcodes, control frames, masking by role, minimal lengths,
 * maxFramePayload) and throws a WsFrameError carrying the close code. Rules across frames (fragment
 * order, RSV ownership, UTF-8) are the session's.
 */

import type { WsFrameError } from "./errors";
import type { Frame } from "./frame";
import {
  DEFAULT_MAX_FRAME_PAYLOAD,
  type FrameHeader,
  FrameParser,
  type FrameSink,
  type Role,
} from "./frame-parser";
import { Assembler, unmaskCopy } from "./payload";

export interface FrameDecoderOptions {
  /** Which end decodes: a "server" decodes client frames (masked), a "client" server frames (unmasked). */
  role: Role;
  /** Largest frame payload accepted (default 64 MiB); larger frames fail with 1009. */
  maxFramePayload?: number;
}

export class FrameDecoder implements FrameSink {
  private readonly parser: FrameParser;
  private assembler: Assembler | undefined;
  private out: Frame[] = [];
  private failure: WsFrameError | undefined;

  constructor(options: FrameDecoderOptions) {
    this.parser = new FrameParser(options.role, options.maxFramePayload ?? DEFAULT_MAX_FRAME_PAYLOAD);
  }

  /** True when no partial frame is held. */
  get idle(): boolean {
    return this.parser.atFrameBoundary;
  }

  /**
   * Decodes `chunk` and returns the frames it completes (possibly none). Throws a WsFrameError on a
   * violation; the decoder then stays failed and throws the same error again.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.failure) throw this.failure;
    try {
      this.parser.parse(chunk, this);
    } catch (error) {
      this.failure = error as WsFrameError;
      this.out = [];
      throw error;
    }
    const frames = this.out;
    this.out = [];
    return frames;
  }

  /** @internal FrameSink */
  frameStart(_header: FrameHeader): void {
    this.assembler = undefined;
  }

  /** @internal FrameSink */
  framePayload(header: FrameHeader, raw: Uint8Array, position: number, last: boolean): void {
    let payload: Uint8Array;
    if (last && position === 0) {
      // The whole payload in one piece: one copy for a masked frame, a view for an unmasked one.
      payload = header.masked ? unmaskCopy(header, raw, 0) : raw;
    } else {
      this.assembler ??= new Assembler(header.length);
      this.assembler.appendRaw(header, raw, position);
      if (!last) return;
      payload = this.assembler.take();
      this.assembler = undefined;
    }
    this.out.push({
      fin: header.fin,
      rsv1: header.rsv1,
      rsv2: header.rsv2,
      rsv3: header.rsv3,
      opcode: header.opcode,
      masked: header.masked,
      payload,
    });
  }
}
