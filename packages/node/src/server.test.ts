import { once } from "node:events";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWebSocket } from "./client";
import type { WebSocketConnection } from "./connection";
import { NodeError } from "./errors";
import { createWebSocketServer, type WebSocketServer } from "./server";
import { closeServer, listenLocal } from "./test-peer";

/** Resolves with the next `close` of a connection as [code, reason]. */
const closed = (c: WebSocketConnection) => once(c, "close") as Promise<[number, string]>;
const nextMessage = (c: WebSocketConnection) => once(c, "message") as Promise<[string | Uint8Array, boolean]>;

describe("standalone server and client", () => {
  let server: WebSocketServer;
  let url: string;

  beforeAll(async () => {
    server = createWebSocketServer({ host: "127.0.0.1", port: 0, protocols: ["chat.v2", "chat.v1"] });
    server.on("connection", (connection, request) => {
      connection.on("message", (data, isBinary) => {
        if (data === "close please") connection.close(4001, "as you wish");
        else connection.send(isBinary ? data : `echo: ${data} ${request.url}`);
      });
    });
    const address = await server.listen();
    url = `ws://127.0.0.1:${address.port}`;
  });
  afterAll(() => server.close());

  it("echoes text and passes the request (IncomingMessage) to 'connection'", async () => {
    const client = await connectWebSocket(`${url}/room?x=1`);
    client.send("hello");
    expect(await nextMessage(client)).toEqual(["echo: hello /room?x=1", false]);
    client.close();
    expect(await closed(client)).toEqual([1005, ""]);
  });

  it("echoes binary, including a 1 MiB message", async () => {
    const client = await connectWebSocket(url);
    client.send(Uint8Array.of(1, 2, 3));
    const [small, isBinary] = await nextMessage(client);
    expect(isBinary).toBe(true);
    expect(Array.from(small as Uint8Array)).toEqual([1, 2, 3]);
    const big = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    client.send(big);
    const [echoed] = await nextMessage(client);
    expect((echoed as Uint8Array).length).toBe(big.length);
    expect(Buffer.compare(echoed as Uint8Array, big)).toBe(0);
    client.close(1000);
    expect(await closed(client)).toEqual([1000, ""]);
  });

  it("answers pings with pongs in both directions", async () => {
    const accepted = waitForNewConnection(server);
    const client = await connectWebSocket(url);
    const serverSide = await accepted;
    client.ping("are you there");
    const [data] = (await once(client, "pong")) as [Uint8Array];
    expect(new TextDecoder().decode(data)).toBe("are you there");
    serverSide.ping(Uint8Array.of(9));
    const [pingData] = (await once(client, "ping")) as [Uint8Array];
    expect(Array.from(pingData)).toEqual([9]);
    expect(Array.from(((await once(serverSide, "pong")) as [Uint8Array])[0])).toEqual([9]);
    client.terminate();
  });

  it("delivers a close code and reason to both sides, server-initiated", async () => {
    const accepted = waitForNewConnection(server);
    const client = await connectWebSocket(url);
    const serverSide = await accepted;
    const serverClosed = closed(serverSide);
    const clientClosed = closed(client);
    client.send("close please");
    // The client receives the server's Close (4001 + reason); the server receives the echoed code.
    expect(await clientClosed).toEqual([4001, "as you wish"]);
    expect(await serverClosed).toEqual([4001, ""]);
    expect(client.state).toBe("closed");
    expect(server.clients.has(serverSide)).toBe(false);
  });

  it("delivers a close code and reason to both sides, client-initiated", async () => {
    const accepted = waitForNewConnection(server);
    const client = await connectWebSocket(url);
    const serverSide = await accepted;
    const serverClosed = closed(serverSide);
    const clientClosed = closed(client);
    client.close(4002, "bye now");
    expect(client.state).toBe("closing");
    expect(() => client.send("late")).toThrow(expect.objectContaining({ code: "NODE_INVALID_STATE" }));
    expect(await serverClosed).toEqual([4002, "bye now"]);
    expect(await clientClosed).toEqual([4002, ""]);
  });

  it("negotiates a subprotocol in the server's preference order", async () => {
    const client = await connectWebSocket(url, { protocols: ["chat.v1", "chat.v2"] });
    expect(client.protocol).toBe("chat.v2");
    client.terminate();
    const plain = await connectWebSocket(url, { protocols: ["other"] });
    expect(plain.protocol).toBeUndefined();
    plain.terminate();
  });

  it("answers a plain HTTP request with 426", async () => {
    const response = await fetch(`http://127.0.0.1:${new URL(url).port}/`);
    expect(response.status).toBe(426);
    await response.text();
  });

  it("rejects listen() on an attached server, and bad compression options", async () => {
    const http = createServer();
    const attached = createWebSocketServer({ server: http });
    await expect(attached.listen()).rejects.toMatchObject({ code: "NODE_INVALID_STATE" });
    await attached.close();
    expect(() => createWebSocketServer({ compression: { serverMaxWindowBits: 8 } })).toThrow(
      expect.objectContaining({ code: "NODE_INVALID_ARGUMENT" }),
    );
    await expect(connectWebSocket(url, { compression: { threshold: -1 } })).rejects.toMatchObject({
      code: "NODE_INVALID_ARGUMENT",
    });
    expect(() => createWebSocketServer({ server: http, port: 1 })).toThrow(NodeError);
  });

  it("does not negotiate compression unless the server enables it (as ws)", async () => {
    const accepted = waitForNewConnection(server);
    const client = await connectWebSocket(url);
    expect(client.extensions).toEqual([]);
    expect((await accepted).extensions).toEqual([]);
    client.terminate();
  });
});

describe("handshake rejection", () => {
  let server: WebSocketServer;
  let port: number;

  beforeAll(async () => {
    server = createWebSocketServer({
      host: "127.0.0.1",
      path: "/ws",
      allowOrigin: (origin) => origin === "https://good.example",
    });
    port = (await server.listen()).port;
  });
  afterAll(() => server.close());

  it("rejects a forbidden origin: connectWebSocket fails with the status and code", async () => {
    const error = await connectWebSocket(`ws://127.0.0.1:${port}/ws`, {
      origin: "https://evil.example",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).toMatchObject({
      code: "NODE_HANDSHAKE_REJECTED",
      status: 403,
      handshakeCode: "HS_BAD_STATUS",
    });
    const ok = await connectWebSocket(`ws://127.0.0.1:${port}/ws`, { origin: "https://good.example" });
    ok.terminate();
  });

  it("answers 404 for another path on a standalone server", async () => {
    await expect(
      connectWebSocket(`ws://127.0.0.1:${port}/elsewhere`, { origin: "https://good.example" }),
    ).rejects.toMatchObject({ code: "NODE_HANDSHAKE_REJECTED", status: 404 });
  });

  it("answers 431 to a request head over maxHeadSize, standalone (Node's parser) or attached (ours)", async () => {
    const standalone = createWebSocketServer({ host: "127.0.0.1", maxHeadSize: 1024 });
    const http = createServer();
    const attached = createWebSocketServer({ server: http, maxHeadSize: 1024 });
    try {
      const ports = [(await standalone.listen()).port, await listenLocal(http)];
      for (const p of ports) {
        const url = `ws://127.0.0.1:${p}/`;
        await expect(connectWebSocket(url, { headers: { "X-Big": "a".repeat(2000) } })).rejects.toMatchObject(
          {
            code: "NODE_HANDSHAKE_REJECTED",
            status: 431,
          },
        );
        (await connectWebSocket(url, { headers: { "X-Small": "a".repeat(500) } })).terminate();
      }
    } finally {
      await Promise.all([standalone.close(), attached.close()]);
      await closeServer(http);
    }
  });

  it("answers 400 to a malformed upgrade request", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: "127.0.0.1",
        port,
        path: "/ws",
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13" },
      });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("upgrade", () => reject(new Error("upgraded without a key")));
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});

describe("attached to an existing http.Server", () => {
  const http = createServer((_req, res) => res.end("plain http"));
  let chat: WebSocketServer;
  let feed: WebSocketServer;
  let port: number;

  beforeAll(async () => {
    chat = createWebSocketServer({ server: http, path: "/chat" });
    feed = createWebSocketServer({ server: http, path: "/feed" });
    chat.on("connection", (c) => c.send("chat"));
    feed.on("connection", (c) => c.send("feed"));
    port = await listenLocal(http);
  });
  afterAll(async () => {
    await Promise.all([chat.close(), feed.close()]);
    await closeServer(http);
  });

  it("serves normal HTTP requests beside WebSocket upgrades", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe("plain http");
    for (const path of ["chat", "feed"]) {
      const client = await connectWebSocket(`ws://127.0.0.1:${port}/${path}`);
      expect(await nextMessage(client)).toEqual([path, false]);
      client.close();
      await closed(client);
    }
    expect((http.address() as AddressInfo).port).toBe(port);
  });

  it("close() detaches and closes its connections with 1001, leaving the http.Server running", async () => {
    const extra = createWebSocketServer({ server: http, path: "/extra" });
    const client = await connectWebSocket(`ws://127.0.0.1:${port}/extra`);
    const clientClosed = closed(client);
    await extra.close();
    expect(await clientClosed).toEqual([1001, "server shutting down"]);
    expect(http.listenerCount("upgrade")).toBe(2);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("plain http");
  });
});

describe("close()", () => {
  it("closes every connection with 1001 and the listener", async () => {
    const server = createWebSocketServer({ host: "127.0.0.1" });
    try {
      const { port } = await server.listen();
      const clients = await Promise.all([1, 2].map(() => connectWebSocket(`ws://127.0.0.1:${port}`)));
      await until(() => server.clients.size === 2);
      const codes = Promise.all(clients.map(closed));
      await server.close();
      expect(await codes).toEqual([
        [1001, "server shutting down"],
        [1001, "server shutting down"],
      ]);
      expect(server.clients.size).toBe(0);
      await expect(connectWebSocket(`ws://127.0.0.1:${port}`)).rejects.toMatchObject({
        code: "NODE_SOCKET_ERROR",
      });
    } finally {
      await server.close();
    }
  });
});

async function waitForNewConnection(server: WebSocketServer): Promise<WebSocketConnection> {
  const [connection] = (await once(server, "connection")) as [WebSocketConnection];
  return connection;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
