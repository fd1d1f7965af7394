/**
 * Real peer: Chromium's own WebSocket (the one pages get) against @proto/node's server, driven by
 * playwright-core over CDP. A node:http server on 127.0.0.1 serves a tiny page and hosts the WebSocket
 * server on the same port (the `server` option), so the page's origin is the server's own host.
 *
 * Chromium is Debian's (/usr/bin/chromium), started with a fresh profile; no browser is downloaded.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebSocketServer, type WebSocketConnection } from "@proto/node";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenChromium, openChromium } from "./chromium";
import { usePeer } from "./peers";

type ProtoServer = ReturnType<typeof createWebSocketServer>;

const browserPeer = usePeer("chromium");

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>@proto/node × Chromium</title></head>
<body><p>WebSocket echo test page</p></body></html>`;

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

interface ServerSide {
  connection: WebSocketConnection;
  request: IncomingMessage;
  /** Kind, size and SHA-256 of every message, in order. */
  messages: Array<{ isBinary: boolean; size: number; sha256: string }>;
  closed: Promise<{ code: number; reason: string }>;
}

describe.skipIf(!browserPeer.available)("Chromium WebSocket → @proto/node server", () => {
  let http: Server;
  let wsServer: ProtoServer;
  let browser: OpenChromium | undefined;
  let page: Page;
  let origin = "";
  const accepted: ServerSide[] = [];

  beforeAll(async () => {
    http = createServer((req, res) => {
      if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      else res.writeHead(404).end();
    });
    wsServer = createWebSocketServer({ server: http, path: "/ws", protocols: ["chat.v2", "chat"] });
    wsServer.on("connection", (connection: WebSocketConnection, request: IncomingMessage) => {
      const side: ServerSide = {
        connection,
        request,
        messages: [],
        closed: new Promise((resolve) =>
          connection.on("close", (code: number, reason: string) => resolve({ code, reason: String(reason) })),
        ),
      };
      connection.on("message", (data: string | Uint8Array, isBinary: boolean) => {
        side.messages.push({
          isBinary,
          size: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength,
          sha256: sha256(data),
        });
        // The page asks the server to close this connection by sending this text.
        if (data === "close me") connection.close(4002, "bye from server");
        else connection.send(data);
      });
      accepted.push(side);
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    browser = await openChromium(browserPeer.path!, `${origin}/`, browserPeer.version);
    page = browser.page;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await wsServer?.close().catch(() => undefined);
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  }, 60_000);

  it("echoes text and ArrayBuffer messages up to 1 MiB over a chat.v2 connection, then closes with 4001", {
    timeout: 60_000,
  }, async () => {
    const before = accepted.length;
    const result = await page.evaluate(
      async (url) => {
        const hex = async (data: string | ArrayBuffer) => {
          const bytes = typeof data === "string" ? new TextEncoder().encode(data) : new Uint8Array(data);
          const digest = await crypto.subtle.digest("SHA-256", bytes);
          return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
        };
        const random = (n: number) => {
          const out = new Uint8Array(n);
          for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
          return out.buffer;
        };
        const ws = new WebSocket(url, ["chat.v2"]);
        ws.binaryType = "arraybuffer";
        const inbox: Array<string | ArrayBuffer> = [];
        let wake: (() => void) | undefined;
        ws.onmessage = (event) => {
          inbox.push(event.data as string | ArrayBuffer);
          wake?.();
        };
        const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
          ws.onclose = (event) =>
            resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
        });
        await new Promise<void>((resolve, reject) => {
          ws.onopen = () => resolve();
          ws.onerror = () => reject(new Error("WebSocket error before open"));
        });
        const sent: Array<string | ArrayBuffer> = [
          "hello from chromium",
          "",
          "héllo wörld ✓ 🚀".repeat(4000),
          random(0),
          random(125),
          random(126),
          random(65536),
          random(1 << 20),
          "x".repeat(1 << 20),
        ];
        for (const message of sent) ws.send(message);
        while (inbox.length < sent.length) await new Promise<void>((resolve) => (wake = resolve));
        const echoes = await Promise.all(
          inbox.map(async (got, i) => {
            const want = sent[i]!;
            return {
              kind: typeof got === "string" ? "text" : "binary",
              wantKind: typeof want === "string" ? "text" : "binary",
              size: typeof got === "string" ? new TextEncoder().encode(got).length : got.byteLength,
              same: (await hex(got)) === (await hex(want)),
              sha256: await hex(want),
            };
          }),
        );
        const protocol = ws.protocol;
        const extensions = ws.extensions;
        ws.close(4001, "bye from chromium");
        return { protocol, extensions, echoes, close: await closed };
      },
      `${origin.replace("http", "ws")}/ws`,
    );

    expect(result.protocol).toBe("chat.v2");
    expect(result.echoes).toHaveLength(9);
    for (const echo of result.echoes) {
      expect(echo.kind).toBe(echo.wantKind);
      expect(echo.same).toBe(true);
    }
    expect(result.echoes.map((e) => e.size)).toEqual([
      19,
      0,
      Buffer.byteLength("héllo wörld ✓ 🚀".repeat(4000)),
      0,
      125,
      126,
      65536,
      1 << 20,
      1 << 20,
    ]);

    expect(accepted.length).toBe(before + 1);
    const side = accepted[before]!;
    expect(side.connection.protocol).toBe("chat.v2");
    // Chromium offers permessage-deflate; @proto/node has none yet, so none may be in force.
    expect(side.request.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
    expect(result.extensions).toBe("");
    expect(side.connection.extensions).toEqual([]);
    expect(side.request.headers.origin).toBe(origin);
    expect(side.messages.map((m) => [m.isBinary, m.size, m.sha256])).toEqual(
      result.echoes.map((e) => [e.wantKind === "binary", e.size, e.sha256]),
    );
    expect(await side.closed).toEqual({ code: 4001, reason: "bye from chromium" });
    // §5.5.1: the server's reply typically echoes the code; its reason is the server's own.
    expect(result.close).toMatchObject({ code: 4001, wasClean: true });
  });

  it("sees the server close with 4002 and a reason, cleanly", { timeout: 60_000 }, async () => {
    const before = accepted.length;
    const close = await page.evaluate(
      async (url) => {
        const ws = new WebSocket(url, ["chat.v2"]);
        const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
          ws.onclose = (event) =>
            resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean });
        });
        ws.onopen = () => ws.send("close me");
        return closed;
      },
      `${origin.replace("http", "ws")}/ws`,
    );
    expect(close).toEqual({ code: 4002, reason: "bye from server", wasClean: true });
    expect(accepted.length).toBe(before + 1);
    expect((await accepted[before]!.closed).code).toBe(4002);
  });
});
