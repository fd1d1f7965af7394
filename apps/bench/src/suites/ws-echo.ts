/**
 * @proto/node's WebSocket server against ws's WebSocketServer, over real TCP on 127.0.0.1: echo round
 * trips per second (and the payload bytes they carry) for 16 B, 1 KiB and 64 KiB binary messages.
 *
 * Both servers echo every message back as it came and run in this process, each on its own port. The
 * client is the same for both: one ws WebSocket per server (per-message deflate off on every side), doing
 * ping-pong round trips, one message in flight at a time: send, await the echo, send the next. So each
 * round trip costs the same client work, the same loopback syscalls and the same event-loop turns on both
 * rows, and the ratio is moved only by what the server does with a frame: read, unmask, decode, frame
 * and write back. Client and server share one thread, as the harness wants (a slow moment of the machine
 * hits both sides alike); the client's share of each round trip dilutes the ratio towards 1.
 *
 * What a round trip costs here: at 16 B a CPU profile of either row is ~90% loopback write syscalls and
 * idle time in epoll, under 1% framing in JavaScript on either server, so the small rows measure the
 * kernel and a server can move them only by making fewer syscalls. At 64 KiB unmasking, copying and
 * writing the payload are what differ.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { createWebSocketServer } from "@proto/node";
import WebSocket, { WebSocketServer } from "ws";
import { type AsyncComparison, type AsyncSuite, addNote } from "../harness";

const SIZES = [
  { size: 16, label: "16 B" },
  { size: 1024, label: "1 KiB" },
  { size: 64 * 1024, label: "64 KiB" },
];

const require = createRequire(import.meta.url);
const wsVersion = (
  JSON.parse(readFileSync(join(dirname(require.resolve("ws")), "package.json"), "utf8")) as {
    version: string;
  }
).version;
const WS_NAME = `ws ${wsVersion} WebSocketServer`;

const TARGET = { minRatio: 1.2, goal: "issue: @proto/node server >=1.2x ws round trips" };

interface EchoServer {
  name: string;
  port: number;
  close(): Promise<void>;
}

async function startProtoServer(): Promise<EchoServer> {
  const server = createWebSocketServer({ port: 0, host: "127.0.0.1" });
  server.on("connection", (connection) => {
    // Text comes in as a string and goes back as text; binary as a Uint8Array and goes back as binary.
    connection.on("message", (data) => connection.send(data));
  });
  const address = await server.listen();
  return { name: "@proto/node server", port: address.port, close: () => server.close() };
}

async function startWsServer(): Promise<EchoServer> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  server.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  return {
    name: WS_NAME,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of server.clients) client.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface Echo {
  message: Buffer;
  isBinary: boolean;
}

/** One ws client connection that does ping-pong round trips: one message in flight at a time. */
class EchoClient {
  private waiting: { resolve: (echo: Echo) => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (message: Buffer, isBinary: boolean) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting.resolve({ message, isBinary });
    });
    const fail = (why: string) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(new Error(why));
    };
    socket.on("close", (code) => fail(`connection closed (${code}) during a round trip`));
    socket.on("error", (error) => fail(`connection error during a round trip: ${error.message}`));
  }

  static async connect(port: number): Promise<EchoClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    return new EchoClient(socket);
  }

  /** Sends one message and resolves with the next message the server sends back. */
  roundTrip(payload: Buffer | string): Promise<Echo> {
    if (this.waiting) return Promise.reject(new Error("a round trip is already in flight"));
    return new Promise<Echo>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.send(payload, { binary: typeof payload !== "string" });
    });
  }

  /** Sends `count` messages at once and resolves when all `count` echoes are back (pipelined). */
  burst(payload: Buffer, count: number): Promise<void> {
    if (this.waiting) return Promise.reject(new Error("a round trip is already in flight"));
    return new Promise<void>((resolve, reject) => {
      let left = count;
      const next = () => {
        this.waiting = {
          resolve: () => {
            if (--left === 0) resolve();
            else next();
          },
          reject,
        };
      };
      next();
      for (let i = 0; i < count; i++) this.socket.send(payload, { binary: true });
    });
  }

  /** A clean close, or a terminated socket when the server does not answer within 2 s. */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), 2000);
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000);
    });
  }
}

/** Checks a server echoes binary and text messages byte for byte, as the same kind. */
async function verifyEcho(server: EchoServer, client: EchoClient, size: number): Promise<void> {
  const binary = randomBytes(size);
  const got = await client.roundTrip(binary);
  if (!got.isBinary || !got.message.equals(binary)) {
    throw new Error(
      `${server.name}: echo of a ${size} B binary message differs (binary: ${got.isBinary}, ` +
        `${got.message.length} B back)`,
    );
  }
  const text = "é✓🚀".repeat(Math.ceil(size / 9)).slice(0, Math.max(1, size >> 2));
  const echoedText = await client.roundTrip(text);
  if (echoedText.isBinary || echoedText.message.toString("utf8") !== text) {
    throw new Error(`${server.name}: echo of a text message differs (binary: ${echoedText.isBinary})`);
  }
}

export function wsEchoSuite(): AsyncSuite {
  const started: {
    proto?: EchoServer;
    ws?: EchoServer;
    protoClient?: EchoClient;
    wsClient?: EchoClient;
  } = {};
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("ws-echo: servers not started (setup did not run)");
    return value;
  };
  const comparisons: AsyncComparison[] = SIZES.map(({ size, label }) => {
    const payload = randomBytes(size);
    return {
      title: `WebSocket echo round trip, ${label}`,
      bytesPerOp: size,
      show: "both",
      target: TARGET,
      subject: {
        name: "@proto/node server",
        fn: () => need(started.protoClient).roundTrip(payload),
      },
      peer: {
        name: WS_NAME,
        fn: () => need(started.wsClient).roundTrip(payload),
      },
      verify: async () => {
        await verifyEcho(need(started.proto), need(started.protoClient), size);
        await verifyEcho(need(started.ws), need(started.wsClient), size);
      },
    };
  });
  // Pipelined: 32 messages in flight, so the server's per-message work (and how many writes it makes
  // for a read full of messages) weighs more than the shared client's latency.
  const WINDOW = 32;
  for (const { size, label } of SIZES.slice(0, 2)) {
    const payload = randomBytes(size);
    comparisons.push({
      title: `WebSocket echo, ${label} x${WINDOW} in flight`,
      bytesPerOp: size * WINDOW,
      show: "both",
      target: TARGET,
      subject: { name: "@proto/node server", fn: () => need(started.protoClient).burst(payload, WINDOW) },
      peer: { name: WS_NAME, fn: () => need(started.wsClient).burst(payload, WINDOW) },
      verify: async () => {
        await need(started.protoClient).burst(payload, WINDOW);
        await need(started.wsClient).burst(payload, WINDOW);
      },
    });
  }
  return {
    comparisons,
    setup: async () => {
      started.proto = await startProtoServer();
      started.ws = await startWsServer();
      started.protoClient = await EchoClient.connect(started.proto.port);
      started.wsClient = await EchoClient.connect(started.ws.port);
      addNote(
        `ws-echo: one ws ${wsVersion} client (per-message deflate off) for both rows; sequential round trips, ` +
          `client and both servers in this process on 127.0.0.1.`,
      );
    },
    teardown: async () => {
      await Promise.allSettled([started.protoClient?.close(), started.wsClient?.close()]);
      await Promise.allSettled([started.proto?.close(), started.ws?.close()]);
    },
  };
}
