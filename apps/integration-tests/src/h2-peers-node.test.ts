/**
 * Real peers for @proto/node's HTTP/2 client and server, over h2c with prior knowledge on 127.0.0.1:
 *
 * - connectH2 → nghttpd --no-tls (nghttp2-server) serving a temporary docroot (0 B, 1 KiB, 1 MiB files):
 *   byte-exact GETs, nghttpd's trailers, a 1 MiB upload echoed back, 100 concurrent requests on one
 *   connection (checked in nghttpd's own -v log), and more requests than MAX_CONCURRENT_STREAMS.
 * - connectH2 → Node's http2.createServer: GET, 1 MiB POST echo, trailers (waitForTrailers + sendTrailers),
 *   100 requests held open at once by the server.
 * - Node's http2.connect → createH2Server: GET, 1 MiB POST, 4 MiB response, 100 concurrent streams,
 *   trailers, server push (the session's 'stream' event), a cancelled download, and GOAWAY on close().
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectH2, type H2Client } from "@proto/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BODY_1M,
  BODY_4M,
  type Daemon,
  HELLO,
  HOST,
  MiB,
  type OurServer,
  type ShaReply,
  sha256,
  startDaemon,
  startOurServer,
} from "./h2-peers-shared";
import { usePeer } from "./peers";

const nghttpd = usePeer("nghttpd");

const text = (body: Uint8Array) => Buffer.from(body).toString("utf8");
const field = (headers: Array<[string, string]>, name: string) => headers.find(([n]) => n === name)?.[1];

describe.skipIf(!nghttpd.available)(`connectH2 → nghttpd --no-tls (${nghttpd.version ?? "absent"})`, () => {
  const docroot = mkdtempSync(join(tmpdir(), "proto-h2-nghttpd-"));
  const files: Record<string, Buffer> = {
    "empty.bin": Buffer.alloc(0),
    "1k.bin": randomBytes(1024),
    "1m.bin": randomBytes(MiB),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(docroot, name), data);
  let daemon: Daemon;
  const clients: H2Client[] = [];
  const connectToDaemon = async () => {
    const client = await connectH2(`http://${HOST}:${daemon.port}`);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    daemon = await startDaemon(nghttpd.path!, (port) => [
      "--no-tls",
      "-v",
      "-a",
      HOST,
      "-d",
      docroot,
      "--echo-upload",
      "--trailer",
      "x-proto-trailer: yes",
      String(port),
    ]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await daemon?.stop();
    rmSync(docroot, { recursive: true, force: true });
  });

  /** nghttpd's -v log: the request HEADERS it received, per connection ("[id=N]"). */
  const requestsPerConnection = (log: string) => {
    const perConnection = new Map<number, number[]>();
    for (const m of log.matchAll(/^\[id=(\d+)\] \[\s*[\d.]+\] recv HEADERS frame <[^>]*stream_id=(\d+)>/gm)) {
      const list = perConnection.get(Number(m[1])) ?? [];
      perConnection.set(Number(m[1]), list);
      list.push(Number(m[2]));
    }
    return perConnection;
  };

  it("GETs the 0 B, 1 KiB and 1 MiB files byte for byte, each followed by nghttpd's trailer section", async () => {
    const client = await connectToDaemon();
    for (const [name, data] of Object.entries(files)) {
      const response = await client.request({ path: `/${name}` });
      expect(response.status, name).toBe(200);
      expect(field(response.headers, "content-length"), name).toBe(String(data.length));
      expect(Buffer.from(response.body).equals(data), name).toBe(true);
      // nghttpd 1.52 sends the --trailer section even after an empty body (HEADERS, then trailing HEADERS).
      expect(response.trailers, name).toEqual([["x-proto-trailer", "yes"]]);
    }
    const missing = await client.request({ path: "/no-such-file" });
    expect(missing.status).toBe(404);
  });

  it("POST 1 MiB comes back intact from --echo-upload", async () => {
    const client = await connectToDaemon();
    const response = await client.request({ method: "POST", path: "/echo", body: BODY_1M });
    expect(response.status).toBe(200);
    expect(field(response.headers, "nghttpd-response")).toBe("echo");
    expect(sha256(response.body)).toBe(sha256(BODY_1M));
  });

  it("100 concurrent requests share one connection: 100 request streams in nghttpd's log for it", async () => {
    const client = await connectToDaemon();
    const before = new Set(requestsPerConnection(daemon.log()).keys());
    const pending = Array.from({ length: 100 }, () => client.request({ path: "/1k.bin" }));
    expect(client.session.activeStreamCount).toBe(100); // all opened before any answer
    const responses = await Promise.all(pending);
    expect(responses.every((r) => r.status === 200 && Buffer.from(r.body).equals(files["1k.bin"]!))).toBe(
      true,
    );
    await expect
      .poll(() => [...requestsPerConnection(daemon.log())].filter(([id]) => !before.has(id)), {
        timeout: 10_000,
      })
      .toEqual([[expect.any(Number), Array.from({ length: 100 }, (_, i) => 1 + 2 * i)]]);
  });

  it("250 requests at once after SETTINGS arrived: at most 100 open, the rest wait, all succeed", async () => {
    const client = await connectToDaemon();
    await client.request({ path: "/empty.bin" }); // nghttpd's SETTINGS (MAX_CONCURRENT_STREAMS 100) is in
    const pending = Array.from({ length: 250 }, () => client.request({ path: "/1k.bin" }));
    await Promise.resolve();
    expect(client.session.activeStreamCount).toBeLessThanOrEqual(100);
    const responses = await Promise.all(pending);
    expect(responses.filter((r) => r.status === 200 && r.body.length === 1024)).toHaveLength(250);
  });

  // The client's own contract (h2-client.ts: "beyond the server's MAX_CONCURRENT_STREAMS they wait for a free
  // stream") on a connection whose server SETTINGS has not arrived yet: until then the limit is unknown
  // (§6.5.2 "initially, there is no limit"), so the client must not let streams past 100 be refused —
  // or it must retry those refused with REFUSED_STREAM, which §8.7 says were not processed.
  it("150 requests at once on a brand-new connection: none is lost to REFUSED_STREAM", async () => {
    const client = await connectToDaemon();
    const outcomes = await Promise.all(
      Array.from({ length: 150 }, () =>
        client.request({ path: "/1k.bin" }).then(
          (r) => `status ${r.status}`,
          (e: { code?: string; wireCode?: number }) => `${e.code} wire ${e.wireCode}`,
        ),
      ),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
    expect(counts).toEqual({ "status 200": 150 });
  });
});

describe("connectH2 → Node http2.createServer (h2c)", () => {
  let server: http2.Http2Server;
  let client: H2Client;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    server = http2.createServer();
    server.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        const path = String(headers[":path"]);
        if (path === "/trailers") {
          stream.respond({ ":status": 200, "content-type": "text/plain" }, { waitForTrailers: true });
          stream.on("wantTrailers", () =>
            stream.sendTrailers({ "x-node-trailer": "sent", "x-len": String(body.length) }),
          );
          stream.end("with trailers\n");
          return;
        }
        const answer = () => {
          if (stream.destroyed) return;
          stream.respond({ ":status": 200, "x-method": String(headers[":method"]), "x-path": path });
          stream.end(body.length > 0 ? body : `hello ${path}\n`);
        };
        if (path.startsWith("/held/")) {
          // Answer nothing until 100 streams are open at once.
          held.push(answer);
          if (held.length === 100) for (const release of held.splice(0)) release();
          return;
        }
        answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, () => resolve()));
    client = await connectH2(`http://${HOST}:${(server.address() as { port: number }).port}`);
  });
  afterAll(async () => {
    await client?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("GET", async () => {
    const response = await client.request({ path: "/index" });
    expect(response.status).toBe(200);
    expect(field(response.headers, "x-method")).toBe("GET");
    expect(text(response.body)).toBe("hello /index\n");
    expect(response.trailers).toBeUndefined();
  });

  it("POST 1 MiB echoed byte for byte", async () => {
    const response = await client.request({ method: "POST", path: "/echo", body: BODY_1M });
    expect(response.status).toBe(200);
    expect(field(response.headers, "x-method")).toBe("POST");
    expect(Buffer.from(response.body).equals(BODY_1M)).toBe(true);
  });

  it("trailers from respond({ waitForTrailers: true }) + sendTrailers", async () => {
    const response = await client.request({ method: "POST", path: "/trailers", body: "12345" });
    expect(response.status).toBe(200);
    expect(text(response.body)).toBe("with trailers\n");
    expect(response.trailers).toEqual([
      ["x-node-trailer", "sent"],
      ["x-len", "5"],
    ]);
  });

  it("100 concurrent requests, held by the server until all 100 are open", async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.request({ path: `/held/${i}`, body: `#${i}` })),
    );
    expect(responses.map((r) => text(r.body))).toEqual(Array.from({ length: 100 }, (_, i) => `#${i}`));
    expect(held).toEqual([]);
  });
});

/** One request on a Node http2 session: the response headers, body and trailers. */
function nodeRequest(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: Uint8Array | string,
): Promise<{
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders | undefined;
}> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let responseHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    req.on("response", (h) => {
      responseHeaders = h;
    });
    req.on("trailers", (t) => {
      trailers = t;
    });
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve({ headers: responseHeaders, body: Buffer.concat(chunks), trailers }));
    req.on("error", reject);
    if (body !== undefined) req.end(body);
  });
}

describe("Node http2.connect → createH2Server (h2c)", () => {
  let our: OurServer;
  let session: http2.ClientHttp2Session;
  const sessionErrors: unknown[] = [];

  beforeAll(async () => {
    our = await startOurServer();
    session = http2.connect(our.url);
    session.on("error", (e) => sessionErrors.push(e));
    await new Promise((resolve) => session.once("connect", resolve));
  });
  afterAll(async () => {
    if (!session.closed) await new Promise<void>((resolve) => session.close(() => resolve()));
    await our?.server.close();
  });

  it("GET", async () => {
    const r = await nodeRequest(session, { ":path": "/hello" });
    expect(r.headers[":status"]).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain");
    expect(r.body.toString()).toBe(HELLO);
    expect(our.requests.at(-1)).toEqual({
      method: "GET",
      path: "/hello",
      authority: `${HOST}:${our.port}`,
      scheme: "http",
    });
  });

  it("POST 1 MiB: the server hashes every byte", async () => {
    const r = await nodeRequest(session, { ":method": "POST", ":path": "/sha" }, BODY_1M);
    expect(JSON.parse(r.body.toString()) as ShaReply).toMatchObject({
      method: "POST",
      length: MiB,
      sha256: sha256(BODY_1M),
    });
  });

  it("GET 4 MiB arrives intact", async () => {
    const r = await nodeRequest(session, { ":path": "/big" });
    expect(r.body.length).toBe(BODY_4M.length);
    expect(sha256(r.body)).toBe(sha256(BODY_4M));
  });

  it("100 concurrent streams are all open at once and all answered", async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => nodeRequest(session, { ":path": "/barrier/node-client/100" })),
    );
    expect(our.barriers.get("node-client")).toEqual({ arrived: 100, releasedBy: "count" });
    expect(new Set(responses.map((r) => r.body.toString())).size).toBe(100);
  });

  it("trailers end the response after its body", async () => {
    const r = await nodeRequest(session, { ":method": "POST", ":path": "/trailers" }, "abc");
    expect(r.headers[":status"]).toBe(200);
    expect(r.body.toString()).toBe("trailer body\n");
    expect(r.trailers).toMatchObject({ "x-body-sha256": sha256(Buffer.from("abc")), "x-trailer": "done" });
  });

  it("server push: res.push() reaches the session's 'stream' event with the promised request and its response", async () => {
    const pushed = new Promise<{
      request: http2.IncomingHttpHeaders;
      response: http2.IncomingHttpHeaders;
      body: string;
    }>((resolve, reject) => {
      session.once("stream", (stream, request) => {
        const chunks: Buffer[] = [];
        let response: http2.IncomingHttpHeaders = {};
        stream.on("push", (h) => {
          response = h;
        });
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve({ request, response, body: Buffer.concat(chunks).toString() }));
        stream.on("error", reject);
      });
    });
    const page = await nodeRequest(session, { ":path": "/push" });
    expect(page.headers["x-push"]).toBe("promised");
    expect(page.body.toString()).toBe("<link rel=stylesheet href=/pushed.css>");
    const { request, response, body } = await pushed;
    expect(request).toMatchObject({
      ":method": "GET",
      ":path": "/pushed.css",
      ":scheme": "http",
      ":authority": `${HOST}:${our.port}`,
      "x-pushed-by": "proto",
    });
    expect(response).toMatchObject({ ":status": 200, "content-type": "text/css" });
    expect(body).toBe("body{}");
  });

  it("a download the client cancels (RST_STREAM CANCEL) leaves the connection usable", async () => {
    const req = session.request({ ":path": "/big" });
    await new Promise((resolve) => req.once("data", resolve));
    req.close(http2.constants.NGHTTP2_CANCEL);
    await new Promise((resolve) => req.once("close", resolve));
    const next = await nodeRequest(session, { ":path": "/hello" });
    expect(next.body.toString()).toBe(HELLO);
    expect(sessionErrors).toEqual([]);
    expect(our.errors).toEqual([]);
  });

  it("server.close() sends GOAWAY(NO_ERROR): the Node session closes cleanly and close() resolves", async () => {
    const own = await startOurServer();
    const s = http2.connect(own.url);
    const errors: unknown[] = [];
    s.on("error", (e) => errors.push(e));
    const goaway = new Promise<number>((resolve) => s.once("goaway", (code) => resolve(code)));
    const closed = new Promise((resolve) => s.once("close", resolve));
    const r = await nodeRequest(s, { ":path": "/hello" });
    expect(r.body.toString()).toBe(HELLO);
    await own.server.close();
    expect(await goaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await closed;
    expect(errors).toEqual([]);
  });
});
