/**
 * WebSocketSession: a sans-IO WebSocket connection after the opening handshake (RFC 6455 §5-§7).
 * Bytes from the peer go into `receive()`, which returns events; commands queue frames that
 * `dataToSend()` hands out. No sockets, no timers: a closing timeout belongs to the adapter.
 *
 * A protocol violation never throws out of `receive()`: the session queues a Close frame with the code
 * the violation calls for, emits one `close` event with `wasClean: false`, and ignores all later input
 * (§7.1.7 "_Fail the WebSocket Connection_").
 */
import { CloseCode, decodeCloseBody, encodeCloseBody } from "./close-code";
import { protocolError, WsFrameError } from "./errors";
import { type ExtensionMessageDecoder, RSV1, RSV2, RSV3, rsvMask } from "./extension";
import { ExtensionChain } from "./extension-chain";
import { firstHeaderByte, MAX_CONTROL_PAYLOAD } from "./frame";
import { type FrameHeader, FrameParser, type FrameSink } from "./frame-parser";
import { mask } from "./mask";
import { Opcode } from "./opcode";
import { Outbox } from "./outbox";
import { Assembler, concat, copyBytes, unmaskCopy, unmaskScratch } from "./payload";
import { MaskKeyPool } from "./random";
import { nextState, type SessionInput } from "./session-state";
import {
  type Role,
  resolveLimits,
  type SendOptions,
  type SessionState,
  type WebSocketEvent,
  type WebSocketSessionOptions,
} from "./session-types";
import { Utf8Stream } from "./utf8";

/** Thrown inside the parser's callbacks to stop parsing once the connection is closed. */
const STOP = Symbol("stop");
const EMPTY = new Uint8Array(0);
/** Bookkeeping bytes counted per held piece, so a flood of tiny fragments is charged for its overhead. */
const PIECE_OVERHEAD = 64;
const encoder = new TextEncoder();

export class WebSocketSession implements FrameSink {
  readonly role: Role;
  private current: SessionState = "open";
  private readonly parser: FrameParser;
  private readonly maxMessageSize: number;
  private readonly maxFragments: number;
  private readonly maxBufferedBytes: number;
  private readonly maxPendingPongs: number;
  private readonly autoPong: boolean;
  private readonly streaming: boolean;
  private readonly extensions: ExtensionChain;

  private readonly outbox: Outbox;
  private readonly inPlace: boolean;
  private events: WebSocketEvent[] = [];
  private pendingPongs = 0;

  // The incoming message in progress (opcode 0: none).
  private messageOpcode = 0;
  private fragments = 0;
  private messageSize = 0;
  private decoders: ExtensionMessageDecoder[] | undefined;
  private binary: Assembler | undefined;
  private text: string[] = [];
  private readonly utf8 = new Utf8Stream();
  private control: Assembler | undefined;

  // The outgoing fragmented message in progress (opcode 0: none).
  private sendingOpcode = 0;

  constructor(options: WebSocketSessionOptions) {
    if (options.role !== "client" && options.role !== "server") {
      throw new WsFrameError("WS_INVALID_ARGUMENT", `role must be "client" or "server", got ${options.role}`);
    }
    this.role = options.role;
    const limits = resolveLimits(options);
    const maxFramePayload = limits.maxFramePayload;
    this.maxMessageSize = limits.maxMessageSize;
    this.maxFragments = limits.maxFragments;
    this.maxBufferedBytes = limits.maxBufferedBytes;
    this.maxPendingPongs = limits.maxPendingPongs;
    this.autoPong = options.autoPong ?? true;
    this.streaming = options.streaming ?? false;
    this.parser = new FrameParser(this.role, maxFramePayload);
    this.extensions = new ExtensionChain(options.extensions ?? []);
    this.outbox = new Outbox(
      this.role === "client" ? new MaskKeyPool(options.randomSource) : undefined,
      options.zeroCopySend ?? false,
    );
    this.inPlace = options.unmaskInPlace ?? false;
  }

  /** "open", "closing" (we sent Close, awaiting the peer's), or "closed". */
  get state(): SessionState {
    return this.current;
  }

  /** Bytes queued for the peer and not yet taken by dataToSend(). */
  get bufferedAmount(): number {
    return this.outbox.bytes;
  }

  /** Feeds bytes from the peer; returns the events they complete. Never throws for anything the peer sends. */
  receive(bytes: Uint8Array): WebSocketEvent[] {
    if (this.current === "closed") return [];
    try {
      this.parser.parse(bytes, this);
    } catch (error) {
      if (error !== STOP) this.fail(error);
    }
    const events = this.events;
    this.events = [];
    return events;
  }

  /** Everything queued for the peer (frames, automatic pongs, Close replies) as one buffer. */
  dataToSend(): Uint8Array {
    const size = this.outbox.bytes;
    return concat(this.dataToSendChunks(), size);
  }

  /** Everything queued for the peer, one Uint8Array per frame (for vectored writes); clears the queue. */
  dataToSendChunks(): Uint8Array[] {
    this.pendingPongs = 0;
    return this.outbox.take();
  }

  /** Queues a text message (or, with `fin: false`, a fragment of one). */
  sendText(text: string, options?: SendOptions): void {
    this.sendMessage(Opcode.TEXT, encoder.encode(text), options?.fin ?? true);
  }

  /** Queues a binary message (or, with `fin: false`, a fragment of one). The bytes are copied. */
  sendBinary(data: Uint8Array, options?: SendOptions): void {
    this.sendMessage(Opcode.BINARY, data, options?.fin ?? true);
  }

  /** Queues a Ping (§5.5.2) with up to 125 bytes of application data. */
  ping(data: Uint8Array = EMPTY): void {
    this.sendControl(Opcode.PING, data);
  }

  /** Queues an unsolicited Pong (§5.5.3: a unidirectional heartbeat). */
  pong(data: Uint8Array = EMPTY): void {
    this.sendControl(Opcode.PONG, data);
  }

  /**
   * Starts the closing handshake (§7.1.2): queues a Close frame and moves to "closing"; the `close` event
   * comes when the peer's Close arrives. Without a code the Close is empty. Once closing or closed, a
   * no-op. Throws WS_INVALID_ARGUMENT for a code that may not be sent or a reason over 123 bytes.
   */
  close(code?: number, reason?: string): void {
    if (this.current !== "open") return;
    const body = encodeCloseBody(code, reason);
    this.outbox.queue(firstHeaderByte(true, false, false, false, Opcode.CLOSE), body);
    this.transition("sendClose");
  }

  // ---- FrameSink: the parser's callbacks ----------------------------------------------------------

  /** @internal */
  frameStart(header: FrameHeader): void {
    if (this.current === "closed") throw STOP;
    const { opcode } = header;
    const rsv = rsvMask(header);
    if (rsv !== 0) this.extensions.checkRsv(header, rsv);
    if (opcode >= Opcode.CLOSE) {
      this.control = undefined;
      return;
    }
    if (opcode === Opcode.CONTINUATION) {
      // §5.4: a continuation frame continues a message; with none started there is nothing to continue.
      if (this.messageOpcode === 0)
        throw protocolError("WS_UNEXPECTED_CONTINUATION", "continuation frame with no message");
      if (++this.fragments > this.maxFragments) {
        throw protocolError(
          "WS_TOO_MANY_FRAGMENTS",
          `message in more than ${this.maxFragments} frames`,
          1009,
        );
      }
    } else {
      // §5.4: "fragments of one message MUST NOT be interleaved between the fragments of another message".
      if (this.messageOpcode !== 0) {
        throw protocolError(
          "WS_EXPECTED_CONTINUATION",
          "new data frame inside an unfinished fragmented message",
        );
      }
      this.messageOpcode = opcode;
      this.fragments = 1;
      this.messageSize = 0;
      this.decoders = this.extensions.empty
        ? undefined
        : this.extensions.startDecoders(header, this.maxMessageSize);
    }
    // Without a transforming extension the payload is the message: fail before a byte of it is held.
    if (this.decoders === undefined && this.messageSize + header.length > this.maxMessageSize) {
      throw protocolError(
        "WS_MESSAGE_TOO_LARGE",
        `message exceeds maxMessageSize ${this.maxMessageSize}`,
        1009,
      );
    }
  }

  /** @internal */
  framePayload(header: FrameHeader, raw: Uint8Array, position: number, last: boolean): void {
    if (this.current === "closed") throw STOP;
    if (header.opcode >= Opcode.CLOSE) {
      if (last && position === 0) {
        this.onControl(header.opcode, header.masked ? unmaskCopy(header, raw, 0) : copyBytes(raw));
        return;
      }
      this.control ??= new Assembler(header.length);
      this.control.appendRaw(header, raw, position);
      this.checkBuffered();
      if (last) this.onControl(header.opcode, this.control.take());
      return;
    }
    const final = header.fin && last;
    if (this.decoders === undefined) {
      this.messageSize += raw.length;
      if (this.messageOpcode === Opcode.BINARY && !this.streaming) {
        if (final && this.binary === undefined && position === 0 && this.fragments === 1) {
          // The whole message in one piece: a view (unmasked, or unmasked in place) or one unmasking copy.
          this.events.push({ type: "binary", data: header.masked ? this.unmasked(header, raw, 0) : raw });
          this.messageOpcode = 0;
          return;
        }
        this.binary ??= new Assembler(header.fin && this.fragments === 1 ? header.length : undefined);
        this.binary.appendRaw(header, raw, position);
      } else {
        // Text is decoded at once, so it is unmasked into scratch space; streamed binary is handed out.
        const isText = this.messageOpcode === Opcode.TEXT;
        const piece = !header.masked
          ? raw
          : this.inPlace || !isText
            ? this.unmasked(header, raw, position)
            : unmaskScratch(header, raw, position);
        this.deliver(piece, final, header.masked);
      }
    } else {
      let piece = header.masked ? unmaskCopy(header, raw, position) : raw;
      for (let i = this.decoders.length - 1; i >= 0 && piece.length + (final ? 1 : 0) > 0; i--) {
        const out = this.decoders[i]!.push(piece, final);
        piece = concat(
          out,
          out.reduce((n, p) => n + p.length, 0),
        );
      }
      this.messageSize += piece.length;
      if (this.messageSize > this.maxMessageSize) {
        throw protocolError(
          "WS_MESSAGE_TOO_LARGE",
          `message exceeds maxMessageSize ${this.maxMessageSize}`,
          1009,
        );
      }
      if (this.messageOpcode === Opcode.BINARY && !this.streaming) {
        this.binary ??= new Assembler();
        this.binary.append(piece, true);
      } else {
        this.deliver(piece, final, true);
      }
    }
    this.checkBuffered();
    if (final) this.finishMessage();
  }

  // ---- incoming --------------------------------------------------------------------------------------

  /** The unmasked piece: `raw` itself, unmasked in place, with `unmaskInPlace`; otherwise a copy. */
  private unmasked(header: FrameHeader, raw: Uint8Array, position: number): Uint8Array {
    if (!this.inPlace) return unmaskCopy(header, raw, position);
    mask(raw, header.maskKey!, position);
    return raw;
  }

  /** Text in either mode, and binary in streaming mode: validate/decode the piece and emit or keep it. */
  private deliver(piece: Uint8Array, final: boolean, owned: boolean): void {
    if (this.messageOpcode === Opcode.TEXT) {
      const text = this.utf8.decode(piece, final);
      if (this.streaming) {
        if (text.length > 0 || final) this.events.push({ type: "text-chunk", data: text, fin: final });
      } else if (text.length > 0) {
        this.text.push(text);
      }
    } else if (piece.length > 0 || final) {
      this.events.push({ type: "binary-chunk", data: owned ? piece : copyBytes(piece), fin: final });
    }
  }

  private finishMessage(): void {
    if (!this.streaming) {
      if (this.messageOpcode === Opcode.TEXT) {
        this.events.push({ type: "text", data: this.text.length === 1 ? this.text[0]! : this.text.join("") });
        this.text = [];
      } else {
        this.events.push({ type: "binary", data: this.binary?.take() ?? EMPTY });
        this.binary = undefined;
      }
    }
    this.messageOpcode = 0;
    this.decoders = undefined;
  }

  private checkBuffered(): void {
    const held =
      this.parser.pendingHeaderBytes +
      (this.binary ? this.binary.size + this.binary.pieces * PIECE_OVERHEAD : 0) +
      (this.control ? this.control.size : 0) +
      (this.text.length > 0 ? this.messageSize + this.text.length * PIECE_OVERHEAD : 0);
    if (held > this.maxBufferedBytes) {
      throw protocolError(
        "WS_BUFFER_LIMIT",
        `more than maxBufferedBytes ${this.maxBufferedBytes} held`,
        1009,
      );
    }
  }

  private onControl(opcode: number, payload: Uint8Array): void {
    this.control = undefined;
    if (opcode === Opcode.PING) {
      this.events.push({ type: "ping", data: payload });
      // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response, unless it
      // already received a Close frame." Having sent our own Close forbids only data frames (§5.5.1).
      if (this.autoPong) {
        if (++this.pendingPongs > this.maxPendingPongs) {
          throw protocolError("WS_PING_FLOOD", `more than ${this.maxPendingPongs} pongs queued`, 1008);
        }
        this.outbox.queue(firstHeaderByte(true, false, false, false, Opcode.PONG), payload);
      }
    } else if (opcode === Opcode.PONG) {
      this.events.push({ type: "pong", data: payload });
    } else {
      const { code, reason } = decodeCloseBody(payload);
      if (this.current === "open") {
        // §5.5.1: "the endpoint MUST send a Close frame in response. ... it typically echos the status code
        // it received". An empty Close is answered with an empty one.
        const body = code === CloseCode.NO_STATUS_RECEIVED ? EMPTY : encodeCloseBody(code);
        this.outbox.queue(firstHeaderByte(true, false, false, false, Opcode.CLOSE), body);
      }
      this.transition("receiveClose");
      this.resetMessage();
      this.events.push({ type: "close", code, reason, wasClean: true });
      throw STOP;
    }
  }

  /** §7.1.7 _Fail the WebSocket Connection_: send Close with the code (unless already sent), then stop. */
  private fail(error: unknown): void {
    if (this.current === "closed") return;
    const failure =
      error instanceof WsFrameError
        ? error
        : new WsFrameError("WS_EXTENSION_ERROR", `internal error: ${String(error)}`, {
            wireCode: CloseCode.INTERNAL_ERROR,
            cause: error,
          });
    const code = failure.wireCode ?? CloseCode.PROTOCOL_ERROR;
    if (this.current === "open") {
      const reason = failure.message.length <= 123 ? failure.message : failure.message.slice(0, 120);
      this.outbox.queue(
        firstHeaderByte(true, false, false, false, Opcode.CLOSE),
        encodeCloseBody(code, ascii(reason)),
      );
    }
    this.transition("fail");
    this.resetMessage();
    this.events.push({ type: "close", code, reason: failure.message, wasClean: false, error: failure });
  }

  private resetMessage(): void {
    this.messageOpcode = 0;
    this.decoders = undefined;
    this.binary = undefined;
    this.text = [];
    this.control = undefined;
    this.utf8.reset();
  }

  private transition(input: SessionInput): void {
    const next = nextState(this.current, input);
    if (next === undefined)
      throw new WsFrameError("WS_INVALID_STATE", `${input} is not allowed when ${this.current}`);
    this.current = next;
  }

  // ---- outgoing --------------------------------------------------------------------------------------

  private assertOpen(what: string): void {
    // §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further data frames."
    if (this.current !== "open")
      throw new WsFrameError("WS_INVALID_STATE", `cannot ${what}: the session is ${this.current}`);
  }

  private sendMessage(opcode: number, data: Uint8Array, fin: boolean): void {
    this.assertOpen("send a message");
    let payload = data;
    let rsv = 0;
    let wireOpcode = opcode;
    if (this.sendingOpcode !== 0) {
      if (this.sendingOpcode !== opcode) {
        throw new WsFrameError(
          "WS_INVALID_STATE",
          "finish the fragmented message before sending another kind",
        );
      }
      wireOpcode = Opcode.CONTINUATION;
    } else if (fin) {
      ({ payload, rsv } = this.extensions.encode(payload, opcode));
    }
    this.sendingOpcode = fin ? 0 : opcode;
    const first = firstHeaderByte(
      fin,
      (rsv & RSV1) !== 0,
      (rsv & RSV2) !== 0,
      (rsv & RSV3) !== 0,
      wireOpcode,
    );
    this.outbox.queue(first, payload);
  }

  private sendControl(opcode: number, data: Uint8Array): void {
    // §5.5.1 forbids only data frames after our Close; once the peer's Close arrived, nothing is sent.
    if (this.current === "closed") {
      throw new WsFrameError(
        "WS_INVALID_STATE",
        `cannot ${opcode === Opcode.PING ? "ping" : "pong"}: the session is closed`,
      );
    }
    if (data.length > MAX_CONTROL_PAYLOAD) {
      throw new WsFrameError(
        "WS_INVALID_ARGUMENT",
        `control frame data of ${data.length} bytes > 125 (§5.5)`,
      );
    }
    this.outbox.queue(firstHeaderByte(true, false, false, false, opcode), data);
  }
}

/** Close reasons we write ourselves stay ASCII so they always fit and always decode. */
function ascii(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}
