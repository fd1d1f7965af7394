/**
 * A bounded HTTP/1.1 message-head parser (RFC 9112 §2-§5) for the opening handshake: the request or
 * status line and the header fields, up to the empty line. Pass everything received so far; the result is
 * `null` until the head is complete, then the head and how many bytes it took (what follows belongs to
 * the WebSocket connection). Each call is one linear pass. Limits: a head over `maxHeadSize` bytes or
 * with more than `maxHeaders` fields fails with 431, complete or not, so a peer that never ends its
 * head cannot make the caller wait and buffer forever.
 */
import { badRequest, HandshakeError } from "./errors";
import { isOws, isTchar } from "./tokens";

/** Header fields as received: [name, value] in order, duplicates kept. */
export type HeaderList = Array<[string, string]>;

export interface RequestHead {
  method: string;
  target: string;
  /** "1.1" for HTTP/1.1. */
  version: string;
  headers: HeaderList;
}

export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
}

export interface HeadLimits {
  /** Largest head, request/status line through the empty line, in bytes (default 16 KiB). */
  maxHeadSize?: number;
  /** Most header fields (default 100). */
  maxHeaders?: number;
}

export const DEFAULT_MAX_HEAD_SIZE = 16 * 1024;
export const DEFAULT_MAX_HEADERS = 100;

export interface Parsed<T> {
  head: T;
  /** Length of the head including the final CRLF CRLF. */
  bytesConsumed: number;
}

/**
 * Finds the end of the head (the index after CRLF CRLF) or -1, checking line endings on the way: a LF
 * without CR before it, or a CR followed by anything but LF, fails at once (RFC 9112 §2.2).
 */
function findHeadEnd(bytes: Uint8Array, maxHeadSize: number): number {
  const limit = Math.min(bytes.length, maxHeadSize + 1);
  for (let i = 0; i < limit; i++) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      if (i === 0 || bytes[i - 1] !== 0x0d)
        throw badRequest("HS_BAD_LINE_ENDING", "a line ends with a bare LF");
      if (i >= 3 && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) return i + 1;
    } else if (bytes[i - 1] === 0x0d && i > 0) {
      throw badRequest("HS_BAD_LINE_ENDING", "a bare CR inside the head");
    }
  }
  if (bytes.length > maxHeadSize) {
    throw new HandshakeError("HS_HEAD_TOO_LARGE", `head larger than ${maxHeadSize} bytes`, { status: 431 });
  }
  return -1;
}

/** Latin-1 text of bytes[start, end): HTTP heads are octets; obs-text (0x80-0xFF) maps one to one. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i += 4096) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** HTTP-version = "HTTP/" DIGIT "." DIGIT; returns "x.y" or undefined. */
function httpVersion(line: string, at: number): string | undefined {
  if (line.slice(at, at + 5) !== "HTTP/" || line.length < at + 8) return undefined;
  const major = line.charCodeAt(at + 5);
  const dot = line.charCodeAt(at + 6);
  const minor = line.charCodeAt(at + 7);
  if (major < 0x30 || major > 0x39 || dot !== 0x2e || minor < 0x30 || minor > 0x39) return undefined;
  return `${line[at + 5]}.${line[at + 7]}`;
}

/** Parses the header lines of `text` (after the start line) into a list. */
function parseHeaders(lines: string[], maxHeaders: number): HeaderList {
  if (lines.length > maxHeaders) {
    throw new HandshakeError("HS_TOO_MANY_HEADERS", `more than ${maxHeaders} header fields`, { status: 431 });
  }
  const headers: HeaderList = [];
  for (const line of lines) {
    const first = line.charCodeAt(0);
    // RFC 9112 §5.2: "A server that receives an obs-fold in a request message ... MUST either reject the
    // message by sending a 400 (Bad Request)" or replace it; we reject.
    if (isOws(first))
      throw badRequest("HS_OBSOLETE_LINE_FOLDING", "a header line starts with whitespace (obs-fold)");
    let colon = 0;
    while (colon < line.length && isTchar(line.charCodeAt(colon))) colon++;
    if (colon === 0 || line.charCodeAt(colon) !== 0x3a) {
      // Includes RFC 9112 §5.1: "No whitespace is allowed between the field name and colon ... MUST reject".
      throw badRequest("HS_BAD_HEADER", "a header line is not `name: value`");
    }
    let a = colon + 1;
    let b = line.length;
    while (a < b && isOws(line.charCodeAt(a))) a++;
    while (b > a && isOws(line.charCodeAt(b - 1))) b--;
    for (let i = a; i < b; i++) {
      const c = line.charCodeAt(i);
      // field-value = *( VCHAR / obs-text / SP / HTAB ): no NUL or other control characters.
      if ((c < 0x20 && c !== 0x09) || c === 0x7f)
        throw badRequest("HS_BAD_HEADER", "a control character in a header value");
    }
    headers.push([line.slice(0, colon), line.slice(a, b)]);
  }
  return headers;
}

function splitHead(bytes: Uint8Array, limits: HeadLimits): { lines: string[]; end: number } | null {
  const maxHeadSize = limits.maxHeadSize ?? DEFAULT_MAX_HEAD_SIZE;
  const end = findHeadEnd(bytes, maxHeadSize);
  if (end < 0) return null;
  const text = latin1(bytes, 0, end - 4);
  return { lines: text.split("\r\n"), end };
}

/**
 * Parses a request head: `{ head, bytesConsumed }`, or null while incomplete. Throws HandshakeError
 * (400 malformed, 431 too large) otherwise.
 */
export function parseRequestHead(bytes: Uint8Array, limits: HeadLimits = {}): Parsed<RequestHead> | null {
  const split = splitHead(bytes, limits);
  if (split === null) return null;
  const line = split.lines[0]!;
  // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
  let i = 0;
  while (i < line.length && isTchar(line.charCodeAt(i))) i++;
  const method = line.slice(0, i);
  if (i === 0 || line.charCodeAt(i) !== 0x20)
    throw badRequest("HS_BAD_REQUEST_LINE", "malformed request line");
  const targetStart = ++i;
  while (i < line.length && line.charCodeAt(i) > 0x20 && line.charCodeAt(i) < 0x7f) i++;
  const target = line.slice(targetStart, i);
  const version = line.charCodeAt(i) === 0x20 ? httpVersion(line, i + 1) : undefined;
  if (target.length === 0 || version === undefined || line.length !== i + 9) {
    throw badRequest("HS_BAD_REQUEST_LINE", "malformed request line");
  }
  const headers = parseHeaders(split.lines.slice(1), limits.maxHeaders ?? DEFAULT_MAX_HEADERS);
  return { head: { method, target, version, headers }, bytesConsumed: split.end };
}

/**
 * Parses a response head: `{ head, bytesConsumed }`, or null while incomplete. Throws HandshakeError
 * (HS_BAD_STATUS_LINE, HS_BAD_HEADER, HS_HEAD_TOO_LARGE, ...) otherwise.
 */
export function parseResponseHead(bytes: Uint8Array, limits: HeadLimits = {}): Parsed<ResponseHead> | null {
  const split = splitHead(bytes, limits);
  if (split === null) return null;
  const line = split.lines[0]!;
  // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4); the SP before an
  // empty reason is sometimes left out, and accepted.
  const version = httpVersion(line, 0);
  const d = (k: number) => line.charCodeAt(k) - 0x30;
  const digits = [9, 10, 11].every((k) => d(k) >= 0 && d(k) <= 9);
  if (
    version === undefined ||
    line.charCodeAt(8) !== 0x20 ||
    !digits ||
    (line.length > 12 && line.charCodeAt(12) !== 0x20)
  ) {
    throw new HandshakeError("HS_BAD_STATUS_LINE", "malformed status line");
  }
  const reason = line.slice(13);
  for (let k = 0; k < reason.length; k++) {
    const c = reason.charCodeAt(k);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f)
      throw new HandshakeError("HS_BAD_STATUS_LINE", "control character in the reason");
  }
  const headers = parseHeaders(split.lines.slice(1), limits.maxHeaders ?? DEFAULT_MAX_HEADERS);
  return {
    head: { version, status: d(9) * 100 + d(10) * 10 + d(11), reason, headers },
    bytesConsumed: split.end,
  };
}

/** Every value of the header `name` (case-insensitive), in order. */
export function getHeaders(headers: HeaderList, name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [n, v] of headers) if (n.toLowerCase() === wanted) out.push(v);
  return out;
}

/** The first value of the header `name` (case-insensitive), or undefined. */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === wanted) return v;
  return undefined;
}
