import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { connectWebSocket } from "./client";
import type { WebSocketConnection } from "./connection";
import { createWebSocketServer, type WebSocketServer, type WebSocketServerOptions } from "./server";
import { RawPeer } from "./test-peer";

/** The next `close` as [code, reason] (not events.once, which rejects on an `error` event). */
const closed = (c: WebSocketConnection) =>
  new Promise<[number, string]>((resolve) => c.once("close", (code, reason) => resolve([code, reason])));

let server: WebSocketServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server on 127.0.0.1:0 whose next connection the test receives, and its URL. */
async function serve(options: WebSocketServerOptions = {}) {
  const s = createWebSocketServer({ host: "127.0.0.1", ...options });
  server = s;
  const { port } = await s.listen();
  const next = () => once(s, "connection").then(([c]) => c as WebSocketConnection);
  return { url: `ws://127.0.0.1:${port}`, next };
}

describe("abnormal closure (1006)", () => {
  it("reports 1006 on both sides when the client terminates", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const client = await connectWebSocket(url);
    const serverSide = await accepted;
    const both = Promise.all([closed(serverSide), closed(client)]);
    client.terminate();
    expect(await both).toEqual([
      [1006, ""],
      [1006, "terminated"],
    ]);
    expect(serverSide.state).toBe("closed");
    expect(() => client.send("x")).toThrow(expect.objectContaining({ code: "NODE_INVALID_STATE" }));
    expect(() => client.ping()).toThrow(expect.objectContaining({ code: "NODE_INVALID_STATE" }));
  });

  it("reports 1006 to the client when the server's socket is destroyed", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const client = await connectWebSocket(url);
    const clientClosed = closed(client);
    (await accepted).terminate();
    expect(await clientClosed).toEqual([1006, ""]);
  });

  it("emits a socket error only to listeners, then close 1006", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const peer = await RawPeer.connect(url);
    const serverSide = await accepted;
    const errors: Error[] = [];
    serverSide.on("error", (error) => errors.push(error));
    const serverClosed = closed(serverSide);
    peer.socket.resetAndDestroy();
    expect(await serverClosed).toEqual([1006, ""]);
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["ECONNRESET"]);
  });
});

describe("closing", () => {
  it("destroys the socket after closeTimeout when the peer never answers a Close", async () => {
    const { url, next } = await serve({ closeTimeout: 100 });
    const accepted = next();
    const peer = await RawPeer.connect(url);
    const serverSide = await accepted;
    peer.listening = false; // reads and ignores everything: never answers the Close
    const serverClosed = closed(serverSide);
    const peerGone = once(peer.socket, "close");
    const started = performance.now();
    serverSide.close(1000, "done");
    expect(serverSide.state).toBe("closing");
    expect(await serverClosed).toEqual([1006, "closing handshake timed out"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    await peerGone;
  });

  it("reports a peer's protocol violation as close with its code, never as error", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const peer = await RawPeer.connect(url);
    const serverSide = await accepted;
    const errors: Error[] = [];
    serverSide.on("error", (error) => errors.push(error));
    const serverClosed = closed(serverSide);
    peer.socket.write(Uint8Array.of(0x81, 0x01, 0x61)); // an unmasked frame from a client (RFC 6455 §5.1)
    const [code] = await serverClosed;
    expect(code).toBe(1002);
    expect(errors).toEqual([]);
    expect(await peer.next("close")).toMatchObject({ type: "close", code: 1002 });
  });

  it("closes with 1009 for a message over maxMessageSize", async () => {
    const { url, next } = await serve({ maxMessageSize: 10 });
    const accepted = next();
    const client = await connectWebSocket(url);
    const serverClosed = closed(await accepted);
    const clientClosed = closed(client);
    client.send("eleven char");
    expect((await serverClosed)[0]).toBe(1009);
    expect((await clientClosed)[0]).toBe(1009);
  });
});

describe("heartbeat", () => {
  it("terminates a peer that stops answering pings, with 1006", async () => {
    const { url, next } = await serve({ heartbeat: { interval: 30, maxMissed: 2 } });
    const accepted = next();
    const peer = await RawPeer.connect(url, { autoPong: false });
    const serverSide = await accepted;
    const [code, reason] = await closed(serverSide);
    expect([code, reason]).toEqual([1006, "heartbeat: 2 pings unanswered"]);
    // Two pings went out; the third tick found the second unanswered and terminated.
    expect(peer.events.filter((e) => e.type === "ping")).toHaveLength(2);
  });

  it("keeps a peer that answers (our client pongs automatically)", async () => {
    const { url, next } = await serve({ heartbeat: { interval: 20, maxMissed: 1 } });
    const accepted = next();
    const client = await connectWebSocket(url);
    const serverSide = await accepted;
    let pongs = 0;
    serverSide.on("pong", () => pongs++);
    while (pongs < 5) await once(serverSide, "pong");
    expect(serverSide.state).toBe("open");
    client.close();
    await closed(serverSide);
  });

  it("pings from the client side too", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const client = await connectWebSocket(url, { heartbeat: { interval: 20 } });
    const serverSide = await accepted;
    await once(serverSide, "ping");
    await once(client, "pong");
    await expect(connectWebSocket(url, { heartbeat: { interval: -1 } })).rejects.toMatchObject({
      code: "NODE_INVALID_ARGUMENT",
    });
    client.close();
    await closed(client);
  });
});

describe("backpressure", () => {
  it("returns false from send() when the socket buffer is full, then emits drain", async () => {
    const { url, next } = await serve();
    const accepted = next();
    const peer = await RawPeer.connect(url);
    const serverSide = await accepted;
    peer.socket.pause();
    const chunk = new Uint8Array(1024 * 1024);
    let sends = 0;
    while (serverSide.send(chunk)) if (++sends > 256) throw new Error("send() never returned false");
    expect(serverSide.bufferedAmount).toBeGreaterThan(0);
    const drained = once(serverSide, "drain");
    peer.socket.resume();
    await drained;
    serverSide.terminate();
  });
});
