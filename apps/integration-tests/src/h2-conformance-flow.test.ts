/** HTTP/2 conformance of @proto/h2-session: RFC 9113 §6.9 flow control and §6.10 CONTINUATION (see h2-conformance.test.ts for the layout). */
import { describe, expect, it } from "vitest";
import {
  answer,
  bytes,
  type Case,
  dataSizes,
  ErrorCode as E,
  Flags,
  GET,
  MAX_WINDOW,
  openPost,
  POST,
  type RawPeer,
  rawFrame,
  runCase,
  S,
  T,
} from "./h2-raw-peer";

const flow: Case[] = [
  {
    section: "RFC 9113 §6.9",
    title: "WINDOW_UPDATE of 0 on a stream → stream error PROTOCOL_ERROR",
    setup: openPost,
    run: (p) => p.send(rawFrame(T.WU, 0, 1, bytes(0, 0, 0, 0))),
    expect: { rst: E.PROTOCOL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §6.9",
    title: "WINDOW_UPDATE of 0 on the connection → PROTOCOL_ERROR",
    run: (p) => p.send(rawFrame(T.WU, 0, 0, bytes(0, 0, 0, 0))),
    expect: { goaway: E.PROTOCOL_ERROR },
  },
  {
    section: "RFC 9113 §6.9",
    title: "WINDOW_UPDATE of 3 octets → FRAME_SIZE_ERROR",
    setup: openPost,
    run: (p) => p.send(rawFrame(T.WU, 0, 1, bytes(0, 0, 1))),
    expect: { goaway: E.FRAME_SIZE_ERROR },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "WINDOW_UPDATEs pushing the connection window past 2^31-1 → FLOW_CONTROL_ERROR",
    run: (p) => p.send(p.windowUpdate(0, MAX_WINDOW - 65_535), p.windowUpdate(0, 1)),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "WINDOW_UPDATEs pushing a stream window past 2^31-1 → stream error FLOW_CONTROL_ERROR",
    setup: openPost,
    run: (p) => p.send(p.windowUpdate(1, MAX_WINDOW - 65_535), p.windowUpdate(1, 1)),
    expect: { rst: E.FLOW_CONTROL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "DATA beyond the stream window (4 × 16384 > 65535) → stream error FLOW_CONTROL_ERROR",
    setup: openPost,
    run: (p) => p.send(p.data(1, 16_384), p.data(1, 16_384), p.data(1, 16_384), p.data(1, 16_384)),
    expect: { rst: E.FLOW_CONTROL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "padding counts against the window (49152 + 16128 data + 256 padding > 65535)",
    setup: openPost,
    run: (p) =>
      p.send(p.data(1, 16_384), p.data(1, 16_384), p.data(1, 16_384), p.data(1, 16_128, false, 255)),
    expect: { rst: E.FLOW_CONTROL_ERROR, stream: 1 },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "DATA beyond the connection window → FLOW_CONTROL_ERROR",
    options: { settings: { initialWindowSize: 1 << 20 }, limits: { connectionWindowSize: 65_535 } },
    setup: openPost,
    run: (p) => p.send(...Array.from({ length: 5 }, () => p.data(1, 16_384))),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "SETTINGS_INITIAL_WINDOW_SIZE = 1: the response body goes out 1 octet at a time",
    settings: [[S.WINDOW, 1]],
    run: answer(5),
    expect: { check: (p) => expect(dataSizes(p)).toEqual([1]) },
  },
  {
    section: "RFC 9113 §6.9.1",
    title: "the connection window bounds DATA across streams until WINDOW_UPDATE on stream 0",
    settings: [[S.WINDOW, 1 << 20]],
    run: (p) => {
      answer(100_000)(p);
      p.read();
      expect(dataSizes(p).reduce((a, b) => a + b, 0)).toBe(65_535);
      p.send(p.windowUpdate(0, 34_465));
    },
    expect: {
      check: (p) => {
        expect(dataSizes(p).reduce((a, b) => a + b, 0)).toBe(100_000);
        expect(p.ofType(T.DATA).at(-1)!.endStream).toBe(true);
      },
    },
  },
  {
    section: "RFC 9113 §6.9.2",
    title: "a new SETTINGS_INITIAL_WINDOW_SIZE applies to open streams: queued DATA goes out",
    settings: [[S.WINDOW, 0]],
    run: (p) => {
      answer(100)(p);
      p.read();
      expect(dataSizes(p)).toEqual([]);
      p.send(p.settings([[S.WINDOW, 60]]));
      expect(dataSizes(p)).toEqual([60]);
      p.send(p.settings([[S.WINDOW, 100]]));
    },
    expect: { check: (p) => expect(dataSizes(p)).toEqual([60, 40]) },
  },
  {
    section: "RFC 9113 §6.9.2",
    title:
      "a smaller SETTINGS_INITIAL_WINDOW_SIZE can make a window negative (no error; WINDOW_UPDATE refills it)",
    settings: [[S.WINDOW, 3]],
    run: (p) => {
      answer(10)(p);
      p.read();
      p.send(p.settings([[S.WINDOW, 2]]));
      expect(dataSizes(p)).toEqual([3]); // window 3 - 3 - 1 = -1
      p.send(p.windowUpdate(1, 2));
    },
    expect: {
      check: (p) => {
        expect(p.goaway()).toBeUndefined();
        expect(dataSizes(p)).toEqual([3, 1]);
      },
    },
  },
  {
    section: "RFC 9113 §6.9.2",
    title: "a SETTINGS_INITIAL_WINDOW_SIZE change pushing a stream window past 2^31-1 → FLOW_CONTROL_ERROR",
    setup: (p) => p.send(p.headers(1, POST, { endStream: false }), p.windowUpdate(1, MAX_WINDOW - 65_535)),
    run: (p) => p.send(p.settings([[S.WINDOW, 65_536]])),
    expect: { goaway: E.FLOW_CONTROL_ERROR },
  },
];

/** Four streams each discarding 16,000 octets of DATA in `how`; the WINDOW_UPDATEs on stream 0 that follow. */
const discard = (how: (p: RawPeer, id: number) => void) => (p: RawPeer) => {
  for (let i = 0; i < 4; i++) {
    how(p, 2 * i + 1);
    p.send(p.data(2 * i + 1, 16_000));
  }
};
const connectionCredit = (p: RawPeer) =>
  p
    .ofType(T.WU)
    .filter((f) => f.streamId === 0)
    .reduce((n, f) => n + f.windowSizeIncrement, 0);
const discarding: Partial<Case> = {
  options: { limits: { connectionWindowSize: 65_535 }, settings: { initialWindowSize: 1 << 20 } },
};

flow.push(
  {
    section: "RFC 9113 §6.9, §5.1",
    title: "DATA discarded after our RST_STREAM still returns its connection-window credit",
    ...discarding,
    run: discard((p, id) => {
      p.send(p.headers(id, POST, { endStream: false }));
      p.session.resetStream(id);
    }),
    expect: { check: (p) => expect(connectionCredit(p)).toBeGreaterThanOrEqual(32_768) },
  },
  // BUG: onData (receive.ts) takes the frame from the connection window, then checkLength / the
  // content-length check throws a stream error without core.credit(undefined, size): the octets are
  // neither delivered (no data event to consumed()) nor credited back, so the connection window shrinks for
  // good and a client honouring it stalls after ~64 KB of such streams. Expected (§6.9: frames in error are
  // still counted by both sides, so the receiver must give the credit back, as the session does on every
  // other discard path): WINDOW_UPDATE on stream 0 for the discarded octets.
  {
    section: "RFC 9113 §6.9, §8.1.1",
    title: "DATA discarded for a content-length mismatch returns its connection-window credit",
    ...discarding,
    run: discard((p, id) => p.send(p.headers(id, [...POST, ["content-length", "1"]], { endStream: false }))),
    expect: {
      check: (p) => {
        expect(p.resets().map((f) => f.errorCode)).toEqual([1, 1, 1, 1]);
        expect(connectionCredit(p)).toBeGreaterThanOrEqual(32_768);
      },
    },
  },
);

const continuation: Case[] = [
  {
    section: "RFC 9113 §6.10",
    title: "HEADERS + many CONTINUATION frames (one octet each)",
    run: (p) => {
      const block = p.encoder.encode(GET);
      p.send(
        p.headersRaw(1, block.subarray(0, 1), { endHeaders: false }),
        ...[...block.subarray(1)].map((b, i, all) => p.continuation(1, bytes(b), i === all.length - 1)),
      );
    },
    expect: {
      check: (p) =>
        expect(p.events[0]).toEqual({ type: "headers", streamId: 1, headers: GET, endStream: true }),
    },
  },
  ...(
    [
      ["as the first frame after SETTINGS", (p) => [p.continuation(1, p.encoder.encode(GET))]],
      ["after HEADERS with END_HEADERS", (p) => [p.headers(1, GET), p.continuation(1, bytes(0x82))]],
      [
        "after CONTINUATION with END_HEADERS",
        (p) => {
          const b = p.encoder.encode(GET);
          return [
            p.headersRaw(1, b.subarray(0, 1), { endHeaders: false }),
            p.continuation(1, b.subarray(1)),
            p.continuation(1, bytes(0x82)),
          ];
        },
      ],
      [
        "after DATA",
        (p) => [p.headers(1, POST, { endStream: false }), p.data(1, 1), p.continuation(1, bytes(0x82))],
      ],
      [
        "on another stream than the HEADERS",
        (p) => [p.headersRaw(1, bytes(0x82), { endHeaders: false }), p.continuation(3, bytes(0x86))],
      ],
      [
        "on stream 0",
        (p) => [
          p.headersRaw(1, bytes(0x82), { endHeaders: false }),
          rawFrame(T.CONT, Flags.END_HEADERS, 0, bytes(0x86)),
        ],
      ],
      ["interrupted by DATA", (p) => [p.headersRaw(1, bytes(0x82), { endHeaders: false }), p.data(1, 1)]],
    ] as Array<[string, (p: RawPeer) => Uint8Array[]]>
  ).map(
    ([when, frames]): Case => ({
      section: "RFC 9113 §6.10",
      title: `CONTINUATION ${when} → PROTOCOL_ERROR`,
      run: (p) => p.send(...frames(p)),
      expect: { goaway: E.PROTOCOL_ERROR },
    }),
  ),
];

describe.each([
  { name: "§6.9 WINDOW_UPDATE and flow control", cases: flow },
  { name: "§6.10 CONTINUATION", cases: continuation },
])("RFC 9113 $name", ({ cases }) => {
  it.each(cases)("$section $title", (c) => {
    runCase(c);
  });
});
