/** Fragmented sends (RFC 6455 §5.4): `send(data, { fin: false })` as in `ws`, with control frames between. */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWebSocket } from "./client";
import type { WebSocketConnection } from "./connection";
import { createWebSocketServer, type WebSocketServer } from "./server";

describe("send(data, { fin: false })", () => {
  let server: WebSocketServer;
  let url: string;
  const received: Array<[string | Uint8Array, boolean]> = [];
  const pings: Uint8Array[] = [];
  let accepted: WebSocketConnection | undefined;

  beforeAll(async () => {
    server = createWebSocketServer({ host: "127.0.0.1", port: 0 });
    server.on("connection", (connection) => {
      accepted = connection;
      connection.on("message", (data, isBinary) => received.push([data, isBinary]));
      connection.on("ping", (data) => pings.push(data));
    });
    url = `ws://127.0.0.1:${(await server.listen()).port}`;
  });
  afterAll(() => server.close());

  it("delivers fragments as one message, with a ping between them answered on the way", async () => {
    const client = await connectWebSocket(url, { compression: false });
    client.send("Hel", { fin: false });
    client.ping("mid");
    client.send("lo, ", { fin: false });
    client.send("世界");
    client.send(new Uint8Array([1, 2]), { fin: false });
    client.send(new Uint8Array([3]), { fin: true });
    await once(client, "pong");
    while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received[0]).toEqual(["Hello, 世界", false]);
    expect(received[1]![1]).toBe(true);
    expect([...(received[1]![0] as Uint8Array)]).toEqual([1, 2, 3]);
    expect(received).toHaveLength(2);
    expect(new TextDecoder().decode(pings[0])).toBe("mid");
    client.close();
    await once(client, "close");
  });

  it("refuses another kind of message before the fragmented one ends (WS_INVALID_STATE)", async () => {
    const client = await connectWebSocket(url, { compression: false });
    client.send("text fragment", { fin: false });
    expect(() => client.send(new Uint8Array([1]))).toThrow(
      expect.objectContaining({ code: "WS_INVALID_STATE" }),
    );
    client.send(" ends here");
    while (!received.some(([d]) => d === "text fragment ends here")) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(accepted).toBeDefined();
    client.close();
    await once(client, "close");
  });
});
