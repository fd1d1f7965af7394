/**
 * Real peer: the `ws` library over real TCP on 127.0.0.1, against @proto/ws-frame's WebSocketSession in
 * both roles. The opening handshake is done by hand here (RFC 6455 §4, with node:crypto) until
 * @proto/ws-handshake lands; everything after it is the session's.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { type WebSocketEvent, WebSocketSession } from "@proto/ws-frame";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const accept = (key: string) =>
  createHash("sha1")
    .update(key + GUID)
    .digest("base64");

/** Binds a session to a socket: bytes in → events, queued frames out after every receive/command. */
function bind(
  socket: Socket,
  session: WebSocketSession,
  onEvent: (e: WebSocketEvent, s: WebSocketSession) => void,
) {
  const flush = () => {
    const out = session.dataToSend();
    if (out.length > 0) socket.write(out);
    if (session.state === "closed") socket.end();
  };
  socket.on("data", (chunk: Buffer) => {
    for (const event of session.receive(chunk)) onEvent(event, session);
    flush();
  });
  return flush;
}

describe("ws client → @proto/ws-frame server session", () => {
  let server: Server;
  let port = 0;
  const closes: WebSocketEvent[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onHead);
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head.subarray(0, end).toString("latin1"))![1]!;
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\n\r\n`,
        );
        // An echo server: text back as text, binary back as binary.
        const session = new WebSocketSession({ role: "server" });
        const flush = bind(socket, session, (e, s) => {
          if (e.type === "text") s.sendText(e.data);
          else if (e.type === "binary") s.sendBinary(e.data);
          else if (e.type === "close") closes.push(e);
        });
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit("data", rest);
        flush();
      };
      socket.on("data", onHead);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("echoes text and binary messages of 0 B to 1 MiB, and answers ws's pings", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const received: Array<{ data: Buffer; isBinary: boolean }> = [];
    ws.on("message", (data: Buffer, isBinary: boolean) => received.push({ data, isBinary }));
    const pong = new Promise<Buffer>((resolve) => ws.once("pong", resolve));
    ws.ping(Buffer.from("heartbeat"));
    expect((await pong).toString()).toBe("heartbeat");
    const sizes = [0, 1, 125, 126, 65535, 65536, 1 << 20];
    const payloads = sizes.map((n) => randomBytes(n));
    const texts = ["", "hello", "héllo wörld ✓ 🚀".repeat(100)];
    for (const p of payloads) ws.send(p, { binary: true });
    for (const t of texts) ws.send(t);
    // A fragmented message, as ws sends it with fin: false.
    ws.send("frag", { fin: false });
    ws.send("mented", { fin: true });
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(payloads.length + texts.length + 1);
    payloads.forEach((p, i) => {
      expect(received[i]!.isBinary).toBe(true);
      expect(received[i]!.data.equals(p)).toBe(true);
    });
    expect(received.slice(payloads.length).map((r) => [r.isBinary, r.data.toString()])).toEqual([
      ...texts.map((t) => [false, t]),
      [false, "fragmented"],
    ]);
    const closed = new Promise<[number, string]>((resolve) =>
      ws.once("close", (code, reason) => resolve([code, reason.toString()])),
    );
    ws.close(4000, "done");
    // §5.5.1: the reply "typically echos the status code it received"; the session echoes the code only.
    expect(await closed).toEqual([4000, ""]);
    await expect.poll(() => closes.length).toBe(1);
    expect(closes[0]).toMatchObject({ type: "close", code: 4000, reason: "done", wasClean: true });
  });

  it("fails the connection with 1007 when the client sends invalid UTF-8", async () => {
    // ws validates what it sends, so the invalid text goes out as a raw frame on the socket.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    const bad = Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0xc0 ^ 1, 0xaf ^ 2]); // masked text C0 AF: overlong
    (ws as unknown as { _socket: Socket })._socket.write(bad);
    expect(await closed).toBe(1007);
  });
});

describe("@proto/ws-frame client session → ws server", () => {
  let wss: WebSocketServer;
  let port = 0;
  beforeAll(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
    await new Promise((resolve) => wss.once("listening", resolve));
    port = (wss.address() as { port: number }).port;
    wss.on("connection", (socket) => {
      socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
      socket.on("ping", () => undefined); // ws auto-pongs
    });
  });
  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });

  it("sends masked frames ws accepts, gets echoes, pongs and a clean close", async () => {
    const { Socket: NetSocket } = await import("node:net");
    const socket = new NetSocket();
    await new Promise<void>((resolve) => socket.connect(port, "127.0.0.1", resolve));
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const session = new WebSocketSession({ role: "client" });
    const events: WebSocketEvent[] = [];
    let head = Buffer.alloc(0);
    let upgraded = false;
    const flush = () => {
      const out = session.dataToSend();
      if (out.length > 0) socket.write(out);
    };
    socket.on("data", (chunk: Buffer) => {
      if (!upgraded) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        const text = head.subarray(0, end).toString("latin1");
        expect(text).toMatch(/^HTTP\/1\.1 101/);
        expect(text).toContain(`Sec-WebSocket-Accept: ${accept(key)}`);
        upgraded = true;
        chunk = head.subarray(end + 4);
      }
      events.push(...session.receive(chunk));
      flush();
    });
    await expect.poll(() => upgraded).toBe(true);
    const big = randomBytes(300_000);
    session.sendText("ping-pong ✓");
    session.sendBinary(big);
    session.ping(Buffer.from("hb"));
    flush();
    await expect.poll(() => events.filter((e) => e.type !== "pong").length, { timeout: 10_000 }).toBe(2);
    expect(events.find((e) => e.type === "text")).toEqual({ type: "text", data: "ping-pong ✓" });
    const bin = events.find((e) => e.type === "binary") as { data: Uint8Array };
    expect(Buffer.from(bin.data).equals(big)).toBe(true);
    expect(events.find((e) => e.type === "pong")).toEqual({
      type: "pong",
      data: new Uint8Array(Buffer.from("hb")),
    });
    session.close(1000, "bye");
    flush();
    await expect.poll(() => session.state).toBe("closed");
    expect(events.at(-1)).toEqual({ type: "close", code: 1000, reason: "bye", wasClean: true }); // ws echoes the reason too
    socket.destroy();
  });
});
