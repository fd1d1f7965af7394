/**
 * The application layer of the three stacks, built with the @proto packages: a masked WebSocket text
 * frame (RFC 6455 §5.2), an HTTP/2 HEADERS + DATA pair with an HPACK block (RFC 9113 §6.1-§6.2, RFC 7541),
 * and an HTTP/3 DATA frame (RFC 9114 §7.2.1) on a QUIC STREAM frame in a protected 1-RTT packet
 * (RFC 9000 §17.3, §19.8; RFC 9001 §5). Each payload is then read back from its bytes into parts (for the
 * colours) and fields (for the table), so what the panel shows is what the bytes say.
 */
import type { AppBuild, StackId } from "./app-common";
import { buildHttp2 } from "./app-h2";
import { buildHttp3 } from "./app-h3";
import { buildWebSocket } from "./app-ws";

export type { AppBuild, AppMessage, Part, Row, Side, StackId } from "./app-common";

const encoder = new TextEncoder();

export async function buildApp(stack: StackId, text: string): Promise<AppBuild> {
  const message = encoder.encode(text);
  if (stack === "ws") return buildWebSocket(message);
  if (stack === "h2") return buildHttp2(message);
  return buildHttp3(message);
}
