import type { WebSocketExtension } from "@proto/ws-frame";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeAccept } from "./accept";
import { type ClientHandshakeOptions, createClientHandshake } from "./client-handshake";
import type { HandshakeExtension } from "./extension";
import { parseExtensions } from "./extensions-header";
import { type HeaderList, parseRequestHead, parseResponseHead, type RequestHead } from "./http-head";
import { acceptHandshake } from "./server-handshake";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const text = (b: Uint8Array) => String.fromCharCode(...b);
const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const BASE: HeaderList = [
  ["Host", "server.example.com"],
  ["Upgrade", "websocket"],
  ["Connection", "Upgrade"],
  ["Sec-WebSocket-Key", KEY],
  ["Sec-WebSocket-Version", "13"],
];
const request = (headers: HeaderList = BASE, method = "GET", version = "1.1"): RequestHead => ({
  method,
  target: "/chat",
  version,
  headers,
});
const without = (name: string) => BASE.filter(([n]) => n !== name);
const replace = (name: string, value: string) =>
  BASE.map(([n, v]): [string, string] => [n, n === name ? value : v]);

/** A toy extension for negotiation tests. */
const toy = (name: string): HandshakeExtension & { seen: unknown[] } => {
  const seen: unknown[] = [];
  const extension = { name, rsv: { rsv1: true } } as WebSocketExtension;
  return {
    name,
    seen,
    offer: () => [[["level", "9"]]],
    accept(offers) {
      seen.push(offers);
      return { params: [["level", String(offers[0]?.[0]?.[1] ?? "1")]], extension };
    },
    configure(params) {
      seen.push(params);
      return extension;
    },
  };
};

describe("acceptHandshake (RFC 6455 §4.2.1-§4.2.2)", () => {
  it("answers the §1.2 request with the §1.3 accept value", () => {
    const result = acceptHandshake(request([...BASE, ["Sec-WebSocket-Protocol", "chat, superchat"]]), {
      protocols: ["chat"],
    });
    expect(result.ok).toBe(true);
    expect(text(result.response)).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
    );
  });

  it.each<[string, RequestHead, string, number]>([
    ["a POST", request(BASE, "POST"), "HS_BAD_METHOD", 400],
    ["HTTP/1.0", request(BASE, "GET", "1.0"), "HS_BAD_HTTP_VERSION", 400],
    ["no Host", request(without("Host")), "HS_BAD_HOST", 400],
    ["two Host headers", request([...BASE, ["Host", "b"]]), "HS_BAD_HOST", 400],
    ["no Upgrade", request(without("Upgrade")), "HS_BAD_UPGRADE", 400],
    ["Upgrade: h2c", request(replace("Upgrade", "h2c")), "HS_BAD_UPGRADE", 400],
    ["no Connection", request(without("Connection")), "HS_BAD_CONNECTION", 400],
    ["Connection: keep-alive", request(replace("Connection", "keep-alive")), "HS_BAD_CONNECTION", 400],
    ["no key", request(without("Sec-WebSocket-Key")), "HS_BAD_KEY", 400],
    ["a key of 15 bytes", request(replace("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4P")), "HS_BAD_KEY", 400],
    [
      "a key that is not base64",
      request(replace("Sec-WebSocket-Key", "!!!!!!!!!!!!!!!!!!!!!!==")),
      "HS_BAD_KEY",
      400,
    ],
    ["two keys", request([...BASE, ["Sec-WebSocket-Key", KEY]]), "HS_BAD_KEY", 400],
    ["no version", request(without("Sec-WebSocket-Version")), "HS_BAD_VERSION", 400],
    ["two versions", request([...BASE, ["Sec-WebSocket-Version", "13"]]), "HS_BAD_VERSION", 400],
    ["version 8", request(replace("Sec-WebSocket-Version", "8")), "HS_UNSUPPORTED_VERSION", 426],
    [
      "a malformed protocol list",
      request([...BASE, ["Sec-WebSocket-Protocol", "chat, {bad}"]]),
      "HS_BAD_PROTOCOL_HEADER",
      400,
    ],
    [
      "a protocol offered twice",
      request([...BASE, ["Sec-WebSocket-Protocol", "chat, chat"]]),
      "HS_BAD_PROTOCOL_HEADER",
      400,
    ],
    [
      "a malformed extension list",
      request([...BASE, ["Sec-WebSocket-Extensions", "x; =1"]]),
      "HS_BAD_EXTENSIONS_HEADER",
      400,
    ],
  ])("rejects %s with %s (%i)", (_name, head, code, status) => {
    const result = acceptHandshake(head);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.code, result.status]).toEqual([code, status]);
    const response = parseResponseHead(result.response)!;
    expect(response.head.status).toBe(status);
    expect(response.head.headers).toContainEqual(["Connection", "close"]);
    if (status === 426) expect(response.head.headers).toContainEqual(["Sec-WebSocket-Version", "13"]);
  });

  it("accepts token lists in any case and spacing: Connection: keep-alive, Upgrade; Upgrade: WebSocket", () => {
    const headers: HeaderList = [...replace("Connection", "keep-alive,  UPGRADE"), ["Upgrade", "x"]];
    const head = request(
      headers.map(([n, v]): [string, string] => [n, n === "Upgrade" && v === "websocket" ? "WebSocket" : v]),
    );
    expect(acceptHandshake(head).ok).toBe(true);
  });

  it("refuses an Origin allowOrigin rejects with 403, and passes undefined when there is none", () => {
    const seen: Array<string | undefined> = [];
    const allowOrigin = (o: string | undefined) => {
      seen.push(o);
      return o === "https://good.example";
    };
    expect(
      acceptHandshake(request([...BASE, ["Origin", "https://evil.example"]]), { allowOrigin }),
    ).toMatchObject({ ok: false, status: 403, code: "HS_FORBIDDEN_ORIGIN" });
    expect(acceptHandshake(request([...BASE, ["Origin", "https://good.example"]]), { allowOrigin }).ok).toBe(
      true,
    );
    expect(acceptHandshake(request(), { allowOrigin }).ok).toBe(false);
    expect(seen).toEqual(["https://evil.example", "https://good.example", undefined]);
  });

  it("chooses only an offered subprotocol, in the server's preference order or by function", () => {
    const offered = request([
      ...BASE,
      ["Sec-WebSocket-Protocol", "chat"],
      ["Sec-WebSocket-Protocol", "chat.v2"],
    ]);
    expect(acceptHandshake(offered, { protocols: ["chat.v2", "chat"] })).toMatchObject({
      ok: true,
      protocol: "chat.v2",
    });
    expect(acceptHandshake(offered, { protocols: ["other"] })).toMatchObject({
      ok: true,
      protocol: undefined,
    });
    expect(acceptHandshake(offered, { protocols: (list) => list[1] })).toMatchObject({
      ok: true,
      protocol: "chat.v2",
    });
    expect(acceptHandshake(offered, { protocols: () => "not-offered" })).toMatchObject({
      ok: true,
      protocol: undefined,
    });
    expect(acceptHandshake(request(), { protocols: ["chat"] })).toMatchObject({
      ok: true,
      protocol: undefined,
    });
  });

  it("negotiates extensions through the extension interface, declining unknown ones", () => {
    const ext = toy("x-toy");
    const result = acceptHandshake(
      request([...BASE, ["Sec-WebSocket-Extensions", 'x-unknown, x-toy; level="7", x-toy']]),
      { extensions: [ext] },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(ext.seen).toEqual([[[["level", "7"]], []]]);
    expect(result.extensions).toHaveLength(1);
    expect(text(result.response)).toContain("Sec-WebSocket-Extensions: x-toy; level=7\r\n");
  });

  it("regression: an extension named constructor/__proto__ does not crash (ws issue, prototype-backed maps)", () => {
    for (const name of ["constructor", "__proto__", "hasOwnProperty", "toString"]) {
      const result = acceptHandshake(request([...BASE, ["Sec-WebSocket-Extensions", `${name}; ${name}=1`]]), {
        extensions: [toy("x-toy")],
      });
      expect(result).toMatchObject({ ok: true, extensions: [] });
    }
  });

  it("regression CVE-2024-37890: a request with too many headers gets 431, not a crash", () => {
    const head = `GET / HTTP/1.1\r\n${"X-A: 1\r\n".repeat(2000)}\r\n`;
    expect(() => parseRequestHead(bytes(head))).toThrow(
      expect.objectContaining({ code: "HS_TOO_MANY_HEADERS", status: 431 }),
    );
  });

  it("regression CVE-2021-32640: a huge whitespace-laden protocol header is handled in one pass", () => {
    const protocols = `a${" ".repeat(100_000)}, b`;
    const result = acceptHandshake(request([...BASE, ["Sec-WebSocket-Protocol", protocols]]), {
      protocols: ["b"],
    });
    expect(result).toMatchObject({ ok: true, protocol: "b" });
  });

  it("never throws for arbitrary headers", () => {
    const header = fc.tuple(
      fc.constantFrom(
        "Host",
        "Upgrade",
        "Connection",
        "Sec-WebSocket-Key",
        "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol",
        "Sec-WebSocket-Extensions",
        "Origin",
      ),
      fc.string({ maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(header, { maxLength: 10 }), (extra) => {
        const result = acceptHandshake(request([...BASE.slice(0, 2), ...extra]), {
          protocols: ["a"],
          extensions: [toy("x")],
          allowOrigin: () => true,
        });
        expect(result.response.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("createClientHandshake and verify (RFC 6455 §4.1)", () => {
  const fixed = (b: Uint8Array) => b.fill(7);
  const handshake = () =>
    createClientHandshake({
      url: "ws://example.com:8080/chat?x=1",
      protocols: ["chat", "chat.v2"],
      origin: "http://example.com",
      randomSource: fixed,
      extensions: [toy("x-toy")],
    });

  it("builds the request the server accepts, and accepts the server's answer", () => {
    const client = handshake();
    expect([client.host, client.port, client.path, client.secure]).toEqual([
      "example.com",
      8080,
      "/chat?x=1",
      false,
    ]);
    const req = text(client.request);
    expect(req.startsWith("GET /chat?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n")).toBe(true);
    expect(req).toContain("Sec-WebSocket-Protocol: chat, chat.v2\r\n");
    expect(req).toContain("Sec-WebSocket-Extensions: x-toy; level=9\r\n");
    const head = parseRequestHead(client.request)!.head;
    const server = acceptHandshake(head, { protocols: ["chat.v2"], extensions: [toy("x-toy")] });
    expect(server.ok).toBe(true);
    const verified = client.verify(parseResponseHead(server.response)!.head);
    expect(verified).toMatchObject({ ok: true, protocol: "chat.v2" });
    if (verified.ok) expect(verified.extensions).toHaveLength(1);
  });

  const ok101 = (key: string, extra: HeaderList = []) => ({
    version: "1.1",
    status: 101,
    reason: "Switching Protocols",
    headers: [
      ["Upgrade", "websocket"],
      ["Connection", "Upgrade"],
      ["Sec-WebSocket-Accept", computeAccept(key)],
      ...extra,
    ] as HeaderList,
  });

  it.each<[string, (key: string) => ReturnType<typeof ok101>, string]>([
    ["status 200", (k) => ({ ...ok101(k), status: 200 }), "HS_BAD_STATUS"],
    [
      "no Upgrade",
      (k) => ({ ...ok101(k), headers: ok101(k).headers.filter(([n]) => n !== "Upgrade") }),
      "HS_BAD_UPGRADE",
    ],
    [
      "no Connection",
      (k) => ({ ...ok101(k), headers: ok101(k).headers.filter(([n]) => n !== "Connection") }),
      "HS_BAD_CONNECTION",
    ],
    ["a wrong accept", () => ok101("AAAAAAAAAAAAAAAAAAAAAA=="), "HS_BAD_ACCEPT"],
    ["two accepts", (k) => ok101(k, [["Sec-WebSocket-Accept", computeAccept(k)]]), "HS_BAD_ACCEPT"],
    [
      "a protocol not offered",
      (k) => ok101(k, [["Sec-WebSocket-Protocol", "other"]]),
      "HS_UNEXPECTED_PROTOCOL",
    ],
    [
      "two protocol headers",
      (k) =>
        ok101(k, [
          ["Sec-WebSocket-Protocol", "chat"],
          ["Sec-WebSocket-Protocol", "chat"],
        ]),
      "HS_UNEXPECTED_PROTOCOL",
    ],
    [
      "an extension not offered",
      (k) => ok101(k, [["Sec-WebSocket-Extensions", "x-other"]]),
      "HS_UNEXPECTED_EXTENSION",
    ],
    [
      "an extension used twice",
      (k) => ok101(k, [["Sec-WebSocket-Extensions", "x-toy, x-toy"]]),
      "HS_UNEXPECTED_EXTENSION",
    ],
    [
      "two extension headers",
      (k) =>
        ok101(k, [
          ["Sec-WebSocket-Extensions", "x-toy"],
          ["Sec-WebSocket-Extensions", "x-toy"],
        ]),
      "HS_UNEXPECTED_EXTENSION",
    ],
    [
      "a malformed extension header",
      (k) => ok101(k, [["Sec-WebSocket-Extensions", "x-toy;"]]),
      "HS_UNEXPECTED_EXTENSION",
    ],
  ])("fails %s with %s, without throwing", (_name, make, code) => {
    const client = handshake();
    const result = client.verify(make(client.key));
    expect(result).toMatchObject({ ok: false, code });
  });

  it("accepts no subprotocol when some were offered (§4.1 item 6 only forbids unoffered ones)", () => {
    const client = handshake();
    expect(client.verify(ok101(client.key))).toMatchObject({ ok: true, protocol: undefined });
  });

  it("refuses bad options: scheme, fragment, protocol tokens, duplicate protocols, reserved or malformed headers", () => {
    const cases: ClientHandshakeOptions[] = [
      { url: "ftp://x/" },
      { url: "ws://x/#frag" },
      { url: "not a url" },
      { url: "ws://x/", protocols: ["a b"] },
      { url: "ws://x/", protocols: ["a", "a"] },
      { url: "ws://x/", headers: { "Sec-WebSocket-Key": "x" } },
      { url: "ws://x/", headers: { "X-Ok": "a\r\nInjected: 1" } },
      { url: "ws://x/", headers: { "Bad Name": "1" } },
    ];
    for (const options of cases) {
      expect(() => createClientHandshake(options)).toThrow(
        expect.objectContaining({ code: "HS_INVALID_ARGUMENT" }),
      );
    }
  });

  it("knows default ports, wss and IPv6 hosts", () => {
    expect(createClientHandshake({ url: "wss://example.com" })).toMatchObject({
      secure: true,
      port: 443,
      path: "/",
    });
    expect(createClientHandshake({ url: "ws://[::1]:9000/a" })).toMatchObject({ host: "::1", port: 9000 });
    expect(text(createClientHandshake({ url: "ws://[::1]:9000/a" }).request)).toContain(
      "Host: [::1]:9000\r\n",
    );
  });

  it("parses extension offers with quoted values and rejects non-token quoted values", () => {
    expect(parseExtensions(['a; b="c"; d, e'])).toEqual([
      {
        name: "a",
        params: [
          ["b", "c"],
          ["d", true],
        ],
      },
      { name: "e", params: [] },
    ]);
    expect(() => parseExtensions(['a; b="c d"'])).toThrow(
      expect.objectContaining({ code: "HS_BAD_EXTENSIONS_HEADER" }),
    );
  });
});
