/**
 * Tapped wire bytes → frames with every header field shown. @proto/ws-frame's readFrameHeader reads the
 * header as written (with the length form and masking key, which a decoded Frame does not keep), and each
 * whole frame then goes through its FrameDecoder, which checks it and unmasks the payload.
 */
import {
  closeCodeName,
  decodeCloseBody,
  FrameDecoder,
  type FrameHeaderInfo,
  mask,
  Opcode,
  opcodeName,
  readFrameHeader,
  WsFrameError,
} from "@proto/ws-frame";

/** "in": browser → server (masked client frames); "out": server → browser. */
export type Dir = "in" | "out";

/** A frame as tapped: its header as written (less the header length, kept as `header` bytes), and more. */
export interface WireFrame extends Omit<FrameHeaderInfo, "headerLength"> {
  seq: number;
  dir: Dir;
  /** ms since the server saw the upgrade request. */
  t: number;
  /** The header bytes as on the wire (2-14 bytes). */
  header: Uint8Array;
  /** The payload, unmasked. */
  payload: Uint8Array;
  /** The WsFrameError code when FrameDecoder refused this frame. */
  error: string | undefined;
}

/** Largest frame the page will hold to decode (the lab's own limit is far below). */
const MAX_VIEW_FRAME = 16 * 1024 * 1024;

/** One direction of a connection: push tapped chunks, get whole frames. */
export class FrameSplitter {
  private buffered = new Uint8Array(0);
  private decoder: FrameDecoder;
  private broken: string | undefined;

  constructor(
    readonly dir: Dir,
    private readonly counter: { next: number } = { next: 1 },
  ) {
    this.decoder = this.newDecoder();
  }

  private newDecoder(): FrameDecoder {
    // Client frames (in) are decoded as the server would, server frames (out) as the client would.
    return new FrameDecoder({ role: this.dir === "in" ? "server" : "client" });
  }

  /** Bytes of an unfinished frame: what is held and what the header announced. */
  partial(): { have: number; need: number } | undefined {
    if (this.buffered.length === 0) return undefined;
    const info = readFrameHeader(this.buffered);
    return { have: this.buffered.length, need: info ? info.headerLength + info.length : Number.NaN };
  }

  push(chunk: Uint8Array, t: number): WireFrame[] {
    if (this.broken) return [];
    const joined = new Uint8Array(this.buffered.length + chunk.length);
    joined.set(this.buffered);
    joined.set(chunk, this.buffered.length);
    const frames: WireFrame[] = [];
    let offset = 0;
    for (;;) {
      const info = readFrameHeader(joined, offset);
      if (!info) break;
      if (info.length > MAX_VIEW_FRAME) {
        this.broken = `frame of ${info.length} bytes: not shown`;
        break;
      }
      const end = offset + info.headerLength + info.length;
      if (end > joined.length) break;
      frames.push(this.decode(joined.subarray(offset, end), info, t));
      offset = end;
    }
    this.buffered = joined.slice(offset);
    return frames;
  }

  private decode(bytes: Uint8Array, info: FrameHeaderInfo, t: number): WireFrame {
    let payload: Uint8Array;
    let error: string | undefined;
    try {
      const [frame] = this.decoder.push(bytes);
      payload = frame?.payload.slice() ?? new Uint8Array(0);
    } catch (e) {
      // A frame the package refuses (the misbehaving client's): show it anyway, unmasked by hand.
      error = e instanceof WsFrameError ? e.code : String(e);
      payload = bytes.slice(info.headerLength);
      if (info.maskKey) mask(payload, info.maskKey);
      this.decoder = this.newDecoder();
    }
    const { headerLength, ...fields } = info;
    return {
      ...fields,
      seq: this.counter.next++,
      dir: this.dir,
      t,
      header: bytes.slice(0, headerLength),
      payload,
      error,
    };
  }
}

/** Decodes a whole byte string of one direction (the misbehaving client's exchange). */
export function splitAll(bytes: Uint8Array, dir: Dir): WireFrame[] {
  return new FrameSplitter(dir).push(bytes, 0);
}

const utf8 = new TextDecoder();

function hexPreview(bytes: Uint8Array, max: number): string {
  let out = "";
  for (let i = 0; i < Math.min(bytes.length, max); i++)
    out += (i ? " " : "") + bytes[i]!.toString(16).padStart(2, "0");
  return bytes.length > max ? `${out} …` : out;
}

function printable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0xfffd) return false;
  }
  return true;
}

/** A one-line preview of the payload: quoted text, close code and reason, or hex ("" when empty). */
export function payloadPreview(frame: WireFrame, max = 60): string {
  const { payload, opcode } = frame;
  if (payload.length === 0) return "";
  if (opcode === Opcode.CLOSE) {
    try {
      const { code, reason } = decodeCloseBody(payload);
      return `${code} ${closeCodeName(code)}${reason ? ` “${reason}”` : ""}`;
    } catch {
      return hexPreview(payload, 16);
    }
  }
  const text = utf8.decode(payload.subarray(0, max * 4));
  const isText =
    opcode === Opcode.TEXT ||
    (opcode === Opcode.CONTINUATION && printable(text)) ||
    (frame.opcode > 0x8 && printable(text));
  if (isText) {
    const cut = [...text].slice(0, max).join("");
    return `“${cut}${cut.length < text.length || payload.length > max * 4 ? "…" : ""}”`;
  }
  return hexPreview(payload, 16);
}

/** Opcode as `0x1 TEXT`. */
export function opcodeLabel(opcode: number): string {
  return `0x${opcode.toString(16)} ${opcodeName(opcode)}`;
}
