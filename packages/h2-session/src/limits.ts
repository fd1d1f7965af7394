/**
 * The session's limits (RFC 9113 §10.5 "Denial-of-Service Considerations"): each a named option with a
 * documented default, each naming the attack it stops. Rates count events within `rateWindow` ms of the
 * `now` given to `receive`; without `now` they count from the start of the connection.
 */
export interface Http2Limits {
  /** CONTINUATION frames in one field block (CVE-2024-27316). Default 32. */
  maxContinuationFrames: number;
  /** Bytes of one compressed field block, HEADERS + CONTINUATION (CVE-2024-27316). Default 256 KiB. */
  maxHeaderBlockSize: number;
  /**
   * Hard ceiling on one decoded field section (HPACK bomb): past it HPACK stops decoding and the
   * connection ends. Default 4 × maxHeaderListSize (at least 64 KiB). Between maxHeaderListSize and this,
   * only the stream is refused.
   */
  maxDecodedHeaderListSize: number;
  /** Fields in one section. Default 1024. */
  maxHeaderFields: number;
  /** Peer RST_STREAMs of streams whose response was not complete, per window (Rapid Reset, CVE-2023-44487). Default 1000. */
  maxRapidResets: number;
  /** Stream errors the peer causes us to send, per window ("MadeYouReset"). Default 1000. */
  maxStreamErrors: number;
  /** SETTINGS, PING, PRIORITY and empty non-final DATA frames, per window (CVE-2019-9512/9515/9518). Default 10000. */
  maxControlFrames: number;
  /** Control replies (ACKs, RST_STREAMs) queued while the application does not take dataToSend() (CVE-2019-9512). Default 10000. */
  maxQueuedControlFrames: number;
  /** The window, in ms, rates are counted in. Default 1000. */
  rateWindow: number;
  /** Closed streams remembered to tell a late frame from a protocol error (§5.1 "closed"). Default 1000. */
  maxClosedStreams: number;
  /** Milliseconds for the peer to acknowledge our SETTINGS before SETTINGS_TIMEOUT (§6.5.3). Default 10000. */
  settingsTimeout: number;
  /** Connection receive window we grant at the start (WINDOW_UPDATE on stream 0, §6.9.2). Default 1 MiB. */
  connectionWindowSize: number;
}

export function defaultLimits(maxHeaderListSize: number): Http2Limits {
  const listSize = Number.isFinite(maxHeaderListSize) ? maxHeaderListSize : 64 * 1024;
  return {
    maxContinuationFrames: 32,
    maxHeaderBlockSize: 256 * 1024,
    maxDecodedHeaderListSize: Math.max(64 * 1024, 4 * listSize),
    maxHeaderFields: 1024,
    maxRapidResets: 1000,
    maxStreamErrors: 1000,
    maxControlFrames: 10_000,
    maxQueuedControlFrames: 10_000,
    rateWindow: 1000,
    maxClosedStreams: 1000,
    settingsTimeout: 10_000,
    connectionWindowSize: 1024 * 1024,
  };
}

/** Counts events in a sliding window of `window` ms (a fixed window per `now`, or forever without). */
export class RateCounter {
  private count = 0;
  private start = 0;

  constructor(
    private readonly limit: number,
    private readonly window: number,
  ) {}

  /** Counts one event; true when the limit is passed. */
  hit(now: number | undefined): boolean {
    if (now !== undefined && now - this.start >= this.window) {
      this.start = now;
      this.count = 0;
    }
    this.count++;
    return this.count > this.limit;
  }
}
