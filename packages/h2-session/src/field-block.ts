/**
 * A complete field block (RFC 9113 §4.3, §8): HPACK-decoded always (the decoder's table must stay in step
 * even for a block that is then refused), then checked against the stream's state (§5.1), stream id
 * rules (§5.1.1), concurrency (§5.1.2), size (§10.5.1) and field rules (§8.2-§8.3), and reported.
 */
import { FrameType } from "@proto/h2-frame";
import { HpackError } from "@proto/hpack";
import type { OpenBlock, SessionCore } from "./core";
import {
  COMPRESSION_ERROR,
  connError,
  ENHANCE_YOUR_CALM,
  Http2SessionError,
  REFUSED_STREAM,
  STREAM_CLOSED,
  streamErr,
} from "./errors";
import { checkRequest, checkResponse, checkTrailers, type HeaderList, headerListSize } from "./fields";
import { checkLength, endRemote, peerParity } from "./receive";
import type { Http2Stream } from "./stream";

const CANCEL = 0x8;
const NO_ERROR = 0x0;
const BOMB_CODES = new Set(["HPACK_HEADER_LIST_TOO_LARGE", "HPACK_TOO_MANY_FIELDS", "HPACK_STRING_TOO_LONG"]);

function decode(core: SessionCore, block: OpenBlock): HeaderList {
  const bytes = block.pieces.length === 1 ? block.pieces[0]! : concat(block.pieces, block.size);
  try {
    return core.hpackIn.decode(bytes);
  } catch (error) {
    if (!(error instanceof HpackError)) throw error;
    // §4.3: "A decoding error in a field block MUST be treated as a connection error of type
    // COMPRESSION_ERROR"; past the decoder's hard limits it is a flood (an HPACK bomb).
    const bomb = BOMB_CODES.has(error.code);
    throw new Http2SessionError(
      bomb ? "H2S_HPACK_BOMB" : "H2S_COMPRESSION",
      bomb ? `field block past the decoder's limits: ${error.message}` : `HPACK: ${error.message}`,
      { errorCode: bomb ? ENHANCE_YOUR_CALM : COMPRESSION_ERROR, cause: error },
    );
  }
}

export function finishBlock(core: SessionCore, block: OpenBlock): void {
  if (block.push) {
    finishPush(core, block);
    return;
  }
  const id = block.streamId;
  if (block.doomed) {
    decode(core, block);
    if (peerParity(core, id) && id > core.lastPeerStreamId && !core.streams.has(id))
      core.lastPeerStreamId = id;
    throw block.doomed;
  }
  const stream = core.streams.get(id);
  if (stream === undefined) {
    const how = core.closed.get(id);
    if (how === undefined) {
      if (!peerParity(core, id)) {
        // One of our ids: idle if we never opened it; otherwise closed and forgotten.
        if (id >= core.nextStreamId)
          throw connError("H2S_IDLE_STREAM", `HEADERS on idle stream ${id} (§5.1)`);
        decode(core, block);
        return;
      }
      // §5.1.1: a new stream's id "MUST be numerically greater than all streams that the initiating
      // endpoint has opened or reserved"; a client cannot open a stream with a server's (even) id.
      if (id <= core.lastPeerStreamId) {
        throw connError(
          "H2S_BAD_STREAM_ID",
          `HEADERS opening stream ${id} after stream ${core.lastPeerStreamId} (§5.1.1)`,
        );
      }
      if (!core.isServer) throw connError("H2S_BAD_STREAM_ID", `HEADERS on unpromised stream ${id} (§5.1.1)`);
      openStream(core, block, decode(core, block));
      return;
    }
    decode(core, block);
    // §5.1 "closed": ignored after our RST_STREAM; after END_STREAM both ways, a connection error.
    if (how === "ended")
      throw connError("H2S_STREAM_CLOSED", `HEADERS on closed stream ${id} (§5.1)`, STREAM_CLOSED);
    return;
  }
  const fields = decode(core, block);
  if (stream.state === "half-closed-remote" || stream.state === "closed") {
    throw streamErr(
      "H2S_STREAM_CLOSED",
      `HEADERS after END_STREAM on stream ${id} (§5.1)`,
      id,
      STREAM_CLOSED,
    );
  }
  if (tooLarge(core, stream, fields)) return;
  if (stream.headersReceived) {
    trailers(core, stream, fields, block.endStream);
    return;
  }
  if (core.isServer) throw connError("H2S_BAD_STREAM_ID", `HEADERS on stream ${id} in state ${stream.state}`);
  response(core, stream, fields, block.endStream);
}

/** Server: a new request stream. */
function openStream(core: SessionCore, block: OpenBlock, fields: HeaderList): void {
  const id = block.streamId;
  core.lastPeerStreamId = id;
  // §6.8: after our GOAWAY, new streams above its last stream id are ignored.
  if (core.goawaySent) return;
  // §5.1.2: "An endpoint that receives a HEADERS frame that causes its advertised concurrent stream limit
  // to be exceeded MUST treat this as a stream error of type PROTOCOL_ERROR or REFUSED_STREAM."
  if (core.activeStreams(false) >= core.local.maxConcurrentStreams) {
    throw streamErr("H2S_REFUSED_STREAM", `stream ${id} exceeds MAX_CONCURRENT_STREAMS`, id, REFUSED_STREAM);
  }
  const stream = core.newStream(id, false);
  core.step(stream, "recvH");
  if (tooLarge(core, stream, fields)) return;
  const request = checkRequest(fields, core.local.enableConnectProtocol);
  if (typeof request === "string") throw streamErr("H2S_MALFORMED", `malformed request: ${request}`, id);
  stream.headersReceived = true;
  stream.method = request.method;
  stream.contentLength = request.contentLength;
  const priority = fields.find(([name]) => name === "priority");
  if (priority) stream.priority = priority[1];
  core.events.push({ type: "headers", streamId: id, headers: fields, endStream: block.endStream });
  if (block.endStream) {
    checkLength(stream);
    endRemote(core, stream);
  }
}

/** Client: an interim (1xx) or final response. */
function response(core: SessionCore, stream: Http2Stream, fields: HeaderList, endStream: boolean): void {
  const info = checkResponse(fields);
  if (typeof info === "string") throw streamErr("H2S_MALFORMED", `malformed response: ${info}`, stream.id);
  if (stream.state === "reserved-remote") core.step(stream, "recvH");
  if (info.status < 200) {
    // §8.1: an interim response cannot end the stream.
    if (endStream)
      throw streamErr("H2S_MALFORMED", `a ${info.status} response with END_STREAM (§8.1)`, stream.id);
  } else {
    stream.headersReceived = true;
    // §8.1.1: responses to HEAD, and 204/304, carry no content whatever content-length says.
    const bodiless = stream.method === "HEAD" || info.status === 204 || info.status === 304;
    stream.contentLength = bodiless ? undefined : info.contentLength;
  }
  core.events.push({ type: "headers", streamId: stream.id, headers: fields, endStream });
  if (endStream) {
    checkLength(stream);
    endRemote(core, stream);
  }
}

/** §8.1: a trailer section must end the stream and carries no pseudo-headers. */
function trailers(core: SessionCore, stream: Http2Stream, fields: HeaderList, endStream: boolean): void {
  if (!endStream)
    throw streamErr(
      "H2S_MALFORMED",
      `a second HEADERS without END_STREAM on stream ${stream.id} (§8.1)`,
      stream.id,
    );
  const problem = checkTrailers(fields);
  if (problem) throw streamErr("H2S_MALFORMED", `malformed trailers: ${problem}`, stream.id);
  checkLength(stream);
  core.events.push({ type: "trailers", streamId: stream.id, headers: fields });
  endRemote(core, stream);
}

/**
 * §10.5.1: a field section over our SETTINGS_MAX_HEADER_LIST_SIZE costs only its stream: a server answers
 * 431 (and asks the client to stop sending with RST_STREAM NO_ERROR), a client cancels the stream.
 */
function tooLarge(core: SessionCore, stream: Http2Stream, fields: HeaderList): boolean {
  const size = headerListSize(fields);
  if (size <= core.local.maxHeaderListSize) return false;
  // Once our response has started, a 431 would be a second response: only the reset remains.
  if (
    core.isServer &&
    !stream.localEnded &&
    !stream.headersSent &&
    !stream.endAfterQueue &&
    stream.state !== "closed"
  ) {
    core.writeFieldBlock(FrameType.HEADERS, stream.id, [[":status", "431"]], true);
    stream.localEnded = true;
    core.step(stream, "sendES");
    if (stream.id !== 0 && core.streams.has(stream.id)) core.reset(stream, NO_ERROR, true);
  } else if (stream.state !== "closed") {
    core.reset(stream, CANCEL, true);
  }
  if (core.streamErrors.hit(core.now)) {
    throw connError("H2S_STREAM_ERROR_FLOOD", "too many oversized field sections", ENHANCE_YOUR_CALM);
  }
  return true;
}

/** Client: PUSH_PROMISE (§6.6, §8.4). */
function finishPush(core: SessionCore, block: OpenBlock): void {
  // §8.4: "A client cannot push"; a server receiving PUSH_PROMISE: connection error PROTOCOL_ERROR.
  if (core.isServer) throw connError("H2S_PUSH_REFUSED", "a client sent PUSH_PROMISE (§8.4)");
  // §6.6: with push disabled, PUSH_PROMISE is a connection error of type PROTOCOL_ERROR.
  if (!core.local.enablePush)
    throw connError("H2S_PUSH_REFUSED", "PUSH_PROMISE while SETTINGS_ENABLE_PUSH is 0 (§6.6)");
  const promised = block.promisedStreamId;
  if (promised % 2 !== 0 || promised <= core.lastPeerStreamId) {
    throw connError("H2S_BAD_STREAM_ID", `PUSH_PROMISE promising stream ${promised} (§5.1.1, §6.6)`);
  }
  const associated = core.streams.get(block.streamId);
  // §6.6: a PUSH_PROMISE on a stream that is neither "open" nor "half-closed (local)" is a connection error.
  if (
    associated === undefined ||
    !associated.local ||
    (associated.state !== "open" && associated.state !== "half-closed-local")
  ) {
    if (core.closed.get(block.streamId) === "reset") {
      decode(core, block);
      core.lastPeerStreamId = promised;
      core.writeControl(FrameType.RST_STREAM, 0, promised, new Uint8Array([0, 0, 0, CANCEL]));
      core.closed.set(promised, "reset");
      return;
    }
    throw connError("H2S_PUSH_REFUSED", `PUSH_PROMISE on stream ${block.streamId}, not open (§6.6)`);
  }
  const fields = decode(core, block);
  core.lastPeerStreamId = promised;
  const stream = core.newStream(promised, false);
  core.step(stream, "recvPP");
  const request = checkRequest(fields, false);
  if (typeof request === "string")
    throw streamErr("H2S_MALFORMED", `malformed pushed request: ${request}`, promised);
  // §8.4: "Promised requests MUST be safe ... and cacheable"; anything else is a stream error.
  if (request.method !== "GET" && request.method !== "HEAD") {
    throw streamErr(
      "H2S_MALFORMED",
      `a pushed ${request.method} request is not safe and cacheable (§8.4)`,
      promised,
    );
  }
  stream.method = request.method;
  core.events.push({ type: "push", streamId: block.streamId, promisedStreamId: promised, headers: fields });
}

function concat(pieces: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
