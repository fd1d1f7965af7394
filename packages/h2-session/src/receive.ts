/**
 * What the session does with each frame the peer sends (RFC 9113 §5.1, §6): stream-state checks, flow
 * control, SETTINGS/PING replies, GOAWAY, and the flood counters. Field blocks are finished in
 * field-block.ts. Every handler either returns or throws an Http2SessionError: a stream error (streamId ≠ 0)
 * resets that stream, a connection error ends the session.
 */
import { type Frame, FrameType, isFrameType, MAX_WINDOW_SIZE } from "@proto/h2-frame";
import type { SessionCore } from "./core";
import { connError, ENHANCE_YOUR_CALM, FLOW_CONTROL_ERROR, STREAM_CLOSED, streamErr } from "./errors";
import { finishBlock } from "./field-block";
import { applyPairs, type Http2Settings } from "./settings";
import type { Http2Stream } from "./stream";

const PING_ACK = 0x1;

export function handleFrame(core: SessionCore, frame: Frame): void {
  // §3.4: "The server connection preface consists of a potentially empty SETTINGS frame that MUST be the
  // first frame the server sends"; the client's SETTINGS follows its preface likewise.
  if (!core.gotSettings) {
    if (!isFrameType(frame, FrameType.SETTINGS) || frame.ack) {
      throw connError("H2S_EXPECTED_SETTINGS", "the peer's first frame was not SETTINGS (§3.4)");
    }
    core.gotSettings = true;
  }
  switch (frame.type) {
    case FrameType.DATA:
      onData(core, frame as Extract<Frame, { type: 0 }>);
      return;
    case FrameType.HEADERS:
    case FrameType.PUSH_PROMISE:
    case FrameType.CONTINUATION:
      onBlockFrame(core, frame);
      return;
    case FrameType.PRIORITY:
      // §5.3.2 (RFC 7540 priorities are deprecated): accepted on any stream, counted as control.
      countControl(core);
      return;
    case FrameType.RST_STREAM:
      onRstStream(core, frame as Extract<Frame, { type: 3 }>);
      return;
    case FrameType.SETTINGS:
      onSettings(core, frame as Extract<Frame, { type: 4 }>);
      return;
    case FrameType.PING:
      onPing(core, frame as Extract<Frame, { type: 6 }>);
      return;
    case FrameType.GOAWAY:
      onGoaway(core, frame as Extract<Frame, { type: 7 }>);
      return;
    case FrameType.WINDOW_UPDATE:
      onWindowUpdate(core, frame as Extract<Frame, { type: 8 }>);
      return;
    case FrameType.PRIORITY_UPDATE:
      onPriorityUpdate(core, frame as Extract<Frame, { type: 0x10 }>);
      return;
    default:
      // §5.5: "Implementations MUST ignore unknown or unsupported values in all extensible protocol
      // elements" (unknown frame types, ORIGIN on a server).
      return;
  }
}

function countControl(core: SessionCore): void {
  if (core.controlFrames.hit(core.now)) {
    throw connError(
      "H2S_CONTROL_FLOOD",
      `more than ${core.limits.maxControlFrames} SETTINGS/PING/PRIORITY/empty DATA frames`,
      ENHANCE_YOUR_CALM,
    );
  }
}

/** Whether `id` belongs to streams the peer opens (odd from a client, even from a server). */
export function peerParity(core: SessionCore, id: number): boolean {
  return (id % 2 === 1) === core.isServer;
}

/**
 * A frame other than HEADERS/PRIORITY for a stream we hold no record of: idle (never opened) is a
 * connection error (§5.1 "idle"); closed is decided by how it closed.
 */
function unknownStream(core: SessionCore, id: number, what: string): "ignore" {
  const lastOpened = peerParity(core, id) ? core.lastPeerStreamId : core.nextStreamId - 2;
  if (id > lastOpened && !core.closed.has(id)) {
    throw connError("H2S_IDLE_STREAM", `${what} on idle stream ${id} (§5.1)`);
  }
  return "ignore";
}

/** §6.1 DATA: state, both receive windows, content-length. */
function onData(core: SessionCore, frame: Extract<Frame, { type: 0 }>): void {
  // §6.9.1: the entire frame payload counts, padding included.
  const size = frame.data.length + (frame.padLength === undefined ? 0 : frame.padLength + 1);
  if (size > core.connRecvWindow) {
    throw connError(
      "H2S_FLOW_CONTROL",
      `DATA of ${size} octets exceeds the connection window`,
      FLOW_CONTROL_ERROR,
    );
  }
  core.connRecvWindow -= size;
  const stream = core.streams.get(frame.streamId);
  if (stream === undefined || stream.state === "closed") {
    unknownStream(core, frame.streamId, "DATA");
    core.credit(undefined, size);
    // §5.1 "closed": after END_STREAM both ways a frame is a connection error STREAM_CLOSED; after our
    // RST_STREAM late frames are ignored.
    if (core.closed.get(frame.streamId) === "ended") {
      throw connError("H2S_STREAM_CLOSED", `DATA on closed stream ${frame.streamId} (§5.1)`, STREAM_CLOSED);
    }
    return;
  }
  if (stream.state === "idle" || stream.state.startsWith("reserved")) {
    throw connError("H2S_IDLE_STREAM", `DATA on stream ${stream.id} in state ${stream.state} (§5.1)`);
  }
  if (stream.state === "half-closed-remote") {
    core.credit(undefined, size);
    // §5.1 "half-closed (remote)": "... MUST respond with a stream error of type STREAM_CLOSED".
    throw streamErr(
      "H2S_STREAM_CLOSED",
      `DATA after END_STREAM on stream ${stream.id}`,
      stream.id,
      STREAM_CLOSED,
    );
  }
  if (!stream.headersReceived) {
    core.credit(undefined, size);
    throw streamErr("H2S_MALFORMED", `DATA before HEADERS on stream ${stream.id} (§8.1)`, stream.id);
  }
  if (size > stream.recvWindow) {
    core.credit(undefined, size);
    throw streamErr(
      "H2S_FLOW_CONTROL",
      `DATA exceeds stream ${stream.id}'s window`,
      stream.id,
      FLOW_CONTROL_ERROR,
    );
  }
  // §8.1.1: content-length checked before the bytes are taken, so a refused frame's credit goes back.
  const received = stream.received + frame.data.length;
  const cl = stream.contentLength;
  if (cl !== undefined && (received > cl || (frame.endStream && received !== cl))) {
    core.credit(undefined, size);
    throw streamErr(
      "H2S_CONTENT_LENGTH",
      `content-length ${cl} but ${received} octets of DATA on stream ${stream.id} (§8.1.1)`,
      stream.id,
    );
  }
  stream.recvWindow -= size;
  stream.received = received;
  if (size > frame.data.length) core.credit(stream, size - frame.data.length); // padding: nothing to consume
  if (frame.data.length === 0 && !frame.endStream) countControl(core);
  core.events.push({ type: "data", streamId: stream.id, data: frame.data, endStream: frame.endStream });
  if (frame.endStream) endRemote(core, stream);
}

/** §8.1.1: a content-length that the DATA received does not match makes the message malformed. */
export function checkLength(stream: Http2Stream): void {
  if (stream.contentLength !== undefined && stream.received !== stream.contentLength) {
    throw streamErr(
      "H2S_CONTENT_LENGTH",
      `content-length ${stream.contentLength} but ${stream.received} octets of DATA on stream ${stream.id} (§8.1.1)`,
      stream.id,
    );
  }
}

/** END_STREAM received: the event and the state change. */
export function endRemote(core: SessionCore, stream: Http2Stream): void {
  core.events.push({ type: "streamEnd", streamId: stream.id });
  core.step(stream, "recvES");
}

/** HEADERS, PUSH_PROMISE and CONTINUATION: assemble the field block with its limits (CVE-2024-27316). */
function onBlockFrame(core: SessionCore, frame: Frame): void {
  let fragment: Uint8Array;
  let endHeaders: boolean;
  if (isFrameType(frame, FrameType.CONTINUATION)) {
    const block = core.block!; // the frame decoder checked contiguity (§6.10)
    block.frames++;
    if (block.frames > core.limits.maxContinuationFrames) {
      throw connError(
        "H2S_CONTINUATION_FLOOD",
        `more than ${core.limits.maxContinuationFrames} CONTINUATION frames in one field block`,
        ENHANCE_YOUR_CALM,
      );
    }
    fragment = frame.headerBlock;
    endHeaders = frame.endHeaders;
  } else if (isFrameType(frame, FrameType.HEADERS)) {
    core.block = {
      streamId: frame.streamId,
      push: false,
      promisedStreamId: 0,
      endStream: frame.endStream,
      pieces: [],
      size: 0,
      frames: 0,
    };
    fragment = frame.headerBlock;
    endHeaders = frame.endHeaders;
  } else if (isFrameType(frame, FrameType.PUSH_PROMISE)) {
    core.block = {
      streamId: frame.streamId,
      push: true,
      promisedStreamId: frame.promisedStreamId,
      endStream: false,
      pieces: [],
      size: 0,
      frames: 0,
    };
    fragment = frame.headerBlock;
    endHeaders = frame.endHeaders;
  } else {
    return;
  }
  const block = core.block!;
  block.size += fragment.length;
  if (block.size > core.limits.maxHeaderBlockSize) {
    throw connError(
      "H2S_HEADER_BLOCK_TOO_LARGE",
      `a field block of more than ${core.limits.maxHeaderBlockSize} octets`,
      ENHANCE_YOUR_CALM,
    );
  }
  // Fragments may be views into the caller's buffers: copy unless the block ends in this frame.
  block.pieces.push(endHeaders ? fragment : fragment.slice());
  if (!endHeaders) return;
  core.block = undefined;
  finishBlock(core, block);
}

/** §6.4 RST_STREAM. */
function onRstStream(core: SessionCore, frame: Extract<Frame, { type: 3 }>): void {
  const stream = core.streams.get(frame.streamId);
  if (stream === undefined) {
    unknownStream(core, frame.streamId, "RST_STREAM");
    return;
  }
  if (stream.state === "idle")
    throw connError("H2S_IDLE_STREAM", `RST_STREAM on idle stream ${stream.id} (§6.4)`);
  // CVE-2023-44487 Rapid Reset: a peer's stream reset before our side was done.
  const rapid = !stream.local && !stream.localEnded;
  core.drop(stream);
  core.forget(stream, "reset");
  core.events.push({ type: "streamReset", streamId: stream.id, errorCode: frame.errorCode });
  if (rapid && core.rapidResets.hit(core.now)) {
    throw connError(
      "H2S_RAPID_RESET",
      `more than ${core.limits.maxRapidResets} streams reset by the peer before their response`,
      ENHANCE_YOUR_CALM,
    );
  }
}

/** §6.5 SETTINGS and §6.5.3 their acknowledgement. */
function onSettings(core: SessionCore, frame: Extract<Frame, { type: 4 }>): void {
  if (frame.ack) {
    const pending = core.pendingSettings.shift();
    if (pending === undefined) return; // an unsolicited ACK: nothing to apply
    applyLocal(core, pending.settings);
    core.events.push({ type: "settingsAck" });
    return;
  }
  countControl(core);
  const before = { ...core.peer };
  for (const [id, value] of frame.settings) {
    // §6.5.2: "A server MUST NOT send a SETTINGS_ENABLE_PUSH value other than 0" — a client treats 1 as
    // a connection error of type PROTOCOL_ERROR.
    if (id === 0x2 && value === 1 && !core.isServer) {
      throw connError("H2S_BAD_SETTING", "a server sent SETTINGS_ENABLE_PUSH = 1 (§6.5.2)");
    }
    // RFC 8441 §3: once 1, SETTINGS_ENABLE_CONNECT_PROTOCOL may not go back to 0.
    if (id === 0x8 && value === 0 && before.enableConnectProtocol) {
      throw connError("H2S_BAD_SETTING", "SETTINGS_ENABLE_CONNECT_PROTOCOL went from 1 to 0 (RFC 8441 §3)");
    }
  }
  const changed = applyPairs(core.peer, frame.settings);
  if (changed.initialWindowSize !== undefined) {
    core.adjustSendWindows(changed.initialWindowSize - before.initialWindowSize);
  }
  if (changed.headerTableSize !== undefined) {
    core.hpackOut.setMaxTableSize(Math.min(changed.headerTableSize, core.encoderTableLimit));
  }
  core.ackSettings();
  core.events.push({ type: "settings", settings: changed });
}

/** Our SETTINGS took effect: the decoders follow them. */
function applyLocal(core: SessionCore, settings: Partial<Http2Settings>): void {
  const before = core.local.initialWindowSize;
  Object.assign(core.local, settings);
  if (settings.maxFrameSize !== undefined) core.frames.setMaxFrameSize(settings.maxFrameSize);
  if (settings.headerTableSize !== undefined) core.hpackIn.setMaxTableSize(settings.headerTableSize);
  if (settings.initialWindowSize !== undefined) {
    const delta = settings.initialWindowSize - before;
    for (const stream of core.streams.values()) stream.recvWindow += delta;
  }
}

/** §6.7 PING: answer with the same data (counted: a peer that never reads our answers is a flood). */
function onPing(core: SessionCore, frame: Extract<Frame, { type: 6 }>): void {
  if (frame.ack) {
    core.events.push({ type: "pingAck", data: frame.data.slice() });
    return;
  }
  countControl(core);
  core.writeControl(FrameType.PING, PING_ACK, 0, frame.data);
  core.events.push({ type: "ping", data: frame.data.slice() });
}

/** §6.8 GOAWAY: our streams above lastStreamId were not processed and may be retried. */
function onGoaway(core: SessionCore, frame: Extract<Frame, { type: 7 }>): void {
  core.peerGoaway = Math.min(core.peerGoaway ?? MAX_WINDOW_SIZE, frame.lastStreamId);
  core.events.push({
    type: "goaway",
    lastStreamId: frame.lastStreamId,
    errorCode: frame.errorCode,
    debugData: frame.debugData.slice(),
  });
  for (const stream of [...core.streams.values()]) {
    if (stream.local && stream.id > frame.lastStreamId && stream.state !== "closed") {
      core.drop(stream);
      core.forget(stream, "reset");
      core.events.push({ type: "streamReset", streamId: stream.id, errorCode: 0x7 });
    }
  }
}

/** §6.9 WINDOW_UPDATE (a zero increment is rejected by the frame decoder). */
function onWindowUpdate(core: SessionCore, frame: Extract<Frame, { type: 8 }>): void {
  const increment = frame.windowSizeIncrement;
  if (frame.streamId === 0) {
    const next = core.grow(core.connSendWindow, increment);
    if (next === undefined) {
      throw connError(
        "H2S_FLOW_CONTROL",
        "WINDOW_UPDATE pushed the connection window past 2^31-1",
        FLOW_CONTROL_ERROR,
      );
    }
    core.connSendWindow = next;
  } else {
    // A stream closed by both END_STREAMs stays held while our queued DATA drains: it still takes credit.
    const stream = core.streams.get(frame.streamId);
    if (stream === undefined) {
      unknownStream(core, frame.streamId, "WINDOW_UPDATE");
      return;
    }
    if (stream.state === "idle") {
      throw connError("H2S_IDLE_STREAM", `WINDOW_UPDATE on idle stream ${stream.id} (§5.1)`);
    }
    const next = core.grow(stream.sendWindow, increment);
    if (next === undefined) {
      throw streamErr(
        "H2S_FLOW_CONTROL",
        `WINDOW_UPDATE pushed stream ${stream.id}'s window past 2^31-1`,
        stream.id,
        FLOW_CONTROL_ERROR,
      );
    }
    stream.sendWindow = next;
    core.schedule(stream);
  }
  core.events.push({ type: "windowUpdate", streamId: frame.streamId, increment });
}

/** RFC 9218 §7.1 PRIORITY_UPDATE: recorded on the stream and reported. */
function onPriorityUpdate(core: SessionCore, frame: Extract<Frame, { type: 0x10 }>): void {
  countControl(core);
  // RFC 9218 §7.1: a client receiving PRIORITY_UPDATE "MUST respond with a connection error of type
  // PROTOCOL_ERROR"; the prioritized stream must be a request stream.
  if (!core.isServer)
    throw connError("H2S_BAD_STREAM_ID", "PRIORITY_UPDATE sent by a server (RFC 9218 §7.1)");
  if (!peerParity(core, frame.prioritizedStreamId)) {
    throw connError(
      "H2S_BAD_STREAM_ID",
      `PRIORITY_UPDATE for stream ${frame.prioritizedStreamId}, not a request stream`,
    );
  }
  const stream = core.streams.get(frame.prioritizedStreamId);
  if (stream) stream.priority = frame.priorityFieldValue;
  core.events.push({
    type: "priorityUpdate",
    streamId: frame.prioritizedStreamId,
    value: frame.priorityFieldValue,
  });
}
