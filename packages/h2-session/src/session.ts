/**
 * Http2Session: one HTTP/2 connection, sans-IO (RFC 9113). Bytes from the peer go into `receive`, which
 * returns events and never throws for anything the peer sends; commands queue frames; `dataToSend`
 * returns what to write. Time enters only as the `now` argument (rate limits, the SETTINGS timeout).
 */
import { CONNECTION_PREFACE, FrameType, Http2Error } from "@proto/h2-frame";
import { type OpenBlock, SessionCore } from "./core";
import { connError, Http2SessionError, invalidArgument, invalidState } from "./errors";
import type { Http2Event } from "./events";
import { finishBlock } from "./field-block";
import { checkOutgoing, checkRequest, checkResponse, checkTrailers, type HeaderList } from "./fields";
import { defaultLimits, type Http2Limits } from "./limits";
import { handleFrame } from "./receive";
import { type Http2Settings, LOCAL_DEFAULTS, PROTOCOL_DEFAULTS, toPairs } from "./settings";
import type { Http2Stream } from "./stream";
import type { StreamState } from "./stream-state";

export interface Http2SessionOptions {
  role: "client" | "server";
  /** What we announce in our SETTINGS (see Http2Settings for the defaults). */
  settings?: Partial<Http2Settings>;
  /** Flood and resource limits (see Http2Limits for the defaults). */
  limits?: Partial<Http2Limits>;
  /** Largest HPACK dynamic table our encoder uses, whatever the peer allows (default 4096). */
  maxEncoderTableSize?: number;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

export class Http2Session {
  readonly role: "client" | "server";
  private readonly core: SessionCore;

  constructor(options: Http2SessionOptions) {
    if (options?.role !== "client" && options?.role !== "server") {
      throw invalidArgument(`role must be "client" or "server", got ${String(options?.role)}`);
    }
    this.role = options.role;
    const isServer = this.role === "server";
    const wanted: Partial<Http2Settings> = { ...LOCAL_DEFAULTS, ...options.settings };
    if (isServer) delete wanted.enablePush; // §6.5.2: meaningful only from a client
    const pairs = toPairs(announced(wanted));
    const limits = {
      ...defaultLimits(wanted.maxHeaderListSize ?? Number.POSITIVE_INFINITY),
      ...options.limits,
    };
    for (const [key, value] of Object.entries(limits)) {
      if (typeof value !== "number" || !(value >= 0))
        throw invalidArgument(`limits.${key} must be a number >= 0`);
    }
    const tableLimit = options.maxEncoderTableSize ?? 4096;
    if (!Number.isInteger(tableLimit) || tableLimit < 0)
      throw invalidArgument("maxEncoderTableSize must be an integer >= 0");
    this.core = new SessionCore(
      isServer,
      { ...PROTOCOL_DEFAULTS },
      { ...PROTOCOL_DEFAULTS },
      limits,
      tableLimit,
    );
    const core = this.core;
    // §3.4: the client's preface, then each side's SETTINGS; §6.9.2: the connection window via WINDOW_UPDATE.
    if (!isServer) {
      core.out.push(CONNECTION_PREFACE);
      core.outBytes += CONNECTION_PREFACE.length;
    }
    this.sendSettings(pairs, wanted);
    if (limits.connectionWindowSize > 65_535) {
      core.windowUpdate(0, limits.connectionWindowSize - 65_535);
      core.connRecvWindow = limits.connectionWindowSize;
    }
  }

  // ---- input -----------------------------------------------------------------------------------------------

  /** Feeds bytes from the peer; returns the events they complete. Never throws for anything the peer sends. */
  receive(bytes: Uint8Array, now?: number): Http2Event[] {
    const core = this.core;
    if (core.failed) return [];
    if (now !== undefined) {
      core.now = now;
      this.expireSettings(now);
    }
    let chunk = core.prefaceLeft > 0 ? this.preface(bytes) : bytes;
    while (!core.failed) {
      let frames: ReturnType<typeof core.frames.push>;
      try {
        frames = core.frames.push(chunk);
      } catch (error) {
        chunk = EMPTY;
        if (!(error instanceof Http2Error)) throw error;
        const converted = new Http2SessionError(error.code, error.message, {
          errorCode: error.errorCode,
          streamId: error.streamId,
          cause: error,
        });
        if (converted.isConnectionError) core.fail(converted);
        else this.guard(() => this.frameStreamError(converted, error));
        continue;
      }
      if (frames.length === 0 && chunk.length === 0) break;
      chunk = EMPTY;
      for (const frame of frames) {
        this.guard(() => handleFrame(core, frame));
        if (core.failed) break;
      }
    }
    const events = core.events;
    core.events = [];
    return events;
  }

  /** Runs a handler: a stream error resets its stream, a connection error ends the session. */
  private guard(run: () => void): void {
    const core = this.core;
    try {
      run();
    } catch (error) {
      if (!(error instanceof Http2SessionError)) throw error;
      if (error.isConnectionError) {
        core.fail(error);
        return;
      }
      try {
        core.streamError(error);
      } catch (flood) {
        core.fail(flood as Http2SessionError);
      }
    }
  }

  /** A stream error found by the frame decoder; a HEADERS that still decoded keeps HPACK in step (§4.3). */
  private frameStreamError(converted: Http2SessionError, error: Http2Error): void {
    const frame = error.frame;
    if (frame && frame.type === FrameType.HEADERS && "headerBlock" in frame) {
      const block: OpenBlock = {
        streamId: frame.streamId,
        push: false,
        promisedStreamId: 0,
        endStream: false,
        pieces: [frame.headerBlock.slice()],
        size: frame.headerBlock.length,
        frames: 0,
        doomed: converted,
      };
      if ((frame.flags & 0x4) === 0) {
        this.core.block = block;
        return;
      }
      finishBlock(this.core, block);
    }
    throw converted;
  }

  /** §3.4: the server checks the client's 24-octet preface before any frame. */
  private preface(bytes: Uint8Array): Uint8Array {
    const core = this.core;
    const offset = 24 - core.prefaceLeft;
    const n = Math.min(core.prefaceLeft, bytes.length);
    for (let i = 0; i < n; i++) {
      if (bytes[i] !== CONNECTION_PREFACE[offset + i]) {
        core.fail(connError("H2S_BAD_PREFACE", "the client connection preface is missing or wrong (§3.4)"));
        return EMPTY;
      }
    }
    core.prefaceLeft -= n;
    return bytes.subarray(n);
  }

  /**
   * The timeout hook: fails the connection with SETTINGS_TIMEOUT when our SETTINGS stays unacknowledged
   * for `limits.settingsTimeout` ms (§6.5.3). `receive(bytes, now)` calls it; call it from a timer too.
   */
  checkTimeouts(now: number): Http2Event[] {
    const core = this.core;
    this.expireSettings(now);
    if (core.events.length === 0) return [];
    const events = core.events;
    core.events = [];
    return events;
  }

  /** §6.5.3: SETTINGS_TIMEOUT once our oldest SETTINGS has waited longer than the limit. */
  private expireSettings(now: number): void {
    const core = this.core;
    const pending = core.pendingSettings[0];
    if (pending === undefined || core.failed) return;
    pending.sentAt ??= now;
    if (now - pending.sentAt > core.limits.settingsTimeout) {
      core.fail(
        connError("H2S_SETTINGS_TIMEOUT", "our SETTINGS were not acknowledged in time (§6.5.3)", 0x4),
      );
    }
  }

  // ---- output ------------------------------------------------------------------------------------------------

  /** Everything queued for the peer as one buffer (DATA as far as flow control allows). */
  dataToSend(): Uint8Array {
    const chunks = this.dataToSendChunks();
    if (chunks.length === 1) return chunks[0]!;
    let size = 0;
    for (const c of chunks) size += c.length;
    const out = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** The same as chunks, for vectored writes; clears the queue. */
  dataToSendChunks(): Uint8Array[] {
    const core = this.core;
    core.flush();
    const out = core.out;
    core.out = [];
    core.outBytes = 0;
    core.queuedControl = 0;
    return out;
  }

  /** Bytes queued and not yet taken (DATA waiting for flow control not counted). */
  get bufferedAmount(): number {
    return this.core.outBytes;
  }

  // ---- commands ------------------------------------------------------------------------------------------------

  /** Client: opens a stream with a request. Throws H2S_INVALID_STATE when no stream may be opened now. */
  request(headers: HeaderList, options: { endStream?: boolean } = {}): number {
    const core = this.core;
    if (core.isServer) throw invalidState("request() is for clients; servers push()");
    this.assertUsable();
    if (core.peerGoaway !== undefined) throw invalidState("the server sent GOAWAY: no new streams (§6.8)");
    if (!this.canRequest) throw invalidState("the server's MAX_CONCURRENT_STREAMS is reached");
    const info = checkRequest(headers, core.peer.enableConnectProtocol);
    const problem = typeof info === "string" ? info : checkOutgoing(headers);
    if (problem) throw invalidArgument(`request headers: ${problem}`);
    const id = core.nextStreamId;
    if (id > 0x7fff_ffff) throw invalidState("stream identifiers are exhausted (§5.1.1)");
    core.nextStreamId += 2;
    const stream = core.newStream(id, true);
    stream.method = (info as { method: string }).method;
    this.sendHeaders(stream, headers, options.endStream === true, true);
    return id;
  }

  /** Server: a response (or an interim 1xx) on a request or promised stream. */
  respond(streamId: number, headers: HeaderList, options: { endStream?: boolean } = {}): void {
    if (!this.core.isServer) throw invalidState("respond() is for servers");
    const stream = this.stream(streamId);
    const info = checkResponse(headers);
    const problem = typeof info === "string" ? info : checkOutgoing(headers);
    if (problem) throw invalidArgument(`response headers: ${problem}`);
    const status = (info as { status: number }).status;
    if (status < 200 && options.endStream)
      throw invalidArgument("an interim (1xx) response cannot end the stream");
    if (stream.headersSent) throw invalidState(`stream ${streamId} already has a response: use sendTrailers`);
    this.sendHeaders(stream, headers, options.endStream === true, status >= 200);
  }

  /** Body bytes; what flow control does not allow yet is queued and sent as windows open. */
  sendData(streamId: number, data: Uint8Array, options: { endStream?: boolean } = {}): void {
    const stream = this.stream(streamId);
    this.assertCanSend(stream);
    this.core.enqueue(stream, data);
    if (options.endStream) this.endLocal(stream);
  }

  /** A trailer section, ending our side of the stream once queued DATA has gone. */
  sendTrailers(streamId: number, headers: HeaderList): void {
    const stream = this.stream(streamId);
    this.assertCanSend(stream);
    const problem = checkTrailers(headers) ?? checkOutgoing(headers);
    if (problem) throw invalidArgument(`trailers: ${problem}`);
    stream.trailers = headers;
    this.endLocal(stream);
  }

  /** Server: promises a pushed response to `requestHeaders` on client stream `streamId` (§8.4). */
  push(streamId: number, requestHeaders: HeaderList): number {
    const core = this.core;
    if (!core.isServer) throw invalidState("push() is for servers");
    this.assertUsable();
    if (!core.peer.enablePush) throw invalidState("the client disabled push (SETTINGS_ENABLE_PUSH = 0)");
    const parent = this.stream(streamId);
    if (parent.local || (parent.state !== "open" && parent.state !== "half-closed-remote")) {
      throw invalidState(`cannot push on stream ${streamId} in state ${parent.state} (§6.6)`);
    }
    const info = checkRequest(requestHeaders, false);
    const problem = typeof info === "string" ? info : checkOutgoing(requestHeaders);
    if (problem) throw invalidArgument(`pushed request headers: ${problem}`);
    const method = (info as { method: string }).method;
    if (method !== "GET" && method !== "HEAD")
      throw invalidArgument("a pushed request must be GET or HEAD (§8.4)");
    const promised = core.nextStreamId;
    core.nextStreamId += 2;
    const stream = core.newStream(promised, true);
    stream.method = method;
    core.step(stream, "sendPP");
    core.writeFieldBlock(FrameType.PUSH_PROMISE, streamId, requestHeaders, false, promised);
    return promised;
  }

  /** RST_STREAM (§6.4): queued output for the stream is dropped. Unknown or closed streams are ignored. */
  resetStream(streamId: number, code = 0x8): void {
    const stream = this.core.streams.get(streamId);
    if (stream === undefined || stream.state === "closed" || this.core.failed) return;
    if (stream.state === "idle") throw invalidState(`stream ${streamId} is idle`);
    this.core.reset(stream, code, false);
  }

  /** PING (§6.7) with 8 octets of data (default zeros); the answer arrives as a `pingAck` event. */
  ping(data: Uint8Array = new Uint8Array(8)): void {
    this.assertUsable();
    if (data.length !== 8) throw invalidArgument("PING data must be 8 octets");
    this.core.writeFrame(FrameType.PING, 0, 0, data);
  }

  /** New SETTINGS (§6.5): restrictions and increases apply now, decreases once acknowledged. */
  updateSettings(settings: Partial<Http2Settings>): void {
    this.assertUsable();
    const wanted = { ...settings };
    if (this.core.isServer) delete wanted.enablePush;
    this.sendSettings(toPairs(wanted), wanted);
  }

  /** GOAWAY (§6.8): no new peer streams past the last one we processed; existing ones may finish. */
  goaway(code = 0, debug?: Uint8Array | string): void {
    const core = this.core;
    if (core.failed) return;
    core.goaway(code, typeof debug === "string" ? encoder.encode(debug) : (debug ?? EMPTY));
  }

  /** The application processed `n` bytes of the stream's DATA: WINDOW_UPDATEs follow (§6.9). */
  consumed(streamId: number, n: number): void {
    if (!Number.isInteger(n) || n < 0) throw invalidArgument("consumed() takes a byte count >= 0");
    if (this.core.failed || n === 0) return;
    this.core.credit(this.core.streams.get(streamId), n);
  }

  // ---- state ------------------------------------------------------------------------------------------------

  /** The peer's settings as last received (the protocol's defaults until then). */
  get peerSettings(): Readonly<Http2Settings> {
    return this.core.peer;
  }

  /** Our settings in force. */
  get localSettings(): Readonly<Http2Settings> {
    return this.core.local;
  }

  /** Whether a new request stream may be opened now (client). */
  get canRequest(): boolean {
    const core = this.core;
    return (
      !core.failed &&
      core.peerGoaway === undefined &&
      !core.goawaySent &&
      core.activeStreams(true) < core.peer.maxConcurrentStreams
    );
  }

  /** A stream's state (RFC 9113 §5.1); "closed" for streams no longer held, "idle" for unused ids. */
  streamState(streamId: number): StreamState {
    const stream = this.core.streams.get(streamId);
    if (stream) return stream.state;
    return this.core.closed.has(streamId) ||
      streamId < this.core.nextStreamId ||
      streamId <= this.core.lastPeerStreamId
      ? "closed"
      : "idle";
  }

  /** RFC 9218: the stream's last priority signal (the `priority` field or PRIORITY_UPDATE), if any. */
  priority(streamId: number): string | undefined {
    return this.core.streams.get(streamId)?.priority;
  }

  /** Streams not yet closed. */
  get activeStreamCount(): number {
    return this.core.streams.size;
  }

  /** Failed, or GOAWAY sent or received with no stream left: the transport can be closed. */
  get closed(): boolean {
    const core = this.core;
    return (
      core.failed !== undefined ||
      ((core.goawaySent || core.peerGoaway !== undefined) && core.streams.size === 0)
    );
  }

  /** The connection error that ended the session, if any. */
  get error(): Http2SessionError | undefined {
    return this.core.failed;
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private sendSettings(pairs: Array<[number, number]>, wanted: Partial<Http2Settings>): void {
    const core = this.core;
    const payload = new Uint8Array(pairs.length * 6);
    const view = new DataView(payload.buffer);
    pairs.forEach(([id, value], i) => {
      view.setUint16(i * 6, id);
      view.setUint32(i * 6 + 2, value);
    });
    core.writeFrame(FrameType.SETTINGS, 0, 0, payload);
    core.pendingSettings.push({ settings: wanted, sentAt: core.now });
    applyNow(core, wanted);
  }

  private sendHeaders(stream: Http2Stream, headers: HeaderList, endStream: boolean, final: boolean): void {
    const core = this.core;
    this.assertUsable();
    if (stream.localEnded || stream.endAfterQueue)
      throw invalidState(`stream ${stream.id} has ended our side`);
    core.step(stream, "sendH");
    if (final) stream.headersSent = true;
    core.writeFieldBlock(FrameType.HEADERS, stream.id, headers, endStream);
    if (endStream) {
      stream.localEnded = true;
      core.step(stream, "sendES");
    }
  }

  private endLocal(stream: Http2Stream): void {
    stream.endAfterQueue = true;
    this.core.step(stream, "sendES");
    this.core.schedule(stream);
  }

  private stream(streamId: number): Http2Stream {
    const stream = this.core.streams.get(streamId);
    if (stream === undefined) throw invalidState(`stream ${streamId} is not open`);
    return stream;
  }

  private assertUsable(): void {
    if (this.core.failed) throw invalidState(`the connection failed: ${this.core.failed.message}`);
  }

  private assertCanSend(stream: Http2Stream): void {
    this.assertUsable();
    if (stream.localEnded || stream.endAfterQueue)
      throw invalidState(`stream ${stream.id} has ended our side`);
    if ((stream.state !== "open" && stream.state !== "half-closed-remote") || !stream.headersSent) {
      throw invalidState(`stream ${stream.id} is ${stream.state}: send its headers first`);
    }
  }
}

/** The settings worth announcing: those that differ from the protocol's defaults. */
function announced(wanted: Partial<Http2Settings>): Partial<Http2Settings> {
  const out: Partial<Http2Settings> = {};
  for (const [key, value] of Object.entries(wanted) as Array<[keyof Http2Settings, number | boolean]>) {
    if (value !== PROTOCOL_DEFAULTS[key]) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/**
 * What may apply before the ACK: limits that protect us, and increases (the peer applies our SETTINGS when
 * it receives them, before it acknowledges). Decreases wait for the ACK (§6.5.3).
 */
function applyNow(core: SessionCore, wanted: Partial<Http2Settings>): void {
  const local = core.local;
  if (wanted.maxConcurrentStreams !== undefined) local.maxConcurrentStreams = wanted.maxConcurrentStreams;
  if (wanted.maxHeaderListSize !== undefined) local.maxHeaderListSize = wanted.maxHeaderListSize;
  if (wanted.enablePush !== undefined) local.enablePush = wanted.enablePush;
  if (wanted.enableConnectProtocol) local.enableConnectProtocol = true;
  if (wanted.initialWindowSize !== undefined && wanted.initialWindowSize > local.initialWindowSize) {
    const delta = wanted.initialWindowSize - local.initialWindowSize;
    local.initialWindowSize = wanted.initialWindowSize;
    for (const stream of core.streams.values()) stream.recvWindow += delta;
  }
  if (wanted.maxFrameSize !== undefined && wanted.maxFrameSize > local.maxFrameSize) {
    local.maxFrameSize = wanted.maxFrameSize;
    core.frames.setMaxFrameSize(wanted.maxFrameSize);
  }
  if (wanted.headerTableSize !== undefined && wanted.headerTableSize > local.headerTableSize) {
    local.headerTableSize = wanted.headerTableSize;
    core.hpackIn.setMaxTableSize(wanted.headerTableSize);
  }
}
