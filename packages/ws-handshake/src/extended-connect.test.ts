import { describe, expect, it } from "vitest";
import {
  createExtendedConnectRequest,
  SETTINGS_ENABLE_CONNECT_PROTOCOL,
  validateExtendedConnectRequest,
  verifyExtendedConnectResponse,
} from "./extended-connect";
import type { HeaderList } from "./http-head";

describe("RFC 8441 extended CONNECT", () => {
  it("builds the §5 example request and validates it", () => {
    expect(SETTINGS_ENABLE_CONNECT_PROTOCOL).toBe(8);
    const headers = createExtendedConnectRequest({
      authority: "server.example.com",
      path: "/chat",
      protocols: ["chat", "superchat"],
      origin: "http://www.example.com",
    });
    expect(headers.slice(0, 6)).toEqual([
      [":method", "CONNECT"],
      [":protocol", "websocket"],
      [":scheme", "https"],
      [":path", "/chat"],
      [":authority", "server.example.com"],
      ["sec-websocket-version", "13"],
    ]);
    expect(validateExtendedConnectRequest(headers)).toEqual({
      ok: true,
      path: "/chat",
      authority: "server.example.com",
      scheme: "https",
      protocols: ["chat", "superchat"],
    });
  });

  const valid = createExtendedConnectRequest({ authority: "a", path: "/" });
  it.each<[string, HeaderList]>([
    ["a plain CONNECT without :protocol", valid.filter(([n]) => n !== ":protocol")],
    ["a :protocol other than websocket", valid.map(([n, v]) => [n, n === ":protocol" ? "h2" : v])],
    ["a GET", valid.map(([n, v]) => [n, n === ":method" ? "GET" : v])],
    ["no :path", valid.filter(([n]) => n !== ":path")],
    ["an empty :authority", valid.map(([n, v]) => [n, n === ":authority" ? "" : v])],
    ["version 8", valid.map(([n, v]) => [n, n === "sec-websocket-version" ? "8" : v])],
    ["a Sec-WebSocket-Key", [...valid, ["sec-websocket-key", "x"]]],
    ["a Connection field", [...valid, ["connection", "upgrade"]]],
    ["a pseudo-header after a field", [...valid, [":path", "/x"]]],
    ["a duplicated pseudo-header", [[":method", "CONNECT"], ...valid]],
    ["an upper-case field name", [...valid, ["Origin", "x"]]],
    ["a response pseudo-header", [[":status", "200"], ...valid]],
  ])("rejects %s", (_name, headers) => {
    expect(validateExtendedConnectRequest(headers).ok).toBe(false);
  });

  it("accepts any 2xx response and only an offered subprotocol", () => {
    expect(verifyExtendedConnectResponse(200, [], {})).toMatchObject({ ok: true, protocol: undefined });
    expect(
      verifyExtendedConnectResponse(204, [["sec-websocket-protocol", "chat"]], { protocols: ["chat"] }),
    ).toMatchObject({ ok: true, protocol: "chat" });
    expect(verifyExtendedConnectResponse(101, [], {})).toMatchObject({ ok: false });
    expect(
      verifyExtendedConnectResponse(200, [["sec-websocket-protocol", "x"]], { protocols: ["chat"] }),
    ).toMatchObject({ ok: false });
    expect(verifyExtendedConnectResponse(200, [["sec-websocket-extensions", "x-unknown"]])).toMatchObject({
      ok: false,
    });
  });
});
