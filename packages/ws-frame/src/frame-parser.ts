/**
 * The incremental frame parser under FrameDecoder and WebSocketSession: bytes in any split, frame
 * headers and payload pieces out, as soon as they arrive. It enforces every rule a single frame must
 * obey (RFC 6455 §5.1-§5.5); rules that span frames (fragmentation, RSV ownership, UTF-8) belong to the
 * session. Rules are checked as early as the bytes allow: opcode, control-frame and mask rules on the
 * second byte, before the extended length arrives.
 */
import { protocolError } from "./errors";
import { MAX_CONTROL_PAYLOAD } from "./frame";
import { isControlOpcode, isKnownOpcode } from "./opcode";

export type Role = "client" | "server";

/** A parsed frame header. `maskKey` is set when the frame was masked. */
export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** Payload length announced by the header. */
  length: number;
  maskKey: Uint8Array | undefined;
}

/** Receives what the parser finds. Either method may throw a WsFrameError to stop parsing. */
export interface FrameSink {
  /** A complete, frame-valid header. Called before any of its payload. */
  frameStart(header: FrameHeader): void;
  /**
   * The next piece of the payload, exactly as on the wire (still masked if `header.masked`; see
   * `unmaskCopy`). `position` is the offset of `raw[0]` in the payload; `last` marks the piece that ends
   * the frame (an empty piece for an empty payload). `raw` is a view into the caller's chunk.
   */
  framePayload(header: FrameHeader, raw: Uint8Array, position: number, last: boolean): void;
}

/** Default `maxFramePayload`: 64 MiB. */
export const DEFAULT_MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

const TWO_POW_32 = 0x1_0000_0000;

export class FrameParser {
  private readonly expectMasked: boolean;
  private readonly maxFramePayload: number;
  /** Header bytes held while a header is split across chunks (at most 14). */
  private readonly partial = new Uint8Array(14);
  private have = 0;
  private current: FrameHeader | undefined;
  private received = 0;

  constructor(role: Role, maxFramePayload: number = DEFAULT_MAX_FRAME_PAYLOAD) {
    // §5.1: "a client MUST mask all frames that it sends to the server"; "A server MUST NOT mask any
    // frames that it sends to the client". So a server expects masked frames, a client unmasked ones.
    this.expectMasked = role === "server";
    this.maxFramePayload = maxFramePayload;
  }

  /** Bytes held for a header that has not fully arrived. */
  get pendingHeaderBytes(): number {
    return this.have;
  }

  /** True between frames (no partial header, no payload outstanding). */
  get atFrameBoundary(): boolean {
    return this.have === 0 && this.current === undefined;
  }

  /** Parses `chunk`, calling `sink` for every header and payload piece it completes. */
  parse(input: Uint8Array, sink: FrameSink): void {
    // A Node Buffer's subarray() runs Buffer's constructor: view it as a plain Uint8Array once instead.
    const chunk =
      input.constructor === Uint8Array
        ? input
        : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      let header = this.current;
      if (header === undefined) {
        if (this.have === 0 && end - pos >= 2) {
          // Fast path: the whole header is in this chunk.
          const size = this.headerSize(chunk[pos]!, chunk[pos + 1]!);
          if (end - pos >= size) {
            header = this.readHeader(chunk, pos);
            pos += size;
          }
        }
        if (header === undefined) {
          // Slow path: gather the header byte by byte across chunks.
          this.partial[this.have++] = chunk[pos++]!;
          if (this.have < 2) continue;
          const size = this.headerSize(this.partial[0]!, this.partial[1]!);
          if (this.have < size) continue;
          header = this.readHeader(this.partial, 0);
          // The partial buffer is reused for the next header: the key must be the frame's own.
          if (header.maskKey !== undefined) header.maskKey = header.maskKey.slice();
          this.have = 0;
        }
        this.current = header;
        this.received = 0;
        sink.frameStart(header);
        if (header.length === 0) {
          this.current = undefined;
          sink.framePayload(header, chunk.subarray(pos, pos), 0, true);
          continue;
        }
      }
      const take = Math.min(header.length - this.received, end - pos);
      const position = this.received;
      this.received += take;
      const last = this.received === header.length;
      if (last) this.current = undefined;
      sink.framePayload(header, chunk.subarray(pos, pos + take), position, last);
      pos += take;
    }
    // A frame continuing past this chunk keeps its masking key: the caller may reuse the chunk's memory.
    const open = this.current;
    if (open?.maskKey !== undefined && open.maskKey.buffer === chunk.buffer)
      open.maskKey = open.maskKey.slice();
  }

  /**
   * Checks what the first two bytes already decide, and returns the header size they imply.
   * @throws WsFrameError 1002
   */
  private headerSize(b0: number, b1: number): number {
    const opcode = b0 & 0x0f;
    // §5.2 Opcode: "%x3-7 are reserved for further non-control frames", "%xB-F are reserved for further
    // control frames"; §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the
    // WebSocket Connection_."
    if (!isKnownOpcode(opcode)) {
      throw protocolError("WS_INVALID_OPCODE", `reserved opcode 0x${opcode.toString(16)}`);
    }
    const len7 = b1 & 0x7f;
    if (isControlOpcode(opcode)) {
      // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
      if ((b0 & 0x80) === 0) throw protocolError("WS_CONTROL_FRAGMENTED", "fragmented control frame");
      if (len7 > MAX_CONTROL_PAYLOAD) {
        throw protocolError("WS_CONTROL_TOO_LONG", "control frame payload longer than 125 bytes");
      }
    }
    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.expectMasked) {
      // §5.1: "The server MUST close the connection upon receiving a frame that is not masked";
      // "A client MUST close a connection if it detects a masked frame."
      throw masked
        ? protocolError("WS_MASKED_FRAME", "a server frame must not be masked")
        : protocolError("WS_UNMASKED_FRAME", "a client frame must be masked");
    }
    return (len7 === 126 ? 4 : len7 === 127 ? 10 : 2) + (masked ? 4 : 0);
  }

  /** Reads a header whose bytes are all in `bytes` at `at` (headerSize already checked the first two). */
  private readHeader(bytes: Uint8Array, at: number): FrameHeader {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let o = at + 2;
    if (length === 126) {
      length = (bytes[o]! << 8) | bytes[o + 1]!;
      o += 2;
      // §5.2: "In all cases, the minimal number of bytes MUST be used to encode the length".
      if (length < 126) throw protocolError("WS_NON_MINIMAL_LENGTH", `16-bit length ${length} fits 7 bits`);
    } else if (length === 127) {
      const high = ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
      const low =
        ((bytes[o + 4]! << 24) | (bytes[o + 5]! << 16) | (bytes[o + 6]! << 8) | bytes[o + 7]!) >>> 0;
      o += 8;
      // §5.2: "the most significant bit MUST be 0".
      if (high >= 0x8000_0000)
        throw protocolError("WS_LENGTH_TOO_LARGE", "64-bit length with the top bit set");
      if (high > 0x1f_ffff) {
        throw protocolError("WS_FRAME_TOO_LARGE", "frame payload length beyond 2^53 bytes", 1009);
      }
      length = high * TWO_POW_32 + low;
      if (length <= 0xffff)
        throw protocolError("WS_NON_MINIMAL_LENGTH", `64-bit length ${length} fits 16 bits`);
    }
    if (length > this.maxFramePayload) {
      throw protocolError(
        "WS_FRAME_TOO_LARGE",
        `frame payload of ${length} bytes exceeds maxFramePayload ${this.maxFramePayload}`,
        1009,
      );
    }
    const masked = (b1 & 0x80) !== 0;
    return {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked,
      length,
      // A view, valid while this chunk is parsed; parse() copies it if the frame outlives the chunk.
      maskKey: masked ? bytes.subarray(o, o + 4) : undefined,
    };
  }
}
