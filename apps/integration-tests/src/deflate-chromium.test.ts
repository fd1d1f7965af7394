/**
 * Real peer: Chromium's own WebSocket with permessage-deflate (RFC 7692) against @proto/node's server
 * with `compression`, driven by playwright-core over CDP. Chromium offers
 * `permessage-deflate; client_max_window_bits`; each server below answers it differently. The page's
 * WebSocket goes through a recording proxy (wire-tap.ts), so the frames can be read off the wire.
 *
 * Chromium is Debian's (/usr/bin/chromium), started with a fresh profile; no browser is downloaded.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebSocketServer, type WebSocketConnection } from "@proto/node";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenChromium, openChromium } from "./chromium";
import { usePeer } from "./peers";
import { agreedParams, checkWire, messageSet, readWire, startTap, summary, type Tap } from "./wire-tap";

type ProtoServer = ReturnType<typeof createWebSocketServer>;
type Compression = NonNullable<Parameters<typeof createWebSocketServer>[0]>["compression"];

const browserPeer = usePeer("chromium");

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>@proto/node × Chromium, permessage-deflate</title></head>
<body><p>WebSocket permessage-deflate echo test page</p></body></html>`;

/** The servers, one per path, each with its compression options and what it must agree with Chromium. */
const VARIANTS: Array<{
  path: string;
  compression: Compression;
  /** The Sec-WebSocket-Extensions response Chromium sees (`ws.extensions`). */
  header: string;
  /** serverNoContextTakeover, clientNoContextTakeover, serverMaxWindowBits, clientMaxWindowBits. */
  params: [boolean, boolean, number, number];
  /** Context takeover Chromium → server, server → Chromium. */
  takeover: [boolean, boolean];
  /** Our server's threshold (Chromium compresses every message). */
  threshold: number;
}> = [
  {
    path: "/deflate",
    compression: true,
    header: "permessage-deflate",
    params: [false, false, 15, 15],
    takeover: [true, true],
    threshold: 1024,
  },
  {
    path: "/deflate-tuned",
    compression: { serverNoContextTakeover: true, clientMaxWindowBits: 10 },
    header: "permessage-deflate; server_no_context_takeover; client_max_window_bits=10",
    params: [true, false, 15, 10],
    takeover: [true, false],
    threshold: 1024,
  },
  {
    path: "/deflate-small-window",
    compression: { serverMaxWindowBits: 9, threshold: 0 },
    header: "permessage-deflate; server_max_window_bits=9",
    params: [false, false, 9, 15],
    takeover: [true, true],
    threshold: 0,
  },
];

interface ServerSide {
  connection: WebSocketConnection;
  request: IncomingMessage;
  /** Kind, size and SHA-256 of every message, in order. */
  messages: string[];
  closed: Promise<number>;
}

describe.skipIf(!browserPeer.available)(
  "Chromium WebSocket (permessage-deflate) → @proto/node server",
  () => {
    let http: Server;
    const wsServers: ProtoServer[] = [];
    let tap: Tap;
    let browser: OpenChromium | undefined;
    let page: Page;
    let origin = "";
    const accepted = new Map<string, ServerSide[]>();

    beforeAll(async () => {
      http = createServer((req, res) => {
        if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
        else res.writeHead(404).end();
      });
      for (const { path, compression } of VARIANTS) {
        const server = createWebSocketServer({ server: http, path, compression });
        accepted.set(path, []);
        server.on("connection", (connection: WebSocketConnection, request: IncomingMessage) => {
          const side: ServerSide = {
            connection,
            request,
            messages: [],
            closed: new Promise((resolve) => connection.on("close", (code: number) => resolve(code))),
          };
          connection.on("message", (data: string | Uint8Array, isBinary: boolean) => {
            side.messages.push(summary(data, isBinary));
            connection.send(data);
          });
          accepted.get(path)!.push(side);
        });
        wsServers.push(server);
      }
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      const port = (http.address() as AddressInfo).port;
      origin = `http://127.0.0.1:${port}`;
      tap = await startTap(port);

      browser = await openChromium(browserPeer.path!, `${origin}/`, browserPeer.version);
      page = browser.page;
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.allSettled(wsServers.map((server) => server.close()));
      await tap?.close();
      http?.closeAllConnections();
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    }, 60_000);

    it.each(VARIANTS)(
      "$path: negotiates permessage-deflate, echoes 20 messages of 0 B to 1 MiB intact, compressed on the wire",
      { timeout: 60_000 },
      async ({ path, header, params, takeover, threshold }) => {
        const sent = messageSet();
        const tapped = tap.connections.length;
        const result = await page.evaluate(
          async ({ url, messages }) => {
            const hex = async (data: string | ArrayBuffer | Uint8Array) => {
              const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
              const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
              return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
            };
            const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const outgoing = messages.map((m) => (m.text !== undefined ? m.text : decode(m.base64!)));
            const ws = new WebSocket(url);
            ws.binaryType = "arraybuffer";
            const inbox: Array<string | ArrayBuffer> = [];
            let wake: (() => void) | undefined;
            ws.onmessage = (event) => {
              inbox.push(event.data as string | ArrayBuffer);
              wake?.();
            };
            const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
              ws.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
            });
            await new Promise<void>((resolve, reject) => {
              ws.onopen = () => resolve();
              ws.onerror = () => reject(new Error("WebSocket error before open"));
            });
            for (const message of outgoing) ws.send(message);
            while (inbox.length < outgoing.length) await new Promise<void>((resolve) => (wake = resolve));
            const echoes = await Promise.all(
              inbox.map(async (got, i) => {
                const want = outgoing[i]!;
                const size = typeof got === "string" ? new TextEncoder().encode(got).length : got.byteLength;
                const digest = await hex(got);
                return {
                  summary: `${typeof got === "string" ? "text" : "binary"} ${size} ${digest}`,
                  same: typeof got === typeof want && digest === (await hex(want)),
                };
              }),
            );
            const extensions = ws.extensions;
            ws.close(1000);
            return { extensions, echoes, close: await closed };
          },
          {
            url: `ws://127.0.0.1:${tap.port}${path}`,
            messages: sent.map((m) =>
              typeof m.data === "string" ? { text: m.data } : { base64: m.data.toString("base64") },
            ),
          },
        );

        const want = sent.map((m) => summary(m.data));
        // In the page: every echo is the message sent, byte for byte, and of the same kind.
        expect(result.echoes.map((e) => e.same)).toEqual(sent.map(() => true));
        expect(result.echoes.map((e) => e.summary)).toEqual(want);
        expect(result.extensions).toBe(header);
        expect(result.close).toEqual({ code: 1000, wasClean: true });

        const sides = accepted.get(path)!;
        expect(sides).toHaveLength(1);
        const side = sides[0]!;
        expect(side.messages).toEqual(want);
        expect(await side.closed).toBe(1000);
        // What Chromium offered, and what our end agreed to.
        const offer = String(side.request.headers["sec-websocket-extensions"]);
        expect(offer).toMatch(/^permessage-deflate; client_max_window_bits\b/);
        expect(agreedParams(side.connection.extensions)).toEqual(params);

        // On the wire: Chromium compressed every message (RSV1 even on 0 B), ours those of `threshold` bytes.
        expect(tap.connections).toHaveLength(tapped + 1);
        const wire = tap.connections[tapped]!;
        await wire.closed;
        const [, , serverBits, clientBits] = params;
        const up = checkWire(readWire(wire.up, true), sent, 0, takeover[0], clientBits);
        const down = checkWire(readWire(wire.down, false), sent, threshold, takeover[1], serverBits);
        console.log(`[deflate-chromium] offer: ${offer}; response: ${header}`);
        console.log(`  Chromium → @proto: ${up}\n  @proto → Chromium: ${down}`);
      },
    );
  },
);
