/** HTTP/2 conformance of @proto/h2-session: RFC 9113 §5 streams and §7 error codes (see h2-conformance.test.ts for the layout). */
import { describe, expect, it } from "vitest";
import {
  bytes,
  type Case,
  closedByEndStream,
  closedByOurReset,
  ErrorCode as E,
  GET,
  halfClosed,
  OK,
  openPost,
  type RawPeer,
  rawFrame,
  runCase,
  T,
} from "./h2-raw-peer";

const streams: Case[] = [
  ...(
    [
      ["DATA", (p) => p.data(1, 1)],
      ["RST_STREAM", (p) => p.rst(1)],
      ["WINDOW_UPDATE", (p) => p.windowUpdate(1, 1)],
      ["CONTINUATION", (p) => p.continuation(1, p.encoder.encode(GET))],
    ] as Array<[string, (p: RawPeer) => Uint8Array]>
  ).map(
    ([what, frame]): Case => ({
      section: "RFC 9113 §5.1",
      title: `idle: ${what} → PROTOCOL_ERROR`,
      run: (p) => p.send(frame(p)),
      expect: { goaway: E.PROTOCOL_ERROR },
    }),
  ),
  {
    section: "RFC 9113 §5.1",
    title: "idle: PRIORITY is allowed",
    run: (p) => p.send(p.priority(7, 0)),
    expect: { ignored: true },
  },
  {
    section: "RFC 9113 §5.1",
    title: "idle, after PRIORITY opened nothing: the stream can still be opened",
    run: (p) => p.send(p.priority(3, 0), p.headers(3, GET)),
    expect: { check: (p) => expect(p.events[0]).toMatchObject({ type: "headers", streamId: 3 }) },
  },
  {
    section: "RFC 9113 §5.1",
    title: "half-closed (remote): DATA → stream error STREAM_CLOSED",
    setup: halfClosed,
    run: (p) => p.send(p.data(1, 4)),
    expect: { rst: E.STREAM_CLOSED, stream: 1 },
  },
  {
    section: "RFC 9113 §5.1",
    title: "half-closed (remote): HEADERS → stream error STREAM_CLOSED",
    setup: halfClosed,
    run: (p) => p.send(p.headers(1, [["x-trailer", "1"]])),
    expect: { rst: E.STREAM_CLOSED, stream: 1 },
  },
  {
    section: "RFC 9113 §5.1",
    title: "half-closed (remote): HEADERS + CONTINUATION → stream error STREAM_CLOSED",
    setup: halfClosed,
    run: (p) => {
      const block = p.encoder.encode([["x-trailer", "1"]]);
      p.send(
        p.headersRaw(1, block.subarray(0, 1), { endHeaders: false }),
        p.continuation(1, block.subarray(1)),
      );
    },
    expect: { rst: E.STREAM_CLOSED, stream: 1 },
  },
  {
    section: "RFC 9113 §5.1",
    title: "half-closed (remote): WINDOW_UPDATE, PRIORITY are allowed",
    setup: halfClosed,
    run: (p) => p.send(p.windowUpdate(1, 100), p.priority(1, 0)),
    expect: { ignored: true },
  },
  {
    section: "RFC 9113 §5.1",
    title: "half-closed (remote): RST_STREAM closes the stream (a streamReset event, no answer)",
    setup: halfClosed,
    run: (p) => p.send(p.rst(1, E.CANCEL)),
    expect: {
      check: (p) => {
        expect(p.events).toEqual([{ type: "streamReset", streamId: 1, errorCode: E.CANCEL }]);
        expect(p.frames).toEqual([]);
        expect(p.session.streamState(1)).toBe("closed");
      },
    },
  },
  {
    section: "RFC 9113 §5.1",
    title: "closed by END_STREAM both ways: DATA → STREAM_CLOSED",
    setup: closedByEndStream,
    run: (p) => p.send(p.data(1, 1)),
    expect: { goaway: E.STREAM_CLOSED },
  },
  {
    section: "RFC 9113 §5.1",
    title: "closed by END_STREAM both ways: HEADERS → STREAM_CLOSED",
    setup: closedByEndStream,
    run: (p) => p.send(p.headers(1, [["x-trailer", "1"]])),
    expect: { goaway: E.STREAM_CLOSED },
  },
  {
    section: "RFC 9113 §5.1",
    title: "closed by END_STREAM: late WINDOW_UPDATE, RST_STREAM and PRIORITY are ignored",
    setup: closedByEndStream,
    run: (p) => p.send(p.windowUpdate(1, 10), p.rst(1, E.CANCEL), p.priority(1, 0)),
    expect: { ignored: true },
  },
  {
    section: "RFC 9113 §5.1",
    title: "closed by our RST_STREAM: late DATA, HEADERS, WINDOW_UPDATE, RST_STREAM are ignored",
    setup: closedByOurReset,
    run: (p) =>
      p.send(
        p.data(1, 100),
        p.headers(1, [["x-trailer", "1"]]),
        p.windowUpdate(1, 5),
        p.rst(1, E.CANCEL),
        p.priority(1, 0),
      ),
    expect: { ignored: true },
  },
  {
    section: "RFC 9113 §5.1",
    title:
      "closed by the peer's RST_STREAM: late DATA is ignored or STREAM_CLOSED (RFC 9113: MAY; RFC 7540/h2spec: MUST)",
    setup: (p) => {
      openPost(p);
      p.send(p.rst(1, E.CANCEL));
    },
    run: (p) => p.send(p.data(1, 10)),
    expect: {
      check: (p) => {
        const goaway = p.goaway();
        if (goaway) expect(goaway.errorCode).toBe(E.STREAM_CLOSED);
        for (const r of p.resets()) expect(r).toMatchObject({ streamId: 1, errorCode: E.STREAM_CLOSED });
      },
    },
  },
  {
    section: "RFC 9113 §5.1.1",
    title: "a client opening an even-numbered stream → PROTOCOL_ERROR",
    run: (p) => p.send(p.headers(2, GET)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §5.1.1",
    title: "a stream identifier smaller than one already opened → PROTOCOL_ERROR",
    run: (p) => p.send(p.headers(5, GET), p.headers(3, GET)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §5.1.1",
    title: "client session: HEADERS on a stream the server never promised → PROTOCOL_ERROR",
    role: "client",
    run: (p) => p.send(p.headers(2, OK)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §5.1.1",
    title: "client session: a response on a stream it never opened → PROTOCOL_ERROR",
    role: "client",
    run: (p) => p.send(p.headers(1, OK)),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §5.1.2",
    title: "HEADERS beyond our SETTINGS_MAX_CONCURRENT_STREAMS → stream error REFUSED_STREAM",
    options: { settings: { maxConcurrentStreams: 2 } },
    setup: (p) => p.send(p.headers(1, GET), p.headers(3, GET)),
    run: (p) => p.send(p.headers(5, GET)),
    expect: { rst: E.REFUSED_STREAM, stream: 5 },
  },
  {
    section: "RFC 9113 §5.1.2",
    title: "a stream closed frees its slot under SETTINGS_MAX_CONCURRENT_STREAMS",
    options: { settings: { maxConcurrentStreams: 1 } },
    setup: (p) => {
      p.send(p.headers(1, GET));
      p.session.respond(1, OK, { endStream: true });
    },
    run: (p) => p.send(p.headers(3, GET)),
    expect: { check: (p) => expect(p.events[0]).toMatchObject({ type: "headers", streamId: 3 }) },
  },
  {
    section: "RFC 9113 §5.3.1",
    title: "HEADERS depending on its own stream → stream error PROTOCOL_ERROR",
    run: (p) =>
      p.send(
        p.frame({
          type: T.HEADERS,
          streamId: 1,
          headerBlock: p.encoder.encode(GET),
          endStream: true,
          endHeaders: true,
          priority: { streamDependency: 1, exclusive: false, weight: 16 },
        }),
      ),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §5.3.1",
    title: "PRIORITY depending on its own stream → stream error PROTOCOL_ERROR",
    setup: openPost,
    run: (p) => p.send(p.priority(1, 1)),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §5.4.1",
    title: "GOAWAY carries the last processed stream, the error code and debug data",
    setup: (p) => p.send(p.headers(1, GET), p.headers(3, GET)),
    run: (p) => p.send(rawFrame(T.PING, 0, 0, bytes(1, 2, 3, 4, 5, 6))),
    expect: {
      check: (p) => {
        const goaway = p.goaway()!;
        expect(goaway).toMatchObject({ streamId: 0, lastStreamId: 3, errorCode: E.FRAME_SIZE_ERROR });
        expect(goaway.debugData.length).toBeGreaterThan(0);
        expect(p.connectionError()).toMatchObject({ errorCode: E.FRAME_SIZE_ERROR, streamId: 0 });
        expect(p.session.closed).toBe(true);
        expect(p.session.receive(p.headers(5, GET))).toEqual([]);
      },
    },
  },
  {
    section: "RFC 9113 §5.5",
    title: "an unknown extension frame in the middle of a field block → PROTOCOL_ERROR",
    run: (p) => {
      const block = p.encoder.encode(GET);
      p.send(
        p.headersRaw(1, block.subarray(0, 1), { endHeaders: false }),
        rawFrame(0xfa, 0, 1),
        p.continuation(1, block.subarray(1)),
      );
    },
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §7",
    title: "RST_STREAM and GOAWAY with unknown error codes are accepted",
    setup: openPost,
    run: (p) =>
      p.send(
        p.rst(1, 0xdead),
        p.frame({ type: T.GOAWAY, streamId: 0, lastStreamId: 0, errorCode: 0xbeef, debugData: bytes() }),
      ),
    expect: {
      check: (p) => {
        expect(p.events).toMatchObject([
          { type: "streamReset", streamId: 1, errorCode: 0xdead },
          { type: "goaway", errorCode: 0xbeef },
        ]);
        expect(p.goaway()).toBeUndefined();
      },
    },
  },
];

describe.each([{ name: "§5 streams, §7 error codes", cases: streams }])("RFC 9113 $name", ({ cases }) => {
  it.each(cases)("$section $title", (c) => {
    runCase(c);
  });
});
