import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { LookupFunction } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { encodeFrame, Opcode, WebSocketSession } from "@proto/ws-frame";
import { acceptHandshake, HandshakeError } from "@proto/ws-handshake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWebSocket } from "./client";
import type { WebSocketConnection } from "./connection";
import { NodeError } from "./errors";
import { createWebSocketServer } from "./server";
import { closeServer, listenLocal, rawServer } from "./test-peer";

const closed = (c: WebSocketConnection) =>
  new Promise<[number, string]>((resolve) => c.once("close", (code, reason) => resolve([code, reason])));
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("connectWebSocket against a hand-written server", () => {
  it("feeds the bytes that arrive with the 101 head to the session first", async () => {
    const server = await rawServer((socket, head) => {
      const result = acceptHandshake(head);
      if (!result.ok) throw new Error(result.reason);
      const frame = encodeFrame({ opcode: Opcode.TEXT, payload: latin1("first") });
      socket.write(Buffer.concat([result.response, frame])); // one write: head and frame together
    });
    try {
      const client = await connectWebSocket(`ws://127.0.0.1:${server.port}/`);
      const [data, isBinary] = await once(client, "message");
      expect([data, isBinary]).toEqual(["first", false]);
      client.terminate();
    } finally {
      await server.close();
    }
  });

  it("rejects a wrong Sec-WebSocket-Accept with NODE_HANDSHAKE_REJECTED / HS_BAD_ACCEPT", async () => {
    const server = await rawServer((socket) => {
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n",
      );
    });
    try {
      const error = await connectWebSocket(`ws://127.0.0.1:${server.port}/`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeError);
      expect(error).toMatchObject({
        code: "NODE_HANDSHAKE_REJECTED",
        handshakeCode: "HS_BAD_ACCEPT",
        status: 101,
      });
    } finally {
      await server.close();
    }
  });

  it("rejects a response head over maxHeadSize (HS_HEAD_TOO_LARGE)", async () => {
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nX-Big: ${"a".repeat(2000)}\r\n`);
    });
    try {
      await expect(
        connectWebSocket(`ws://127.0.0.1:${server.port}/`, { maxHeadSize: 1024 }),
      ).rejects.toMatchObject({ code: "NODE_HANDSHAKE_REJECTED", handshakeCode: "HS_HEAD_TOO_LARGE" });
    } finally {
      await server.close();
    }
  });

  it("times out when no response comes (NODE_HANDSHAKE_TIMEOUT)", async () => {
    const server = await rawServer(() => {});
    try {
      await expect(
        connectWebSocket(`ws://127.0.0.1:${server.port}/`, { handshakeTimeout: 50 }),
      ).rejects.toMatchObject({ code: "NODE_HANDSHAKE_TIMEOUT" });
    } finally {
      await server.close();
    }
  });

  it("fails with NODE_SOCKET_ERROR when the server hangs up or is not there", async () => {
    const server = await rawServer((socket) => socket.end());
    const url = `ws://127.0.0.1:${server.port}/`;
    await expect(connectWebSocket(url)).rejects.toMatchObject({ code: "NODE_SOCKET_ERROR" });
    await server.close();
    const error = await connectWebSocket(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NODE_SOCKET_ERROR", cause: { code: "ECONNREFUSED" } });
  });

  it("throws the handshake package's error for a bad URL", async () => {
    await expect(connectWebSocket("ftp://127.0.0.1/")).rejects.toBeInstanceOf(HandshakeError);
    await expect(connectWebSocket("ws://127.0.0.1/#frag")).rejects.toMatchObject({
      code: "HS_INVALID_ARGUMENT",
    });
  });

  it("waits for the server to close TCP first (RFC 6455 §7.1.1), bounded by closeTimeout", async () => {
    let clientEndedFirst = false;
    let serverSocketClosed: Promise<unknown> = Promise.resolve();
    const server = await rawServer((socket, head) => {
      const result = acceptHandshake(head);
      if (!result.ok) throw new Error(result.reason);
      socket.write(result.response);
      serverSocketClosed = once(socket, "close");
      const session = new WebSocketSession({ role: "server" });
      let ended = false;
      socket.on("end", () => {
        if (!ended) clientEndedFirst = true;
      });
      socket.on("data", (bytes: Uint8Array) => {
        if (session.receive(bytes).some((e) => e.type === "close")) {
          socket.write(session.dataToSend()); // echo the Close, end TCP a little later
          setTimeout(() => {
            ended = true;
            socket.end();
          }, 50);
        }
      });
    });
    try {
      const client = await connectWebSocket(`ws://127.0.0.1:${server.port}/`);
      const clientClosed = closed(client);
      client.close(1000, "done");
      expect(await clientClosed).toEqual([1000, ""]);
      await serverSocketClosed;
      expect(clientEndedFirst).toBe(false);
    } finally {
      await server.close();
    }
  });

  it("destroys the socket after closeTimeout when the server ignores the Close", async () => {
    const server = await rawServer((socket, head) => {
      const result = acceptHandshake(head);
      if (result.ok) socket.write(result.response); // then reads and ignores everything
    });
    try {
      const client = await connectWebSocket(`ws://127.0.0.1:${server.port}/`, { closeTimeout: 60 });
      const clientClosed = closed(client);
      client.close();
      expect(await clientClosed).toEqual([1006, "closing handshake timed out"]);
    } finally {
      await server.close();
    }
  });
});

/** A throwaway self-signed certificate for ws.test and 127.0.0.1, made by openssl, or why there is none. */
function makeCertificate(): { key: string; cert: string } | string {
  const dir = mkdtempSync(join(tmpdir(), "proto-node-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1"],
        ...["-subj", "/CN=ws.test", "-addext", "subjectAltName=DNS:ws.test,IP:127.0.0.1"],
      ],
      { stdio: "pipe" },
    );
    return {
      key: readFileSync(join(dir, "key.pem"), "utf8"),
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    };
  } catch (error) {
    return `openssl could not make a test certificate: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = makeCertificate();
if (typeof certificate === "string") console.warn(`skipping wss:// tests: ${certificate}`);

describe.skipIf(typeof certificate === "string")("wss:// over node:tls", () => {
  const tls = certificate as { key: string; cert: string };
  const https = createHttpsServer(tls);
  const wss = createWebSocketServer({ server: https });
  const servernames: unknown[] = [];
  let port: number;

  beforeAll(async () => {
    wss.on("connection", (connection, request) => {
      servernames.push((request.socket as TLSSocket).servername);
      connection.on("message", (data) => connection.send(data));
    });
    port = await listenLocal(https);
  });
  afterAll(async () => {
    await wss.close();
    await closeServer(https);
  });

  it("connects to an IP address (no SNI) and verifies the certificate against it", async () => {
    const client = await connectWebSocket(`wss://127.0.0.1:${port}/`, { tls: { ca: tls.cert } });
    client.send("secure");
    expect((await once(client, "message"))[0]).toBe("secure");
    client.close();
    await closed(client);
    expect(servernames.at(-1)).toBe(false);
  });

  it("sends the host name as SNI (servername) and checks it", async () => {
    const lookup: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
      else callback(null, "127.0.0.1", 4);
    };
    const client = await connectWebSocket(`wss://ws.test:${port}/`, { tls: { ca: tls.cert, lookup } });
    client.close();
    await closed(client);
    expect(servernames.at(-1)).toBe("ws.test");
  });

  it("rejects an untrusted certificate with NODE_SOCKET_ERROR", async () => {
    const error = await connectWebSocket(`wss://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NODE_SOCKET_ERROR" });
    expect((error as NodeError).cause).toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });
});
