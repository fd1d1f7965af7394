/**
 * Autobahn 9.x "Limits/Performance" — big messages, many fragments, tiny chops — plus the session's own
 * limits. RFC 6455 §10.4: "Implementations that have implementation- and/or platform-specific
 * limitations regarding the frame size or total message size after reassembly from multiple frames MUST
 * protect themselves against exceeding those limits." §7.4.1: 1009 "a message that is too big for it to
 * process"; 1008 "a message that violates its policy".
 */
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { Opcode } from "../../src/index";
import {
  binaryFrame,
  clientFrame,
  concat,
  expectFailed,
  expectOpen,
  feed,
  fragmented,
  pattern,
  pingFrame,
  pongs,
  sent,
  server,
  textFrame,
  type WsEvent,
} from "./helpers";

const MiB = 1024 * 1024;

function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected);
}

/** `data` cut into frames of `size` bytes as one message. */
function inFrames(opcode: number, data: Uint8Array, size: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return fragmented(opcode, parts.length === 0 ? [new Uint8Array(0)] : parts);
}

function only(events: WsEvent[]): WsEvent {
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe("maxFramePayload (1009)", () => {
  it("a frame of exactly the limit passes, one byte more fails", () => {
    const s = server({ maxFramePayload: 100 });
    expect(only(s.receive(binaryFrame(pattern(100)))).type).toBe("binary");
    expectFailed(s, s.receive(binaryFrame(pattern(101))), 1009);
  });

  it("fails as soon as the header announces too much", () => {
    const s = server({ maxFramePayload: 1000 });
    const wire = binaryFrame(pattern(5000));
    expectFailed(s, s.receive(wire.subarray(0, 8)), 1009);
  });

  it("applies to each frame of a fragmented message", () => {
    const s = server({ maxFramePayload: 100 });
    expectFailed(s, s.receive(fragmented(Opcode.TEXT, ["a".repeat(50), "b".repeat(101)])), 1009);
  });
});

describe("maxMessageSize (1009)", () => {
  it("a fragmented message of exactly the limit passes, one byte more fails", () => {
    const s = server({ maxMessageSize: 100 });
    expect(only(s.receive(fragmented(Opcode.BINARY, [pattern(40), pattern(40), pattern(20)]))).type).toBe(
      "binary",
    );
    expectFailed(s, s.receive(fragmented(Opcode.BINARY, [pattern(40), pattern(40), pattern(21)])), 1009);
  });

  it("fails before the message ends: the final fragment never arrives", () => {
    const s = server({ maxMessageSize: 100 });
    const wire = concat(
      clientFrame(Opcode.TEXT, "x".repeat(60), { fin: false }),
      clientFrame(Opcode.CONTINUATION, "y".repeat(60), { fin: false }),
    );
    expectFailed(s, s.receive(wire), 1009);
  });

  it("an unfragmented text message over the limit fails", () => {
    const s = server({ maxMessageSize: 10 });
    expectFailed(s, s.receive(textFrame("01234567890")), 1009);
  });

  it("control frames do not count toward it", () => {
    const s = server({ maxMessageSize: 10 });
    const events = s.receive(concat(pingFrame("x".repeat(125)), textFrame("0123456789")));
    expect(events.map((e) => e.type)).toEqual(["ping", "text"]);
  });
});

describe("maxFragments (1009)", () => {
  it("a message in exactly maxFragments frames passes, one more fails", () => {
    const s = server({ maxFragments: 4 });
    expect(only(s.receive(fragmented(Opcode.TEXT, ["a", "b", "c", "d"])))).toEqual({
      type: "text",
      data: "abcd",
    });
    expectFailed(s, s.receive(fragmented(Opcode.TEXT, ["a", "b", "c", "d", "e"])), 1009);
  });

  it("fails without waiting for the end of the message", () => {
    const s = server({ maxFragments: 4 });
    const wire = concat(
      clientFrame(Opcode.BINARY, "a", { fin: false }),
      ...["b", "c", "d", "e"].map((p) => clientFrame(Opcode.CONTINUATION, p, { fin: false })),
    );
    expectFailed(s, s.receive(wire), 1009);
  });

  it("counts per message, not per connection", () => {
    const s = server({ maxFragments: 3 });
    const events = s.receive(
      concat(...Array.from({ length: 5 }, () => fragmented(Opcode.TEXT, ["a", "b", "c"]))),
    );
    expect(events).toHaveLength(5);
    expectOpen(s, events);
  });
});

describe("maxBufferedBytes (1009)", () => {
  it("a message held across fragments beyond the limit fails", () => {
    const s = server({ maxBufferedBytes: 1000 });
    const wire = inFrames(Opcode.BINARY, pattern(4000), 200);
    expectFailed(s, s.receive(wire), 1009);
  });

  it("an unfinished frame fed in pieces beyond the limit fails", () => {
    const s = server({ maxBufferedBytes: 1000 });
    expectFailed(s, feed(s, binaryFrame(pattern(4000)), 100), 1009);
  });

  it("a small message well under the limit passes", () => {
    const s = server({ maxBufferedBytes: 1000 });
    const events = feed(s, inFrames(Opcode.BINARY, pattern(200), 100), 30);
    expect(only(events).type).toBe("binary");
  });

  it("streaming holds nothing back, so a large message passes a small buffer limit", () => {
    const s = server({ streaming: true, maxBufferedBytes: 1000 });
    const data = pattern(100_000, 4);
    const events = feed(s, inFrames(Opcode.BINARY, data, 10_000), 500);
    expectOpen(s, events);
    const got = concat(...events.map((e) => (e.type === "binary-chunk" ? e.data : new Uint8Array(0))));
    expect(sameBytes(got, data)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "binary-chunk", fin: true });
  });
});

describe("maxPendingPongs (1008, ping flood)", () => {
  it("more automatic pongs than the limit without dataToSend() fails with 1008", () => {
    const s = server({ maxPendingPongs: 3 });
    expect(s.receive(concat(pingFrame("1"), pingFrame("2"), pingFrame("3"))).map((e) => e.type)).toEqual([
      "ping",
      "ping",
      "ping",
    ]);
    expect(s.state).toBe("open");
    expectFailed(s, s.receive(pingFrame("4")), 1008);
  });

  it("taking the pongs with dataToSend() resets the count", () => {
    const s = server({ maxPendingPongs: 3 });
    for (let round = 0; round < 10; round++) {
      s.receive(concat(pingFrame("a"), pingFrame("b"), pingFrame("c")));
      expect(pongs(sent(s))).toHaveLength(3);
    }
    expect(s.state).toBe("open");
  });

  it("one burst of many pings in one receive() fails with 1008", () => {
    const s = server({ maxPendingPongs: 5 });
    const events = s.receive(concat(...Array.from({ length: 50 }, (_, i) => pingFrame(`${i}`))));
    const frames = expectFailed(s, events, 1008);
    expect(pongs(frames).length).toBeLessThanOrEqual(5);
  });

  it("with autoPong: false, pings queue nothing and cannot flood", () => {
    const s = server({ maxPendingPongs: 1, autoPong: false });
    const events = s.receive(concat(...Array.from({ length: 20 }, () => pingFrame("p"))));
    expect(events).toHaveLength(20);
    expectOpen(s, events);
    expect(s.dataToSend()).toHaveLength(0);
  });
});

describe("9.x big messages with default options", () => {
  it("9.2.6 a 16 MiB binary message fed in 64 KiB chunks", { timeout: 60_000 }, () => {
    const s = server();
    const data = pattern(16 * MiB, 16);
    const events = feed(s, binaryFrame(data), 64 * 1024);
    const event = only(events);
    expect(event.type).toBe("binary");
    expect(sameBytes((event as { data: Uint8Array }).data, data)).toBe(true);
    expect(s.state).toBe("open");
  });

  it("9.1.6 a 16 MiB text message in 64 KiB frames", { timeout: 60_000 }, () => {
    const s = server();
    const text = "aé€😀".repeat((16 * MiB) / 10);
    const wire = inFrames(Opcode.TEXT, new TextEncoder().encode(text), 64 * 1024);
    const event = only(feed(s, wire, 64 * 1024));
    expect(event.type).toBe("text");
    expect((event as { data: string }).data === text).toBe(true);
  });

  it("65,536 one-byte fragments", { timeout: 60_000 }, () => {
    const s = server();
    const data = pattern(65_536, 65);
    const event = only(s.receive(inFrames(Opcode.BINARY, data, 1)));
    expect(sameBytes((event as { data: Uint8Array }).data, data)).toBe(true);
    expect(s.state).toBe("open");
  });

  it.each([64, 256, 4096, 65536, 4 * MiB])(
    "9.3/9.4 a 4 MiB message in frames of %i bytes",
    { timeout: 60_000 },
    (size) => {
      const s = server();
      const data = pattern(4 * MiB, size);
      const event = only(s.receive(inFrames(Opcode.BINARY, data, size)));
      expect(sameBytes((event as { data: Uint8Array }).data, data)).toBe(true);
    },
  );

  it.each([64, 997, 4096, 131072])(
    "9.5/9.6 a 1 MiB text message fed in %i-byte chops",
    { timeout: 60_000 },
    (chop) => {
      const s = server();
      const text = "*".repeat(MiB);
      const event = only(feed(s, textFrame(text), chop));
      expect(event).toEqual({ type: "text", data: text });
    },
  );

  it("9.7/9.8 1000 small messages back to back", () => {
    const s = server();
    const wire = concat(...Array.from({ length: 1000 }, (_, i) => textFrame(`message ${i}`)));
    const events = feed(s, wire, 4096);
    expect(events).toHaveLength(1000);
    expect(events[999]).toEqual({ type: "text", data: "message 999" });
  });
});
