import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HandshakeError } from "./errors";
import { getHeader, getHeaders, parseRequestHead, parseResponseHead } from "./http-head";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const REQUEST =
  "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\n" +
  "Sec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\n";

function codeOf(fn: () => unknown): [string, number | undefined] | "ok" {
  try {
    fn();
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(HandshakeError);
    return [(e as HandshakeError).code, (e as HandshakeError).status];
  }
}

describe("parseRequestHead", () => {
  it("parses the RFC 6455 §1.2 request, headers in order and case as received", () => {
    const input = bytes(`${REQUEST}\x81\x05Hello`);
    const parsed = parseRequestHead(input)!;
    expect(parsed.bytesConsumed).toBe(REQUEST.length);
    expect(parsed.head).toMatchObject({ method: "GET", target: "/chat", version: "1.1" });
    expect(parsed.head.headers[0]).toEqual(["Host", "server.example.com"]);
    expect(getHeader(parsed.head.headers, "sec-websocket-key")).toBe("dGhlIHNhbXBsZSBub25jZQ==");
  });

  it("returns null until the head is complete, at every prefix", () => {
    for (let i = 0; i < REQUEST.length; i++) expect(parseRequestHead(bytes(REQUEST.slice(0, i)))).toBeNull();
    expect(parseRequestHead(bytes(REQUEST))).not.toBeNull();
  });

  it("keeps duplicates and trims optional whitespace", () => {
    const { head } = parseRequestHead(bytes("GET / HTTP/1.1\r\nA:  1 \r\na:2\r\nEmpty:\r\n\r\n"))!;
    expect(getHeaders(head.headers, "A")).toEqual(["1", "2"]);
    expect(getHeader(head.headers, "empty")).toBe("");
  });

  it.each([
    ["a bare LF", "GET / HTTP/1.1\nHost: x\r\n\r\n", "HS_BAD_LINE_ENDING", 400],
    ["a bare CR", "GET / HTTP/1.1\rHost: x\r\n\r\n", "HS_BAD_LINE_ENDING", 400],
    ["obs-fold", "GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", "HS_OBSOLETE_LINE_FOLDING", 400],
    ["space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", "HS_BAD_HEADER", 400],
    ["no colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", "HS_BAD_HEADER", 400],
    ["NUL in a value", "GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n", "HS_BAD_HEADER", 400],
    ["two spaces in the request line", "GET  / HTTP/1.1\r\n\r\n", "HS_BAD_REQUEST_LINE", 400],
    ["no version", "GET /\r\n\r\n", "HS_BAD_REQUEST_LINE", 400],
    ["a bad version", "GET / HTTP/11\r\n\r\n", "HS_BAD_REQUEST_LINE", 400],
    ["trailing text after the version", "GET / HTTP/1.1 x\r\n\r\n", "HS_BAD_REQUEST_LINE", 400],
    ["a non-token method", "G(T / HTTP/1.1\r\n\r\n", "HS_BAD_REQUEST_LINE", 400],
  ])("rejects %s with %s (%i)", (_name, text, code, status) => {
    expect(codeOf(() => parseRequestHead(bytes(text)))).toEqual([code, status]);
  });

  it("fails with 431 past maxHeadSize, complete or not, and past maxHeaders", () => {
    const endless = bytes(`GET / HTTP/1.1\r\nX: ${"a".repeat(20_000)}`);
    expect(codeOf(() => parseRequestHead(endless))).toEqual(["HS_HEAD_TOO_LARGE", 431]);
    expect(codeOf(() => parseRequestHead(bytes(REQUEST), { maxHeadSize: 100 }))).toEqual([
      "HS_HEAD_TOO_LARGE",
      431,
    ]);
    const many = `GET / HTTP/1.1\r\n${"X: 1\r\n".repeat(101)}\r\n`;
    expect(codeOf(() => parseRequestHead(bytes(many)))).toEqual(["HS_TOO_MANY_HEADERS", 431]);
    expect(parseRequestHead(bytes(many), { maxHeaders: 200 })).not.toBeNull();
  });

  it("turns arbitrary bytes into a head, null, or a HandshakeError — never anything else", () => {
    const nearHttp = fc
      .array(
        fc.constantFrom(
          "GET ",
          "/",
          " HTTP/1.1",
          "\r\n",
          "\r",
          "\n",
          ": ",
          "Host",
          " ",
          "\t",
          "a",
          "\x00",
          "\xff",
        ),
        { maxLength: 40 },
      )
      .map((parts) => bytes(parts.join("")));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), nearHttp), (input) => {
        for (const parse of [parseRequestHead, parseResponseHead]) {
          try {
            const result = parse(input, { maxHeadSize: 200 });
            if (result) expect(result.bytesConsumed).toBeLessThanOrEqual(input.length);
          } catch (e) {
            if (!(e instanceof HandshakeError)) throw e;
          }
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("parses megabyte heads of the shapes that made regex parsers quadratic, in one pass", () => {
    // CVE-2021-32640 style: long runs of whitespace and separators. A quadratic scan of 2 MB would take
    // hours (the test would time out); a linear one takes milliseconds. No timing threshold is asserted.
    const n = 1 << 20;
    const limits = { maxHeadSize: 4 * n, maxHeaders: 10 };
    const spaces = bytes(
      `GET / HTTP/1.1\r\nSec-WebSocket-Protocol: a${" ".repeat(n)}b\r\nX: ${",".repeat(n)}\r\n\r\n`,
    );
    expect(parseRequestHead(spaces, limits)!.head.headers).toHaveLength(2);
    expect(parseRequestHead(spaces.subarray(0, spaces.length - 1), limits)).toBeNull();
  });
});

describe("parseResponseHead", () => {
  it("parses a 101 with leftover WebSocket bytes after the head", () => {
    const text =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
    const parsed = parseResponseHead(bytes(`${text}\x81\x00`))!;
    expect(parsed.bytesConsumed).toBe(text.length);
    expect(parsed.head).toMatchObject({ version: "1.1", status: 101, reason: "Switching Protocols" });
  });

  it("accepts an empty reason with or without its space, and rejects broken status lines", () => {
    expect(parseResponseHead(bytes("HTTP/1.1 200\r\n\r\n"))!.head.reason).toBe("");
    expect(parseResponseHead(bytes("HTTP/1.1 200 \r\n\r\n"))!.head.reason).toBe("");
    for (const bad of [
      "HTTP/1.1 20\r\n\r\n",
      "HTTP/1.1 2000\r\n\r\n",
      "HTTP/1.1  200\r\n\r\n",
      "HTTX/1.1 200 OK\r\n\r\n",
    ]) {
      expect(codeOf(() => parseResponseHead(bytes(bad)))).toEqual(["HS_BAD_STATUS_LINE", undefined]);
    }
  });
});
