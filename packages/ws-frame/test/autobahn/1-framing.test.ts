/**
 * Autobahn 1.x "Framing" — text and binary messages of every length-encoding boundary (§5.2), fed whole,
 * byte by byte and in chunks; plus masking by role (§5.1, §5.3), the §5.7 examples and the minimal length
 * encoding rule (§5.2).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameDecoder, Opcode, WebSocketSession } from "../../src/index";
import {
  binaryFrame,
  bytes,
  concat,
  decodeServer,
  expectFailed,
  expectOpen,
  feed,
  feedBy,
  feedSplit,
  fragmented,
  hex,
  normalize,
  pattern,
  pingFrame,
  rawFrame,
  SPLITS,
  sent,
  server,
  textFrame,
  toHex,
} from "./helpers";

const LENGTHS = [0, 125, 126, 127, 128, 65535, 65536];
// Autobahn 1.1.8 / 1.2.8 feed the 65536-byte message in 997-byte chops.
const CHOPS = [
  ["whole", 0],
  ["997-byte chops", 997],
  ["64 KiB chops", 65536],
] as const;

describe("1.1 text messages", () => {
  describe.each(LENGTHS)("length %i", (length) => {
    const text = "*".repeat(length);
    const wire = textFrame(text);

    it.each(CHOPS)("%s", (_name, size) => {
      const s = server();
      const events = feedBy(s, wire, size);
      expect(events).toEqual([{ type: "text", data: text }]);
      expectOpen(s, events);
      expect(s.dataToSend()).toHaveLength(0);
    });
  });

  it.each(LENGTHS.filter((n) => n <= 128))("length %i byte by byte", (length) => {
    const s = server();
    const text = "*".repeat(length);
    expect(feed(s, textFrame(text), 1)).toEqual([{ type: "text", data: text }]);
    expect(s.state).toBe("open");
  });
});

describe("1.2 binary messages", () => {
  describe.each(LENGTHS)("length %i", (length) => {
    const data = pattern(length, length + 3);
    const wire = binaryFrame(data);

    it.each(CHOPS)("%s", (_name, size) => {
      const s = server();
      const events = feedBy(s, wire, size);
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe("binary");
      expect(toHex((events[0] as { data: Uint8Array }).data)).toBe(toHex(data));
      expectOpen(s, events);
    });
  });

  it.each(LENGTHS.filter((n) => n <= 128))("length %i byte by byte", (length) => {
    const s = server();
    const data = pattern(length, length + 3);
    expect(normalize(feed(s, binaryFrame(data), 1))).toEqual([
      { type: "binary", data: `hex:${toHex(data)}` },
    ]);
  });

  it("the bytes are the unmasked payload whatever the masking key", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (data, key) => {
          const s = server();
          const events = s.receive(binaryFrame(data, { key }));
          expect(normalize(events)).toEqual([{ type: "binary", data: `hex:${toHex(data)}` }]);
        },
      ),
    );
  });
});

describe("RFC 6455 §5.7 examples", () => {
  it("a server reads the masked 'Hello' and refuses the unmasked one (1002)", () => {
    const s = server();
    expect(s.receive(hex("818537fa213d7f9f4d5158"))).toEqual([{ type: "text", data: "Hello" }]);
    const t = server();
    expectFailed(t, t.receive(hex("810548656c6c6f")), 1002);
  });

  it("a client reads the unmasked fragmented 'Hello' and answers an unmasked ping with a masked pong", () => {
    const c = new WebSocketSession({ role: "client", randomSource: (b) => b.fill(7) });
    expect(c.receive(concat(hex("010348656c"), hex("80026c6f")))).toEqual([{ type: "text", data: "Hello" }]);
    expect(normalize(c.receive(hex("890548656c6c6f")))).toEqual([{ type: "ping", data: "hex:48656c6c6f" }]);
    // 0x8a, MASK|5, key 07070707, "Hello" XOR 07.
    expect(toHex(c.dataToSend())).toBe("8a8507070707" + "4f626b6b68");
  });

  it("a client fails a masked frame from the server with 1002 (§5.1)", () => {
    const c = new WebSocketSession({ role: "client", randomSource: (b) => b.fill(7) });
    const events = c.receive(hex("818537fa213d7f9f4d5158"));
    expect(events.filter((e) => e.type === "close")).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ type: "close", code: 1002, wasClean: false });
    expect(c.state).toBe("closed");
    const out = new FrameDecoder({ role: "server" }).push(c.dataToSend());
    expect(out.map((f) => [f.opcode, f.masked])).toEqual([[Opcode.CLOSE, true]]);
    expect((out[0]!.payload[0]! << 8) | out[0]!.payload[1]!).toBe(1002);
  });
});

describe("input and event data (README: masked frames are unmasked into a copy; input never modified)", () => {
  it("server: a delivered message does not change when the caller reuses its input buffer", () => {
    const s = server();
    const payload = pattern(64, 11);
    const buffer = binaryFrame(payload);
    const [event] = s.receive(buffer);
    buffer.fill(0xee); // the caller reads the next chunk into the same buffer
    expect(event?.type).toBe("binary");
    expect(toHex((event as { data: Uint8Array }).data)).toBe(toHex(payload));
  });

  it.each(["server", "client"] as const)("%s: receive() never modifies the input", (role) => {
    const s = new WebSocketSession({ role, randomSource: (b) => b.fill(7) });
    const key = role === "server" ? undefined : null;
    const input = concat(
      rawFrame({ opcode: Opcode.BINARY, payload: pattern(300, 1), key }),
      rawFrame({ opcode: Opcode.TEXT, payload: "κόσμε", key, fin: false }),
      rawFrame({ opcode: Opcode.PING, payload: "p", key }),
      rawFrame({ opcode: Opcode.CONTINUATION, payload: "!", key }),
    );
    const before = toHex(input);
    for (const size of [input.length, 1, 7]) {
      const t = new WebSocketSession({ role, randomSource: (b) => b.fill(7) });
      expect(feed(t, input, size).map((e) => e.type)).toEqual(["binary", "ping", "text"]);
    }
    s.receive(input);
    expect(toHex(input)).toBe(before);
  });
});

describe("what the session sends", () => {
  it("a client masks every frame with a key from randomSource (§5.3)", () => {
    let calls = 0;
    const c = new WebSocketSession({
      role: "client",
      randomSource: (b) => {
        calls++;
        return b.fill(7);
      },
    });
    c.sendText("Hello");
    c.sendBinary(Uint8Array.of(0, 1, 2, 3, 4, 5));
    c.ping(bytes("p"));
    const wire = c.dataToSend();
    expect(calls).toBeGreaterThan(0);
    expect(toHex(wire)).toBe(`8185070707074f626b6b68` + `828607070707070605040302` + `89810707070777`);
    const frames = new FrameDecoder({ role: "server" }).push(wire);
    expect(frames.map((f) => f.masked)).toEqual([true, true, true]);
  });

  it.each([0, 125, 126, 256, 65535, 65536, 70000])(
    "a server sends a %i-byte message unmasked, minimal length",
    (n) => {
      const s = server();
      const data = pattern(n, 9);
      s.sendBinary(data);
      s.sendText("é".repeat(Math.floor(n / 2)));
      const wire = s.dataToSend();
      const frames = decodeServer(wire);
      expect(frames.map((f) => [f.fin, f.opcode])).toEqual([
        [true, Opcode.BINARY],
        [true, Opcode.TEXT],
      ]);
      expect(toHex(frames[0]!.payload)).toBe(toHex(data));
      expect(new TextDecoder().decode(frames[1]!.payload)).toBe("é".repeat(Math.floor(n / 2)));
      const header = toHex(wire.subarray(0, 10));
      if (n === 256) expect(header.startsWith("827e0100")).toBe(true);
      if (n === 65536) expect(header).toBe("827f0000000000010000");
      if (n <= 125) expect(wire[1]).toBe(n);
      expect(s.dataToSend()).toHaveLength(0);
    },
  );

  it("dataToSend() is an empty Uint8Array when nothing is queued", () => {
    const s = server();
    const out = s.dataToSend();
    expect(out).toBeInstanceOf(Uint8Array);
    expect(out).toHaveLength(0);
  });
});

describe("masking and length encoding violations (1002)", () => {
  it("a server fails an unmasked text frame", () => {
    const s = server();
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "hi", key: null })), 1002);
  });

  it("a server fails an unmasked frame after a valid one, having delivered the first", () => {
    const s = server();
    const events = s.receive(concat(textFrame("ok"), rawFrame({ opcode: Opcode.BINARY, key: null })));
    expect(events[0]).toEqual({ type: "text", data: "ok" });
    expectFailed(s, events, 1002);
  });

  it.each([
    ["16-bit length 0", 16, 0],
    ["16-bit length 5", 16, 5],
    ["16-bit length 125", 16, 125],
    ["64-bit length 0", 64, 0],
    ["64-bit length 125", 64, 125],
    ["64-bit length 126", 64, 126],
    ["64-bit length 65535", 64, 65535],
  ] as const)("non-minimal %s", (_name, form, n) => {
    const s = server();
    const wire = rawFrame({ opcode: Opcode.BINARY, payload: pattern(n), lengthForm: form });
    expectFailed(s, s.receive(wire), 1002);
  });

  it("minimal 16- and 64-bit lengths are accepted at their lower bounds", () => {
    const s = server();
    const events = s.receive(
      concat(
        rawFrame({ opcode: Opcode.BINARY, payload: pattern(126) }),
        rawFrame({ opcode: 2, payload: pattern(65536) }),
      ),
    );
    expect(events.map((e) => e.type === "binary" && e.data.length)).toEqual([126, 65536]);
  });

  it("a 64-bit length with the most significant bit set fails at the header (§5.2)", () => {
    const s = server();
    const frame = rawFrame({ opcode: Opcode.BINARY, payload: pattern(70000), high32: 0x8000_0000 });
    // Only the 14-byte header: the payload can never arrive, so the session must decide now.
    expectFailed(s, s.receive(frame.subarray(0, 14)), 1002);
  });
});

describe("several frames and split-point invariance", () => {
  const stream = concat(
    textFrame("first"),
    binaryFrame(pattern(200, 5)),
    pingFrame("ping!"),
    fragmented(Opcode.TEXT, ["frag", "ment", "ed"]),
    binaryFrame(new Uint8Array(0)),
    textFrame("κόσμε"),
  );
  const expected = [
    { type: "text", data: "first" },
    { type: "binary", data: `hex:${toHex(pattern(200, 5))}` },
    { type: "ping", data: `hex:${toHex(bytes("ping!"))}` },
    { type: "text", data: "fragmented" },
    { type: "binary", data: "hex:" },
    { type: "text", data: "κόσμε" },
  ];

  it.each(SPLITS)("%s", (_name, size) => {
    const s = server();
    expect(normalize(feedBy(s, stream, size))).toEqual(expected);
    expect(decodeServer(s.dataToSend()).map((f) => [f.opcode, toHex(f.payload)])).toEqual([
      [Opcode.PONG, toHex(bytes("ping!"))],
    ]);
  });

  it("cut once at every offset", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const s = server();
      expect(normalize(feedSplit(s, stream, [cut]))).toEqual(expected);
      expect(sent(s)).toHaveLength(1);
    }
  });

  it("cut at random offsets", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const s = server();
        expect(normalize(feedSplit(s, stream, cuts))).toEqual(expected);
      }),
    );
  });

  it("empty receive() calls change nothing", () => {
    const s = server();
    expect(s.receive(new Uint8Array(0))).toEqual([]);
    const wire = textFrame("x");
    expect(s.receive(wire.subarray(0, 3))).toEqual([]);
    expect(s.receive(new Uint8Array(0))).toEqual([]);
    expect(s.receive(wire.subarray(3))).toEqual([{ type: "text", data: "x" }]);
  });
});
