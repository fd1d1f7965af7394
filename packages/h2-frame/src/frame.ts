/**
 * The Frame union and encodeFrame (RFC 9113 §4.1, §6). Semantic fields (endStream, endHeaders, ack,
 * padLength, priority) decide their flag bits; other bits of `flags` are written as given (so a decoded
 * frame re-encodes to the same bytes).
 */
import type { ContinuationFrame } from "./continuation";
import type { DataFrame } from "./data";
import { invalid } from "./errors";
import { FRAME_HEADER_LENGTH, writeFrameHeader, writeUint32 } from "./frame-header";
import type { GoawayFrame } from "./goaway";
import type { HeadersFrame } from "./headers";
import type { OriginFrame } from "./origin";
import type { PingFrame } from "./ping";
import { type Priority, type PriorityFrame, writePriority } from "./priority";
import type { PriorityUpdateFrame } from "./priority-update";
import type { PushPromiseFrame } from "./push-promise";
import { Flags, FrameType, MAX_ALLOWED_FRAME_SIZE } from "./registries";
import type { RstStreamFrame } from "./rst-stream";
import type { SettingsFrame } from "./settings";
import type { UnknownFrame } from "./unknown";
import type { WindowUpdateFrame } from "./window-update";

export type KnownFrame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | PriorityUpdateFrame
  | OriginFrame;

/** Any frame. Unknown types carry their raw `payload`. */
export type Frame = KnownFrame | UnknownFrame;

/** Narrows a Frame by its type (`UnknownFrame.type` is any number, so `frame.type === X` alone cannot). */
export function isFrameType<T extends KnownFrame["type"]>(
  frame: Frame,
  type: T,
): frame is Extract<KnownFrame, { type: T }> {
  return frame.type === type;
}

type WithOptionalFlags<T> = T extends unknown ? Omit<T, "flags"> & { flags?: number } : never;
/** Frames as `encodeFrame` takes them: `flags` may be left out. */
export type FrameInit = WithOptionalFlags<Frame>;

const EMPTY = new Uint8Array(0);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function checkUint(value: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw invalid(`${what} ${value} is not 0-${max}`);
  return value;
}

function priorityBytes(p: Priority): Uint8Array {
  checkUint(p.streamDependency, 0x7fff_ffff, "stream dependency");
  if (!Number.isInteger(p.weight) || p.weight < 1 || p.weight > 256)
    throw invalid(`weight ${p.weight} is not 1-256`);
  const out = new Uint8Array(5);
  writePriority(out, 0, p);
  return out;
}

function uint32(value: number, reservedBit = false): Uint8Array {
  const out = new Uint8Array(4);
  writeUint32(out, 0, reservedBit ? value & 0x7fff_ffff : value >>> 0);
  return out;
}

/** Semantic flag bits, the bits they own, and the payload parts of a frame. */
function layout(frame: FrameInit): {
  own: number;
  set: number;
  parts: Uint8Array[];
  padLength?: number | undefined;
} {
  switch (frame.type) {
    case FrameType.DATA: {
      const f = frame as DataFrame;
      return {
        own: Flags.END_STREAM | Flags.PADDED,
        set: f.endStream ? Flags.END_STREAM : 0,
        parts: [f.data],
        padLength: f.padLength,
      };
    }
    case FrameType.HEADERS: {
      const f = frame as HeadersFrame;
      const set =
        (f.endStream ? Flags.END_STREAM : 0) |
        (f.endHeaders ? Flags.END_HEADERS : 0) |
        (f.priority ? Flags.PRIORITY : 0);
      const parts = f.priority ? [priorityBytes(f.priority), f.headerBlock] : [f.headerBlock];
      return {
        own: Flags.END_STREAM | Flags.END_HEADERS | Flags.PADDED | Flags.PRIORITY,
        set,
        parts,
        padLength: f.padLength,
      };
    }
    case FrameType.PRIORITY:
      return { own: 0, set: 0, parts: [priorityBytes((frame as PriorityFrame).priority)] };
    case FrameType.RST_STREAM:
      return {
        own: 0,
        set: 0,
        parts: [uint32(checkUint((frame as RstStreamFrame).errorCode, 0xffff_ffff, "error code"))],
      };
    case FrameType.SETTINGS: {
      const f = frame as SettingsFrame;
      const body = new Uint8Array(f.settings.length * 6);
      f.settings.forEach(([id, value], i) => {
        body[i * 6] = checkUint(id, 0xffff, "setting id") >>> 8;
        body[i * 6 + 1] = id & 0xff;
        writeUint32(body, i * 6 + 2, checkUint(value, 0xffff_ffff, "setting value"));
      });
      return { own: Flags.ACK, set: f.ack ? Flags.ACK : 0, parts: [body] };
    }
    case FrameType.PUSH_PROMISE: {
      const f = frame as PushPromiseFrame;
      const promised = uint32(checkUint(f.promisedStreamId, 0x7fff_ffff, "promised stream id"), true);
      return {
        own: Flags.END_HEADERS | Flags.PADDED,
        set: f.endHeaders ? Flags.END_HEADERS : 0,
        parts: [promised, f.headerBlock],
        padLength: f.padLength,
      };
    }
    case FrameType.PING: {
      const f = frame as PingFrame;
      if (f.data.length !== 8) throw invalid(`PING data must be 8 octets, got ${f.data.length}`);
      return { own: Flags.ACK, set: f.ack ? Flags.ACK : 0, parts: [f.data] };
    }
    case FrameType.GOAWAY: {
      const f = frame as GoawayFrame;
      const head = new Uint8Array(8);
      writeUint32(head, 0, checkUint(f.lastStreamId, 0x7fff_ffff, "last stream id"));
      writeUint32(head, 4, checkUint(f.errorCode, 0xffff_ffff, "error code"));
      return { own: 0, set: 0, parts: [head, f.debugData ?? EMPTY] };
    }
    case FrameType.WINDOW_UPDATE:
      return {
        own: 0,
        set: 0,
        parts: [
          uint32(checkUint((frame as WindowUpdateFrame).windowSizeIncrement, 0x7fff_ffff, "increment"), true),
        ],
      };
    case FrameType.CONTINUATION: {
      const f = frame as ContinuationFrame;
      return { own: Flags.END_HEADERS, set: f.endHeaders ? Flags.END_HEADERS : 0, parts: [f.headerBlock] };
    }
    case FrameType.PRIORITY_UPDATE: {
      const f = frame as PriorityUpdateFrame;
      return {
        own: 0,
        set: 0,
        parts: [
          uint32(checkUint(f.prioritizedStreamId, 0x7fff_ffff, "prioritized stream id"), true),
          latin1(f.priorityFieldValue),
        ],
      };
    }
    case FrameType.ORIGIN: {
      const parts: Uint8Array[] = [];
      for (const origin of (frame as OriginFrame).origins) {
        const bytes = latin1(origin);
        parts.push(Uint8Array.of(bytes.length >>> 8, bytes.length & 0xff), bytes);
      }
      return { own: 0, set: 0, parts };
    }
    default:
      return { own: 0, set: 0, parts: [(frame as UnknownFrame).payload] };
  }
}

/**
 * Encodes one frame: the 9-byte header, then the payload (with Pad Length and zero padding when
 * `padLength` is set on DATA, HEADERS or PUSH_PROMISE). Reserved bits are sent as zero. Splitting large
 * payloads to the peer's SETTINGS_MAX_FRAME_SIZE is the caller's job; only the 24-bit limit is checked.
 */
export function encodeFrame(frame: FrameInit): Uint8Array {
  checkUint(frame.type, 0xff, "frame type");
  checkUint(frame.streamId, 0x7fff_ffff, "stream id");
  const { own, set, parts, padLength } = layout(frame);
  let flags = ((frame.flags ?? 0) & ~own) | set;
  let length = 0;
  for (const p of parts) length += p.length;
  if (padLength !== undefined) {
    checkUint(padLength, 255, "pad length");
    flags |= Flags.PADDED;
    length += 1 + padLength;
  }
  if (length > MAX_ALLOWED_FRAME_SIZE) throw invalid(`a payload of ${length} octets does not fit a frame`);
  const out = new Uint8Array(FRAME_HEADER_LENGTH + length);
  writeFrameHeader(out, 0, length, frame.type, checkUint(flags, 0xff, "flags"), frame.streamId);
  let o = FRAME_HEADER_LENGTH;
  if (padLength !== undefined) out[o++] = padLength;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out; // padding octets are already zero (§6.1: "Padding octets MUST be set to zero when sending")
}
