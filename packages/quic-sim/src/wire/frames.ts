/**
 * Every QUIC v1 frame (RFC 9000 §19, Table 3): encode to bytes and decode a packet payload into frames.
 * Integer fields are varints (§16); ones that must fit a JavaScript number are checked. PADDING runs are
 * decoded as one frame with their length.
 */
import { FRAME_ENCODING_ERROR, PROTOCOL_VIOLATION, QuicSimError, truncated } from "../errors";
import { readVarint, readVarintNumber, varintLength, writeVarint } from "./varint";

export interface AckRange {
  /** Inclusive packet number range, largest first across the list. */
  largest: number;
  smallest: number;
}

export type QuicFrame =
  | { type: "padding"; length: number }
  | { type: "ping" }
  | { type: "ack"; ranges: AckRange[]; ackDelay: number; ecn?: { ect0: number; ect1: number; ce: number } }
  | { type: "reset_stream"; streamId: number; errorCode: number | bigint; finalSize: number }
  | { type: "stop_sending"; streamId: number; errorCode: number | bigint }
  | { type: "crypto"; offset: number; data: Uint8Array }
  | { type: "new_token"; token: Uint8Array }
  | {
      type: "stream";
      streamId: number;
      offset: number;
      data: Uint8Array;
      fin: boolean;
      explicitLength?: boolean;
    }
  | { type: "max_data"; maximum: number }
  | { type: "max_stream_data"; streamId: number; maximum: number }
  | { type: "max_streams"; bidi: boolean; maximum: number }
  | { type: "data_blocked"; limit: number }
  | { type: "stream_data_blocked"; streamId: number; limit: number }
  | { type: "streams_blocked"; bidi: boolean; limit: number }
  | {
      type: "new_connection_id";
      sequence: number;
      retirePriorTo: number;
      connectionId: Uint8Array;
      resetToken: Uint8Array;
    }
  | { type: "retire_connection_id"; sequence: number }
  | { type: "path_challenge"; data: Uint8Array }
  | { type: "path_response"; data: Uint8Array }
  | {
      type: "connection_close";
      application: boolean;
      errorCode: number | bigint;
      frameType: number;
      reason: string;
    }
  | { type: "handshake_done" };

/** Frame type codes (Table 3). */
export const FrameCode = {
  PADDING: 0x00,
  PING: 0x01,
  ACK: 0x02,
  ACK_ECN: 0x03,
  RESET_STREAM: 0x04,
  STOP_SENDING: 0x05,
  CRYPTO: 0x06,
  NEW_TOKEN: 0x07,
  STREAM: 0x08,
  MAX_DATA: 0x10,
  MAX_STREAM_DATA: 0x11,
  MAX_STREAMS_BIDI: 0x12,
  MAX_STREAMS_UNI: 0x13,
  DATA_BLOCKED: 0x14,
  STREAM_DATA_BLOCKED: 0x15,
  STREAMS_BLOCKED_BIDI: 0x16,
  STREAMS_BLOCKED_UNI: 0x17,
  NEW_CONNECTION_ID: 0x18,
  RETIRE_CONNECTION_ID: 0x19,
  PATH_CHALLENGE: 0x1a,
  PATH_RESPONSE: 0x1b,
  CONNECTION_CLOSE: 0x1c,
  CONNECTION_CLOSE_APP: 0x1d,
  HANDSHAKE_DONE: 0x1e,
} as const;

function bad(message: string): QuicSimError {
  return new QuicSimError("QUIC_BAD_FRAME", message, { wireCode: FRAME_ENCODING_ERROR });
}

/** A growable byte writer. */
class Writer {
  buf = new Uint8Array(64);
  at = 0;
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }
  varint(v: number | bigint): this {
    this.room(8);
    this.at = writeVarint(this.buf, this.at, v);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }
  byte(b: number): this {
    this.room(1);
    this.buf[this.at++] = b;
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.at);
  }
}

/** Encodes one frame. */
export function encodeFrame(frame: QuicFrame): Uint8Array {
  const w = new Writer();
  writeFrame(w, frame);
  return w.done();
}

/** Encodes frames back to back (a packet payload). */
export function encodeFrames(frames: readonly QuicFrame[]): Uint8Array {
  const w = new Writer();
  for (const f of frames) writeFrame(w, f);
  return w.done();
}

function writeFrame(w: Writer, f: QuicFrame): void {
  switch (f.type) {
    case "padding":
      for (let i = 0; i < f.length; i++) w.byte(0);
      return;
    case "ping":
      w.varint(FrameCode.PING);
      return;
    case "ack": {
      // §19.3: Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range, then (Gap, Range) pairs.
      const [first, ...rest] = f.ranges;
      if (first === undefined) throw bad("an ACK frame needs at least one range");
      w.varint(f.ecn ? FrameCode.ACK_ECN : FrameCode.ACK)
        .varint(first.largest)
        .varint(f.ackDelay);
      w.varint(rest.length).varint(first.largest - first.smallest);
      let smallest = first.smallest;
      for (const r of rest) {
        const gap = smallest - r.largest - 2;
        if (gap < 0 || r.smallest > r.largest) throw bad("ACK ranges must descend with gaps of at least one");
        w.varint(gap).varint(r.largest - r.smallest);
        smallest = r.smallest;
      }
      if (f.ecn) w.varint(f.ecn.ect0).varint(f.ecn.ect1).varint(f.ecn.ce);
      return;
    }
    case "reset_stream":
      w.varint(FrameCode.RESET_STREAM).varint(f.streamId).varint(f.errorCode).varint(f.finalSize);
      return;
    case "stop_sending":
      w.varint(FrameCode.STOP_SENDING).varint(f.streamId).varint(f.errorCode);
      return;
    case "crypto":
      w.varint(FrameCode.CRYPTO).varint(f.offset).varint(f.data.length).bytes(f.data);
      return;
    case "new_token":
      w.varint(FrameCode.NEW_TOKEN).varint(f.token.length).bytes(f.token);
      return;
    case "stream": {
      // §19.8: OFF (0x04), LEN (0x02), FIN (0x01) bits; without LEN the data runs to the packet's end.
      const withLength = f.explicitLength ?? true;
      const type =
        FrameCode.STREAM | (f.offset > 0 ? 0x04 : 0) | (withLength ? 0x02 : 0) | (f.fin ? 0x01 : 0);
      w.varint(type).varint(f.streamId);
      if (f.offset > 0) w.varint(f.offset);
      if (withLength) w.varint(f.data.length);
      w.bytes(f.data);
      return;
    }
    case "max_data":
      w.varint(FrameCode.MAX_DATA).varint(f.maximum);
      return;
    case "max_stream_data":
      w.varint(FrameCode.MAX_STREAM_DATA).varint(f.streamId).varint(f.maximum);
      return;
    case "max_streams":
      w.varint(f.bidi ? FrameCode.MAX_STREAMS_BIDI : FrameCode.MAX_STREAMS_UNI).varint(f.maximum);
      return;
    case "data_blocked":
      w.varint(FrameCode.DATA_BLOCKED).varint(f.limit);
      return;
    case "stream_data_blocked":
      w.varint(FrameCode.STREAM_DATA_BLOCKED).varint(f.streamId).varint(f.limit);
      return;
    case "streams_blocked":
      w.varint(f.bidi ? FrameCode.STREAMS_BLOCKED_BIDI : FrameCode.STREAMS_BLOCKED_UNI).varint(f.limit);
      return;
    case "new_connection_id":
      if (f.connectionId.length < 1 || f.connectionId.length > 20) throw bad("connection id of 1-20 bytes");
      if (f.resetToken.length !== 16) throw bad("a stateless reset token of 16 bytes");
      w.varint(FrameCode.NEW_CONNECTION_ID).varint(f.sequence).varint(f.retirePriorTo);
      w.byte(f.connectionId.length).bytes(f.connectionId).bytes(f.resetToken);
      return;
    case "retire_connection_id":
      w.varint(FrameCode.RETIRE_CONNECTION_ID).varint(f.sequence);
      return;
    case "path_challenge":
    case "path_response":
      if (f.data.length !== 8) throw bad("PATH_CHALLENGE/PATH_RESPONSE carry 8 bytes");
      w.varint(f.type === "path_challenge" ? FrameCode.PATH_CHALLENGE : FrameCode.PATH_RESPONSE).bytes(
        f.data,
      );
      return;
    case "connection_close": {
      const reason = new TextEncoder().encode(f.reason);
      w.varint(f.application ? FrameCode.CONNECTION_CLOSE_APP : FrameCode.CONNECTION_CLOSE).varint(
        f.errorCode,
      );
      if (!f.application) w.varint(f.frameType);
      w.varint(reason.length).bytes(reason);
      return;
    }
    case "handshake_done":
      w.varint(FrameCode.HANDSHAKE_DONE);
      return;
  }
}

/** Decodes a whole packet payload into frames (§12.4). */
export function decodeFrames(payload: Uint8Array): QuicFrame[] {
  const frames: QuicFrame[] = [];
  let at = 0;
  const num = (what: string) => {
    const r = readVarintNumber(payload, at, what);
    at += r.length;
    return r.value;
  };
  const big = () => {
    const r = readVarint(payload, at);
    at += r.length;
    return r.value;
  };
  const take = (n: number, what: string) => {
    if (at + n > payload.length) throw truncated(what);
    const out = payload.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < payload.length) {
    const start = at;
    const type = num("frame type");
    // §12.4: "the frame type MUST use the shortest possible encoding" (PROTOCOL_VIOLATION otherwise).
    if (at - start !== varintLength(type)) {
      throw new QuicSimError("QUIC_BAD_FRAME", `frame type 0x${type.toString(16)} not minimally encoded`, {
        wireCode: PROTOCOL_VIOLATION,
      });
    }
    if (type === FrameCode.PADDING) {
      while (at < payload.length && payload[at] === 0) at++;
      frames.push({ type: "padding", length: at - start });
      continue;
    }
    if (type >= FrameCode.STREAM && type <= 0x0f) {
      const streamId = num("stream id");
      const offset = type & 0x04 ? num("offset") : 0;
      const explicit = (type & 0x02) !== 0;
      const length = explicit ? num("length") : payload.length - at;
      // §19.8: "The largest offset delivered on a stream ... cannot exceed 2^62-1".
      if (offset + length > 2 ** 62 - 1) throw bad("stream data beyond 2^62-1");
      frames.push({
        type: "stream",
        streamId,
        offset,
        data: take(length, "STREAM data"),
        fin: (type & 0x01) !== 0,
        explicitLength: explicit,
      });
      continue;
    }
    switch (type) {
      case FrameCode.PING:
        frames.push({ type: "ping" });
        break;
      case FrameCode.ACK:
      case FrameCode.ACK_ECN: {
        const largest = num("largest acknowledged");
        const ackDelay = num("ACK delay");
        const count = num("ACK range count");
        const firstRange = num("first ACK range");
        let smallest = largest - firstRange;
        if (smallest < 0) throw bad("ACK range below packet number 0 (§19.3.1)");
        const ranges: AckRange[] = [{ largest, smallest }];
        for (let i = 0; i < count; i++) {
          const gap = num("gap");
          const len = num("ACK range length");
          const hi = smallest - gap - 2;
          const lo = hi - len;
          if (lo < 0) throw bad("ACK range below packet number 0 (§19.3.1)");
          ranges.push({ largest: hi, smallest: lo });
          smallest = lo;
        }
        const frame: QuicFrame = { type: "ack", ranges, ackDelay };
        if (type === FrameCode.ACK_ECN) frame.ecn = { ect0: num("ECT0"), ect1: num("ECT1"), ce: num("CE") };
        frames.push(frame);
        break;
      }
      case FrameCode.RESET_STREAM:
        frames.push({
          type: "reset_stream",
          streamId: num("stream id"),
          errorCode: big(),
          finalSize: num("final size"),
        });
        break;
      case FrameCode.STOP_SENDING:
        frames.push({ type: "stop_sending", streamId: num("stream id"), errorCode: big() });
        break;
      case FrameCode.CRYPTO: {
        const offset = num("offset");
        frames.push({ type: "crypto", offset, data: take(num("length"), "CRYPTO data") });
        break;
      }
      case FrameCode.NEW_TOKEN: {
        const len = num("token length");
        // §19.7: "A client MUST treat receipt of a NEW_TOKEN frame with an empty Token field as a
        // connection error of type FRAME_ENCODING_ERROR."
        if (len === 0) throw bad("NEW_TOKEN with an empty token");
        frames.push({ type: "new_token", token: take(len, "token") });
        break;
      }
      case FrameCode.MAX_DATA:
        frames.push({ type: "max_data", maximum: num("maximum data") });
        break;
      case FrameCode.MAX_STREAM_DATA:
        frames.push({ type: "max_stream_data", streamId: num("stream id"), maximum: num("maximum") });
        break;
      case FrameCode.MAX_STREAMS_BIDI:
      case FrameCode.MAX_STREAMS_UNI: {
        // §19.11: "This value cannot exceed 2^60" (a FRAME_ENCODING_ERROR).
        const maximum = Number(limit60(big(), "MAX_STREAMS"));
        frames.push({ type: "max_streams", bidi: type === FrameCode.MAX_STREAMS_BIDI, maximum });
        break;
      }
      case FrameCode.DATA_BLOCKED:
        frames.push({ type: "data_blocked", limit: num("limit") });
        break;
      case FrameCode.STREAM_DATA_BLOCKED:
        frames.push({ type: "stream_data_blocked", streamId: num("stream id"), limit: num("limit") });
        break;
      case FrameCode.STREAMS_BLOCKED_BIDI:
      case FrameCode.STREAMS_BLOCKED_UNI: {
        const limit = Number(limit60(big(), "STREAMS_BLOCKED"));
        frames.push({ type: "streams_blocked", bidi: type === FrameCode.STREAMS_BLOCKED_BIDI, limit });
        break;
      }
      case FrameCode.NEW_CONNECTION_ID: {
        const sequence = num("sequence number");
        const retirePriorTo = num("retire prior to");
        // §19.15: retire_prior_to greater than the sequence number is a FRAME_ENCODING_ERROR.
        if (retirePriorTo > sequence) throw bad("Retire Prior To above the Sequence Number");
        const len = take(1, "length")[0]!;
        if (len < 1 || len > 20) throw bad(`connection id of ${len} bytes (§19.15: 1-20)`);
        const connectionId = take(len, "connection id");
        frames.push({
          type: "new_connection_id",
          sequence,
          retirePriorTo,
          connectionId,
          resetToken: take(16, "reset token"),
        });
        break;
      }
      case FrameCode.RETIRE_CONNECTION_ID:
        frames.push({ type: "retire_connection_id", sequence: num("sequence number") });
        break;
      case FrameCode.PATH_CHALLENGE:
        frames.push({ type: "path_challenge", data: take(8, "PATH_CHALLENGE data") });
        break;
      case FrameCode.PATH_RESPONSE:
        frames.push({ type: "path_response", data: take(8, "PATH_RESPONSE data") });
        break;
      case FrameCode.CONNECTION_CLOSE:
      case FrameCode.CONNECTION_CLOSE_APP: {
        const application = type === FrameCode.CONNECTION_CLOSE_APP;
        const errorCode = big();
        const frameType = application ? 0 : num("frame type");
        const reason = new TextDecoder().decode(take(num("reason length"), "reason phrase"));
        frames.push({ type: "connection_close", application, errorCode, frameType, reason });
        break;
      }
      case FrameCode.HANDSHAKE_DONE:
        frames.push({ type: "handshake_done" });
        break;
      default:
        // §12.4: "An endpoint MUST treat the receipt of a frame of unknown type as a connection error of
        // type FRAME_ENCODING_ERROR."
        throw new QuicSimError("QUIC_UNKNOWN_FRAME", `unknown frame type 0x${type.toString(16)}`, {
          wireCode: FRAME_ENCODING_ERROR,
        });
    }
  }
  return frames;
}

function limit60(value: number | bigint, what: string): number | bigint {
  if (BigInt(value) > 1n << 60n) throw bad(`${what} above 2^60`);
  return value;
}

/** §13.2.1 / RFC 9002 §2: frames whose packet must be acknowledged (all but ACK, PADDING, CONNECTION_CLOSE). */
export function isAckEliciting(frame: QuicFrame): boolean {
  return frame.type !== "ack" && frame.type !== "padding" && frame.type !== "connection_close";
}
