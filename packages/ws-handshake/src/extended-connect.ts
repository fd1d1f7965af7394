/**
 * WebSocket over HTTP/2, RFC 8441: the client opens a stream with an extended CONNECT (§4, §5), once the
 * server has sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (§3). There is no Sec-WebSocket-Key or Accept: the
 * stream itself is the connection, and a 2xx response accepts it (§5). These helpers build and check the
 * header lists; @proto/h2-session carries them in HEADERS frames.
 */
import type { WebSocketExtension } from "@proto/ws-frame";
import { configureAccepted } from "./client-handshake";
import { HandshakeError } from "./errors";
import type { HandshakeExtension } from "./extension";
import { formatOffers } from "./extensions-header";
import type { HeaderList } from "./http-head";
import { isToken, splitList } from "./tokens";

/** RFC 8441 §3: the SETTINGS parameter a server sends to allow extended CONNECT. */
export const SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8;

export interface ExtendedConnectOptions {
  /** :authority, e.g. "example.com" or "example.com:8443". */
  authority: string;
  /** :path with the query, e.g. "/chat?room=1". */
  path: string;
  /** :scheme (default "https"). */
  scheme?: "https" | "http";
  protocols?: readonly string[];
  extensions?: readonly HandshakeExtension[];
  origin?: string;
}

/** The request header list of RFC 8441 §4: pseudo-headers first, field names in lower case (RFC 9113 §8.2). */
export function createExtendedConnectRequest(options: ExtendedConnectOptions): HeaderList {
  if (options.authority === "" || !options.path.startsWith("/")) {
    throw new HandshakeError(
      "HS_INVALID_ARGUMENT",
      "an extended CONNECT needs an authority and a path starting with /",
    );
  }
  for (const p of options.protocols ?? []) {
    if (!isToken(p))
      throw new HandshakeError("HS_INVALID_ARGUMENT", `subprotocol ${JSON.stringify(p)} is not a token`);
  }
  const headers: HeaderList = [
    [":method", "CONNECT"],
    [":protocol", "websocket"],
    [":scheme", options.scheme ?? "https"],
    [":path", options.path],
    [":authority", options.authority],
    ["sec-websocket-version", "13"],
  ];
  if (options.origin !== undefined) headers.push(["origin", options.origin]);
  if (options.protocols?.length) headers.push(["sec-websocket-protocol", options.protocols.join(", ")]);
  const offers = formatOffers(options.extensions ?? []);
  if (offers !== "") headers.push(["sec-websocket-extensions", offers]);
  return headers;
}

export type ExtendedConnectCheck =
  | { ok: true; path: string; authority: string; scheme: string; protocols: string[] }
  | { ok: false; reason: string };

/**
 * Checks a received extended CONNECT request (RFC 8441 §4-§5): :method CONNECT with :protocol websocket,
 * :scheme, :path and :authority each exactly once and non-empty, pseudo-headers before fields,
 * sec-websocket-version 13, and none of the HTTP/1.1 handshake fields HTTP/2 forbids or RFC 8441 drops
 * (Connection, Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Accept).
 */
export function validateExtendedConnectRequest(headers: HeaderList): ExtendedConnectCheck {
  const pseudo = new Map<string, string>();
  let fieldsStarted = false;
  let version: string | undefined;
  for (const [name, value] of headers) {
    if (name.startsWith(":")) {
      if (fieldsStarted) return { ok: false, reason: `pseudo-header ${name} after a regular field` };
      if (pseudo.has(name)) return { ok: false, reason: `pseudo-header ${name} twice` };
      if (![":method", ":protocol", ":scheme", ":path", ":authority"].includes(name)) {
        return { ok: false, reason: `pseudo-header ${name} is not allowed in a request` };
      }
      pseudo.set(name, value);
      continue;
    }
    fieldsStarted = true;
    if (name !== name.toLowerCase()) return { ok: false, reason: `field name ${name} is not lower case` };
    if (
      [
        "connection",
        "upgrade",
        "sec-websocket-key",
        "sec-websocket-accept",
        "keep-alive",
        "transfer-encoding",
      ].includes(name)
    ) {
      return { ok: false, reason: `field ${name} is not used over HTTP/2` };
    }
    if (name === "sec-websocket-version") {
      if (version !== undefined) return { ok: false, reason: "sec-websocket-version twice" };
      version = value;
    }
  }
  if (pseudo.get(":method") !== "CONNECT") return { ok: false, reason: ":method is not CONNECT" };
  if (pseudo.get(":protocol") !== "websocket") return { ok: false, reason: ":protocol is not websocket" };
  for (const required of [":scheme", ":path", ":authority"]) {
    if (!pseudo.get(required)) return { ok: false, reason: `${required} is missing or empty` };
  }
  if (version !== "13") return { ok: false, reason: "sec-websocket-version is not 13" };
  const protocols = splitList(headers.filter(([n]) => n === "sec-websocket-protocol").map(([, v]) => v));
  return {
    ok: true,
    path: pseudo.get(":path")!,
    authority: pseudo.get(":authority")!,
    scheme: pseudo.get(":scheme")!,
    protocols,
  };
}

/**
 * Checks the response to an extended CONNECT: any 2xx status accepts (RFC 8441 §5), a chosen subprotocol
 * must have been offered, and extensions are configured as in HTTP/1.1.
 */
export function verifyExtendedConnectResponse(
  status: number,
  headers: HeaderList,
  offered: { protocols?: readonly string[]; extensions?: readonly HandshakeExtension[] } = {},
):
  | { ok: true; protocol: string | undefined; extensions: WebSocketExtension[] }
  | { ok: false; reason: string } {
  if (status < 200 || status > 299) return { ok: false, reason: `status ${status} is not 2xx` };
  const chosen = headers.filter(([n]) => n === "sec-websocket-protocol").map(([, v]) => v);
  if (chosen.length > 1) return { ok: false, reason: "sec-websocket-protocol appears more than once" };
  const protocol = chosen[0];
  if (protocol !== undefined && !(offered.protocols ?? []).includes(protocol)) {
    return { ok: false, reason: `the server chose ${protocol}, which was not offered` };
  }
  const extensions = configureAccepted(
    headers.filter(([n]) => n === "sec-websocket-extensions").map(([, v]) => v),
    offered.extensions ?? [],
  );
  if (typeof extensions === "string") return { ok: false, reason: extensions };
  return { ok: true, protocol, extensions };
}
