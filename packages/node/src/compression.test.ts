/** permessage-deflate between @proto/node's server and client (RFC 7692 through @proto/ws-deflate). */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWebSocket } from "./client";
import type { WebSocketConnection } from "./connection";
import { createWebSocketServer, type WebSocketServer } from "./server";

const nextMessage = (c: WebSocketConnection) => once(c, "message") as Promise<[string | Uint8Array, boolean]>;

describe("compression: true on both ends", () => {
  let server: WebSocketServer;
  let url: string;
  const accepted: WebSocketConnection[] = [];

  beforeAll(async () => {
    server = createWebSocketServer({
      host: "127.0.0.1",
      port: 0,
      compression: true,
      maxMessageSize: 1 << 20,
    });
    server.on("connection", (connection) => {
      accepted.push(connection);
      connection.on("message", (data) => connection.send(data));
    });
    url = `ws://127.0.0.1:${(await server.listen()).port}`;
  });
  afterAll(() => server.close());

  it("negotiates permessage-deflate and echoes text and binary of 0 B to 512 KiB", async () => {
    const client = await connectWebSocket(url);
    expect(client.extensions.map((e) => e.name)).toEqual(["permessage-deflate"]);
    expect(accepted.at(-1)!.extensions.map((e) => e.name)).toEqual(["permessage-deflate"]);
    for (const size of [0, 1, 1023, 1024, 4096, 65_536, 512 * 1024]) {
      const text = "websocket ".repeat(Math.ceil(size / 10)).slice(0, size);
      client.send(text);
      expect(await nextMessage(client)).toEqual([text, false]);
      const binary = new Uint8Array(size).map((_, i) => (i * 7919) & 0xff);
      client.send(binary);
      const [echoed, isBinary] = await nextMessage(client);
      expect(isBinary).toBe(true);
      expect(Buffer.compare(echoed as Uint8Array, binary)).toBe(0);
    }
    client.close();
    await once(client, "close");
  });

  it("sends far fewer bytes than the messages for compressible data", async () => {
    const client = await connectWebSocket(url);
    const socket = (client as unknown as { socket: import("node:net").Socket }).socket;
    const before = socket.bytesWritten;
    const message = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `user${i}` })));
    client.send(message);
    expect(await nextMessage(client)).toEqual([message, false]);
    expect(socket.bytesWritten - before).toBeLessThan(message.length / 4);
    client.close();
    await once(client, "close");
  });

  it("closes with 1009 when a compressed message inflates past maxMessageSize", async () => {
    const client = await connectWebSocket(url, { maxMessageSize: 64 * 1024 * 1024 });
    client.send(new Uint8Array(2 << 20)); // 2 MiB of zeros: about 2 KiB compressed
    const [code] = (await once(client, "close")) as [number, string];
    expect(code).toBe(1009);
  });

  it("a client with compression: false gets none", async () => {
    const client = await connectWebSocket(url, { compression: false });
    expect(client.extensions).toEqual([]);
    client.send("plain");
    expect(await nextMessage(client)).toEqual(["plain", false]);
    client.terminate();
  });

  it("honours no-context-takeover and window options", async () => {
    const client = await connectWebSocket(url, {
      compression: { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10 },
    });
    expect(client.extensions.map((e) => e.name)).toEqual(["permessage-deflate"]);
    for (let i = 0; i < 3; i++) {
      const text = `round ${i} `.repeat(500);
      client.send(text);
      expect(await nextMessage(client)).toEqual([text, false]);
    }
    client.terminate();
  });
});
