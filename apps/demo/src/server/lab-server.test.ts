/**
 * The lab server's own rules: loopback Host only, JSON-only POSTs to the API, bounded bodies, no crash on
 * a request target that does not parse or an upgrade socket that resets, 404 for missing hashed assets,
 * no path traversal, WebSockets only from the lab's own page, and a clean stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectWebSocket } from "@proto/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LabServer, startLabServer } from "./lab-server";

let lab: LabServer;
let dist: string;

/** Sends raw bytes and returns everything the server wrote until it ended the connection (or 2 s). */
function raw(request: string | Buffer, { reset = false } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(lab.port, "127.0.0.1");
    let out = "";
    socket.on("data", (c) => {
      out += c.toString("latin1");
    });
    socket.on("error", () => resolve(out));
    socket.on("close", () => resolve(out));
    socket.write(request);
    if (reset) socket.resetAndDestroy();
    setTimeout(() => socket.destroy(), 2000);
  });
}

const status = (response: string) => Number(response.slice(9, 12));

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), "proto-lab-server-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>lab</title>");
  writeFileSync(join(dist, "assets", "app-1234.js"), "console.log(1)");
  lab = await startLabServer({ distDir: dist });
});
afterAll(async () => {
  await lab.close();
  rmSync(dist, { recursive: true, force: true });
});

describe("lab server", () => {
  it("serves the page, its hashed assets, and the page for unknown routes; 404 for a missing asset", async () => {
    const page = await fetch(lab.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const asset = await fetch(`${lab.url}assets/app-1234.js`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${lab.url}some/route`)).status).toBe(200);
    expect((await fetch(`${lab.url}assets/gone-9999.js`)).status).toBe(404);
  });

  it("never serves a file outside dist/", async () => {
    const response = await raw(`GET /../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`);
    expect(response).not.toContain("root:");
    const encoded = await raw(
      `GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`,
    );
    expect(encoded).not.toContain("root:");
    expect([403, 200]).toContain(status(encoded));
  });

  it("answers 400 to a request target that does not parse, and keeps running", async () => {
    expect(status(await raw(`GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`))).toBe(400);
    const upgrade = await raw(
      `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
    );
    expect(status(upgrade)).toBe(404);
    expect((await fetch(lab.url)).status).toBe(200);
  });

  it("survives a client that resets while its upgrade is answered", async () => {
    for (let i = 0; i < 5; i++) {
      await raw(
        `GET /nope HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
        {
          reset: true,
        },
      );
    }
    expect((await fetch(lab.url)).status).toBe(200);
  });

  it("answers only its loopback names in Host (no DNS rebinding)", async () => {
    expect(status(await raw(`GET / HTTP/1.1\r\nHost: evil.example:${lab.port}\r\n\r\n`))).toBe(421);
    expect(status(await raw(`GET / HTTP/1.1\r\nHost: localhost:${lab.port}\r\n\r\n`))).toBe(200);
  });

  it("takes API calls as JSON POSTs (GET only where a handler only reads)", async () => {
    const ping = `${lab.url}api/ws/ping`;
    expect(
      (await fetch(ping, { method: "POST", body: "{}", headers: { "content-type": "text/plain" } })).status,
    ).toBe(415);
    expect((await fetch(ping)).status).toBe(405);
    expect((await fetch(`${lab.url}api/h2/request`)).status).toBe(405);
    expect((await fetch(`${lab.url}api/nothing`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${lab.url}api/ws/info`)).status).toBe(200);
    const json = { method: "POST", headers: { "content-type": "application/json" } };
    expect((await fetch(ping, { ...json, body: "{not json" })).status).toBe(400);
    const big = await fetch(ping, { ...json, body: JSON.stringify({ pad: "x".repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    expect((await fetch(lab.url)).status).toBe(200);
  });

  it("accepts WebSockets from its own page or from non-browsers, not from other sites", async () => {
    const own = await connectWebSocket(`ws://127.0.0.1:${lab.port}/ws`, {
      origin: `http://127.0.0.1:${lab.port}`,
      compression: false,
    });
    own.close();
    const tool = await connectWebSocket(`ws://127.0.0.1:${lab.port}/ws`, { compression: false });
    tool.close();
    await expect(
      connectWebSocket(`ws://127.0.0.1:${lab.port}/ws`, {
        origin: "https://evil.example",
        compression: false,
      }),
    ).rejects.toThrow(/403/);
  });
});

describe("lab server stop", () => {
  it("refuses new work once close() starts, and frees the port", async () => {
    const other = await startLabServer({ distDir: dist });
    const stopping = other.close();
    const during = await fetch(other.url).then(
      (r) => r.status,
      () => 0,
    );
    expect([0, 503]).toContain(during);
    await stopping;
    await expect(fetch(other.url)).rejects.toThrow();
  });
});
