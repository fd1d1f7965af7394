/**
 * The lab's server: the built web app from dist/, a JSON API the panels call, and WebSocket upgrades
 * (the `/ws` echo endpoint and the panels' taps), on 127.0.0.1 only.
 *
 * Each lab feature is a `LabModule` (see modules.ts); this file only routes to them.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve } from "node:path";
import type { Duplex } from "node:stream";
import { labModules } from "./modules";

/** A JSON API handler: receives the parsed JSON body (or undefined for GET) and returns the answer. */
export type ApiHandler = (body: unknown, url: URL, request: IncomingMessage) => Promise<unknown> | unknown;
/** Takes over an upgrade request for its path. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface LabModule {
  /** `"/api/…"` paths to handlers, called with POST and a JSON body. */
  api?: Record<string, ApiHandler>;
  /** `"/api/…"` paths to handlers that only read (GET). */
  get?: Record<string, ApiHandler>;
  /** Upgrade paths (`"/ws"`) to handlers. */
  upgrade?: Record<string, UpgradeHandler>;
  /** Stops what the module started (connections, helper servers). */
  close(): Promise<void>;
}

export interface LabServerOptions {
  /** Port on 127.0.0.1; 0 (default) takes a free one. */
  port?: number;
  /** The built web app (default: apps/demo/dist). */
  distDir?: string;
}

export interface LabServer {
  url: string;
  port: number;
  http: Server;
  close(): Promise<void>;
}

export const DEFAULT_DIST = resolve(import.meta.dirname, "..", "..", "dist");
const MAX_BODY = 1 << 20;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".map": "application/json",
};

export async function startLabServer(options: LabServerOptions = {}): Promise<LabServer> {
  const dist = options.distDir ?? DEFAULT_DIST;
  if (!existsSync(join(dist, "index.html"))) {
    throw new Error(
      `the web app is not built (${dist}/index.html is missing): run pnpm --filter @proto/demo build`,
    );
  }
  const http = createServer();
  let port = 0;
  const modules = labModules(http);
  const api = new Map<string, ApiHandler>();
  const gets = new Map<string, ApiHandler>();
  const upgrades = new Map<string, UpgradeHandler>();
  for (const m of modules) {
    for (const [path, handler] of Object.entries(m.api ?? {})) api.set(path, handler);
    for (const [path, handler] of Object.entries(m.get ?? {})) gets.set(path, handler);
    for (const [path, handler] of Object.entries(m.upgrade ?? {})) upgrades.set(path, handler);
  }
  let closing = false;

  http.on("request", (req, res) => {
    const url = parseUrl(req);
    if (!url) return send(res, 400, "text/plain", "bad request target");
    if (!localHost(req, port))
      return send(res, 421, "text/plain", "the lab answers only 127.0.0.1/localhost");
    if (closing) return send(res, 503, "text/plain", "the lab is stopping");
    if (url.pathname.startsWith("/api/")) {
      const post = api.get(url.pathname);
      const get = gets.get(url.pathname);
      if (req.method === "POST" && post) {
        // application/json only: a cross-site page cannot send that without a CORS preflight, which the
        // lab never answers.
        if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
          return send(res, 415, "application/json", JSON.stringify({ error: "send application/json" }));
        }
        void serveApi(post, url, req, res);
      } else if (req.method === "GET" && get) void serveApi(get, url, req, res);
      else if (post || get)
        send(res, 405, "application/json", JSON.stringify({ error: "method not allowed" }));
      else send(res, 404, "application/json", JSON.stringify({ error: `no API ${url.pathname}` }));
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, "text/plain", "method not allowed");
    serveStatic(dist, url.pathname, res);
  });
  http.on("upgrade", (req, socket, head) => {
    // Node takes its error listener off upgrade sockets: a reset must not crash the lab.
    socket.on("error", () => socket.destroy());
    const url = parseUrl(req);
    const handler = url && localHost(req, port) && !closing ? upgrades.get(url.pathname) : undefined;
    if (!handler) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    handler(req, socket, head);
  });

  await new Promise<void>((ok, fail) => {
    http.once("error", fail);
    http.listen(options.port ?? 0, "127.0.0.1", () => {
      http.off("error", fail);
      ok();
    });
  });
  port = (http.address() as AddressInfo).port;
  const sockets = new Set<Duplex>();
  http.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  let shutdown: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    http,
    close: () => {
      closing = true; // new requests and upgrades get 503/404 from here on
      shutdown ??= (async () => {
        await Promise.allSettled(modules.map((m) => m.close()));
        await new Promise<void>((ok) => {
          http.close(() => ok());
          http.closeAllConnections();
          for (const s of sockets) s.destroy();
        });
      })();
      return shutdown;
    },
  };
}

async function serveApi(handler: ApiHandler, url: URL, req: IncomingMessage, res: ServerResponse) {
  try {
    let body: unknown;
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY) {
          // Answer first, then stop reading (the connection closes after the answer).
          res.setHeader("connection", "close");
          send(
            res,
            413,
            "application/json",
            JSON.stringify({ error: `request body over ${MAX_BODY} bytes` }),
          );
          req.resume();
          return;
        }
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        send(res, 400, "application/json", JSON.stringify({ error: "the body is not JSON" }));
        return;
      }
    }
    const answer = await handler(body, url, req);
    send(res, 200, "application/json", JSON.stringify(answer));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    send(res, 500, "application/json", JSON.stringify({ error: message }));
  }
}

/** The request target as a URL, or undefined when it does not parse (`GET http://[ HTTP/1.1`). */
function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? "/", "http://127.0.0.1");
  } catch {
    return undefined;
  }
}

/**
 * Whether the Host header names this lab on the loopback interface. Anything else (say, a DNS-rebinding
 * page's own name pointed at 127.0.0.1) is refused, so other sites cannot read the lab's answers.
 */
function localHost(req: IncomingMessage, port: number): boolean {
  const host = (req.headers.host ?? "").toLowerCase();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}

function serveStatic(dist: string, pathname: string, res: ServerResponse): void {
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, "");
  } catch {
    send(res, 400, "text/plain", "bad path");
    return;
  }
  if (rel.startsWith("..")) {
    send(res, 403, "text/plain", "forbidden");
    return;
  }
  let file = join(dist, rel || "index.html");
  if (!existsSync(file) || statSync(file).isDirectory()) {
    // A missing hashed asset is a 404, never the page: it would be cached as that asset for a year.
    if (rel.startsWith("assets/")) {
      send(res, 404, "text/plain", "not found");
      return;
    }
    file = join(dist, "index.html");
  }
  const type = TYPES[extname(file)] ?? "application/octet-stream";
  const body = readFileSync(file);
  res.writeHead(200, {
    "content-type": type,
    "content-length": body.length,
    "cache-control": rel.startsWith("assets/") ? "max-age=31536000, immutable" : "no-cache",
  });
  res.end(body);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}
