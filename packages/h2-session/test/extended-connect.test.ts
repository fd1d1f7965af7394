/**
 * RFC 8441: WebSocket over an HTTP/2 stream. The server announces SETTINGS_ENABLE_CONNECT_PROTOCOL, the
 * client opens the stream with @proto/ws-handshake's extended CONNECT, and @proto/ws-frame sessions talk
 * over the stream's DATA frames.
 */
import { WebSocketSession } from "@proto/ws-frame";
import {
  createExtendedConnectRequest,
  validateExtendedConnectRequest,
  verifyExtendedConnectResponse,
} from "@proto/ws-handshake";
import { describe, expect, it } from "vitest";
import { type Http2Event, Http2Session } from "../src/index";

function exchange(client: Http2Session, server: Http2Session) {
  const seen = { client: [] as Http2Event[], server: [] as Http2Event[] };
  for (let i = 0; i < 20; i++) {
    const toServer = client.dataToSend();
    const toClient = server.dataToSend();
    if (toServer.length === 0 && toClient.length === 0) break;
    seen.server.push(...server.receive(toServer));
    seen.client.push(...client.receive(toClient));
  }
  return seen;
}

describe("RFC 8441 extended CONNECT", () => {
  it("carries a WebSocket session over one stream once the server enables it (§3-§5)", () => {
    const client = new Http2Session({ role: "client" });
    const server = new Http2Session({ role: "server", settings: { enableConnectProtocol: true } });
    exchange(client, server);
    expect(client.peerSettings.enableConnectProtocol).toBe(true);

    const headers = createExtendedConnectRequest({
      authority: "example.com",
      path: "/chat",
      protocols: ["chat"],
    });
    const streamId = client.request(headers);
    const opened = exchange(client, server).server.find((e) => e.type === "headers");
    expect(opened).toMatchObject({ type: "headers", streamId, endStream: false });
    const check = validateExtendedConnectRequest((opened as { headers: Array<[string, string]> }).headers);
    expect(check).toMatchObject({ ok: true, path: "/chat", protocols: ["chat"] });
    server.respond(streamId, [
      [":status", "200"],
      ["sec-websocket-protocol", "chat"],
    ]);
    const answer = exchange(client, server).client.find((e) => e.type === "headers") as {
      headers: Array<[string, string]>;
    };
    expect(verifyExtendedConnectResponse(200, answer.headers, { protocols: ["chat"] })).toMatchObject({
      ok: true,
      protocol: "chat",
    });

    // §5: the stream's DATA frames are the WebSocket connection's bytes.
    const wsClient = new WebSocketSession({ role: "client" });
    const wsServer = new WebSocketSession({ role: "server" });
    wsClient.sendText("hello over h2");
    client.sendData(streamId, wsClient.dataToSend());
    const data = exchange(client, server).server.filter((e) => e.type === "data") as Array<{
      data: Uint8Array;
    }>;
    const received = data.flatMap((e) => wsServer.receive(e.data));
    expect(received).toEqual([{ type: "text", data: "hello over h2" }]);

    wsServer.sendText("welcome");
    server.sendData(streamId, wsServer.dataToSend());
    const back = exchange(client, server).client.filter((e) => e.type === "data") as Array<{
      data: Uint8Array;
    }>;
    expect(back.flatMap((e) => wsClient.receive(e.data))).toEqual([{ type: "text", data: "welcome" }]);
  });

  it("refuses :protocol before the server enabled it: the client cannot send it, the server resets it", () => {
    const client = new Http2Session({ role: "client" });
    const server = new Http2Session({ role: "server" });
    exchange(client, server);
    const headers = createExtendedConnectRequest({ authority: "example.com", path: "/chat" });
    expect(() => client.request(headers)).toThrow(expect.objectContaining({ code: "H2S_INVALID_ARGUMENT" }));
  });
});
