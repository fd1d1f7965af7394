/**
 * Reads the bytes a recording relay saw as an HTTP/2 frame log: the client's 24-byte connection preface
 * (RFC 9113 §3.4), then every frame of both directions cut by its 9-byte header (§4.1), decoded with
 * @proto/h2-frame, with header blocks decoded by one @proto/hpack decoder per direction (each side's
 * encoder has its own dynamic table, §4.3). The browser panel renders the JSON this returns.
 */
import {
  CONNECTION_PREFACE,
  errorCodeName,
  FRAME_HEADER_LENGTH,
  type Frame,
  FrameDecoder,
  FrameType,
  frameTypeName,
  isFrameType,
  MAX_ALLOWED_FRAME_SIZE,
  readFrameHeader,
  settingName,
} from "@proto/h2-frame";
import { describeBlock, HpackDecoder, type RepresentationKind } from "@proto/hpack";
import type { RecordedChunk, Side } from "./h2-lab-relay";

/** What the panel shows of a frame's payload. */
export type FrameSummary =
  | { kind: "preface"; text: string; valid: boolean }
  | { kind: "settings"; ack: boolean; params: Array<{ id: number; name: string; value: number }> }
  | {
      kind: "headers";
      fields: Array<[string, string]>;
      /** The header block's size (HPACK bytes) and how each field was represented. */
      blockBytes: number;
      reps: Array<{ kind: RepresentationKind; bytes: number }>;
      endStream: boolean;
      endHeaders: boolean;
    }
  | { kind: "continuation"; blockBytes: number; endHeaders: boolean }
  | { kind: "data"; bytes: number; endStream: boolean }
  | { kind: "window-update"; increment: number }
  | { kind: "goaway"; lastStreamId: number; errorCode: number; errorName: string; debug: string }
  | { kind: "ping"; ack: boolean; hex: string }
  | { kind: "rst-stream"; errorCode: number; errorName: string }
  | { kind: "other" }
  | { kind: "error"; message: string };

type HeadersSummary = Extract<FrameSummary, { kind: "headers" }>;

export interface FrameLogEntry {
  seq: number;
  from: Side;
  /** Milliseconds after the client connected, when the relay read the frame's last byte. */
  t: number;
  /** "PREFACE" for the preface, else the frame type's RFC name. */
  typeName: string;
  type: number;
  flags: number;
  flagNames: string[];
  streamId: number;
  /** Payload length (the preface: its 24 bytes). */
  length: number;
  /** The 9-byte frame header (the preface: all of it), as hex. */
  headerHex: string;
  summary: FrameSummary;
}

const FLAG_NAMES: Record<number, Array<[number, string]>> = {
  [FrameType.DATA]: [
    [0x1, "END_STREAM"],
    [0x8, "PADDED"],
  ],
  [FrameType.HEADERS]: [
    [0x1, "END_STREAM"],
    [0x4, "END_HEADERS"],
    [0x8, "PADDED"],
    [0x20, "PRIORITY"],
  ],
  [FrameType.SETTINGS]: [[0x1, "ACK"]],
  [FrameType.PING]: [[0x1, "ACK"]],
  [FrameType.PUSH_PROMISE]: [
    [0x4, "END_HEADERS"],
    [0x8, "PADDED"],
  ],
  [FrameType.CONTINUATION]: [[0x4, "END_HEADERS"]],
};

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const latin1 = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** One direction of the connection: its unread bytes, frame decoder and HPACK decoder. */
class DirectionReader {
  private buffer = new Uint8Array(0);
  private prefaceDue: boolean;
  private readonly frames = new FrameDecoder({ maxFrameSize: MAX_ALLOWED_FRAME_SIZE });
  private readonly hpack = new HpackDecoder();
  /** A header block waiting for its CONTINUATION frames (§4.3). */
  private pendingBlock: { parts: Uint8Array[]; summary: HeadersSummary } | undefined;
  private failed = false;

  constructor(readonly side: Side) {
    this.prefaceDue = side === "client";
  }

  read(chunk: RecordedChunk, seq: () => number, out: FrameLogEntry[]): void {
    if (this.failed) return;
    const joined = new Uint8Array(this.buffer.length + chunk.bytes.length);
    joined.set(this.buffer);
    joined.set(chunk.bytes, this.buffer.length);
    let at = 0;
    const entry = (fields: Omit<FrameLogEntry, "seq" | "from" | "t">): FrameLogEntry => {
      const e = { seq: seq(), from: this.side, t: chunk.t, ...fields };
      out.push(e);
      return e;
    };
    if (this.prefaceDue) {
      if (joined.length < CONNECTION_PREFACE.length) {
        this.buffer = joined;
        return;
      }
      const preface = joined.subarray(0, CONNECTION_PREFACE.length);
      const valid = preface.every((b, i) => b === CONNECTION_PREFACE[i]);
      entry({
        typeName: "PREFACE",
        type: -1,
        flags: 0,
        flagNames: [],
        streamId: 0,
        length: preface.length,
        headerHex: hex(preface),
        summary: { kind: "preface", text: latin1(preface), valid },
      });
      at = preface.length;
      this.prefaceDue = false;
    }
    while (joined.length - at >= FRAME_HEADER_LENGTH) {
      const header = readFrameHeader(joined, at);
      const end = at + FRAME_HEADER_LENGTH + header.length;
      if (end > joined.length) break;
      const base = {
        typeName: frameTypeName(header.type),
        type: header.type,
        flags: header.flags,
        flagNames: (FLAG_NAMES[header.type] ?? []).filter(([bit]) => header.flags & bit).map(([, n]) => n),
        streamId: header.streamId,
        length: header.length,
        headerHex: hex(joined.subarray(at, at + FRAME_HEADER_LENGTH)),
      };
      let summary: FrameSummary;
      try {
        const frames = this.frames.push(joined.subarray(at, end));
        // A bad frame is reported by the next push (h2-frame's "errors, in order").
        const frame = frames[0] ?? this.frames.push(new Uint8Array(0))[0];
        summary = frame ? this.summarize(frame) : { kind: "other" };
      } catch (error) {
        summary = { kind: "error", message: error instanceof Error ? error.message : String(error) };
        this.failed = true;
      }
      entry({ ...base, summary });
      at = end;
      if (this.failed) return;
    }
    this.buffer = joined.slice(at);
  }

  private summarize(frame: Frame): FrameSummary {
    if (isFrameType(frame, FrameType.SETTINGS)) {
      return {
        kind: "settings",
        ack: frame.ack,
        params: frame.settings.map(([id, value]) => ({ id, name: settingName(id), value })),
      };
    }
    if (isFrameType(frame, FrameType.HEADERS)) {
      const summary: HeadersSummary = {
        kind: "headers",
        fields: [],
        blockBytes: frame.headerBlock.length,
        reps: [],
        endStream: frame.endStream,
        endHeaders: frame.endHeaders,
      };
      if (frame.endHeaders) this.decodeBlock([frame.headerBlock], summary);
      else this.pendingBlock = { parts: [frame.headerBlock.slice()], summary };
      return summary;
    }
    if (isFrameType(frame, FrameType.CONTINUATION)) {
      const pending = this.pendingBlock;
      if (pending) {
        pending.parts.push(frame.headerBlock.slice());
        if (frame.endHeaders) {
          this.decodeBlock(pending.parts, pending.summary);
          this.pendingBlock = undefined;
        }
      }
      return { kind: "continuation", blockBytes: frame.headerBlock.length, endHeaders: frame.endHeaders };
    }
    if (isFrameType(frame, FrameType.DATA)) {
      return { kind: "data", bytes: frame.data.length, endStream: frame.endStream };
    }
    if (isFrameType(frame, FrameType.WINDOW_UPDATE)) {
      return { kind: "window-update", increment: frame.windowSizeIncrement };
    }
    if (isFrameType(frame, FrameType.GOAWAY)) {
      return {
        kind: "goaway",
        lastStreamId: frame.lastStreamId,
        errorCode: frame.errorCode,
        errorName: errorCodeName(frame.errorCode),
        debug: latin1(frame.debugData),
      };
    }
    if (isFrameType(frame, FrameType.PING)) return { kind: "ping", ack: frame.ack, hex: hex(frame.data) };
    if (isFrameType(frame, FrameType.RST_STREAM)) {
      return { kind: "rst-stream", errorCode: frame.errorCode, errorName: errorCodeName(frame.errorCode) };
    }
    return { kind: "other" };
  }

  /** HPACK-decodes a complete header block into the HEADERS entry's summary (fields and representations). */
  private decodeBlock(parts: Uint8Array[], summary: HeadersSummary): void {
    const size = parts.reduce((n, p) => n + p.length, 0);
    const block = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      block.set(p, at);
      at += p.length;
    }
    summary.blockBytes = size;
    for (const r of describeBlock(block, this.hpack)) {
      summary.reps.push({ kind: r.kind, bytes: r.bytes });
      if (r.kind !== "size-update") summary.fields.push([r.name ?? "", r.value ?? ""]);
    }
  }
}

/** Decodes the relay's recording, both directions, into one log in the order the relay read the bytes. */
export function frameLog(chunks: readonly RecordedChunk[]): FrameLogEntry[] {
  const readers = { client: new DirectionReader("client"), server: new DirectionReader("server") };
  const out: FrameLogEntry[] = [];
  let n = 0;
  const next = () => n++;
  for (const chunk of [...chunks].sort((a, b) => a.seq - b.seq)) {
    try {
      readers[chunk.from].read(chunk, next, out);
    } catch (error) {
      out.push({
        seq: next(),
        from: chunk.from,
        t: chunk.t,
        typeName: "ERROR",
        type: -1,
        flags: 0,
        flagNames: [],
        streamId: 0,
        length: 0,
        headerHex: "",
        summary: { kind: "error", message: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  return out;
}
