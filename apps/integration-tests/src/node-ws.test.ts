/**
 * Real peer: the `ws` library over real TCP on 127.0.0.1, against @proto/node in both roles.
 *
 * - ws clients → createWebSocketServer: echo of text and binary (up to 16 MiB), fragmented messages,
 *   ping/pong both ways, subprotocol negotiation, and every close path: clean closes from either side,
 *   failures on bad frames ws itself would never send (written raw on ws's socket: 1002, 1007), a
 *   message over maxMessageSize (1009), and a socket that just goes away (1006).
 * - connectWebSocket → ws WebSocketServer: echo, subprotocol, closes both ways, and handshakes that
 *   must fail (RFC 6455 §4.1).
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { connectWebSocket, createWebSocketServer, type WebSocketConnection } from "@proto/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";

type ProtoServer = ReturnType<typeof createWebSocketServer>;

const MiB = 1024 * 1024;
const SMALL_LIMIT = 1000;

/** Payload bytes as a Buffer, whatever view type a side handed over. */
const bytes = (data: string | Uint8Array | ArrayBuffer | Buffer[]): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : Array.isArray(data)
      ? Buffer.concat(data)
      : data instanceof ArrayBuffer
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** What a connection saw, recorded from the moment it exists so no event is missed. */
interface Recorded {
  messages: Array<{ data: string | Uint8Array; isBinary: boolean }>;
  pings: Buffer[];
  pongs: Buffer[];
  errors: Error[];
  /** Set once `close` fired. */
  close: { code: number; reason: string } | undefined;
  closed: Promise<{ code: number; reason: string }>;
}

function record(connection: WebSocketConnection, echo: boolean): Recorded {
  let resolveClosed!: (value: { code: number; reason: string }) => void;
  const seen: Recorded = {
    messages: [],
    pings: [],
    pongs: [],
    errors: [],
    close: undefined,
    closed: new Promise((resolve) => {
      resolveClosed = resolve;
    }),
  };
  connection.on("message", (data: string | Uint8Array, isBinary: boolean) => {
    // Copy: a binary message may be a view of a buffer the connection reuses.
    seen.messages.push({ data: typeof data === "string" ? data : Uint8Array.from(data), isBinary });
    if (echo) connection.send(data);
  });
  connection.on("ping", (data?: Uint8Array) => seen.pings.push(bytes(data ?? new Uint8Array(0))));
  connection.on("pong", (data?: Uint8Array) => seen.pongs.push(bytes(data ?? new Uint8Array(0))));
  connection.on("error", (error: Error) => seen.errors.push(error));
  connection.on("close", (code: number, reason: string | Uint8Array) => {
    seen.close = { code, reason: typeof reason === "string" ? reason : bytes(reason).toString("utf8") };
    resolveClosed(seen.close);
  });
  return seen;
}

interface Accepted extends Recorded {
  connection: WebSocketConnection;
  request: IncomingMessage;
}

/** One @proto/node echo server on 127.0.0.1 and the connections it accepted, in order. */
async function startServer(options: Parameters<typeof createWebSocketServer>[0] = {}) {
  const accepted: Accepted[] = [];
  const server: ProtoServer = createWebSocketServer({ host: "127.0.0.1", port: 0, ...options });
  server.on("connection", (connection: WebSocketConnection, request: IncomingMessage) => {
    // The record itself (not a spread copy), so fields set later, such as `close`, show through.
    accepted.push(Object.assign(record(connection, true), { connection, request }));
  });
  const address = await server.listen();
  return { server, accepted, url: `ws://127.0.0.1:${address.port}/` };
}

/** Every ws client made, so afterAll can drop those a failed test left open. */
const wsClients = new Set<WebSocket>();

/** A ws client that has seen the 101, and its server-side connection. */
async function connectWs(
  target: Awaited<ReturnType<typeof startServer>>,
  protocols: string[] = [],
  options: WebSocket.ClientOptions = {},
) {
  const before = target.accepted.length;
  const ws = new WebSocket(target.url, protocols, { perMessageDeflate: false, ...options });
  wsClients.add(ws);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  await expect.poll(() => target.accepted.length).toBe(before + 1);
  const messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  ws.on("message", (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })),
  );
  ws.on("error", () => undefined); // failures show up as the close code
  return { ws, server: target.accepted[before]!, messages, closed };
}

// ---------------------------------------------------------------------------------------------------
// Raw client frames (RFC 6455 §5.2), for what ws's Sender refuses to produce.

/** One frame as a client writes it: masked unless told otherwise, with any header bits. */
function frame(
  first: number,
  payload: Uint8Array | number[] = [],
  { masked = true }: { masked?: boolean } = {},
): Buffer {
  const data = Buffer.from(payload);
  const length = data.length;
  const header =
    length < 126
      ? Buffer.from([first, length])
      : length < 65536
        ? Buffer.from([first, 126, length >> 8, length & 0xff])
        : (() => {
            const h = Buffer.alloc(10);
            h[0] = first;
            h[1] = 127;
            h.writeBigUInt64BE(BigInt(length), 2);
            return h;
          })();
  if (!masked) return Buffer.concat([header, data]);
  header[1]! |= 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(data.map((b, i) => b ^ key[i & 3]!));
  return Buffer.concat([header, key, body]);
}

const closePayload = (code: number, reason: Uint8Array = new Uint8Array(0)) =>
  Buffer.concat([Buffer.from([code >> 8, code & 0xff]), reason]);

/** Sec-WebSocket-Accept computed apart from @proto (RFC 6455 §4.2.2 step 5.4), with node:crypto. */
const acceptFor = (key: string) =>
  createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");

/** The comma-separated tokens of a header such as Sec-WebSocket-Protocol. */
const tokens = (value: string | string[] | undefined) =>
  [value ?? []]
    .flat()
    .flatMap((v) => v.split(","))
    .map((t) => t.trim())
    .filter((t) => t !== "");

const rawSocket = (ws: WebSocket) => (ws as unknown as { _socket: Socket })._socket;

describe("ws clients → @proto/node createWebSocketServer", () => {
  let main: Awaited<ReturnType<typeof startServer>>;
  let small: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    main = await startServer({ protocols: ["chat.v2", "chat"], maxMessageSize: 32 * MiB });
    small = await startServer({ maxMessageSize: SMALL_LIMIT });
  });
  afterAll(async () => {
    for (const ws of wsClients) ws.terminate();
    await Promise.allSettled([main?.server.close(), small?.server.close()]);
  }, 30_000);

  it("negotiates the server's preferred subprotocol among those the client offers (RFC 6455 §4.2.2)", async () => {
    const both = await connectWs(main, ["chat", "chat.v2"]);
    expect(both.ws.protocol).toBe("chat.v2");
    expect(both.server.connection.protocol).toBe("chat.v2");
    expect(tokens(both.server.request.headers["sec-websocket-protocol"])).toEqual(["chat", "chat.v2"]);
    const one = await connectWs(main, ["chat"]);
    expect(one.ws.protocol).toBe("chat");
    expect(one.server.connection.protocol).toBe("chat");
    const none = await connectWs(main);
    expect(none.ws.protocol).toBe("");
    expect(none.server.connection.protocol).toBeUndefined();
    // No extension was offered (deflate off), so none is in force.
    expect(both.ws.extensions).toBe("");
    expect(both.server.connection.extensions).toEqual([]);
    for (const c of [both, one, none]) c.ws.close(1000);
    await Promise.all([both.closed, one.closed, none.closed]);
  });

  it("echoes text and binary messages of 0 B to 1 MiB, as text and binary", async () => {
    const c = await connectWs(main);
    const payloads = [0, 1, 125, 126, 127, 65535, 65536, MiB].map((n) => randomBytes(n));
    const texts = ["", "hello", "héllo wörld ✓ 🚀".repeat(5000)];
    for (const p of payloads) c.ws.send(p, { binary: true });
    for (const t of texts) c.ws.send(t);
    const total = payloads.length + texts.length;
    await expect.poll(() => c.messages.length, { timeout: 20_000 }).toBe(total);
    payloads.forEach((p, i) => {
      expect(c.messages[i]!.isBinary).toBe(true);
      expect(c.messages[i]!.data.equals(p)).toBe(true);
      expect(c.server.messages[i]!.isBinary).toBe(true);
      expect(c.server.messages[i]!.data).toBeInstanceOf(Uint8Array);
      expect(bytes(c.server.messages[i]!.data).equals(p)).toBe(true);
    });
    texts.forEach((t, i) => {
      const j = payloads.length + i;
      expect([c.messages[j]!.isBinary, c.messages[j]!.data.toString("utf8")]).toEqual([false, t]);
      expect(c.server.messages[j]).toEqual({ data: t, isBinary: false });
    });
    c.ws.close(1000);
    await c.closed;
  });

  it("echoes a 16 MiB binary message intact", { timeout: 60_000 }, async () => {
    const c = await connectWs(main);
    const big = randomBytes(16 * MiB);
    c.ws.send(big, { binary: true });
    await expect.poll(() => c.messages.length, { timeout: 50_000, interval: 50 }).toBe(1);
    expect(c.server.messages[0]!.isBinary).toBe(true);
    expect(bytes(c.server.messages[0]!.data).length).toBe(16 * MiB);
    expect(c.messages[0]!.isBinary).toBe(true);
    expect(c.messages[0]!.data.equals(big)).toBe(true);
    c.ws.close(1000);
    await c.closed;
  });

  it("reassembles fragmented messages, with a ping between fragments (RFC 6455 §5.4)", async () => {
    const c = await connectWs(main);
    const pong = new Promise<Buffer>((resolve) => c.ws.once("pong", resolve));
    c.ws.send("frag", { fin: false });
    c.ws.ping(Buffer.from("between"));
    c.ws.send("mented ✓", { fin: true });
    const parts = [randomBytes(70_000), randomBytes(3), randomBytes(0), randomBytes(1000)];
    for (const [i, p] of parts.entries()) c.ws.send(p, { binary: true, fin: i === parts.length - 1 });
    // A character split across two fragments is valid UTF-8 once reassembled (§5.6, §8.1).
    c.ws.send(Buffer.from([0xc3]), { binary: false, fin: false });
    c.ws.send(Buffer.from([0xa9]), { binary: false, fin: true });
    expect((await pong).toString()).toBe("between");
    await expect.poll(() => c.server.messages.length).toBe(3);
    expect(c.server.messages[0]).toEqual({ data: "fragmented ✓", isBinary: false });
    expect(c.server.messages[1]!.isBinary).toBe(true);
    expect(bytes(c.server.messages[1]!.data).equals(Buffer.concat(parts))).toBe(true);
    expect(c.server.messages[2]).toEqual({ data: "é", isBinary: false });
    expect(c.server.pings.map((p) => p.toString())).toEqual(["between"]);
    await expect.poll(() => c.messages.length).toBe(3);
    expect(c.messages[1]!.data.equals(Buffer.concat(parts))).toBe(true);
    c.ws.close(1000);
    await c.closed;
  });

  it("answers ws's pings with the same data, and its own pings are answered by ws", async () => {
    const c = await connectWs(main);
    const pong = new Promise<Buffer>((resolve) => c.ws.once("pong", resolve));
    c.ws.ping(Buffer.from("from ws"));
    expect((await pong).toString()).toBe("from ws");
    await expect.poll(() => c.server.pings.length).toBe(1);
    expect(c.server.pings[0]!.toString()).toBe("from ws");

    const ping = new Promise<Buffer>((resolve) => c.ws.once("ping", resolve));
    c.server.connection.ping(new TextEncoder().encode("from @proto"));
    expect((await ping).toString()).toBe("from @proto");
    await expect.poll(() => c.server.pongs.length).toBe(1);
    expect(c.server.pongs[0]!.toString()).toBe("from @proto");
    c.server.connection.ping();
    await expect.poll(() => c.server.pongs.length).toBe(2);
    expect(c.server.pongs[1]!.length).toBe(0);
    c.ws.close(1000);
    await c.closed;
  });

  describe("closing", () => {
    it.each([
      [1000, ""],
      [4000, "client reason ✓"],
    ])("the client closes with %i %j: the server sees it and echoes the code", async (code, reason) => {
      const c = await connectWs(main);
      c.ws.close(code, reason);
      expect(await c.server.closed).toEqual({ code, reason });
      // §5.5.1: the reply "typically echos the status code it received".
      expect((await c.closed).code).toBe(code);
    });

    it.each([
      [1001, ""],
      [4999, "server reason ✓"],
    ])(
      "the server closes with %i %j: the client sees it, and the server's close fires",
      async (code, reason) => {
        const c = await connectWs(main);
        if (reason === "") c.server.connection.close(code);
        else c.server.connection.close(code, reason);
        expect(await c.closed).toEqual({ code, reason });
        expect((await c.server.closed).code).toBe(code);
      },
    );

    // Frames a conforming client never sends; each must fail the connection with 1002 (RFC 6455 §7.4.1).
    it.each([
      ["a reserved opcode 0x3 (§5.2)", [frame(0x83)]],
      ["RSV1 with no extension negotiated (§5.2)", [frame(0xc1, [0x68, 0x69])]],
      ["an unmasked client frame (§5.1)", [frame(0x81, [0x68, 0x69], { masked: false })]],
      ["a ping with 126 bytes of payload (§5.5)", [frame(0x89, new Uint8Array(126))]],
      ["a fragmented ping (§5.5)", [frame(0x09, [1])]],
      ["a continuation frame with no message started (§5.4)", [frame(0x80, [1])]],
      ["a new text frame inside a fragmented message (§5.4)", [frame(0x01, [0x61]), frame(0x81, [0x62])]],
      ["a close frame with a 1-byte body (§5.5.1)", [frame(0x88, [0x03])]],
      ["a close frame with status 1005, which must not be sent (§7.4.1)", [frame(0x88, closePayload(1005))]],
    ])("fails the connection with 1002 on %s", async (_what, frames) => {
      const c = await connectWs(main);
      for (const f of frames) rawSocket(c.ws).write(f);
      expect((await c.closed).code).toBe(1002);
      expect(c.server.messages).toEqual([]);
      await c.server.closed;
    });

    it.each([
      ["a text frame with an overlong encoding C0 AF", [frame(0x81, [0x61, 0xc0, 0xaf])]],
      [
        "a surrogate half ED A0 80 in the second fragment",
        [frame(0x01, [0x61]), frame(0x80, [0xed, 0xa0, 0x80])],
      ],
      ["a text message cut inside a character", [frame(0x81, [0x61, 0xe2, 0x9c])]],
      ["a close reason that is not UTF-8", [frame(0x88, closePayload(1000, new Uint8Array([0xff, 0xfe])))]],
    ])("fails the connection with 1007 on invalid UTF-8: %s (§8.1)", async (_what, frames) => {
      const c = await connectWs(main);
      for (const f of frames) rawSocket(c.ws).write(f);
      expect((await c.closed).code).toBe(1007);
      expect(c.server.messages).toEqual([]);
      await c.server.closed;
    });

    it("accepts a message of exactly maxMessageSize and closes with 1009 on one byte more", async () => {
      const fits = await connectWs(small);
      const exact = randomBytes(SMALL_LIMIT);
      fits.ws.send(exact);
      await expect.poll(() => fits.messages.length).toBe(1);
      expect(fits.messages[0]!.data.equals(exact)).toBe(true);
      fits.ws.send(randomBytes(SMALL_LIMIT + 1));
      expect((await fits.closed).code).toBe(1009);
      expect(fits.server.messages).toHaveLength(1);
      await fits.server.closed;
    });

    it("closes with 1009 when the fragments of one message add up to more than maxMessageSize", async () => {
      const c = await connectWs(small);
      c.ws.send(randomBytes(600), { binary: true, fin: false });
      c.ws.send(randomBytes(600), { binary: true, fin: true });
      expect((await c.closed).code).toBe(1009);
      expect(c.server.messages).toEqual([]);
      await c.server.closed;
    });

    it("reports 1006 when the client's socket is destroyed without a close frame (§7.1.5)", async () => {
      const c = await connectWs(main);
      c.ws.terminate();
      expect(await c.server.closed).toEqual({ code: 1006, reason: "" });
      expect((await c.closed).code).toBe(1006);
    });

    it("reports 1006 when the server's socket is destroyed without a close frame", async () => {
      const c = await connectWs(main);
      c.server.request.socket.destroy();
      expect((await c.closed).code).toBe(1006);
      expect((await c.server.closed).code).toBe(1006);
    });
  });

  describe("closing, more paths", () => {
    it("reports 1005 when the client's Close frame has no status code (§7.1.5)", async () => {
      const c = await connectWs(main);
      c.ws.close();
      expect(await c.server.closed).toEqual({ code: 1005, reason: "" });
      await c.closed;
    });

    it("reports 1006 when the client half-closes TCP without a Close frame", async () => {
      const c = await connectWs(main);
      rawSocket(c.ws).end();
      expect((await c.server.closed).code).toBe(1006);
      expect((await c.closed).code).toBe(1006);
    });

    it("refuses to send a Close that RFC 6455 forbids: status 1005, or a reason over 123 bytes", async () => {
      const c = await connectWs(main);
      // §7.4.1: 1005 "MUST NOT be set as a status code in a Close control frame by an endpoint"; §5.5: a
      // control frame carries at most 125 bytes, 2 of them the code.
      expect(() => c.server.connection.close(1005)).toThrow();
      expect(() => c.server.connection.close(4000, "é".repeat(62))).toThrow();
      c.server.connection.close(4000, `${"é".repeat(61)}x`); // 123 bytes: the most that fits
      expect(await c.closed).toEqual({ code: 4000, reason: `${"é".repeat(61)}x` });
    });

    it("closes every connection with 1001 when the server closes, and resolves close()", async () => {
      const closing = await startServer();
      const a = await connectWs(closing);
      const b = await connectWs(closing);
      await closing.server.close();
      for (const c of [a, b]) {
        expect((await c.closed).code).toBe(1001);
        expect((await c.server.closed).code).toBe(1001);
      }
      // And it accepts no one after.
      const late = new WebSocket(closing.url);
      await expect(
        new Promise((resolve, reject) => late.once("open", resolve).once("error", reject)),
      ).rejects.toThrow();
    });
  });

  describe("bytes as TCP delivers them", () => {
    it("handles a first frame that arrives in the same packet as the handshake request", async () => {
      const { connect } = await import("node:net");
      const port = Number(new URL(main.url).port);
      const socket = connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      const key = randomBytes(16).toString("base64");
      socket.write(
        Buffer.concat([
          Buffer.from(
            `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          ),
          frame(0x81, Buffer.from("early")),
        ]),
      );
      let got = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
      });
      await expect.poll(() => got.includes(Buffer.from([0x81, 5]))).toBe(true);
      const end = got.indexOf("\r\n\r\n");
      const head = got.subarray(0, end).toString("latin1");
      expect(head).toMatch(/^HTTP\/1\.1 101 /);
      expect(head).toContain(`Sec-WebSocket-Accept: ${acceptFor(key)}`);
      await expect.poll(() => got.length).toBe(end + 4 + 7);
      expect(got.subarray(end + 4)).toEqual(Buffer.concat([Buffer.from([0x81, 5]), Buffer.from("early")]));
      socket.destroy();
    });

    it("reassembles frames that arrive one byte per TCP segment", async () => {
      const c = await connectWs(main);
      const socket = rawSocket(c.ws);
      const text = "byte by byte ✓";
      const wire = Buffer.concat([
        frame(0x01, Buffer.from(text.slice(0, 5))),
        frame(0x89, Buffer.from("p")),
        frame(0x80, Buffer.from(text.slice(5))),
        frame(0x82, randomBytes(300)),
      ]);
      for (const byte of wire) {
        socket.write(Buffer.from([byte]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await expect.poll(() => c.server.messages.length).toBe(2);
      expect(c.server.messages[0]).toEqual({ data: text, isBinary: false });
      expect(bytes(c.server.messages[1]!.data).length).toBe(300);
      expect(c.server.pings.map(String)).toEqual(["p"]);
      c.ws.close(1000);
      await c.closed;
    });

    it("serves 20 clients at once, each message echoed to the client that sent it", async () => {
      const clients: Array<Awaited<ReturnType<typeof connectWs>>> = [];
      // Connected one after another (connectWs pairs each client with the next accepted connection),
      // then all open at once while their messages interleave.
      for (let i = 0; i < 20; i++) clients.push(await connectWs(main));
      clients.forEach((c, i) => {
        for (let j = 0; j < 20; j++) c.ws.send(`client ${i} message ${j}`);
      });
      for (const [i, c] of clients.entries()) {
        await expect.poll(() => c.messages.length).toBe(20);
        expect(c.messages.map((m) => m.data.toString())).toEqual(
          Array.from({ length: 20 }, (_, j) => `client ${i} message ${j}`),
        );
      }
      for (const c of clients) c.ws.close(1000);
      await Promise.all(clients.map((c) => c.closed));
    });

    it("reports backpressure: send() returns false while ws reads nothing, then drain", async () => {
      const c = await connectWs(main);
      c.ws.pause();
      const chunk = new Uint8Array(MiB);
      let sent = 0;
      while (sent < 256 && c.server.connection.send(chunk)) sent++;
      sent++;
      expect(sent).toBeLessThan(256);
      expect(c.server.connection.bufferedAmount).toBeGreaterThan(0);
      const drained = new Promise<void>((resolve) => c.server.connection.once("drain", () => resolve()));
      c.ws.resume();
      await drained;
      await expect.poll(() => c.messages.length, { timeout: 20_000 }).toBe(sent);
      expect(c.messages.every((m) => m.isBinary && m.data.length === MiB)).toBe(true);
      c.ws.close(1000);
      await c.closed;
    });
  });

  it("terminates a client that stops answering heartbeat pings, with 1006, and keeps one that answers", async () => {
    const beating = await startServer({ heartbeat: { interval: 200, maxMissed: 2 } });
    try {
      const silent = await connectWs(beating, [], { autoPong: false });
      const alive = await connectWs(beating);
      // Two missed pings at 200 ms: terminated after about 600 ms.
      await expect.poll(() => silent.server.close, { timeout: 5000 }).toBeDefined();
      expect(silent.server.close?.code).toBe(1006);
      expect((await silent.closed).code).toBe(1006);
      expect(alive.ws.readyState).toBe(WebSocket.OPEN);
      await expect.poll(() => alive.server.pongs.length).toBeGreaterThanOrEqual(3);
      expect(alive.ws.readyState).toBe(WebSocket.OPEN);
      alive.ws.close(1000);
      await alive.closed;
    } finally {
      await beating.server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------

describe("@proto/node connectWebSocket → ws WebSocketServer", () => {
  let wss: WebSocketServer;
  let url = "";
  const seen: Array<{
    socket: WebSocket;
    request: IncomingMessage;
    messages: Array<{ data: Buffer; isBinary: boolean }>;
    pongs: Buffer[];
    closed: Promise<{ code: number; reason: string }>;
  }> = [];

  beforeAll(async () => {
    wss = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has("chat.v2") ? "chat.v2" : false),
    });
    await new Promise((resolve) => wss.once("listening", resolve));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/echo`;
    wss.on("connection", (socket, request) => {
      const entry = {
        socket,
        request,
        messages: [] as Array<{ data: Buffer; isBinary: boolean }>,
        pongs: [] as Buffer[],
        closed: new Promise<{ code: number; reason: string }>((resolve) =>
          socket.once("close", (code, reason) => resolve({ code, reason: reason.toString("utf8") })),
        ),
      };
      socket.on("message", (data: Buffer, isBinary) => {
        entry.messages.push({ data, isBinary });
        socket.send(data, { binary: isBinary });
      });
      socket.on("pong", (data) => entry.pongs.push(data));
      seen.push(entry);
    });
  });
  afterAll(async () => {
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  });

  async function connect(options: Parameters<typeof connectWebSocket>[1] = {}) {
    const before = seen.length;
    const connection = await connectWebSocket(url, options);
    const recorded = record(connection, false);
    await expect.poll(() => seen.length).toBe(before + 1);
    return Object.assign(recorded, { connection, peer: seen[before]! });
  }

  it("gets the server's choice of subprotocol and sends the origin and headers asked for", async () => {
    const c = await connect({
      protocols: ["chat", "chat.v2"],
      origin: "http://lab.example",
      headers: { "x-proto-test": "yes" },
    });
    expect(c.connection.protocol).toBe("chat.v2");
    expect(c.peer.socket.protocol).toBe("chat.v2");
    expect(c.peer.request.headers.origin).toBe("http://lab.example");
    expect(c.peer.request.headers["x-proto-test"]).toBe("yes");
    expect(tokens(c.peer.request.headers["sec-websocket-protocol"])).toEqual(["chat", "chat.v2"]);
    expect(c.peer.request.url).toBe("/echo");
    c.connection.close(1000);
    await c.closed;
  });

  it("sends text and binary messages of 0 B to 1 MiB that ws echoes back as they were", async () => {
    const c = await connect();
    const payloads = [0, 1, 125, 126, 65535, 65536, MiB].map((n) => new Uint8Array(randomBytes(n)));
    const texts = ["", "héllo ✓ 🚀", "x".repeat(70_000)];
    for (const p of payloads) c.connection.send(p);
    for (const t of texts) c.connection.send(t);
    const total = payloads.length + texts.length;
    await expect.poll(() => c.messages.length, { timeout: 20_000 }).toBe(total);
    payloads.forEach((p, i) => {
      expect(c.peer.messages[i]!.isBinary).toBe(true);
      expect(c.peer.messages[i]!.data.equals(p)).toBe(true);
      expect(c.messages[i]!.isBinary).toBe(true);
      expect(c.messages[i]!.data).toBeInstanceOf(Uint8Array);
      expect(bytes(c.messages[i]!.data).equals(p)).toBe(true);
    });
    texts.forEach((t, i) => {
      expect(c.peer.messages[payloads.length + i]!.isBinary).toBe(false);
      expect(c.messages[payloads.length + i]).toEqual({ data: t, isBinary: false });
    });
    c.connection.close(1000);
    await c.closed;
  });

  it("pings ws and gets its pong; answers ws's ping", async () => {
    const c = await connect();
    c.connection.ping(new TextEncoder().encode("hb"));
    await expect.poll(() => c.pongs.length).toBe(1);
    expect(c.pongs[0]!.toString()).toBe("hb");
    c.peer.socket.ping(Buffer.from("from ws"));
    await expect.poll(() => c.peer.pongs.length).toBe(1);
    expect(c.peer.pongs[0]!.toString()).toBe("from ws");
    expect(c.pings.map((p) => p.toString())).toEqual(["from ws"]);
    c.connection.close(1000);
    await c.closed;
  });

  it("closes with 4000 and a reason that ws sees, and gets the close echoed", async () => {
    const c = await connect();
    c.connection.close(4000, "client bye ✓");
    expect(await c.peer.closed).toEqual({ code: 4000, reason: "client bye ✓" });
    expect((await c.closed).code).toBe(4000);
  });

  it("sees ws close with 4001 and a reason", async () => {
    const c = await connect();
    c.peer.socket.close(4001, "server bye ✓");
    expect(await c.closed).toEqual({ code: 4001, reason: "server bye ✓" });
    expect((await c.peer.closed).code).toBe(4001);
  });

  it("reports 1006 when ws drops the socket without a close frame", async () => {
    const c = await connect();
    c.peer.socket.terminate();
    expect(await c.closed).toEqual({ code: 1006, reason: "" });
  });

  it("rejects when ws refuses the handshake (verifyClient → 401)", async () => {
    const refusing = new WebSocketServer({ host: "127.0.0.1", port: 0, verifyClient: () => false });
    await new Promise((resolve) => refusing.once("listening", resolve));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const error = await connectWebSocket(`ws://127.0.0.1:${port}/`).then(
        () => undefined,
        (e: unknown) => e as { code?: string; status?: number },
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ code: "NODE_HANDSHAKE_REJECTED", status: 401 });
    } finally {
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
  });

  it("rejects with NODE_SOCKET_ERROR when nothing listens on the port", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(connectWebSocket(`ws://127.0.0.1:${port}/`)).rejects.toMatchObject({
      code: "NODE_SOCKET_ERROR",
    });
  });

  describe("rejects a 101 that breaks RFC 6455 §4.1", () => {
    let http: Server;
    let base = "";
    /** Upgraded sockets by request path: the client must close each after failing it (§7.1.7). */
    const sockets = new Map<string, Socket>();
    beforeAll(async () => {
      // Answers each upgrade as the path asks, so each case below is one wrong response.
      http = createServer((_req, res) => res.writeHead(200).end("not a websocket"));
      http.on("upgrade", (req: IncomingMessage, socket: Socket) => {
        sockets.set(String(req.url), socket);
        socket.on("error", () => undefined);
        // Read (and drop) whatever comes, so the client's FIN is seen, and answer it with ours.
        socket.resume();
        socket.on("end", () => socket.end());
        const key = String(req.headers["sec-websocket-key"]);
        if (req.url === "/silent") return; // never answers
        if (req.url === "/plain") {
          socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
          return;
        }
        const accept = acceptFor(key);
        const lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"];
        if (req.url === "/bad-accept") lines.push("Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==");
        else lines.push(`Sec-WebSocket-Accept: ${accept}`);
        if (req.url === "/unoffered-protocol") lines.push("Sec-WebSocket-Protocol: not-offered");
        if (req.url === "/unoffered-extension") lines.push("Sec-WebSocket-Extensions: x-unknown");
        const response = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`);
        // A server may send its first frame at once: here in the same write as the 101 (unmasked text).
        if (req.url === "/with-frame")
          socket.write(Buffer.concat([response, Buffer.from([0x81, 5]), Buffer.from("early")]));
        else socket.write(response);
      });
      await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
      base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const socket of sockets.values()) socket.destroy();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });

    it("accepts a first frame that arrives in the same packet as the 101", async () => {
      const connection = await connectWebSocket(`${base}/with-frame`);
      const recorded = record(connection, false);
      await expect.poll(() => recorded.messages).toEqual([{ data: "early", isBinary: false }]);
      sockets.get("/with-frame")!.destroy();
      expect((await recorded.closed).code).toBe(1006);
    });

    it("rejects with NODE_HANDSHAKE_TIMEOUT when no response comes within handshakeTimeout", async () => {
      await expect(connectWebSocket(`${base}/silent`, { handshakeTimeout: 300 })).rejects.toMatchObject({
        code: "NODE_HANDSHAKE_TIMEOUT",
      });
      await expect.poll(() => sockets.get("/silent")?.closed, { timeout: 5000 }).toBe(true);
    });

    it.each([
      ["a wrong Sec-WebSocket-Accept (§4.1 step 4)", "/bad-accept", {}],
      [
        "a subprotocol the client did not offer (§4.1 step 6)",
        "/unoffered-protocol",
        { protocols: ["chat"] },
      ],
      ["an extension the client did not offer (§4.1 step 5)", "/unoffered-extension", {}],
      ["a plain 200 instead of 101 (§4.1 step 1)", "/plain", {}],
    ])("%s", async (_what, path, options) => {
      await expect(connectWebSocket(`${base}${path}`, options)).rejects.toMatchObject({
        code: "NODE_HANDSHAKE_REJECTED",
      });
      await expect.poll(() => sockets.get(path)?.closed, { timeout: 5000 }).toBe(true);
    });
  });
});
