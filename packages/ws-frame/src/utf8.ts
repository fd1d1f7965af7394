/**
 * UTF-8 for text messages, RFC 6455 §5.6 and §8.1: "When an endpoint is to interpret a byte stream as
 * UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail
 * the WebSocket Connection_." Validation is incremental and fail-fast: each piece is checked as it
 * arrives, and an invalid sequence fails at the byte where it becomes invalid (the WHATWG decoder rejects
 * a bad continuation byte at once), not at the end of the message. A sequence cut by a piece boundary is
 * carried to the next piece; one still open at the end of the message fails then.
 */
import { protocolError } from "./errors";

const INVALID = "text is not valid UTF-8";

/** An incremental, fatal UTF-8 decoder for one message at a time. */
export class Utf8Stream {
  // ignoreBOM: a U+FEFF at the start of a message is data, not a byte-order mark to drop.
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  private open = false;

  /** Decodes a piece of the message; `final` closes it. Throws WsFrameError 1007 on invalid UTF-8. */
  decode(bytes: Uint8Array, final: boolean): string {
    try {
      if (final) {
        const text = this.open ? this.decoder.decode(bytes) : decodeWhole(bytes, this.decoder);
        this.open = false;
        return text;
      }
      this.open = true;
      return this.decoder.decode(bytes, { stream: true });
    } catch {
      this.open = false;
      throw protocolError("WS_INVALID_UTF8", INVALID, 1007);
    }
  }

  /** Forgets a message left unfinished (after a failure). */
  reset(): void {
    if (this.open) {
      try {
        this.decoder.decode();
      } catch {
        // the pending bytes were incomplete: nothing to keep
      }
      this.open = false;
    }
  }
}

/**
 * A whole message at once. (A JavaScript decoder for short messages was measured slower than
 * TextDecoder on Node 20: about 500 ns against 60-230 ns for 125 bytes.)
 */
function decodeWhole(bytes: Uint8Array, decoder: TextDecoder): string {
  return decoder.decode(bytes);
}
