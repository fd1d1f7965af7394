/**
 * ORIGIN (RFC 8336 §2): a list of Origin-Entry { Origin-Len (16), ASCII-Origin (..) } on stream 0.
 * "The ORIGIN frame MUST be sent on stream 0; an ORIGIN frame on any other stream is invalid and MUST be
 * ignored", so on another stream it decodes as an unknown frame the caller ignores.
 */
import type { FrameHeader } from "./frame-header";
import { FrameType } from "./registries";
import { decodeUnknown, type UnknownFrame } from "./unknown";

export interface OriginFrame {
  type: typeof FrameType.ORIGIN;
  flags: number;
  streamId: number;
  origins: string[];
}

export function decodeOrigin(h: FrameHeader, payload: Uint8Array): OriginFrame | UnknownFrame {
  if (h.streamId !== 0) return decodeUnknown(h, payload);
  const origins: string[] = [];
  let o = 0;
  while (o + 2 <= payload.length) {
    const len = (payload[o]! << 8) | payload[o + 1]!;
    o += 2;
    if (o + len > payload.length) return decodeUnknown(h, payload); // malformed: nothing to act on
    let s = "";
    for (let i = o; i < o + len; i++) s += String.fromCharCode(payload[i]!);
    origins.push(s);
    o += len;
  }
  if (o !== payload.length) return decodeUnknown(h, payload);
  return { type: FrameType.ORIGIN, flags: h.flags, streamId: 0, origins };
}
