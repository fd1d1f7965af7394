/**
 * RFC 7692 §7.1 negotiation, rule by rule: offers the server must decline, responses the client must
 * fail, and what each accepted combination agrees on. Then through @proto/ws-handshake on both sides.
 */
import {
  acceptHandshake,
  createClientHandshake,
  type ExtensionParams,
  parseRequestHead,
} from "@proto/ws-handshake";
import { describe, expect, it } from "vitest";
import {
  acceptResponse,
  chooseOffer,
  type DeflateNegotiation,
  formatOffer,
  PerMessageDeflateExtension,
  parseOffer,
  permessageDeflate,
} from "../src/index.node";

/** "a; b=1" → [["a", true], ["b", "1"]] */
const p = (text: string): ExtensionParams =>
  text === ""
    ? []
    : text.split(";").map((part) => {
        const [name, value] = part.trim().split("=");
        return [name!, value ?? true];
      });

describe("§7.1 offers the server must decline", () => {
  it.each([
    ["an unknown parameter", "x_custom"],
    ["a duplicate parameter", "server_no_context_takeover; server_no_context_takeover"],
    ["a duplicate window parameter", "client_max_window_bits; client_max_window_bits=10"],
    ["a value on server_no_context_takeover", "server_no_context_takeover=1"],
    ["a value on client_no_context_takeover", "client_no_context_takeover=true"],
    ["server_max_window_bits without a value", "server_max_window_bits"],
    ["server_max_window_bits=7", "server_max_window_bits=7"],
    ["server_max_window_bits=16", "server_max_window_bits=16"],
    ["a leading zero (09)", "server_max_window_bits=09"],
    ["a sign (+10)", "client_max_window_bits=+10"],
    ["a non-number", "client_max_window_bits=abc"],
    ["client_max_window_bits=0", "client_max_window_bits=0"],
  ])("%s", (_, offer) => {
    expect(typeof parseOffer(p(offer))).toBe("string");
    expect(chooseOffer([p(offer)], {})).toBeUndefined();
  });

  it("server_max_window_bits=8: raw deflate cannot compress with an 8-bit window", () => {
    expect(parseOffer(p("server_max_window_bits=8"))).toMatchObject({ serverMaxWindowBits: 8 });
    expect(chooseOffer([p("server_max_window_bits=8")], {})).toBeUndefined();
  });
});

describe("§7.1 the server's answer to an acceptable offer", () => {
  const cases: Array<[string, string, DeflateNegotiation, string, Record<string, unknown>]> = [
    ["an empty offer, defaults", "", {}, "", { serverNoContextTakeover: false, serverMaxWindowBits: 15 }],
    // §7.1.1.1: accepting server_no_context_takeover, the server MUST include it.
    [
      "server_no_context_takeover offered",
      "server_no_context_takeover",
      {},
      "server_no_context_takeover",
      {
        serverNoContextTakeover: true,
      },
    ],
    [
      "server_no_context_takeover chosen by the server",
      "",
      { serverNoContextTakeover: true },
      "server_no_context_takeover",
      {
        serverNoContextTakeover: true,
      },
    ],
    // §7.1.1.2: the offer's client_no_context_takeover is a hint; the server may ask for it unasked.
    [
      "client_no_context_takeover offered (a hint)",
      "client_no_context_takeover",
      {},
      "",
      {
        clientNoContextTakeover: false,
      },
    ],
    [
      "client_no_context_takeover asked by the server",
      "",
      { clientNoContextTakeover: true },
      "client_no_context_takeover",
      {
        clientNoContextTakeover: true,
      },
    ],
    // §7.1.2.1: the same or a smaller value; the server may announce a smaller window unasked.
    [
      "server_max_window_bits=10 offered",
      "server_max_window_bits=10",
      {},
      "server_max_window_bits=10",
      {
        serverMaxWindowBits: 10,
      },
    ],
    [
      "offered 12, server wants 10",
      "server_max_window_bits=12",
      { serverMaxWindowBits: 10 },
      "server_max_window_bits=10",
      {
        serverMaxWindowBits: 10,
      },
    ],
    [
      "offered 10, server allows 12",
      "server_max_window_bits=10",
      { serverMaxWindowBits: 12 },
      "server_max_window_bits=10",
      {
        serverMaxWindowBits: 10,
      },
    ],
    [
      "not offered, server uses 11",
      "",
      { serverMaxWindowBits: 11 },
      "server_max_window_bits=11",
      {
        serverMaxWindowBits: 11,
      },
    ],
    // §7.1.2.2: only if offered; valueless offer → any value; a valued offer caps it.
    [
      "client_max_window_bits offered, server silent",
      "client_max_window_bits",
      {},
      "",
      { clientMaxWindowBits: 15 },
    ],
    [
      "client_max_window_bits offered, server asks 10",
      "client_max_window_bits",
      { clientMaxWindowBits: 10 },
      "client_max_window_bits=10",
      {
        clientMaxWindowBits: 10,
      },
    ],
    [
      "client_max_window_bits=9 offered, server asks 12",
      "client_max_window_bits=9",
      { clientMaxWindowBits: 12 },
      "client_max_window_bits=9",
      {
        clientMaxWindowBits: 9,
      },
    ],
    [
      "client_max_window_bits=11 offered, server silent",
      "client_max_window_bits=11",
      {},
      "client_max_window_bits=11",
      {
        clientMaxWindowBits: 11,
      },
    ],
    [
      "not offered: the server MUST NOT include it",
      "",
      { clientMaxWindowBits: 10 },
      "",
      { clientMaxWindowBits: 15 },
    ],
  ];
  it.each(cases)("%s", (_, offer, options, response, agreed) => {
    const answer = chooseOffer([p(offer)], options);
    expect(answer?.params).toEqual(p(response));
    expect(answer?.agreed).toMatchObject(agreed);
  });

  it("chooses the first offer it can honour, in the client's order", () => {
    const offers = [p("x_unknown"), p("server_max_window_bits=8"), p("server_max_window_bits=12"), p("")];
    expect(chooseOffer(offers, {})?.params).toEqual(p("server_max_window_bits=12"));
  });
});

describe("§7.1 the client's offer and its check of the response", () => {
  it("offers client_max_window_bits by default (as browsers do)", () => {
    expect(formatOffer({})).toEqual(p("client_max_window_bits"));
    expect(
      formatOffer({
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 12,
      }),
    ).toEqual(
      p(
        "server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
      ),
    );
    expect(formatOffer({ clientMaxWindowBits: false })).toEqual([]);
  });

  it.each([
    ["an unknown parameter", "x_custom", {}],
    ["a duplicate parameter", "client_no_context_takeover; client_no_context_takeover", {}],
    ["client_max_window_bits without a value", "client_max_window_bits", {}],
    ["server_max_window_bits without a value", "server_max_window_bits", {}],
    ["an invalid value", "server_max_window_bits=16", {}],
    ["client_max_window_bits not offered", "client_max_window_bits=10", { clientMaxWindowBits: false }],
    [
      "client_max_window_bits above the offered value",
      "client_max_window_bits=12",
      { clientMaxWindowBits: 10 },
    ],
    ["client_max_window_bits=8, which raw deflate cannot honour", "client_max_window_bits=8", {}],
    [
      "server_max_window_bits above the offered value",
      "server_max_window_bits=12",
      { serverMaxWindowBits: 10 },
    ],
    ["server_max_window_bits missing though offered", "", { serverMaxWindowBits: 10 }],
    ["server_no_context_takeover missing though offered", "", { serverNoContextTakeover: true }],
  ] as Array<[string, string, DeflateNegotiation]>)("fails on %s", (_, response, options) => {
    expect(typeof acceptResponse(p(response), options)).toBe("string");
  });

  it.each([
    [
      "an empty response",
      "",
      {},
      { serverMaxWindowBits: 15, clientMaxWindowBits: 15, serverNoContextTakeover: false },
    ],
    [
      "server_no_context_takeover unasked (§7.1.1.1 allows it)",
      "server_no_context_takeover",
      {},
      { serverNoContextTakeover: true },
    ],
    [
      "client_no_context_takeover asked by the server",
      "client_no_context_takeover",
      {},
      { clientNoContextTakeover: true },
    ],
    [
      "our own client_no_context_takeover, even if not echoed",
      "",
      { clientNoContextTakeover: true },
      { clientNoContextTakeover: true },
    ],
    [
      "a smaller server window",
      "server_max_window_bits=9",
      { serverMaxWindowBits: 12 },
      { serverMaxWindowBits: 9 },
    ],
    ["client_max_window_bits=10", "client_max_window_bits=10", {}, { clientMaxWindowBits: 10 }],
    [
      "8 for the server's window (we only inflate)",
      "server_max_window_bits=8",
      {},
      { serverMaxWindowBits: 8 },
    ],
  ] as Array<[string, string, DeflateNegotiation, Record<string, unknown>]>)(
    "accepts %s",
    (_, response, options, agreed) => {
      expect(acceptResponse(p(response), options)).toMatchObject(agreed);
    },
  );
});

describe("permessageDeflate() through @proto/ws-handshake", () => {
  const request = (extensions: string) =>
    parseRequestHead(
      new TextEncoder().encode(
        "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
          `Sec-WebSocket-Extensions: ${extensions}\r\n\r\n`,
      ),
    )!.head;
  const responseText = (r: { ok: boolean } & { response?: Uint8Array }) =>
    new TextDecoder().decode(r.response);

  it("the server answers Chromium's offer and gets an extension owning RSV1", () => {
    const result = acceptHandshake(request("permessage-deflate; client_max_window_bits"), {
      extensions: [permessageDeflate()],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(responseText(result)).toContain("Sec-WebSocket-Extensions: permessage-deflate\r\n");
    expect(result.extensions[0]).toBeInstanceOf(PerMessageDeflateExtension);
    expect(result.extensions[0]!.rsv).toEqual({ rsv1: true });
  });

  it("the server skips offers it must decline and takes the next", () => {
    const result = acceptHandshake(
      request("permessage-deflate; server_max_window_bits=8, permessage-deflate; server_max_window_bits=10"),
      { extensions: [permessageDeflate()] },
    );
    expect(result.ok && responseText(result)).toContain(
      "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10\r\n",
    );
  });

  it("the server declines every malformed offer: no extension, handshake still succeeds", () => {
    const result = acceptHandshake(
      request("permessage-deflate; foo, permessage-deflate; server_max_window_bits"),
      {
        extensions: [permessageDeflate()],
      },
    );
    expect(result.ok).toBe(true);
    expect(result.ok && result.extensions).toEqual([]);
    expect(result.ok && responseText(result)).not.toContain("Sec-WebSocket-Extensions");
  });

  it("the client offers, verifies the response, and fails on parameters it must refuse", () => {
    const client = createClientHandshake({ url: "ws://example.com/", extensions: [permessageDeflate()] });
    expect(new TextDecoder().decode(client.request)).toContain(
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n",
    );
    const server = acceptHandshake(parseRequestHead(client.request)!.head, {
      extensions: [permessageDeflate({ clientMaxWindowBits: 10 })],
    });
    expect(server.ok).toBe(true);
    if (!server.ok) return;
    const verdict = client.verify(parseResponseHeadText(server.response));
    expect(verdict.ok && verdict.extensions.map((e) => e.name)).toEqual(["permessage-deflate"]);

    const strict = createClientHandshake({
      url: "ws://example.com/",
      extensions: [permessageDeflate({ clientMaxWindowBits: false })],
    });
    const bad = acceptHandshake(parseRequestHead(strict.request)!.head, {
      extensions: [permessageDeflate()],
    });
    if (!bad.ok) throw new Error("server refused");
    const forged = new TextDecoder()
      .decode(bad.response)
      .replace(
        "\r\n\r\n",
        "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n\r\n",
      );
    const refused = strict.verify(parseResponseHeadText(new TextEncoder().encode(forged)));
    expect(refused).toMatchObject({ ok: false, code: "HS_UNEXPECTED_EXTENSION" });
  });
});

import { parseResponseHead } from "@proto/ws-handshake";

function parseResponseHeadText(bytes: Uint8Array) {
  return parseResponseHead(bytes)!.head;
}
