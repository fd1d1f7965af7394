/**
 * Real peer: the `ws` library with permessage-deflate (RFC 7692) against @proto/node's `compression`,
 * over real TCP on 127.0.0.1 with a recording proxy (wire-tap.ts) between the two.
 *
 * - ws clients (perMessageDeflate) → createWebSocketServer({ compression }): the negotiated parameters on
 *   both ends, and 20 messages (0 B to 1 MiB; compressible and random; text and binary) echoed in a row
 *   so both windows carry over between messages, compared byte for byte.
 * - connectWebSocket({ compression }) → ws WebSocketServer({ perMessageDeflate }): the same, the other way.
 * - On the wire: RSV1 on exactly the messages at or above each sender's threshold, compressible data a
 *   fraction of its size, random data not smaller.
 * - The zip bomb: 16 MiB of zeros (16 KiB compressed) to a server whose maxMessageSize is 1 MiB is
 *   refused with 1009 and costs the server a bounded amount of memory; to a client, refused likewise.
 */
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { connectWebSocket, createWebSocketServer, type WebSocketConnection } from "@proto/node";
import { describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import {
  agreedParams,
  bytes,
  checkWire,
  jsonText,
  KiB,
  MiB,
  messageSet,
  readWire,
  startTap,
  summary,
} from "./wire-tap";

type ServerOptions = NonNullable<Parameters<typeof createWebSocketServer>[0]>;
type Compression = NonNullable<Parameters<typeof connectWebSocket>[1]>["compression"];
/** Real peers and 4.3 MiB each way: room for a loaded CI machine. */
const SLOW = { timeout: 60_000 };

/** A @proto/node server on 127.0.0.1 that echoes (or only keeps) what it receives, with a tap before it. */
async function startServer(options: ServerOptions, echo = true) {
  const server = createWebSocketServer({ host: "127.0.0.1", port: 0, ...options });
  const accepted: Array<{
    connection: WebSocketConnection;
    request: IncomingMessage;
    messages: Array<{ data: string | Uint8Array; isBinary: boolean }>;
    closed: Promise<number>;
  }> = [];
  server.on("connection", (connection, request) => {
    const messages: Array<{ data: string | Uint8Array; isBinary: boolean }> = [];
    connection.on("message", (data, isBinary) => {
      messages.push({ data: typeof data === "string" ? data : Uint8Array.from(data), isBinary });
      if (echo) connection.send(data);
    });
    const closed = new Promise<number>((resolve) => connection.on("close", (code) => resolve(code)));
    accepted.push({ connection, request, messages, closed });
  });
  const { port } = await server.listen();
  const tap = await startTap(port);
  const stop = async () => {
    await server.close();
    await tap.close();
  };
  return { server, accepted, tap, url: `ws://127.0.0.1:${tap.port}/`, stop };
}

/** A ws client with its response's Sec-WebSocket-Extensions, echoes and close code. */
async function connectWs(url: string, perMessageDeflate: WebSocket.ClientOptions["perMessageDeflate"]) {
  const ws = new WebSocket(url, { perMessageDeflate });
  let response: string | undefined;
  ws.once("upgrade", (res: IncomingMessage) => {
    response = res.headers["sec-websocket-extensions"] as string | undefined;
  });
  const messages: Array<{ data: Buffer; isBinary: boolean }> = [];
  ws.on("message", (data: Buffer, isBinary: boolean) => messages.push({ data, isBinary }));
  ws.on("error", () => undefined); // failures show up as the close code
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return { ws, response, messages, closed };
}

const wsDeflate = {
  threshold: 1024,
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 10,
  clientMaxWindowBits: 11,
};

describe("ws clients (perMessageDeflate) → @proto/node server (compression)", SLOW, () => {
  it.each([
    {
      name: "perMessageDeflate: true → compression: true",
      client: true as const,
      server: true as Compression,
      header: "permessage-deflate",
      params: [false, false, 15, 15],
      // ws applies its threshold only without context takeover on its side: with it, all is compressed.
      thresholds: [0, 1024],
      takeover: [true, true],
    },
    {
      name: "no context takeover, windows 10/11 → compression: true",
      client: wsDeflate,
      server: true as Compression,
      header:
        "permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11",
      // Our server does not ask ws not to take over context, so ws compresses every message.
      params: [true, false, 10, 11],
      thresholds: [0, 1024],
      takeover: [true, false],
    },
    {
      name: "threshold 0 both ways → compression: { threshold: 0 }",
      client: { threshold: 0 },
      server: { threshold: 0 } as Compression,
      header: "permessage-deflate",
      params: [false, false, 15, 15],
      thresholds: [0, 0],
      takeover: [true, true],
    },
  ])(
    "$name: negotiates, echoes 20 messages intact, compressed on the wire",
    async ({ client, server: compression, header, params, thresholds, takeover }) => {
      const target = await startServer({ compression: compression ?? false });
      try {
        const c = await connectWs(target.url, client);
        await expect.poll(() => target.accepted.length).toBe(1);
        const side = target.accepted[0]!;
        expect(c.response).toBe(header);
        expect(c.ws.extensions).toBe("permessage-deflate");
        expect(side.request.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
        expect(agreedParams(side.connection.extensions)).toEqual(params);

        const sent = messageSet();
        for (const m of sent) c.ws.send(m.data, { binary: typeof m.data !== "string" });
        await expect.poll(() => c.messages.length, { timeout: 30_000 }).toBe(sent.length);
        expect(side.messages.map((m) => summary(m.data, m.isBinary))).toEqual(
          sent.map((m) => summary(m.data)),
        );
        expect(c.messages.map((m) => summary(m.data, m.isBinary))).toEqual(sent.map((m) => summary(m.data)));
        expect(sent.every((m, i) => c.messages[i]!.data.equals(bytes(m.data)))).toBe(true);

        c.ws.close(1000);
        expect(await c.closed).toBe(1000);
        expect(await side.closed).toBe(1000);
        await target.tap.connections[0]!.closed;
        const up = checkWire(
          readWire(target.tap.connections[0]!.up, true),
          sent,
          thresholds[0]!,
          takeover[0]!,
        );
        const down = checkWire(
          readWire(target.tap.connections[0]!.down, false),
          sent,
          thresholds[1]!,
          takeover[1]!,
        );
        console.log(`[deflate-ws] ${header}\n  ws → @proto: ${up}\n  @proto → ws: ${down}`);
      } finally {
        await target.stop();
      }
    },
  );

  it("inflates a message ws compresses across three fragments, a ping between them (RSV1 on the first only)", async () => {
    const target = await startServer({ compression: true });
    try {
      const c = await connectWs(target.url, true);
      await expect.poll(() => target.accepted.length).toBe(1);
      const parts = [jsonText(70_000), jsonText(3), jsonText(5000)].map((t) => Buffer.from(t));
      c.ws.send(parts[0]!, { binary: true, fin: false });
      c.ws.ping("between");
      c.ws.send(parts[1]!, { binary: true, fin: false });
      c.ws.send(parts[2]!, { binary: true, fin: true });
      await expect.poll(() => c.messages.length).toBe(1);
      expect(target.accepted[0]!.messages.map((m) => summary(m.data, m.isBinary))).toEqual([
        summary(Buffer.concat(parts), true),
      ]);
      expect(c.messages[0]!.data.equals(Buffer.concat(parts))).toBe(true);
      c.ws.close(1000);
      await c.closed;
      await target.tap.connections[0]!.closed;
      const up = readWire(target.tap.connections[0]!.up, true);
      expect(up.messages).toEqual([{ opcode: 2, rsv1: true, frames: 3, payloadBytes: expect.any(Number) }]);
      expect(up.messages[0]!.payloadBytes).toBeLessThan(75_003 / 8);
    } finally {
      await target.stop();
    }
  });
});

describe("@proto/node connectWebSocket (compression) → ws WebSocketServer (perMessageDeflate)", SLOW, () => {
  it.each([
    {
      name: "compression: true → { threshold: 0 }",
      client: true as Compression,
      server: { threshold: 0 },
      header: "permessage-deflate",
      params: [false, false, 15, 15],
      thresholds: [1024, 0],
      takeover: [true, true],
    },
    {
      name: "no context takeover, windows 11/12, threshold 0 → { threshold: 0 }",
      client: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 11,
        clientMaxWindowBits: 12,
        threshold: 0,
      } as Compression,
      server: { threshold: 0 },
      header:
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=12",
      params: [true, true, 11, 12],
      thresholds: [0, 0],
      takeover: [false, false],
    },
    {
      name: "compression: true → ws imposing no context takeover and 9-bit windows",
      client: true as Compression,
      server: {
        threshold: 0,
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 9,
        clientMaxWindowBits: 9,
      },
      header:
        "permessage-deflate; client_max_window_bits=9; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9",
      params: [true, true, 9, 9],
      thresholds: [1024, 0],
      takeover: [false, false],
    },
  ])(
    "$name: negotiates, gets 20 messages echoed intact, compressed on the wire",
    async ({ client: compression, server: perMessageDeflate, header, params, thresholds, takeover }) => {
      const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate });
      await new Promise((resolve) => wss.once("listening", resolve));
      const tap = await startTap((wss.address() as AddressInfo).port);
      try {
        let response: string | undefined;
        wss.once("headers", (lines: string[]) => {
          response = lines.find((l) => /^sec-websocket-extensions:/i.test(l))?.replace(/^[^:]*:\s*/, "");
        });
        const peer = new Promise<{ socket: WebSocket; request: IncomingMessage }>((resolve) =>
          wss.once("connection", (socket, request) => resolve({ socket, request })),
        );
        const connection = await connectWebSocket(`ws://127.0.0.1:${tap.port}/`, {
          ...(compression === undefined ? {} : { compression }),
        });
        const { socket, request } = await peer;
        const received: Array<{ data: Buffer; isBinary: boolean }> = [];
        socket.on("message", (data: Buffer, isBinary: boolean) => {
          received.push({ data, isBinary });
          socket.send(data, { binary: isBinary });
        });
        const echoes: Array<{ data: string | Uint8Array; isBinary: boolean }> = [];
        connection.on("message", (data, isBinary) => {
          echoes.push({ data: typeof data === "string" ? data : Uint8Array.from(data), isBinary });
        });
        const closed = new Promise<number>((resolve) => connection.once("close", (code) => resolve(code)));

        expect(request.headers["sec-websocket-extensions"]).toContain("permessage-deflate");
        expect(response).toBe(header);
        expect(socket.extensions).toBe("permessage-deflate");
        expect(agreedParams(connection.extensions)).toEqual(params);

        const sent = messageSet();
        for (const m of sent) connection.send(typeof m.data === "string" ? m.data : new Uint8Array(m.data));
        await expect.poll(() => echoes.length, { timeout: 30_000 }).toBe(sent.length);
        expect(received.map((m) => summary(m.data, m.isBinary))).toEqual(sent.map((m) => summary(m.data)));
        expect(echoes.map((m) => summary(m.data, m.isBinary))).toEqual(sent.map((m) => summary(m.data)));
        expect(sent.every((m, i) => bytes(echoes[i]!.data).equals(bytes(m.data)))).toBe(true);

        connection.close(1000);
        expect(await closed).toBe(1000);
        await tap.connections[0]!.closed;
        const up = checkWire(readWire(tap.connections[0]!.up, true), sent, thresholds[0]!, takeover[0]!);
        const down = checkWire(readWire(tap.connections[0]!.down, false), sent, thresholds[1]!, takeover[1]!);
        console.log(`[deflate-ws] ${header}\n  @proto → ws: ${up}\n  ws → @proto: ${down}`);
      } finally {
        for (const client of wss.clients) client.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await tap.close();
      }
    },
  );
});

/** node:v8 can turn on --expose-gc at run time; a fresh context then sees `gc`. */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Sends 16 MiB of zeros from a ws client and measures the growth of external memory meanwhile. The ws
 * client and the tap share this process, but past the baseline they hold only the 16 KiB compressed form.
 */
async function sendBomb(maxMessageSize: number) {
  const target = await startServer({ compression: true, maxMessageSize }, false);
  try {
    const zeros = Buffer.alloc(16 * MiB);
    const c = await connectWs(target.url, true);
    await expect.poll(() => target.accepted.length).toBe(1);
    const side = target.accepted[0]!;
    const gc = exposeGc();
    gc();
    gc();
    const before = process.memoryUsage();
    let peak = { external: before.external, arrayBuffers: before.arrayBuffers };
    const sample = () => {
      const now = process.memoryUsage();
      peak = {
        external: Math.max(peak.external, now.external),
        arrayBuffers: Math.max(peak.arrayBuffers, now.arrayBuffers),
      };
    };
    const sampler = setInterval(sample, 1);
    c.ws.send(zeros, { binary: true });
    if (maxMessageSize < zeros.length) {
      await c.closed;
    } else {
      await expect.poll(() => side.messages.length, { timeout: 30_000, interval: 10 }).toBe(1);
    }
    sample();
    clearInterval(sampler);
    const growth = {
      external: peak.external - before.external,
      arrayBuffers: peak.arrayBuffers - before.arrayBuffers,
    };
    if (c.ws.readyState === WebSocket.OPEN) c.ws.close(1000);
    const clientCode = await c.closed;
    const serverCode = await side.closed;
    await target.tap.connections[0]!.closed;
    const up = readWire(target.tap.connections[0]!.up, true);
    const down = readWire(target.tap.connections[0]!.down, false);
    const received = side.messages.map((m) => bytes(m.data).length);
    return { growth, clientCode, serverCode, up, down, received, zeros };
  } finally {
    await target.stop();
  }
}

describe("the zip bomb: 16 MiB of zeros", SLOW, () => {
  it("from a ws client is refused with 1009 by a server with maxMessageSize 1 MiB, at a bounded memory cost", async () => {
    const bomb = await sendBomb(MiB);
    const { growth, up, down } = bomb;
    console.log(
      `[deflate-ws] bomb: 16 MiB message sent as ${up.messages[0]?.payloadBytes} B; server external ` +
        `+${(growth.external / MiB).toFixed(2)} MiB, arrayBuffers +${(growth.arrayBuffers / MiB).toFixed(2)} MiB`,
    );
    // The message crossed the wire compressed: one RSV1 binary message of about 16 KiB.
    expect(up.messages).toHaveLength(1);
    expect(up.messages[0]).toMatchObject({ opcode: 2, rsv1: true });
    expect(up.messages[0]!.payloadBytes).toBeLessThan(64 * KiB);
    // The server failed the connection with 1009 (RFC 6455 §7.4.1) and never delivered the message.
    expect(down.closeCodes).toEqual([1009]);
    expect(bomb.clientCode).toBe(1009);
    expect(bomb.serverCode).toBe(1009);
    expect(bomb.received).toEqual([]);
    // process.memoryUsage().external includes arrayBuffers (every Buffer) and zlib's own allocations.
    expect(growth.external).toBeLessThan(8 * MiB);
    expect(growth.arrayBuffers).toBeLessThan(8 * MiB);
  });

  it("from a ws client is inflated whole by a server with maxMessageSize 32 MiB: the measurement sees it", async () => {
    const control = await sendBomb(32 * MiB);
    console.log(
      `[deflate-ws] control (32 MiB limit): server external +${(control.growth.external / MiB).toFixed(2)} MiB, ` +
        `arrayBuffers +${(control.growth.arrayBuffers / MiB).toFixed(2)} MiB`,
    );
    expect(control.received).toEqual([16 * MiB]);
    expect(control.up.messages[0]!.payloadBytes).toBeLessThan(64 * KiB);
    expect(control.clientCode).toBe(1000);
    expect(control.growth.external).toBeGreaterThanOrEqual(16 * MiB);
  });

  it("from a ws server is refused with 1009 by connectWebSocket with maxMessageSize 1 MiB", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: true });
    await new Promise((resolve) => wss.once("listening", resolve));
    try {
      const peerClosed = new Promise<number>((resolve) =>
        wss.once("connection", (socket) => {
          socket.once("close", (code) => resolve(code));
          socket.send(Buffer.alloc(16 * MiB));
        }),
      );
      const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
      const connection = await connectWebSocket(url, { maxMessageSize: MiB });
      const messages: unknown[] = [];
      connection.on("message", (data) => messages.push(data));
      expect(await new Promise((resolve) => connection.once("close", resolve))).toBe(1009);
      expect(await peerClosed).toBe(1009);
      expect(messages).toEqual([]);
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
