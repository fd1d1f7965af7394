/** One stream's record (RFC 9113 §5): its state, both windows, queued output and what was received. */
import type { HeaderList } from "./fields";
import type { StreamState } from "./stream-state";

export class Http2Stream {
  state: StreamState = "idle";
  /** §6.9: what we may still send on this stream. May go negative after a SETTINGS change (§6.9.2). */
  sendWindow: number;
  /** What the peer may still send before we grant more. */
  recvWindow: number;
  /** Bytes the application consumed and we have not yet returned in a WINDOW_UPDATE. */
  unacked = 0;
  /** Output waiting for flow control. */
  readonly queue: Uint8Array[] = [];
  queued = 0;
  /** END_STREAM once the queue drains (sendData with endStream), and trailers after it. */
  endAfterQueue = false;
  trailers: HeaderList | undefined;
  /** We have ended our side (END_STREAM queued or sent, or a reset). */
  localEnded = false;
  /** Our request, or our final (non-1xx) response, has been sent. */
  headersSent = false;
  /** Initial (final, for responses) header section received. */
  headersReceived = false;
  /** The request's method (HEAD responses carry no body, §8.1.1). */
  method: string | undefined;
  contentLength: number | undefined;
  received = 0;
  /** RFC 9218 priority field value, when signalled. */
  priority: string | undefined;
  /** Scheduled for the DATA round-robin. */
  ready = false;

  constructor(
    readonly id: number,
    readonly local: boolean,
    sendWindow: number,
    recvWindow: number,
  ) {
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
  }
}
