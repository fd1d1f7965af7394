/**
 * The server's side of the opening handshake, RFC 6455 §4.2.1 (reading the client's request) and §4.2.2
 * (answering it). `acceptHandshake` never throws for anything the client sent: it returns the response to
 * write, 101 or the error status, with the reason.
 */
import type { WebSocketExtension } from "@proto/ws-frame";
import { computeAccept, isValidKey } from "./accept";
import { HandshakeError, type HandshakeErrorCode } from "./errors";
import type { HandshakeExtension } from "./extension";
import { type ExtensionParams, formatExtension, parseExtensions } from "./extensions-header";
import { getHeaders, type HeaderList, type RequestHead } from "./http-head";
import { isToken, listHasToken, splitList } from "./tokens";

export interface AcceptOptions {
  /**
   * The server's subprotocols in preference order, or a function choosing from the client's offer (it
   * must return one of the offered names, or undefined for none). Only an offered protocol is chosen.
   */
  protocols?: readonly string[] | ((offered: string[]) => string | undefined);
  /** Extensions the server supports, in preference order. */
  extensions?: readonly HandshakeExtension[];
  /** Return false to refuse the Origin (403). Called with undefined when the request has none. */
  allowOrigin?: (origin: string | undefined) => boolean;
  /** Extra header fields for the 101 response (e.g. Set-Cookie). */
  headers?: HeaderList;
}

export type AcceptResult =
  | { ok: true; response: Uint8Array; protocol: string | undefined; extensions: WebSocketExtension[] }
  | { ok: false; status: number; response: Uint8Array; reason: string; code: HandshakeErrorCode };

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
};

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

/** The error response for a rejected handshake (also for a HandshakeError from the head parser). */
export function rejectionResponse(status: number, reason: string, extra: HeaderList = []): Uint8Array {
  const body = `${reason}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "Connection: close",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${body.length}`,
    ...extra.map(([n, v]) => `${n}: ${v}`),
  ];
  return latin1(`${lines.join("\r\n")}\r\n\r\n${body}`);
}

function reject(error: HandshakeError): AcceptResult {
  const status = error.status ?? 400;
  // §4.2.2 item 4: with 426, "a |Sec-WebSocket-Version| header field indicating the version(s) the
  // server is capable of understanding".
  const extra: HeaderList = status === 426 ? [["Sec-WebSocket-Version", "13"]] : [];
  return {
    ok: false,
    status,
    response: rejectionResponse(status, error.message, extra),
    reason: error.message,
    code: error.code,
  };
}

function fail(code: HandshakeErrorCode, message: string, status = 400): never {
  throw new HandshakeError(code, message, { status });
}

/** The one value of a header that must appear exactly once, or a failure with `code`. */
function single(headers: HeaderList, name: string, code: HandshakeErrorCode): string {
  const values = getHeaders(headers, name);
  if (values.length === 0) fail(code, `no ${name} header`);
  if (values.length > 1) fail(code, `${name} header appears ${values.length} times`);
  return values[0]!;
}

/** Checks a client's opening handshake and builds the server's answer. */
export function acceptHandshake(head: RequestHead, options: AcceptOptions = {}): AcceptResult {
  try {
    return accept(head, options);
  } catch (error) {
    if (error instanceof HandshakeError) return reject(error);
    throw error;
  }
}

function accept(head: RequestHead, options: AcceptOptions): AcceptResult {
  const { headers } = head;
  // §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (head.method !== "GET") fail("HS_BAD_METHOD", `method ${head.method} is not GET`);
  if (head.version < "1.1") fail("HS_BAD_HTTP_VERSION", `HTTP/${head.version} is older than HTTP/1.1`);
  // Item 2: "A |Host| header field containing the server's authority."
  single(headers, "Host", "HS_BAD_HOST");
  // Item 3: "An |Upgrade| header field containing the value "websocket", treated as an ASCII
  // case-insensitive value."
  if (!listHasToken(getHeaders(headers, "Upgrade"), "websocket"))
    fail("HS_BAD_UPGRADE", "Upgrade does not include websocket");
  // Item 4: "A |Connection| header field that includes the token "Upgrade", treated as an ASCII
  // case-insensitive value."
  if (!listHasToken(getHeaders(headers, "Connection"), "upgrade"))
    fail("HS_BAD_CONNECTION", "Connection does not include Upgrade");
  // Item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when decoded, is 16
  // bytes in length."
  const key = single(headers, "Sec-WebSocket-Key", "HS_BAD_KEY");
  if (!isValidKey(key)) fail("HS_BAD_KEY", "Sec-WebSocket-Key is not base64 of 16 bytes");
  // Item 6: "A |Sec-WebSocket-Version| header field, with a value of 13."
  const version = single(headers, "Sec-WebSocket-Version", "HS_BAD_VERSION");
  if (version !== "13") fail("HS_UNSUPPORTED_VERSION", `Sec-WebSocket-Version ${version} is not 13`, 426);
  // Item 7 and §10.2: the Origin, if the server checks it.
  if (options.allowOrigin) {
    const origins = getHeaders(headers, "Origin");
    if (origins.length > 1) fail("HS_FORBIDDEN_ORIGIN", "more than one Origin header", 403);
    if (!options.allowOrigin(origins[0]))
      fail("HS_FORBIDDEN_ORIGIN", `origin ${origins[0] ?? "(none)"} is not allowed`, 403);
  }
  const protocol = chooseProtocol(getHeaders(headers, "Sec-WebSocket-Protocol"), options.protocols);
  const { extensions, accepted } = negotiate(
    getHeaders(headers, "Sec-WebSocket-Extensions"),
    options.extensions ?? [],
  );
  // §4.2.2 item 5: the 101 response.
  const lines = [
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Accept: ${computeAccept(key)}`,
  ];
  if (protocol !== undefined) lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  if (accepted.length > 0) lines.push(`Sec-WebSocket-Extensions: ${accepted.join(", ")}`);
  for (const [name, value] of options.headers ?? []) lines.push(`${name}: ${value}`);
  return { ok: true, response: latin1(`${lines.join("\r\n")}\r\n\r\n`), protocol, extensions };
}

/** §4.2.2 item 5.4 /subprotocol/: one of the client's offers, chosen by the server, or none. */
function chooseProtocol(values: string[], protocols: AcceptOptions["protocols"]): string | undefined {
  const offered = splitList(values);
  for (const p of offered)
    if (!isToken(p)) fail("HS_BAD_PROTOCOL_HEADER", "Sec-WebSocket-Protocol has a value that is not a token");
  if (new Set(offered).size !== offered.length)
    fail("HS_BAD_PROTOCOL_HEADER", "Sec-WebSocket-Protocol offers a name twice");
  if (offered.length === 0 || protocols === undefined) return undefined;
  if (typeof protocols === "function") {
    const chosen = protocols(offered);
    return chosen !== undefined && offered.includes(chosen) ? chosen : undefined;
  }
  return protocols.find((p) => offered.includes(p));
}

/** §9.1: offers grouped by name (in a Map, never an object), each supported extension choosing once. */
function negotiate(values: string[], supported: readonly HandshakeExtension[]) {
  const offers = new Map<string, ExtensionParams[]>();
  for (const offer of parseExtensions(values)) {
    const list = offers.get(offer.name);
    if (list) list.push(offer.params);
    else offers.set(offer.name, [offer.params]);
  }
  const extensions: WebSocketExtension[] = [];
  const accepted: string[] = [];
  for (const ext of supported) {
    const mine = offers.get(ext.name);
    if (mine === undefined || ext.accept === undefined) continue;
    const result = ext.accept(mine);
    if (result === undefined) continue;
    extensions.push(result.extension);
    accepted.push(formatExtension(ext.name, result.params));
  }
  return { extensions, accepted };
}
