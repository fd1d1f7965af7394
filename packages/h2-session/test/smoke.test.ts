import { describe, expect, it } from "vitest";
import { Http2Session } from "../src/index";

function pair() {
  const client = new Http2Session({ role: "client" });
  const server = new Http2Session({ role: "server" });
  const pump = () => {
    const events = { client: [] as unknown[], server: [] as unknown[] };
    for (let i = 0; i < 50; i++) {
      const a = client.dataToSend();
      const b = server.dataToSend();
      if (a.length === 0 && b.length === 0) break;
      for (const e of server.receive(a)) {
        events.server.push(e);
        if (e.type === "data") server.consumed(e.streamId, e.data.length);
      }
      for (const e of client.receive(b)) {
        events.client.push(e);
        if (e.type === "data") client.consumed(e.streamId, e.data.length);
      }
    }
    return events;
  };
  return { client, server, pump };
}

describe("smoke", () => {
  it("request/response with body and trailers", () => {
    const { client, server, pump } = pair();
    const id = client.request([
      [":method", "POST"],
      [":scheme", "http"],
      [":authority", "x"],
      [":path", "/p"],
    ]);
    client.sendData(id, new TextEncoder().encode("hello"), { endStream: true });
    pump();
    server.respond(id, [
      [":status", "200"],
      ["content-type", "text/plain"],
    ]);
    server.sendData(id, new Uint8Array(100_000));
    server.sendTrailers(id, [["x-checksum", "abc"]]);
    const e2 = pump();
    expect(e2.client.at(-1)).toEqual({ type: "streamEnd", streamId: 1 });
  });
});
