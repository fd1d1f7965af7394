/** What the application-layer builders return, and the byte helpers they share. */
import type { FieldKey, MsgKey, PartKey } from "./text";

export type StackId = "ws" | "h2" | "h3";
export type Side = "client" | "server";

/** A run of bytes inside the application payload. `header` parts are drawn in the full layer colour. */
export interface Part {
  key: PartKey;
  start: number;
  end: number;
  header: boolean;
  /** Filled into the part's label, e.g. the HTTP/2 frame type. */
  args?: Record<string, string | number>;
}

/** One decoded field: a translated label and a value in protocol notation (numbers, hex, names). */
export interface Row {
  key: FieldKey;
  value: string;
  /** For checksums: whether it verifies. */
  ok?: boolean;
  /** A length the value stands for, shown as "= n bytes". */
  bytes?: number;
}

export interface AppMessage {
  from: Side;
  data: Uint8Array;
  key: MsgKey;
}

export interface AppBuild {
  /** The client's message as the transport carries it. */
  payload: Uint8Array;
  parts: Part[];
  fields: Row[];
  /** HTTP/3 only: the packet's decrypted payload, read back from the protected bytes. */
  inner?: { bytes: Uint8Array; parts: Part[]; fields: Row[] };
  /** Everything the two ends send, in order (the payload included). */
  conversation: AppMessage[];
}

const utf8 = new TextDecoder();

/** Space-separated lowercase hex. */
export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** A message shown as a quoted string, shortened when long. */
export function quoted(bytes: Uint8Array, max = 48): string {
  const text = utf8.decode(bytes);
  const chars = Array.from(text);
  return chars.length > max ? `"${chars.slice(0, max).join("")}…"` : `"${text}"`;
}

export function concat(...chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export const bit = (value: number, mask: number) => ((value & mask) !== 0 ? "1" : "0");
