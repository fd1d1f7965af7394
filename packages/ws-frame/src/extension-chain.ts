/**
 * The negotiated extensions of one session, in negotiated order (RFC 6455 §9): who owns which RSV bit,
 * the checks a received frame's RSV bits must pass (§5.2), the decoders of a received message, and the
 * transforms of an outgoing one.
 */
import { protocolError, WsFrameError } from "./errors";
import {
  type ExtensionFrameInfo,
  type ExtensionMessageDecoder,
  rsvMask,
  type WebSocketExtension,
} from "./extension";
import type { FrameHeader } from "./frame-parser";
import { Opcode } from "./opcode";

function frameInfo(header: FrameHeader): ExtensionFrameInfo {
  const { opcode, fin, rsv1, rsv2, rsv3 } = header;
  return {
    opcode,
    fin,
    rsv1,
    rsv2,
    rsv3,
    firstOfMessage: opcode === Opcode.TEXT || opcode === Opcode.BINARY,
  };
}

export class ExtensionChain {
  readonly extensions: readonly WebSocketExtension[];
  /** RSV bits (RSV1=4, RSV2=2, RSV3=1) owned by a negotiated extension. */
  private readonly owned: number;

  /** Throws WS_INVALID_ARGUMENT when two extensions claim the same RSV bit. */
  constructor(extensions: readonly WebSocketExtension[]) {
    this.extensions = extensions;
    let owned = 0;
    for (const ext of extensions) {
      const bits = rsvMask(ext.rsv);
      if ((owned & bits) !== 0) {
        throw new WsFrameError("WS_INVALID_ARGUMENT", `extension ${ext.name} claims an RSV bit another owns`);
      }
      owned |= bits;
    }
    this.owned = owned;
  }

  get empty(): boolean {
    return this.extensions.length === 0;
  }

  /** §5.2: RSV bits "MUST be 0 unless an extension is negotiated that defines meanings for non-zero values". */
  checkRsv(header: FrameHeader, rsv: number): void {
    if ((rsv & ~this.owned) !== 0) {
      throw protocolError("WS_RESERVED_BITS", "RSV bit set without a negotiated extension that defines it");
    }
    const info = frameInfo(header);
    for (const ext of this.extensions) if ((rsvMask(ext.rsv) & rsv) !== 0) ext.validateFrame?.(info);
  }

  /** Decoders of the extensions that transformed this message, in negotiated order (applied in reverse). */
  startDecoders(header: FrameHeader, maxOutput: number): ExtensionMessageDecoder[] | undefined {
    const info = frameInfo(header);
    const decoders: ExtensionMessageDecoder[] = [];
    for (const ext of this.extensions) {
      const decoder = ext.decodeMessage?.(info, { maxOutput });
      if (decoder) decoders.push(decoder);
    }
    return decoders.length === 0 ? undefined : decoders;
  }

  /** An outgoing message through every extension's encodeMessage, and the RSV bits they set. */
  encode(payload: Uint8Array, opcode: number): { payload: Uint8Array; rsv: number } {
    let rsv = 0;
    for (const ext of this.extensions) {
      if (!ext.encodeMessage) continue;
      const out = ext.encodeMessage(payload, { opcode });
      payload = out.payload;
      rsv |= rsvMask(out);
    }
    return { payload, rsv };
  }
}
