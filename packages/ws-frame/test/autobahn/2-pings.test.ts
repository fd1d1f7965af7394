/**
 * Autobahn 2.x "Pings/Pongs" — RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a
 * Pong frame in response ... A Pong frame sent in response to a Ping frame must have identical
 * 'Application data' as found in the message body of the Ping frame being replied to." §5.5.3: "A Pong
 * frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not expected."
 */
import { describe, expect, it } from "vitest";
import { Opcode } from "../../src/index";
import {
  bytes,
  concat,
  expectFailed,
  expectOpen,
  feedBy,
  hex,
  normalize,
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
} from "./helpers";

const PAYLOADS: [string, Uint8Array][] = [
  ["2.1 empty", new Uint8Array(0)],
  ["2.2 small text", bytes("Hello, world!")],
  ["2.3 small binary", hex("00fffefdfcfb00ff")],
  ["2.4 125 bytes (the maximum)", pattern(125, 24)],
];

describe("2.1-2.4, 2.6 ping answered by a pong echoing the payload", () => {
  describe.each(PAYLOADS)("%s", (_name, payload) => {
    it.each(SPLITS)("%s", (_split, size) => {
      const s = server();
      const events = feedBy(s, pingFrame(payload), size);
      expect(normalize(events)).toEqual([{ type: "ping", data: `hex:${toHex(payload)}` }]);
      expectOpen(s, events);
      const out = sent(s);
      expect(out.map((f) => [f.fin, f.opcode, toHex(f.payload)])).toEqual([
        [true, Opcode.PONG, toHex(payload)],
      ]);
      // Taken once: nothing left.
      expect(s.dataToSend()).toHaveLength(0);
    });
  });

  it("the pong is queued by the receive() that completes the ping, not later", () => {
    const s = server();
    const wire = pingFrame("now");
    s.receive(wire.subarray(0, wire.length - 1));
    expect(s.dataToSend()).toHaveLength(0);
    s.receive(wire.subarray(wire.length - 1));
    expect(pongs(sent(s))).toEqual([toHex(bytes("now"))]);
  });

  it("the ping event's data is not aliased to a buffer the session reuses", () => {
    const s = server();
    const [event] = s.receive(pingFrame("abc"));
    s.receive(pingFrame("xyz"));
    expect(normalize([event!])).toEqual([{ type: "ping", data: `hex:${toHex(bytes("abc"))}` }]);
  });
});

describe("2.5 ping with a 126-byte payload: control frames are at most 125 bytes (§5.5)", () => {
  it.each(SPLITS)("%s", (_split, size) => {
    const s = server();
    const events = feedBy(s, rawFrame({ opcode: Opcode.PING, payload: pattern(126) }), size);
    const out = expectFailed(s, events, 1002);
    expect(pongs(out)).toEqual([]);
  });

  it("a 126-byte pong fails the same way", () => {
    const s = server();
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.PONG, payload: pattern(126) })), 1002);
  });

  it("a ping announcing a 64-bit length fails at its header", () => {
    const s = server();
    const wire = rawFrame({ opcode: Opcode.PING, payload: pattern(70000) });
    expectFailed(s, s.receive(wire.subarray(0, 14)), 1002);
  });

  it("a ping with a non-minimal 16-bit length of 5 fails", () => {
    const s = server();
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.PING, payload: "hello", lengthForm: 16 })), 1002);
  });
});

describe("fragmented ping: control frames MUST NOT be fragmented (§5.5)", () => {
  it("a ping with FIN clear fails with 1002 and is not answered", () => {
    const s = server();
    const events = s.receive(
      concat(
        rawFrame({ opcode: Opcode.PING, payload: "frag", fin: false }),
        rawFrame({ opcode: Opcode.CONTINUATION, payload: "ment" }),
      ),
    );
    expect(events.filter((e) => e.type === "ping")).toEqual([]);
    expect(pongs(expectFailed(s, events, 1002))).toEqual([]);
  });
});

describe("2.7-2.9 unsolicited pongs", () => {
  it("2.7 an empty unsolicited pong is reported, not answered", () => {
    const s = server();
    const events = s.receive(pongFrame());
    expect(normalize(events)).toEqual([{ type: "pong", data: "hex:" }]);
    expectOpen(s, events);
    expect(s.dataToSend()).toHaveLength(0);
  });

  it("2.8 an unsolicited pong with a payload is reported, not answered", () => {
    const s = server();
    const events = s.receive(pongFrame("unsolicited pong payload"));
    expect(normalize(events)).toEqual([
      { type: "pong", data: `hex:${toHex(bytes("unsolicited pong payload"))}` },
    ]);
    expect(s.dataToSend()).toHaveLength(0);
  });

  it("2.9 an unsolicited pong then a ping: one pong, echoing the ping", () => {
    const s = server();
    const events = s.receive(concat(pongFrame("unsolicited pong payload"), pingFrame("ping payload")));
    expect(events.map((e) => e.type)).toEqual(["pong", "ping"]);
    expect(pongs(sent(s))).toEqual([toHex(bytes("ping payload"))]);
  });
});

describe("2.10-2.11 ten pings", () => {
  const payloads = Array.from({ length: 10 }, (_, i) => bytes(`payload-${i}`));
  const wire = concat(...payloads.map((p) => pingFrame(p)));

  it.each(SPLITS)("2.10/2.11 ten pings in one burst (%s): ten pongs, in order", (_split, size) => {
    const s = server();
    const events = feedBy(s, wire, size);
    expect(events.map((e) => e.type)).toEqual(Array(10).fill("ping"));
    expectOpen(s, events);
    expect(pongs(sent(s))).toEqual(payloads.map(toHex));
  });

  it("ten pings, dataToSend() after each: one pong each time", () => {
    const s = server();
    for (const p of payloads) {
      s.receive(pingFrame(p));
      expect(pongs(sent(s))).toEqual([toHex(p)]);
    }
  });
});

describe("local pings and pongs, autoPong", () => {
  it("ping(data) and pong(data) queue unmasked control frames from a server", () => {
    const s = server();
    s.ping(bytes("are you there"));
    s.pong(hex("0102"));
    s.ping();
    const out = sent(s);
    expect(out.map((f) => [f.opcode, toHex(f.payload)])).toEqual([
      [Opcode.PING, toHex(bytes("are you there"))],
      [Opcode.PONG, "0102"],
      [Opcode.PING, ""],
    ]);
  });

  it("a pong from the peer answering our ping is reported as a pong event", () => {
    const s = server();
    s.ping(bytes("42"));
    s.dataToSend();
    expect(normalize(s.receive(pongFrame("42")))).toEqual([
      { type: "pong", data: `hex:${toHex(bytes("42"))}` },
    ]);
    expect(s.dataToSend()).toHaveLength(0);
  });

  it("ping() with more than 125 bytes is refused locally", () => {
    const s = server();
    expect(() => s.ping(pattern(126))).toThrow();
    expect(s.state).toBe("open");
  });

  it("autoPong: false reports the ping and queues nothing; pong() answers by hand", () => {
    const s = server({ autoPong: false });
    const events = s.receive(pingFrame("manual"));
    expect(normalize(events)).toEqual([{ type: "ping", data: `hex:${toHex(bytes("manual"))}` }]);
    expect(s.dataToSend()).toHaveLength(0);
    s.pong(bytes("manual"));
    expect(pongs(sent(s))).toEqual([toHex(bytes("manual"))]);
  });

  it("a ping between text messages is answered and the messages are intact", () => {
    const s = server();
    const events = s.receive(concat(textFrame("a"), pingFrame("p"), textFrame("b")));
    expect(normalize(events)).toEqual([
      { type: "text", data: "a" },
      { type: "ping", data: `hex:${toHex(bytes("p"))}` },
      { type: "text", data: "b" },
    ]);
    expect(pongs(sent(s))).toEqual([toHex(bytes("p"))]);
  });
});
