/**
 * The HTTP/2 panel's server side: `POST /api/h2/request` runs a real h2c exchange on loopback.
 *
 * @proto/node's `connectH2` client talks to its `createH2Server` (h2c with prior knowledge, RFC 9113
 * §3.3) through a recording TCP relay, makes one or more requests on that one connection, closes it
 * (GOAWAY, §6.8), and the relay's bytes come back as a frame log (h2-lab-log.ts). The h2c server starts
 * on the first call and lives until the lab server closes.
 */
import type { Server } from "node:http";
import { connectH2, createH2Server, type H2ClientResponse, type H2Server } from "@proto/node";
import { type FrameLogEntry, frameLog } from "./h2-lab-log";
import { type RecordingRelay, startRecordingRelay } from "./h2-lab-relay";
import type { LabModule } from "./lab-server";

/** What the panel may ask for. */
export interface H2ExchangeOptions {
  method: "GET" | "HEAD" | "POST";
  path: string;
  /** Response body size in bytes, sent by the client as `x-lab-body-size`. */
  bodySize: number;
  /** Requests made one after another on the one connection (to show HPACK on the wire). */
  requests: number;
  /** "large": connectH2's 1 MiB windows; "rfc": the RFC's initial 65,535 bytes (§6.9.2). */
  window: "large" | "rfc";
}

export interface H2ExchangeResult {
  options: H2ExchangeOptions;
  /** Where the relay listened and where the h2c server listens. */
  relayPort: number;
  serverPort: number;
  responses: Array<{ status: number; headers: Array<[string, string]>; bodyBytes: number }>;
  /** Bytes each side wrote, as the relay counted them. */
  bytes: { client: number; server: number };
  frames: FrameLogEntry[];
  elapsedMs: number;
}

export const H2_DEFAULTS: H2ExchangeOptions = {
  method: "GET",
  path: "/lab/page.html",
  bodySize: 100 * 1024,
  requests: 2,
  window: "large",
};
export const MAX_BODY_SIZE = 4 * 1024 * 1024;
const MAX_REQUESTS = 5;
const CLOSE_WAIT_MS = 5000;
/** Exchanges running at once (each records up to its bounded body sizes in memory). */
const MAX_CONCURRENT_EXCHANGES = 4;

/** Checks the panel's JSON; anything missing takes its default. Throws a message for the panel. */
export function parseExchangeOptions(body: unknown): H2ExchangeOptions {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const method = b.method ?? H2_DEFAULTS.method;
  if (method !== "GET" && method !== "HEAD" && method !== "POST") throw new Error(`method ${String(method)}`);
  const path = b.path ?? H2_DEFAULTS.path;
  // §8.3.1: ":path" is origin-form: it starts with "/"; no spaces or control characters.
  if (typeof path !== "string" || !/^\/[\x21-\x7e]*$/.test(path) || path.length > 2048) {
    throw new Error("path must start with / and contain no spaces or control characters");
  }
  const bodySize = b.bodySize ?? H2_DEFAULTS.bodySize;
  if (!Number.isInteger(bodySize) || (bodySize as number) < 0 || (bodySize as number) > MAX_BODY_SIZE) {
    throw new Error(`bodySize must be an integer from 0 to ${MAX_BODY_SIZE}`);
  }
  const requests = b.requests ?? H2_DEFAULTS.requests;
  if (!Number.isInteger(requests) || (requests as number) < 1 || (requests as number) > MAX_REQUESTS) {
    throw new Error(`requests must be 1 to ${MAX_REQUESTS}`);
  }
  const window = b.window ?? H2_DEFAULTS.window;
  if (window !== "large" && window !== "rfc") throw new Error(`window ${String(window)}`);
  return { method, path, bodySize: bodySize as number, requests: requests as number, window };
}

/** A response body of exactly `size` bytes: HTML-looking text, so it is readable in a capture. */
function makeBody(size: number, path: string): Uint8Array {
  const line = `<p>Served over h2c by @proto/node for ${path}. Frames of at most 16,384 bytes carry it.</p>\n`;
  const text = `<!doctype html>\n${line.repeat(Math.ceil(size / line.length) + 1)}`;
  return new TextEncoder().encode(text.slice(0, size));
}

export function http2Lab(_http: Server): LabModule {
  let server: Promise<{ h2: H2Server; port: number }> | undefined;
  const relays = new Set<RecordingRelay>();

  const h2Server = () => {
    server ??= (async () => {
      const h2 = createH2Server({ host: "127.0.0.1", port: 0 }, async (req, res) => {
        if (req.method === "POST") await req.body();
        const size = Math.min(Number(req.header("x-lab-body-size") ?? 0) || 0, MAX_BODY_SIZE);
        const type = req.path.endsWith(".json") ? "application/json" : "text/html; charset=utf-8";
        res.respond(200, [
          ["content-type", type],
          ["content-length", String(size)],
          ["server", "proto-lab"],
          ["cache-control", "no-store"],
        ]);
        res.end(req.method === "HEAD" ? undefined : makeBody(size, req.path));
      });
      const address = await h2.listen();
      return { h2, port: address.port };
    })();
    return server;
  };

  let closed = false;
  /** At most this many exchanges at once: each holds a relay, a client and its recording. */
  let running = 0;

  async function exchange(body: unknown): Promise<H2ExchangeResult> {
    const options = parseExchangeOptions(body);
    if (closed) throw new Error("the lab is stopping");
    if (running >= MAX_CONCURRENT_EXCHANGES) throw new Error("too many h2c exchanges at once; try again");
    running++;
    try {
      return await exchangeOnce(options);
    } finally {
      running--;
    }
  }

  async function exchangeOnce(options: ReturnType<typeof parseExchangeOptions>): Promise<H2ExchangeResult> {
    const { port } = await h2Server();
    const relay = await startRecordingRelay(port);
    relays.add(relay);
    const started = performance.now();
    try {
      const small = options.window === "rfc";
      const client = await connectH2(`http://127.0.0.1:${relay.port}`, {
        ...(small && { settings: { initialWindowSize: 65_535 }, limits: { connectionWindowSize: 65_535 } }),
        connectTimeout: CLOSE_WAIT_MS,
      });
      const responses: H2ClientResponse[] = [];
      try {
        for (let i = 0; i < options.requests; i++) {
          responses.push(
            await client.request({
              method: options.method,
              path: options.path,
              headers: [
                ["user-agent", "proto-lab/1.0 (@proto/node connectH2)"],
                ["accept", "text/html,application/json;q=0.9,*/*;q=0.8"],
                ["x-lab-body-size", String(options.bodySize)],
              ],
              ...(options.method === "POST" && { body: '{"hello":"h2c"}' }),
            }),
          );
        }
      } finally {
        await client.close();
      }
      // The relay closes once the server has seen the client's FIN and closed too.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        relay.closed,
        new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
      ]);
      clearTimeout(timer);
      const bytes = { client: 0, server: 0 };
      for (const c of relay.chunks) bytes[c.from] += c.bytes.length;
      return {
        options,
        relayPort: relay.port,
        serverPort: port,
        responses: responses.map((r) => ({ status: r.status, headers: r.headers, bodyBytes: r.body.length })),
        bytes,
        frames: frameLog(relay.chunks),
        elapsedMs: performance.now() - started,
      };
    } finally {
      relays.delete(relay);
      await relay.close();
    }
  }

  return {
    api: { "/api/h2/request": (body) => exchange(body) },
    close: async () => {
      closed = true;
      await Promise.allSettled([...relays].map((r) => r.close()));
      if (server) await (await server).h2.close();
    },
  };
}
