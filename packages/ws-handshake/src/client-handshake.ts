/**
 * The client's side of the opening handshake, RFC 6455 §4.1: the request to send, and `verify` for the
 * server's response, which never throws: it returns what is wrong with a stable code.
 */
import type { WebSocketExtension } from "@proto/ws-frame";
import { computeAccept, generateKey, type RandomSource } from "./accept";
import { HandshakeError, type HandshakeErrorCode } from "./errors";
import type { HandshakeExtension } from "./extension";
import { formatOffers, parseExtensions } from "./extensions-header";
import { getHeaders, type HeaderList, type ResponseHead } from "./http-head";
import { isOws, isToken, listHasToken, splitList } from "./tokens";

export interface ClientHandshakeOptions {
  /** ws://, wss://, http:// or https:// URL, without a fragment (§3). */
  url: string | URL;
  /** Subprotocols to offer, most preferred first; each a token, no duplicates (§4.1 item 10). */
  protocols?: readonly string[];
  /** Extensions to offer, in order. */
  extensions?: readonly HandshakeExtension[];
  /** The Origin header (§4.1 item 8: sent by browsers; optional for other clients). */
  origin?: string;
  /** Extra header fields. The handshake's own fields may not be overridden. */
  headers?: Record<string, string> | HeaderList;
  /** Source of the 16 random key bytes (default crypto.getRandomValues). */
  randomSource?: RandomSource;
}

export type VerifyResult =
  | { ok: true; protocol: string | undefined; extensions: WebSocketExtension[] }
  | { ok: false; code: HandshakeErrorCode; reason: string; status: number };

export interface ClientHandshake {
  /** The request bytes to write. */
  request: Uint8Array;
  /** The Sec-WebSocket-Key sent. */
  key: string;
  /** wss:// or https://. */
  secure: boolean;
  /** Host name or IP address to connect to (IPv6 without brackets). */
  host: string;
  port: number;
  /** The request target: path and query. */
  path: string;
  /** Checks the server's response head (§4.1, "the client MUST validate the server's response"). */
  verify(response: ResponseHead): VerifyResult;
}

const RESERVED = new Set([
  "host",
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "origin",
]);

function invalid(message: string): HandshakeError {
  return new HandshakeError("HS_INVALID_ARGUMENT", message);
}

function checkHeaderValue(name: string, value: string): void {
  if (!isToken(name)) throw invalid(`header name ${JSON.stringify(name)} is not a token`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff)
      throw invalid(`header ${name} has a forbidden character`);
  }
  if (value.length > 0 && (isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)))) {
    throw invalid(`header ${name} has leading or trailing whitespace`);
  }
}

/** Builds the opening request and the verifier of its response. Throws HS_INVALID_ARGUMENT for bad options. */
export function createClientHandshake(options: ClientHandshakeOptions): ClientHandshake {
  let url: URL;
  try {
    url = new URL(String(options.url));
  } catch {
    throw invalid(`not a URL: ${String(options.url)}`);
  }
  const scheme = url.protocol;
  if (!["ws:", "wss:", "http:", "https:"].includes(scheme))
    throw invalid(`scheme ${scheme} is not ws: or wss:`);
  // §3: "Fragment identifiers are meaningless in the context of WebSocket URIs and MUST NOT be used".
  if (url.hash !== "" || String(options.url).includes("#")) throw invalid("a WebSocket URL has no fragment");
  const secure = scheme === "wss:" || scheme === "https:";
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const path = `${url.pathname || "/"}${url.search}`;
  const protocols = [...(options.protocols ?? [])];
  for (const p of protocols)
    if (!isToken(p)) throw invalid(`subprotocol ${JSON.stringify(p)} is not a token`);
  if (new Set(protocols).size !== protocols.length) throw invalid("a subprotocol is offered twice");
  const key = generateKey(options.randomSource);
  const offered = options.extensions ?? [];
  const lines = [
    `GET ${path} HTTP/1.1`,
    // §4.1 item 4: Host with the port only when it is not the default.
    `Host: ${url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
  ];
  if (options.origin !== undefined) {
    checkHeaderValue("Origin", options.origin);
    lines.push(`Origin: ${options.origin}`);
  }
  if (protocols.length > 0) lines.push(`Sec-WebSocket-Protocol: ${protocols.join(", ")}`);
  const offers = formatOffers(offered);
  if (offers !== "") lines.push(`Sec-WebSocket-Extensions: ${offers}`);
  const extra = Array.isArray(options.headers) ? options.headers : Object.entries(options.headers ?? {});
  for (const [name, value] of extra) {
    if (RESERVED.has(name.toLowerCase())) throw invalid(`header ${name} is set by the handshake itself`);
    checkHeaderValue(name, value);
    lines.push(`${name}: ${value}`);
  }
  const request = Uint8Array.from(`${lines.join("\r\n")}\r\n\r\n`, (c) => c.charCodeAt(0));
  const expectedAccept = computeAccept(key);

  const verify = (response: ResponseHead): VerifyResult => {
    const no = (code: HandshakeErrorCode, reason: string): VerifyResult => ({
      ok: false,
      code,
      reason,
      status: response.status,
    });
    const { headers } = response;
    // §4.1 item 1: "If the status code received from the server is not 101, the client handles the
    // response per HTTP [RFC2616] procedures."
    if (response.status !== 101) return no("HS_BAD_STATUS", `status ${response.status}, not 101`);
    // Item 2: Upgrade must be "websocket" (case-insensitive); item 3: Connection must include "Upgrade".
    if (!listHasToken(getHeaders(headers, "Upgrade"), "websocket"))
      return no("HS_BAD_UPGRADE", "Upgrade is not websocket");
    if (!listHasToken(getHeaders(headers, "Connection"), "upgrade"))
      return no("HS_BAD_CONNECTION", "Connection lacks Upgrade");
    // Item 4: Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)), exactly.
    const accepts = getHeaders(headers, "Sec-WebSocket-Accept");
    if (accepts.length !== 1)
      return no("HS_BAD_ACCEPT", `Sec-WebSocket-Accept appears ${accepts.length} times`);
    if (accepts[0] !== expectedAccept)
      return no("HS_BAD_ACCEPT", "Sec-WebSocket-Accept does not match the key");
    // Item 6: a subprotocol "that was not present in the client's handshake" fails; so does more than one.
    const chosen = getHeaders(headers, "Sec-WebSocket-Protocol");
    if (chosen.length > 1)
      return no("HS_UNEXPECTED_PROTOCOL", "Sec-WebSocket-Protocol appears more than once");
    const protocol = chosen.length === 1 ? chosen[0] : undefined;
    if (protocol !== undefined && !protocols.includes(protocol)) {
      return no("HS_UNEXPECTED_PROTOCOL", `the server chose ${protocol}, which was not offered`);
    }
    // Item 5: every extension in use must have been offered; none may be used twice.
    const extensionValues = getHeaders(headers, "Sec-WebSocket-Extensions");
    if (extensionValues.length > 1)
      return no("HS_UNEXPECTED_EXTENSION", "Sec-WebSocket-Extensions appears more than once");
    const extensions = configureAccepted(extensionValues, offered);
    if (typeof extensions === "string") return no("HS_UNEXPECTED_EXTENSION", extensions);
    return { ok: true, protocol, extensions };
  };
  return { request, key, secure, host, port, path, verify };
}

/**
 * The session extensions for what the server accepted (`values`: its Sec-WebSocket-Extensions), or the
 * reason to fail: an extension not offered, one used twice, a malformed header, or parameters the
 * extension refuses. Never throws.
 */
export function configureAccepted(
  values: readonly string[],
  offered: readonly HandshakeExtension[],
): WebSocketExtension[] | string {
  const extensions: WebSocketExtension[] = [];
  try {
    const seen = new Set<string>();
    for (const used of parseExtensions(values)) {
      const ext = offered.find((e) => e.name === used.name);
      if (ext === undefined) return `the server used ${used.name}, which was not offered`;
      if (seen.has(used.name)) return `the server used ${used.name} twice`;
      seen.add(used.name);
      if (ext.configure) extensions.push(ext.configure(used.params));
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return extensions;
}

/** Convenience for callers holding only header values: the offered subprotocol list of a request. */
export function offeredProtocols(headers: HeaderList): string[] {
  return splitList(getHeaders(headers, "Sec-WebSocket-Protocol"));
}
