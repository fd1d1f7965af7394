/**
 * The outgoing frame queue of a session: frames are built whole (header + payload in one buffer),
 * masked with a fresh key when the session is a client (RFC 6455 §5.3), and handed out by `take()`.
 */
import { frameHeaderLength, writeFrameHeader } from "./frame";
import { mask } from "./mask";
import type { MaskKeyPool } from "./random";

export class Outbox {
  private readonly keys: MaskKeyPool | undefined;
  private chunks: Uint8Array[] = [];
  /** Bytes queued and not yet taken. */
  bytes = 0;

  /** `keys`: the client's masking-key source; undefined for a server, which never masks (§5.1). */
  constructor(keys: MaskKeyPool | undefined) {
    this.keys = keys;
  }

  /** Frames `payload` behind the header byte `first` and queues it. The payload is copied. */
  queue(first: number, payload: Uint8Array): void {
    const key = this.keys?.next();
    const headerLength = frameHeaderLength(payload.length, key !== undefined);
    const out = new Uint8Array(headerLength + payload.length);
    writeFrameHeader(out, 0, first, payload.length, key);
    out.set(payload, headerLength);
    if (key !== undefined) mask(out.subarray(headerLength), key);
    this.chunks.push(out);
    this.bytes += out.length;
  }

  /** Every queued frame, one buffer each; the queue is empty afterwards. */
  take(): Uint8Array[] {
    const chunks = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    return chunks;
  }
}
