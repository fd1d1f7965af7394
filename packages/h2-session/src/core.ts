/**
 * The state of one HTTP/2 connection and the primitives every part of it uses: writing frames (HEADERS
 * split into CONTINUATIONs, DATA within both windows), stream bookkeeping (open, close, remember closed
 * ones), and failing a stream (RST_STREAM, §5.4.2) or the connection (GOAWAY, §5.4.1).
 */
import { FrameDecoder, FrameType, MAX_WINDOW_SIZE } from "@proto/h2-frame";
import { HpackDecoder, HpackEncoder } from "@proto/hpack";
import {
  connError,
  ENHANCE_YOUR_CALM,
  FLOW_CONTROL_ERROR,
  type Http2SessionError,
  invalidState,
} from "./errors";
import type { Http2Event } from "./events";
import type { HeaderList } from "./fields";
import { type Http2Limits, RateCounter } from "./limits";
import type { Http2Settings } from "./settings";
import { Http2Stream } from "./stream";
import { type StreamEvent, transition } from "./stream-state";

const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const EMPTY = new Uint8Array(0);

/** A field block being received: HEADERS or PUSH_PROMISE and its CONTINUATIONs (§4.3). */
export interface OpenBlock {
  streamId: number;
  push: boolean;
  promisedStreamId: number;
  endStream: boolean;
  pieces: Uint8Array[];
  size: number;
  frames: number;
  /** A stream error the frame decoder found in the HEADERS: raised once the block is decoded. */
  doomed?: Http2SessionError;
}

export interface PendingSettings {
  settings: Partial<Http2Settings>;
  sentAt: number | undefined;
}

export class SessionCore {
  readonly isServer: boolean;
  /** Our settings in force (acknowledged by the peer). */
  readonly local: Http2Settings;
  /** Our SETTINGS frames the peer has not acknowledged yet, oldest first (§6.5.3). */
  readonly pendingSettings: PendingSettings[] = [];
  readonly peer: Http2Settings;
  readonly limits: Http2Limits;
  readonly frames: FrameDecoder;
  readonly hpackIn: HpackDecoder;
  readonly hpackOut: HpackEncoder;
  /** Largest table our encoder uses, whatever the peer allows. */
  readonly encoderTableLimit: number;
  readonly streams = new Map<number, Http2Stream>();
  /** Recently closed streams: "reset" (we sent RST_STREAM, late frames are ignored) or "ended". */
  readonly closed = new Map<number, "reset" | "ended">();
  lastPeerStreamId = 0;
  nextStreamId: number;
  lastPromisedId = 0;
  connSendWindow = 65_535;
  connRecvWindow = 65_535;
  connUnacked = 0;
  out: Uint8Array[] = [];
  outBytes = 0;
  queuedControl = 0;
  private readonly ready: Http2Stream[] = [];
  events: Http2Event[] = [];
  /** Server: bytes of the client preface still expected (§3.4). */
  prefaceLeft: number;
  gotSettings = false;
  failed: Http2SessionError | undefined;
  goawaySent = false;
  goawayLastStreamId = 0;
  peerGoaway: number | undefined;
  block: OpenBlock | undefined;
  now: number | undefined;
  readonly rapidResets: RateCounter;
  readonly streamErrors: RateCounter;
  readonly controlFrames: RateCounter;

  constructor(
    isServer: boolean,
    local: Http2Settings,
    peer: Http2Settings,
    limits: Http2Limits,
    encoderTableLimit: number,
  ) {
    this.isServer = isServer;
    this.local = local;
    this.peer = peer;
    this.limits = limits;
    this.encoderTableLimit = encoderTableLimit;
    this.nextStreamId = isServer ? 2 : 1;
    this.prefaceLeft = isServer ? 24 : 0;
    this.frames = new FrameDecoder({ maxFrameSize: 16_384 });
    this.hpackIn = new HpackDecoder({
      maxTableSize: 4096,
      maxHeaderListSize: limits.maxDecodedHeaderListSize,
      maxStringLength: limits.maxDecodedHeaderListSize,
      maxFields: limits.maxHeaderFields,
    });
    this.hpackOut = new HpackEncoder({ maxTableSize: Math.min(4096, encoderTableLimit) });
    this.rapidResets = new RateCounter(limits.maxRapidResets, limits.rateWindow);
    this.streamErrors = new RateCounter(limits.maxStreamErrors, limits.rateWindow);
    this.controlFrames = new RateCounter(limits.maxControlFrames, limits.rateWindow);
  }

  // ---- writing -------------------------------------------------------------------------------------------

  private push(chunk: Uint8Array): void {
    this.out.push(chunk);
    this.outBytes += chunk.length;
  }

  /** One frame: small payloads are copied beside their header, large ones queued as their own chunk. */
  writeFrame(type: number, flags: number, streamId: number, payload: Uint8Array = EMPTY): void {
    const n = payload.length;
    if (n <= 1024) {
      const frame = new Uint8Array(9 + n);
      header(frame, n, type, flags, streamId);
      frame.set(payload, 9);
      this.push(frame);
    } else {
      const h = new Uint8Array(9);
      header(h, n, type, flags, streamId);
      this.push(h);
      this.push(payload);
    }
  }

  /** A reply the peer caused (ACKs, RST_STREAM): counted until the application takes dataToSend(). */
  writeControl(type: number, flags: number, streamId: number, payload?: Uint8Array): void {
    this.writeFrame(type, flags, streamId, payload);
    this.queuedControl++;
    if (this.queuedControl > this.limits.maxQueuedControlFrames) {
      this.fail(
        connError(
          "H2S_QUEUE_FLOOD",
          `more than ${this.limits.maxQueuedControlFrames} control replies queued unread`,
          ENHANCE_YOUR_CALM,
        ),
      );
    }
  }

  /** §4.3: a field block as HEADERS (or PUSH_PROMISE) + CONTINUATIONs, contiguous, each within MAX_FRAME_SIZE. */
  writeFieldBlock(
    type: number,
    streamId: number,
    fields: HeaderList,
    endStream: boolean,
    promisedId = 0,
  ): void {
    const block = this.hpackOut.encode(fields);
    const max = this.peer.maxFrameSize;
    const prefix = type === FrameType.PUSH_PROMISE ? 4 : 0;
    const firstLen = Math.min(block.length, max - prefix);
    const first = new Uint8Array(prefix + firstLen);
    if (prefix) writeUint31(first, 0, promisedId);
    first.set(block.subarray(0, firstLen), prefix);
    const last = firstLen === block.length;
    this.writeFrame(type, (endStream ? END_STREAM : 0) | (last ? END_HEADERS : 0), streamId, first);
    for (let at = firstLen; at < block.length; at += max) {
      const end = Math.min(block.length, at + max);
      this.writeFrame(
        FrameType.CONTINUATION,
        end === block.length ? END_HEADERS : 0,
        streamId,
        block.subarray(at, end),
      );
    }
  }

  windowUpdate(streamId: number, increment: number): void {
    const payload = new Uint8Array(4);
    writeUint31(payload, 0, increment);
    this.writeFrame(FrameType.WINDOW_UPDATE, 0, streamId, payload);
  }

  goaway(errorCode: number, debug: Uint8Array = EMPTY): void {
    // §6.8: a later GOAWAY "MUST NOT increase the value" of the last stream identifier.
    const last = this.goawaySent
      ? Math.min(this.goawayLastStreamId, this.lastPeerStreamId)
      : this.lastPeerStreamId;
    const payload = new Uint8Array(8 + debug.length);
    writeUint31(payload, 0, last);
    new DataView(payload.buffer).setUint32(4, errorCode >>> 0);
    payload.set(debug, 8);
    this.writeFrame(FrameType.GOAWAY, 0, 0, payload);
    this.goawaySent = true;
    this.goawayLastStreamId = last;
  }

  ackSettings(): void {
    this.writeControl(FrameType.SETTINGS, ACK, 0);
  }

  // ---- DATA and flow control (§6.9) ----------------------------------------------------------------------

  /** Queues data on a stream; it goes out as windows allow. */
  enqueue(stream: Http2Stream, data: Uint8Array): void {
    if (data.length > 0) {
      stream.queue.push(data);
      stream.queued += data.length;
    }
    this.schedule(stream);
  }

  schedule(stream: Http2Stream): void {
    if (!stream.ready && (stream.queued > 0 || stream.endAfterQueue)) {
      stream.ready = true;
      this.ready.push(stream);
    }
  }

  /** Moves queued DATA into the output, round-robin one frame per stream, within both windows. */
  flush(): void {
    let progressed = true;
    while (this.ready.length > 0 && progressed) {
      progressed = false;
      const round = this.ready.length;
      for (let k = 0; k < round; k++) {
        const stream = this.ready.shift()!;
        if (this.sendOne(stream)) progressed = true;
        if (stream.queued > 0 || (stream.endAfterQueue && !stream.localEnded)) this.ready.push(stream);
        else stream.ready = false;
      }
    }
  }

  /** One DATA frame of a stream, if the windows allow; true when something was written. */
  private sendOne(stream: Http2Stream): boolean {
    if (stream.queued === 0) {
      if (stream.endAfterQueue && !stream.localEnded) {
        this.finishSending(stream, true);
        return true;
      }
      return false;
    }
    const n = Math.min(stream.queued, stream.sendWindow, this.connSendWindow, this.peer.maxFrameSize);
    if (n <= 0) return false;
    const payload = take(stream, n);
    stream.sendWindow -= n;
    this.connSendWindow -= n;
    const last = stream.queued === 0 && stream.endAfterQueue && stream.trailers === undefined;
    this.writeFrame(FrameType.DATA, last ? END_STREAM : 0, stream.id, payload);
    if (stream.queued === 0 && stream.endAfterQueue) this.finishSending(stream, !last);
    return true;
  }

  /** The queue drained with END_STREAM pending: trailers, an empty END_STREAM DATA, or nothing more. */
  private finishSending(stream: Http2Stream, needFrame: boolean): void {
    if (stream.trailers !== undefined) {
      this.writeFieldBlock(FrameType.HEADERS, stream.id, stream.trailers, true);
      stream.trailers = undefined;
    } else if (needFrame) {
      this.writeFrame(FrameType.DATA, END_STREAM, stream.id);
    }
    stream.localEnded = true;
    stream.endAfterQueue = false;
    if (stream.state === "closed") this.forget(stream, "ended");
  }

  /** §6.9.1: a WINDOW_UPDATE may not push a window past 2^31-1. */
  grow(window: number, increment: number): number | undefined {
    const next = window + increment;
    return next > MAX_WINDOW_SIZE ? undefined : next;
  }

  /** The application consumed `n` bytes: return credit to the peer once half a window has built up. */
  credit(stream: Http2Stream | undefined, n: number): void {
    this.connUnacked += n;
    if (this.connUnacked >= this.limits.connectionWindowSize / 2 || this.connUnacked >= 32_768) {
      this.connRecvWindow += this.connUnacked;
      this.windowUpdate(0, this.connUnacked);
      this.connUnacked = 0;
    }
    if (stream === undefined || stream.state === "closed" || stream.state === "half-closed-remote") return;
    stream.unacked += n;
    if (stream.unacked >= this.local.initialWindowSize / 2 || stream.unacked >= 32_768) {
      stream.recvWindow += stream.unacked;
      this.windowUpdate(stream.id, stream.unacked);
      stream.unacked = 0;
    }
  }

  /** Applies a change of the peer's INITIAL_WINDOW_SIZE to every stream's send window (§6.9.2). */
  adjustSendWindows(delta: number): void {
    for (const stream of this.streams.values()) {
      stream.sendWindow += delta;
      if (stream.sendWindow > MAX_WINDOW_SIZE) {
        throw connError(
          "H2S_FLOW_CONTROL",
          "SETTINGS_INITIAL_WINDOW_SIZE pushed a window past 2^31-1",
          FLOW_CONTROL_ERROR,
        );
      }
      if (delta > 0) this.schedule(stream);
    }
  }

  // ---- streams ---------------------------------------------------------------------------------------------

  newStream(id: number, local: boolean): Http2Stream {
    const stream = new Http2Stream(id, local, this.peer.initialWindowSize, this.local.initialWindowSize);
    this.streams.set(id, stream);
    return stream;
  }

  /** Moves a stream through the §5.1 table; a missing transition is our own misuse. */
  step(stream: Http2Stream, event: StreamEvent): void {
    const next = transition(stream.state, event);
    if (next === undefined) throw invalidState(`stream ${stream.id} is ${stream.state}: cannot ${event}`);
    stream.state = next;
    if (next === "closed" && stream.queued === 0 && !stream.endAfterQueue) this.forget(stream, "ended");
  }

  /** Streams counted against MAX_CONCURRENT_STREAMS: open or half-closed (§5.1.2), opened by one side. */
  activeStreams(local: boolean): number {
    let n = 0;
    for (const s of this.streams.values()) {
      if (s.local === local && s.state !== "closed" && s.state !== "idle" && !s.state.startsWith("reserved"))
        n++;
    }
    return n;
  }

  /** Drops a closed stream, remembering how it closed for late frames (§5.1 "closed"). */
  forget(stream: Http2Stream, how: "reset" | "ended"): void {
    stream.state = "closed";
    this.streams.delete(stream.id);
    this.closed.set(stream.id, how);
    if (this.closed.size > this.limits.maxClosedStreams) {
      this.closed.delete(this.closed.keys().next().value as number);
    }
  }

  /** Resets a stream: RST_STREAM (counted as a control reply), queued output dropped. */
  reset(stream: Http2Stream, errorCode: number, control: boolean): void {
    if (control) this.writeControl(FrameType.RST_STREAM, 0, stream.id, uint32(errorCode));
    else this.writeFrame(FrameType.RST_STREAM, 0, stream.id, uint32(errorCode));
    this.drop(stream);
    this.forget(stream, "reset");
  }

  drop(stream: Http2Stream): void {
    stream.queue.length = 0;
    stream.queued = 0;
    stream.endAfterQueue = false;
    stream.trailers = undefined;
    stream.localEnded = true;
  }

  /** §5.4.2: a stream error the peer caused; too many of them is a flood ("MadeYouReset"). */
  streamError(error: Http2SessionError): void {
    const stream = this.streams.get(error.streamId);
    if (stream) this.reset(stream, error.errorCode, true);
    else {
      this.writeControl(FrameType.RST_STREAM, 0, error.streamId, uint32(error.errorCode));
      this.closed.set(error.streamId, "reset");
    }
    if (this.streamErrors.hit(this.now)) {
      throw connError(
        "H2S_STREAM_ERROR_FLOOD",
        `more than ${this.limits.maxStreamErrors} stream errors caused by the peer`,
        ENHANCE_YOUR_CALM,
      );
    }
  }

  /** §5.4.1: GOAWAY with the error, an event, and no more input. */
  fail(error: Http2SessionError): void {
    if (this.failed) return;
    this.failed = error;
    this.goaway(error.errorCode, new TextEncoder().encode(error.message.slice(0, 256)));
    for (const stream of this.streams.values()) this.drop(stream);
    this.events.push({ type: "connectionError", error });
  }
}

function header(out: Uint8Array, length: number, type: number, flags: number, streamId: number): void {
  out[0] = length >>> 16;
  out[1] = (length >>> 8) & 0xff;
  out[2] = length & 0xff;
  out[3] = type;
  out[4] = flags;
  writeUint31(out, 5, streamId);
}

export function writeUint31(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0x7f;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function uint32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0);
  return out;
}

/** Takes the first `n` queued bytes of a stream (a view when one chunk holds them). */
function take(stream: Http2Stream, n: number): Uint8Array {
  stream.queued -= n;
  const head = stream.queue[0]!;
  if (head.length === n) {
    stream.queue.shift();
    return head;
  }
  if (head.length > n) {
    stream.queue[0] = head.subarray(n);
    return head.subarray(0, n);
  }
  const out = new Uint8Array(n);
  let at = 0;
  while (at < n) {
    const chunk = stream.queue[0]!;
    const part = Math.min(chunk.length, n - at);
    out.set(chunk.subarray(0, part), at);
    at += part;
    if (part === chunk.length) stream.queue.shift();
    else stream.queue[0] = chunk.subarray(part);
  }
  return out;
}
