/**
 * Autobahn 4.x "Opcodes" — RFC 6455 §5.2: "%x3-7 are reserved for further non-control frames ... %xB-F
 * are reserved for further control frames"; "If an unknown opcode is received, the receiving endpoint
 * MUST _Fail the WebSocket Connection_."
 */
import { describe, expect, it } from "vitest";
import { FrameDecoder, Opcode, WsFrameError } from "../../src/index";
import {
  concat,
  expectFailed,
  feedBy,
  pattern,
  pingFrame,
  pongs,
  rawFrame,
  SPLITS,
  server,
  textFrame,
  toHex,
} from "./helpers";

const NON_CONTROL = [3, 4, 5, 6, 7];
const CONTROL = [0xb, 0xc, 0xd, 0xe, 0xf];

describe.each([
  ["4.1 reserved non-control opcodes", NON_CONTROL],
  ["4.2 reserved control opcodes", CONTROL],
])("%s", (_name, opcodes) => {
  describe.each(opcodes)("opcode %i", (opcode) => {
    it("x.1 an empty frame fails with 1002", () => {
      const s = server();
      expectFailed(s, s.receive(rawFrame({ opcode })), 1002);
    });

    it("x.2 a frame with a payload fails with 1002", () => {
      const s = server();
      expectFailed(s, s.receive(rawFrame({ opcode, payload: "reserved opcode payload" })), 1002);
    });

    it.each(SPLITS)(
      "x.3-x.5 text, reserved frame, ping (%s): text delivered, ping never answered",
      (_s, size) => {
        const s = server();
        const wire = concat(
          textFrame("Hello, world!"),
          rawFrame({ opcode, payload: "x" }),
          pingFrame("ping"),
        );
        const events = feedBy(s, wire, size);
        expect(events[0]).toEqual({ type: "text", data: "Hello, world!" });
        expect(events).toHaveLength(2);
        expect(pongs(expectFailed(s, events, 1002))).toEqual([]);
      },
    );

    it("fails once the header is in, before the payload", () => {
      const s = server();
      const wire = rawFrame({ opcode, payload: pattern(100) });
      // 2 header bytes + 4 key bytes; 100 payload bytes still to come.
      expectFailed(s, s.receive(wire.subarray(0, 6)), 1002);
    });

    it("the reserved opcode with FIN clear fails the same way", () => {
      const s = server();
      expectFailed(s, s.receive(rawFrame({ opcode, payload: "frag", fin: false })), 1002);
    });

    it("inside a fragmented text message it fails and the message is not delivered", () => {
      const s = server();
      const events = s.receive(
        concat(
          rawFrame({ opcode: Opcode.TEXT, payload: "frag", fin: false }),
          rawFrame({ opcode, payload: "x" }),
          rawFrame({ opcode: Opcode.CONTINUATION, payload: "ment" }),
        ),
      );
      expect(events.filter((e) => e.type === "text")).toEqual([]);
      expectFailed(s, events, 1002);
    });
  });
});

describe("FrameDecoder refuses reserved opcodes itself", () => {
  it.each([...NON_CONTROL, ...CONTROL])(
    "opcode %i → WsFrameError WS_INVALID_OPCODE, wire code 1002",
    (opcode) => {
      const decoder = new FrameDecoder({ role: "server" });
      let error: unknown;
      try {
        decoder.push(rawFrame({ opcode, payload: "x" }));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WsFrameError);
      expect((error as WsFrameError).code).toBe("WS_INVALID_OPCODE");
      expect((error as WsFrameError).wireCode).toBe(1002);
    },
  );

  it.each([1, 2, 8, 9, 10])("known opcode %i decodes", (opcode) => {
    const decoder = new FrameDecoder({ role: "server" });
    const payload = opcode === 8 ? Uint8Array.of(0x03, 0xe8) : Uint8Array.of(0x61, 0x62);
    const frames = decoder.push(rawFrame({ opcode, payload }));
    expect(frames.map((f) => [f.opcode, f.fin, f.masked])).toEqual([[opcode, true, true]]);
    expect(toHex(frames[0]!.payload)).toBe(toHex(payload));
  });
});
