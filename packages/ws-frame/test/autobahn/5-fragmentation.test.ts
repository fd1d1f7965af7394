/**
 * Autobahn 5.x "Fragmentation" — RFC 6455 §5.4: "Control frames (see Section 5.5) MAY be injected in the
 * middle of a fragmented message. Control frames themselves MUST NOT be fragmented." "The fragments of
 * one message MUST NOT be interleaved between the fragments of another message unless an extension has
 * been negotiated that can interpret the interleaving." Plus the streaming delivery mode.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Opcode } from "../../src/index";
import {
  bytes,
  clientFrame,
  closeCodeOf,
  closeFrame,
  concat,
  expectFailed,
  expectOpen,
  feedBy,
  feedSplit,
  fragmented,
  normalize,
  oneBytePieces,
  pattern,
  pingFrame,
  pongFrame,
  pongs,
  rawFrame,
  SPLITS,
  sent,
  server,
  textFrame,
  toHex,
  type WsEvent,
} from "./helpers";

const cont = (payload: string | Uint8Array, fin: boolean) =>
  clientFrame(Opcode.CONTINUATION, payload, { fin });
const textStart = (payload: string | Uint8Array) => clientFrame(Opcode.TEXT, payload, { fin: false });

describe("5.1-5.2 fragmented control frames (1002)", () => {
  it.each([
    ["5.1 ping", Opcode.PING],
    ["5.2 pong", Opcode.PONG],
    ["close", Opcode.CLOSE],
  ])("%s in 2 fragments", (_name, opcode) => {
    const s = server();
    const wire = concat(
      rawFrame({ opcode, payload: "fragment1", fin: false }),
      rawFrame({ opcode: 0, payload: "fragment2" }),
    );
    const events = s.receive(wire);
    expect(events.filter((e) => e.type !== "close")).toEqual([]);
    expect(pongs(expectFailed(s, events, 1002))).toEqual([]);
  });
});

describe("5.3-5.5 text message in 2 fragments", () => {
  it.each(SPLITS)("%s", (_split, size) => {
    const s = server();
    const events = feedBy(s, fragmented(Opcode.TEXT, ["fragment1", "fragment2"]), size);
    expect(events).toEqual([{ type: "text", data: "fragment1fragment2" }]);
    expectOpen(s, events);
  });
});

describe("5.6-5.8 ping between the fragments", () => {
  it.each(SPLITS)("%s: ping event first, pong queued, message intact", (_split, size) => {
    const s = server();
    const wire = concat(textStart("fragment1"), pingFrame("pongme!"), cont("fragment2", true));
    const events = feedBy(s, wire, size);
    expect(normalize(events)).toEqual([
      { type: "ping", data: `hex:${toHex(bytes("pongme!"))}` },
      { type: "text", data: "fragment1fragment2" },
    ]);
    expect(pongs(sent(s))).toEqual([toHex(bytes("pongme!"))]);
  });

  it("the pong is in dataToSend() before the message completes", () => {
    const s = server();
    expect(s.receive(concat(textStart("fragment1"), pingFrame("early")))).toHaveLength(1);
    expect(pongs(sent(s))).toEqual([toHex(bytes("early"))]);
    expect(s.receive(cont("fragment2", true))).toEqual([{ type: "text", data: "fragment1fragment2" }]);
    expect(s.dataToSend()).toHaveLength(0);
  });

  it("an unsolicited pong between fragments is reported and the message is intact", () => {
    const s = server();
    const events = s.receive(concat(textStart("a"), pongFrame("p"), cont("b", true)));
    expect(events.map((e) => e.type)).toEqual(["pong", "text"]);
    expect(events[1]).toEqual({ type: "text", data: "ab" });
    expect(s.dataToSend()).toHaveLength(0);
  });
});

describe("5.9-5.17 continuation with nothing to continue (1002)", () => {
  describe.each(SPLITS)("%s", (_split, size) => {
    it("5.9-5.11 continuation FIN=1, then a text message: the text is never delivered", () => {
      const s = server();
      const events = feedBy(
        s,
        concat(cont("non-continuation payload", true), textFrame("Hello, world!")),
        size,
      );
      expect(events.filter((e) => e.type === "text")).toEqual([]);
      expectFailed(s, events, 1002);
    });

    it("5.12-5.14 continuation FIN=0, then a text message", () => {
      const s = server();
      const events = feedBy(
        s,
        concat(cont("non-continuation payload", false), textFrame("Hello, world!")),
        size,
      );
      expect(events.filter((e) => e.type === "text")).toEqual([]);
      expectFailed(s, events, 1002);
    });

    it("5.15 a 2-fragment message, then a stray continuation: first message delivered, then 1002", () => {
      const s = server();
      const wire = concat(
        fragmented(Opcode.TEXT, ["fragment1", "fragment2"]),
        cont("fragment3", false),
        cont("fragment4", true),
      );
      const events = feedBy(s, wire, size);
      expect(events[0]).toEqual({ type: "text", data: "fragment1fragment2" });
      expect(events).toHaveLength(2);
      expectFailed(s, events, 1002);
    });

    it.each([false, true])(
      "5.16-5.17 twice: stray continuation (FIN=%s), then a 2-fragment message",
      (fin) => {
        const s = server();
        const round = concat(cont("fragment1", fin), fragmented(Opcode.TEXT, ["fragment2", "fragment3"]));
        const events = feedBy(s, concat(round, round), size);
        expect(events).toHaveLength(1);
        expectFailed(s, events, 1002);
      },
    );
  });

  it("an empty continuation FIN=1 at the very start fails", () => {
    const s = server();
    expectFailed(s, s.receive(cont("", true)), 1002);
  });
});

describe("5.18 a new data frame inside an unfinished message (1002)", () => {
  it.each([
    ["text, text", Opcode.TEXT, Opcode.TEXT],
    ["text, binary", Opcode.TEXT, Opcode.BINARY],
    ["binary, binary", Opcode.BINARY, Opcode.BINARY],
    ["binary, text", Opcode.BINARY, Opcode.TEXT],
  ])("%s", (_name, first, second) => {
    const s = server();
    const wire = concat(clientFrame(first, "fragment1", { fin: false }), clientFrame(second, "fragment2"));
    const events = s.receive(wire);
    expect(events.filter((e) => e.type === "text" || e.type === "binary")).toEqual([]);
    expectFailed(s, events, 1002);
  });
});

describe("5.19-5.20 text in 5 fragments with pings after the 2nd and 4th", () => {
  const parts = ["fragment1", "fragment2", "fragment3", "fragment4", "fragment5"];
  it.each(SPLITS)("%s", (_split, size) => {
    const s = server();
    const first = concat(textStart(parts[0]!), cont(parts[1]!, false), pingFrame("pongme 1!"));
    const second = concat(cont(parts[2]!, false), cont(parts[3]!, false), pingFrame("pongme 2!"));
    const events1 = feedBy(s, first, size);
    expect(events1.map((e) => e.type)).toEqual(["ping"]);
    expect(pongs(sent(s))).toEqual([toHex(bytes("pongme 1!"))]);
    const events2 = feedBy(s, second, size);
    expect(events2.map((e) => e.type)).toEqual(["ping"]);
    expect(pongs(sent(s))).toEqual([toHex(bytes("pongme 2!"))]);
    expect(feedBy(s, cont(parts[4]!, true), size)).toEqual([{ type: "text", data: parts.join("") }]);
  });
});

describe("tiny and empty fragments", () => {
  it.each(SPLITS)("text fragmented into 1-byte frames (%s)", (_split, size) => {
    const s = server();
    const wire = fragmented(Opcode.TEXT, oneBytePieces(bytes("Hello, world!")));
    expect(feedBy(s, wire, size)).toEqual([{ type: "text", data: "Hello, world!" }]);
  });

  it("binary fragmented into 1-byte frames", () => {
    const s = server();
    const data = pattern(300, 2);
    const events = s.receive(fragmented(Opcode.BINARY, oneBytePieces(data)));
    expect(normalize(events)).toEqual([{ type: "binary", data: `hex:${toHex(data)}` }]);
  });

  it.each([
    [["", ""], ""],
    [["", "a", ""], "a"],
    [["", "", "", "xyz"], "xyz"],
    [["abc", "", ""], "abc"],
  ])("empty fragments %j → %j", (parts, text) => {
    const s = server();
    expect(s.receive(fragmented(Opcode.TEXT, parts))).toEqual([{ type: "text", data: text }]);
    expect(s.receive(fragmented(Opcode.BINARY, parts))).toHaveLength(1);
  });

  it("consecutive fragmented messages of both kinds", () => {
    const s = server();
    const events = s.receive(
      concat(
        fragmented(Opcode.BINARY, [Uint8Array.of(1), Uint8Array.of(2)]),
        fragmented(Opcode.TEXT, ["x", "y"]),
      ),
    );
    expect(normalize(events)).toEqual([
      { type: "binary", data: "hex:0102" },
      { type: "text", data: "xy" },
    ]);
  });
});

describe("a Close between fragments is handled at once (§5.4, §5.5.1)", () => {
  it("the close is echoed, the unfinished message is dropped, the rest is ignored", () => {
    const s = server();
    const events = s.receive(concat(textStart("frag"), closeFrame(1000), cont("ment", true)));
    expect(events).toEqual([{ type: "close", code: 1000, reason: "", wasClean: true }]);
    expect(s.state).toBe("closed");
    const out = sent(s);
    expect(out.map((f) => [f.opcode, closeCodeOf(f)])).toEqual([[Opcode.CLOSE, 1000]]);
  });
});

function joinChunks(events: WsEvent[]) {
  const text: string[] = [];
  const binary: number[] = [];
  for (const e of events) {
    if (e.type === "text-chunk") text.push(e.data);
    if (e.type === "binary-chunk") binary.push(...e.data);
  }
  return { text: text.join(""), binary: toHex(Uint8Array.from(binary)) };
}

describe("streaming: true", () => {
  it("a text message arrives as text-chunk events, the last with fin: true", () => {
    const s = server({ streaming: true });
    const events = s.receive(fragmented(Opcode.TEXT, ["fragment1", "fragment2", "fragment3"]));
    expect(events.every((e) => e.type === "text-chunk")).toBe(true);
    expect(joinChunks(events).text).toBe("fragment1fragment2fragment3");
    expect(events.at(-1)).toMatchObject({ fin: true });
    expect(events.slice(0, -1).every((e) => e.type === "text-chunk" && !e.fin)).toBe(true);
  });

  it("binary payload is delivered as it arrives, before the frame is complete", () => {
    const s = server({ streaming: true });
    const data = pattern(1000, 3);
    const wire = clientFrame(Opcode.BINARY, data);
    const head = s.receive(wire.subarray(0, 8 + 400));
    expect(head.length).toBeGreaterThan(0);
    expect(head.every((e) => e.type === "binary-chunk" && !e.fin)).toBe(true);
    expect(joinChunks(head).binary).toBe(toHex(data.subarray(0, 400)));
    const tail = s.receive(wire.subarray(8 + 400));
    expect(tail.at(-1)).toMatchObject({ type: "binary-chunk", fin: true });
    expect(joinChunks([...head, ...tail]).binary).toBe(toHex(data));
  });

  it("an empty message is one chunk with fin: true", () => {
    const s = server({ streaming: true });
    expect(normalize(s.receive(clientFrame(Opcode.BINARY, new Uint8Array(0))))).toEqual([
      { type: "binary-chunk", data: "hex:", fin: true },
    ]);
    expect(s.receive(textFrame(""))).toEqual([{ type: "text-chunk", data: "", fin: true }]);
  });

  it("multi-byte characters split across frames and receive() calls never produce broken chunks", () => {
    const text = "aé€😀κόσμε😀";
    const wire = concat(
      fragmented(Opcode.TEXT, oneBytePieces(bytes(text))),
      pingFrame("mid"),
      fragmented(Opcode.TEXT, [bytes(text).subarray(0, 5), bytes(text).subarray(5)]),
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: wire.length - 1 }), { maxLength: 30 }), (cuts) => {
        const s = server({ streaming: true });
        const events = feedSplit(s, wire, cuts);
        const pingAt = events.findIndex((e) => e.type === "ping");
        const [a, b] = [events.slice(0, pingAt), events.slice(pingAt + 1)];
        for (const part of [a, b]) {
          expect(joinChunks(part).text).toBe(text);
          expect(part.filter((e) => e.type === "text-chunk" && e.fin)).toHaveLength(1);
          expect(part.at(-1)).toMatchObject({ type: "text-chunk", fin: true });
          // No chunk carries a lone surrogate (a code point cut in half).
          for (const e of part) expect((e as { data: string }).data).not.toMatch(/[\uD800-\uDFFF]/u);
        }
      }),
    );
  });

  it("limits still apply: a message over maxMessageSize fails with 1009", () => {
    const s = server({ streaming: true, maxMessageSize: 100 });
    const events = s.receive(fragmented(Opcode.BINARY, [pattern(60), pattern(60)]));
    expectFailed(s, events, 1009);
  });

  it("protocol errors are still detected (new data frame inside a message)", () => {
    const s = server({ streaming: true });
    const events = s.receive(concat(textStart("a"), textFrame("b")));
    expectFailed(s, events, 1002);
  });
});
