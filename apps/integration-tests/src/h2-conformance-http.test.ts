/** HTTP/2 conformance of @proto/h2-session: RFC 9113 §8 HTTP semantics (messages, fields, server push) (see h2-conformance.test.ts for the layout). */
import { describe, expect, it } from "vitest";
import {
  bytes,
  type Case,
  ErrorCode as E,
  type Fields,
  GET,
  OK,
  POST,
  type RawPeer,
  runCase,
  S,
  T,
} from "./h2-raw-peer";

const _hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));
const headersEvent = (p: RawPeer, streamId: number) =>
  p.events.find((e) => e.type === "headers" && e.streamId === streamId);
/** A request that must be refused as malformed: stream error PROTOCOL_ERROR on stream 1 (§8.1.1). */
const malformed = (title: string, fields: Fields, section = "RFC 9113 §8.2"): Case => ({
  section,
  title: `${title} → stream error PROTOCOL_ERROR`,
  run: (p) => p.send(p.headers(1, fields)),
  expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
});
const without = (name: string) => GET.filter(([n]) => n !== name);
const pushPromise = (p: RawPeer, streamId: number, promisedStreamId: number, fields: Fields) =>
  p.frame({
    type: T.PUSH,
    streamId,
    promisedStreamId,
    headerBlock: p.encoder.encode(fields),
    endHeaders: true,
  });
/** Client session: the application's GET on stream 1. */
const clientGet = (p: RawPeer) => {
  p.session.request(GET, { endStream: true });
};

const messages: Case[] = [
  {
    section: "RFC 9113 §8.1",
    title: "GET: the application's response goes out as HEADERS with END_STREAM",
    run: (p) => {
      p.send(p.headers(1, GET));
      p.session.respond(1, [...OK, ["content-type", "text/plain"]], { endStream: true });
    },
    expect: {
      check: (p) =>
        expect(p.blocks).toEqual([
          { type: "headers", streamId: 1, endStream: true, fields: [...OK, ["content-type", "text/plain"]] },
        ]),
    },
  },
  {
    section: "RFC 9113 §8.1",
    title: "POST with a body and trailers: headers, data, trailers, streamEnd",
    run: (p) =>
      p.send(
        p.headers(1, [...POST, ["content-length", "5"]], { endStream: false }),
        p.data(1, bytes(1, 2, 3, 4, 5)),
        p.headers(1, [["x-sum", "15"]]),
      ),
    expect: {
      check: (p) =>
        expect(p.events).toEqual([
          { type: "headers", streamId: 1, headers: [...POST, ["content-length", "5"]], endStream: false },
          { type: "data", streamId: 1, data: bytes(1, 2, 3, 4, 5), endStream: false },
          { type: "trailers", streamId: 1, headers: [["x-sum", "15"]] },
          { type: "streamEnd", streamId: 1 },
        ]),
    },
  },
  {
    section: "RFC 9113 §8.1",
    title: "a trailer section without END_STREAM → stream error PROTOCOL_ERROR",
    setup: (p) => p.send(p.headers(1, POST, { endStream: false }), p.data(1, 3)),
    run: (p) => p.send(p.headers(1, [["x-sum", "15"]], { endStream: false })),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1",
    title: "a pseudo-header in trailers → stream error PROTOCOL_ERROR",
    setup: (p) => p.send(p.headers(1, POST, { endStream: false })),
    run: (p) => p.send(p.headers(1, [[":status", "200"]])),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1.1",
    title: "content-length: 5 with 3 octets of DATA → stream error PROTOCOL_ERROR",
    run: (p) =>
      p.send(p.headers(1, [...POST, ["content-length", "5"]], { endStream: false }), p.data(1, 3, true)),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1.1",
    title: "content-length: 5 with 3 + 3 octets of DATA → stream error PROTOCOL_ERROR",
    run: (p) =>
      p.send(
        p.headers(1, [...POST, ["content-length", "5"]], { endStream: false }),
        p.data(1, 3),
        p.data(1, 3, true),
      ),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1.1",
    title: "content-length: 1 on HEADERS with END_STREAM → stream error PROTOCOL_ERROR",
    run: (p) => p.send(p.headers(1, [...POST, ["content-length", "1"]])),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1.1",
    title: "client session: DATA before the response HEADERS → stream error PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(p.data(1, 4, true)),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1",
    title: "client session: a 1xx response with END_STREAM → stream error PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(p.headers(1, [[":status", "103"]])),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.1",
    title: "client session: 103 then 200: an interim and a final response",
    role: "client",
    setup: clientGet,
    run: (p) =>
      p.send(
        p.headers(
          1,
          [
            [":status", "103"],
            ["link", "</a>"],
          ],
          { endStream: false },
        ),
        p.headers(1, OK),
      ),
    expect: {
      check: (p) =>
        expect(p.events.map((e) => [e.type, "headers" in e ? e.headers[0]![1] : ""])).toEqual([
          ["headers", "103"],
          ["headers", "200"],
          ["streamEnd", ""],
        ]),
    },
  },
  {
    section: "RFC 9113 §8.3.2",
    title: "client session: a response without :status → stream error PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(p.headers(1, [["content-type", "text/plain"]])),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §8.6",
    title: "client session: 101 Switching Protocols → stream error PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(p.headers(1, [[":status", "101"]])),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
];

const fields: Case[] = [
  malformed("an uppercase field name", [...GET, ["X-Upper", "1"]]),
  malformed("a field name with a space", [...GET, ["x bad", "1"]]),
  malformed("a field value with CR LF", [...GET, ["x-bad", "a\r\nb"]]),
  malformed("a field value with NUL", [...GET, ["x-bad", "a\0b"]]),
  malformed("a field value with leading whitespace", [...GET, ["x-bad", " a"]]),
  ...["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"].map((name) =>
    malformed(`the connection-specific field ${name}`, [...GET, [name, "x"]], "RFC 9113 §8.2.2"),
  ),
  malformed("te: gzip (only trailers allowed)", [...GET, ["te", "gzip"]], "RFC 9113 §8.2.2"),
  {
    section: "RFC 9113 §8.2.2",
    title: "te: trailers is allowed",
    run: (p) => p.send(p.headers(1, [...GET, ["te", "trailers"]])),
    expect: { check: (p) => expect(headersEvent(p, 1)).toBeDefined() },
  },
  malformed(
    "a pseudo-header after a regular field",
    [...without(":path"), ["x-a", "1"], [":path", "/"]],
    "RFC 9113 §8.3",
  ),
  malformed(
    "an unknown pseudo-header :foo",
    [...GET.slice(0, 2), [":foo", "bar"], ...GET.slice(2)],
    "RFC 9113 §8.3",
  ),
  malformed("the response pseudo-header :status in a request", [[":status", "200"], ...GET], "RFC 9113 §8.3"),
  malformed("a duplicated :method", [[":method", "GET"], ...GET], "RFC 9113 §8.3.1"),
  malformed("a duplicated :scheme", [[":scheme", "https"], ...GET], "RFC 9113 §8.3.1"),
  malformed("a duplicated :path", [[":path", "/x"], ...GET], "RFC 9113 §8.3.1"),
  malformed("no :method", without(":method"), "RFC 9113 §8.3.1"),
  malformed("no :scheme", without(":scheme"), "RFC 9113 §8.3.1"),
  malformed("no :path", without(":path"), "RFC 9113 §8.3.1"),
  malformed("an empty :path", [...without(":path"), [":path", ""]], "RFC 9113 §8.3.1"),
  malformed(
    "CONNECT with :path",
    [
      [":method", "CONNECT"],
      [":authority", "a:443"],
      [":path", "/"],
    ],
    "RFC 9113 §8.5",
  ),
  malformed(
    ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL",
    [[":method", "CONNECT"], [":protocol", "websocket"], ...without(":method")],
    "RFC 8441 §4",
  ),
  {
    section: "RFC 9113 §8.5",
    title: "CONNECT with only :method and :authority is accepted",
    run: (p) =>
      p.send(
        p.headers(
          1,
          [
            [":method", "CONNECT"],
            [":authority", "example.com:443"],
          ],
          { endStream: false },
        ),
      ),
    expect: { check: (p) => expect(headersEvent(p, 1)).toMatchObject({ endStream: false }) },
  },
];

const push: Case[] = [
  {
    section: "RFC 9113 §8.4",
    title: "server session: a client's PUSH_PROMISE → PROTOCOL_ERROR",
    setup: (p) => p.send(p.headers(1, GET)),
    run: (p) => p.send(pushPromise(p, 1, 2, GET)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §8.4, §6.6",
    title: "client session with SETTINGS_ENABLE_PUSH = 0: PUSH_PROMISE → PROTOCOL_ERROR",
    role: "client",
    options: { settings: { enablePush: false } },
    setup: clientGet,
    run: (p) => p.send(pushPromise(p, 1, 2, [...without(":path"), [":path", "/style.css"]])),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §8.4",
    title: "client session: PUSH_PROMISE, then the pushed response on the promised stream",
    role: "client",
    setup: clientGet,
    run: (p) =>
      p.send(pushPromise(p, 1, 2, [...without(":path"), [":path", "/style.css"]]), p.headers(2, OK)),
    expect: {
      check: (p) =>
        expect(p.events).toEqual([
          {
            type: "push",
            streamId: 1,
            promisedStreamId: 2,
            headers: [...without(":path"), [":path", "/style.css"]],
          },
          { type: "headers", streamId: 2, headers: OK, endStream: true },
          { type: "streamEnd", streamId: 2 },
        ]),
    },
  },
  {
    section: "RFC 9113 §5.1.1, §6.6",
    title: "client session: PUSH_PROMISE promising an odd stream → PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(pushPromise(p, 1, 3, GET)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §6.6",
    title: "client session: PUSH_PROMISE on a stream the client never opened → PROTOCOL_ERROR",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(pushPromise(p, 5, 2, GET)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §8.4",
    title: "client session: a pushed POST (not safe) → stream error PROTOCOL_ERROR on the promised stream",
    role: "client",
    setup: clientGet,
    run: (p) => p.send(pushPromise(p, 1, 2, POST)),
    expect: { rst: E.PROTOCOL_ERROR, stream: 2 },
  },
  {
    section: "RFC 9113 §8.4",
    title: "server session: push() sends PUSH_PROMISE, then the pushed response",
    setup: (p) => p.send(p.headers(1, GET)),
    run: (p) => {
      const id = p.session.push(1, [...without(":path"), [":path", "/app.js"]]);
      p.session.respond(id, OK, { endStream: true });
      p.session.respond(1, OK, { endStream: true });
    },
    expect: {
      check: (p) =>
        expect(p.blocks).toEqual([
          {
            type: "push",
            streamId: 1,
            promisedStreamId: 2,
            endStream: false,
            fields: [...without(":path"), [":path", "/app.js"]],
          },
          { type: "headers", streamId: 2, endStream: true, fields: OK },
          { type: "headers", streamId: 1, endStream: true, fields: OK },
        ]),
    },
  },
  {
    section: "RFC 9113 §8.4",
    title: "server session: push() is refused when the client sent SETTINGS_ENABLE_PUSH = 0",
    settings: [[S.PUSH, 0]],
    setup: (p) => p.send(p.headers(1, GET)),
    run: (p) => expect(() => p.session.push(1, GET)).toThrow(/push/),
    expect: { check: (p) => expect(p.frames).toEqual([]) },
  },
];

describe.each([
  { name: "§8.1 HTTP messages", cases: messages },
  { name: "§8.2-§8.5 fields", cases: fields },
  { name: "§8.4 server push", cases: push },
])("RFC 9113 $name", ({ cases }) => {
  it.each(cases)("$section $title", (c) => {
    runCase(c);
  });
});
