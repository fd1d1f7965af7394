/**
 * Autobahn 7.x "Close Handling" — RFC 6455 §5.5.1: "If an endpoint receives a Close frame and did not
 * previously send a Close frame, the endpoint MUST send a Close frame in response ... When sending a
 * Close frame in response, the endpoint typically echos the status code it received." "If there is a
 * body, the first two bytes of the body MUST be a 2-byte unsigned integer ... Following the 2-byte
 * integer, the body MAY contain UTF-8-encoded data". "After sending a Close frame, the endpoint MUST NOT
 * send any more data frames." §7.1.5: no status code → 1005. §7.4 / §11.7: which codes may be on the wire.
 */
import { describe, expect, it } from "vitest";
import { Opcode, WsFrameError } from "../../src/index";
import {
  bytes,
  closeCodeOf,
  closeFrame,
  closeReasonOf,
  concat,
  expectFailed,
  feedBy,
  fragmented,
  pattern,
  pingFrame,
  rawFrame,
  SPLITS,
  sent,
  server,
  textFrame,
  type WsEvent,
} from "./helpers";

const closes = (events: WsEvent[]) => events.filter((e) => e.type === "close");

/** The peer closed; we answered with one Close frame echoing `echo` (undefined = empty body). */
function expectEchoed(
  s: ReturnType<typeof server>,
  events: WsEvent[],
  code: number,
  reason: string,
  echo?: number,
) {
  expect(closes(events)).toEqual([{ type: "close", code, reason, wasClean: true }]);
  expect(events.at(-1)?.type).toBe("close");
  expect(s.state).toBe("closed");
  const out = sent(s);
  expect(out.map((f) => f.opcode)).toEqual([Opcode.CLOSE]);
  if (echo === undefined) expect(out[0]!.payload).toHaveLength(0);
  else expect(closeCodeOf(out[0]!)).toBe(echo);
  expect(s.receive(concat(textFrame("late"), pingFrame(), closeFrame(1000)))).toEqual([]);
  expect(s.dataToSend()).toHaveLength(0);
  return out[0]!;
}

describe("7.1 basic close behaviour", () => {
  it.each(SPLITS)("7.1.1 a message, then a normal close (%s)", (_split, size) => {
    const s = server();
    const events = feedBy(s, concat(textFrame("Hello World!"), closeFrame(1000)), size);
    expect(events[0]).toEqual({ type: "text", data: "Hello World!" });
    expectEchoed(s, events, 1000, "", 1000);
  });

  it("7.1.2-7.1.4 after a close, a second close, a ping and a text are ignored", () => {
    const s = server();
    const events = s.receive(concat(closeFrame(1000), closeFrame(1001), pingFrame("x"), textFrame("y")));
    expect(events).toEqual([{ type: "close", code: 1000, reason: "", wasClean: true }]);
    expectEchoed(s, events, 1000, "", 1000);
  });

  it("7.1.5 a fragment, a close, the rest: the message is dropped", () => {
    const s = server();
    const wire = concat(
      rawFrame({ opcode: Opcode.TEXT, payload: "fragment1", fin: false }),
      closeFrame(1000),
      rawFrame({ opcode: Opcode.CONTINUATION, payload: "fragment2" }),
    );
    expectEchoed(s, s.receive(wire), 1000, "", 1000);
  });

  it("7.1.6 a 256 KiB message, a close, a ping: message delivered, ping ignored", () => {
    const s = server();
    const big = "BAsd7&jh23".repeat(26214).padEnd(262144, "x");
    const events = s.receive(concat(textFrame(big), closeFrame(1000), pingFrame("p")));
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({ type: "text", data: big });
    expectEchoed(s, events, 1000, "", 1000);
  });
});

describe("7.3 close frame structure", () => {
  it.each(SPLITS)("7.3.1 an empty close is answered with an empty close, code 1005 (%s)", (_split, size) => {
    const s = server();
    expectEchoed(s, feedBy(s, closeFrame(), size), 1005, "");
  });

  // 0x0f and 0x10 would read as valid codes 3840 and 4096 if the missing byte were taken as zero.
  it.each([0x03, 0x0f, 0x10, 0x00])("7.3.2 a 1-byte close body (byte %i) fails with 1002", (byte) => {
    const s = server();
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.CLOSE, payload: Uint8Array.of(byte) })), 1002);
  });

  it("7.3.3 close 1000 without a reason", () => {
    const s = server();
    expectEchoed(s, s.receive(closeFrame(1000)), 1000, "", 1000);
  });

  it("7.3.4 close 1000 with a reason: the event carries the reason, the echo the code", () => {
    const s = server();
    const frame = expectEchoed(s, s.receive(closeFrame(1000, "Hello World!")), 1000, "Hello World!", 1000);
    // Whatever reason the reply carries, it must itself be valid UTF-8 and fit.
    expect(() => closeReasonOf(frame)).not.toThrow();
    expect(frame.payload.length).toBeLessThanOrEqual(125);
  });

  it("7.3.5 a 125-byte close body (123-byte reason) is accepted", () => {
    const s = server();
    const reason = "*".repeat(123);
    expectEchoed(s, s.receive(closeFrame(1000, reason)), 1000, reason, 1000);
  });

  it("7.3.5 a 123-byte reason of multi-byte characters", () => {
    const s = server();
    const reason = `${"é".repeat(61)}x`;
    expect(bytes(reason)).toHaveLength(123);
    expectEchoed(s, s.receive(closeFrame(1000, reason)), 1000, reason, 1000);
  });

  it("7.3.6 a 126-byte close body (124-byte reason) fails with 1002", () => {
    const s = server();
    const body = concat(
      Uint8Array.of(0x03, 0xe8),
      pattern(124).map((b) => 0x41 + (b % 26)),
    );
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.CLOSE, payload: body })), 1002);
  });
});

describe("7.5 close reason must be UTF-8 (1007)", () => {
  it.each([
    [
      "7.5.1 κόσμε + surrogate",
      [0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80],
    ],
    ["lone continuation", [0x80]],
    ["truncated 2-byte", [0x41, 0xc3]],
    ["overlong", [0xc0, 0xaf]],
    ["> U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ])("%s", (_name, reason) => {
    const s = server();
    expectFailed(s, s.receive(closeFrame(1000, Uint8Array.from(reason))), 1007);
  });
});

describe("7.7 valid close codes are echoed", () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999])(
    "%i",
    (code) => {
      const s = server();
      expectEchoed(s, s.receive(closeFrame(code)), code, "", code);
    },
  );
});

describe("7.9, 7.13 invalid close codes fail with 1002", () => {
  it.each([0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])("%i", (code) => {
    const s = server();
    expectFailed(s, s.receive(closeFrame(code)), 1002);
  });
});

describe("closing from our side", () => {
  it("close(code, reason) queues a Close, state closing; the peer's reply closes cleanly", () => {
    const s = server();
    s.close(1000, "bye");
    expect(s.state).toBe("closing");
    const [frame, ...rest] = sent(s);
    expect(rest).toEqual([]);
    expect(frame!.opcode).toBe(Opcode.CLOSE);
    expect(closeCodeOf(frame!)).toBe(1000);
    expect(closeReasonOf(frame!)).toBe("bye");
    const events = s.receive(closeFrame(1000));
    expect(events).toEqual([{ type: "close", code: 1000, reason: "", wasClean: true }]);
    expect(s.state).toBe("closed");
    // Our Close was already sent: no second one.
    expect(s.dataToSend()).toHaveLength(0);
    expect(s.receive(textFrame("late"))).toEqual([]);
  });

  it("data received while closing is still delivered, pings too", () => {
    const s = server();
    s.close(1001);
    s.dataToSend();
    const events = s.receive(
      concat(textFrame("in flight"), fragmented(Opcode.BINARY, [Uint8Array.of(1), Uint8Array.of(2)])),
    );
    expect(events.map((e) => e.type)).toEqual(["text", "binary"]);
    expect(s.state).toBe("closing");
    const done = s.receive(closeFrame(1001, "ok"));
    expect(done).toEqual([{ type: "close", code: 1001, reason: "ok", wasClean: true }]);
    expect(s.state).toBe("closed");
  });

  it("a ping received while closing is still answered: only a received Close ends pongs (§5.5.2)", () => {
    const s = server();
    s.close(1000);
    s.dataToSend();
    const events = s.receive(pingFrame("still there?"));
    expect(events.map((e) => e.type)).toEqual(["ping"]);
    expect(sent(s).map((f) => [f.opcode, new TextDecoder().decode(f.payload)])).toEqual([
      [Opcode.PONG, "still there?"],
    ]);
  });

  it.each([1005, 1006, 1015, 999, 5000])("close(%i) never puts that code on the wire (§7.4.1)", (code) => {
    const s = server();
    try {
      s.close(code);
    } catch (error) {
      expect(error).toBeInstanceOf(WsFrameError);
    }
    const codes = sent(s)
      .filter((f) => f.opcode === Opcode.CLOSE)
      .map((f) => closeCodeOf(f));
    expect(codes).not.toContain(code);
  });

  it("close() with a reason over 123 bytes is refused or cut to fit a control frame", () => {
    const s = server();
    try {
      s.close(1000, "x".repeat(200));
    } catch (error) {
      expect(error).toBeInstanceOf(WsFrameError);
    }
    for (const f of sent(s)) expect(f.payload.length).toBeLessThanOrEqual(125);
  });

  it("sending data after close() throws WS_INVALID_STATE", () => {
    const s = server();
    s.close();
    for (const send of [() => s.sendText("x"), () => s.sendBinary(Uint8Array.of(1))]) {
      let error: unknown;
      try {
        send();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WsFrameError);
      expect((error as WsFrameError).code).toBe("WS_INVALID_STATE");
    }
    expect(sent(s).map((f) => f.opcode)).toEqual([Opcode.CLOSE]);
  });

  it("sending data after the peer's close was echoed throws WS_INVALID_STATE", () => {
    const s = server();
    s.receive(closeFrame(1000));
    expect(() => s.sendText("x")).toThrowError(expect.objectContaining({ code: "WS_INVALID_STATE" }));
  });

  it("sending data after a protocol failure throws WS_INVALID_STATE", () => {
    const s = server();
    s.receive(rawFrame({ opcode: 3 }));
    expect(() => s.sendBinary(Uint8Array.of(1))).toThrowError(
      expect.objectContaining({ code: "WS_INVALID_STATE" }),
    );
  });

  it("a protocol error while closing still fails the connection with its code, once", () => {
    const s = server();
    s.close(1000);
    s.dataToSend();
    const events = s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "x", rsv: 2 }));
    expect(closes(events)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "close", code: 1002, wasClean: false });
    expect(s.state).toBe("closed");
    // Whatever else is queued, never a data frame (§5.5.1).
    expect(sent(s).filter((f) => f.opcode < 8)).toEqual([]);
    expect(s.receive(closeFrame(1000))).toEqual([]);
  });

  it("the close event is emitted exactly once over a whole session", () => {
    const s = server();
    const all: WsEvent[] = [];
    all.push(...s.receive(textFrame("a")));
    s.close(1000);
    all.push(...s.receive(concat(closeFrame(1000), closeFrame(1000))));
    all.push(...s.receive(closeFrame(1002)));
    all.push(...s.receive(rawFrame({ opcode: 0xb })));
    expect(closes(all)).toHaveLength(1);
  });
});
