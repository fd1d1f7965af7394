/**
 * The outgoing frame queue of a session: frames are built whole (header + payload in one buffer),
 * masked with a fresh key when the session is a client (RFC 6455 §5.3), and handed out by `take()`.
 */
import { buildFrame, frameHeaderLength, writeFrameHeader } from "./frame";
import type { MaskKeyPool } from "./random";

/** Below this a copy into one frame buffer is cheaper than a second chunk to write. */
const ZERO_COPY_MIN = 16 * 1024;

export class Outbox {
  private readonly keys: MaskKeyPool | undefined;
  private chunks: Uint8Array[] = [];
  /** Bytes queued and not yet taken. */
  bytes = 0;

  private readonly zeroCopy: boolean;

  /**
   * `keys`: the client's masking-key source; undefined for a server, which never masks (§5.1).
   * `zeroCopy`: queue large unmasked payloads by reference.
   */
  constructor(keys: MaskKeyPool | undefined, zeroCopy = false) {
    this.keys = keys;
    this.zeroCopy = zeroCopy;
  }

  /**
   * Frames `payload` behind the header byte `first` and queues it. The payload is copied, except a large
   * unmasked one with zeroCopy, which is queued by reference after its header.
   */
  queue(first: number, payload: Uint8Array): void {
    const key = this.keys?.next();
    if (this.zeroCopy && key === undefined && payload.length >= ZERO_COPY_MIN) {
      const header = new Uint8Array(frameHeaderLength(payload.length, false));
      writeFrameHeader(header, 0, first, payload.length, undefined);
      this.chunks.push(header, payload);
      this.bytes += header.length + payload.length;
      return;
    }
    const out = buildFrame(first, payload, key);
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
