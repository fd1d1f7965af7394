/**
 * Autobahn 3.x "Reserved Bits" — RFC 6455 §5.2: "RSV1, RSV2, RSV3: 1 bit each. MUST be 0 unless an
 * extension is negotiated that defines meanings for non-zero values. If a nonzero value is received and
 * none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint
 * MUST _Fail the WebSocket Connection_."
 *
 * RSV values are numbered as Autobahn does: 4 = RSV1, 2 = RSV2, 1 = RSV3.
 */
import { describe, expect, it } from "vitest";
import { Opcode, WsFrameError } from "../../src/index";
import {
  binaryFrame,
  bytes,
  concat,
  expectFailed,
  expectOpen,
  feedBy,
  normalize,
  pingFrame,
  pongs,
  rawFrame,
  SPLITS,
  sent,
  server,
  textFrame,
  toHex,
} from "./helpers";

const RSV = [1, 2, 3, 4, 5, 6, 7];

describe("3.1 small text message with RSV set", () => {
  it.each(RSV)("RSV = %i", (rsv) => {
    const s = server();
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "Hello, world!", rsv })), 1002);
  });
});

describe("3.2-3.4 valid text, then text with RSV, then ping: first message delivered, then 1002", () => {
  describe.each([2, 3, 4])("RSV = %i", (rsv) => {
    const wire = concat(
      textFrame("Hello, world!"),
      rawFrame({ opcode: Opcode.TEXT, payload: "Hello, world!", rsv }),
      pingFrame("after"),
    );
    it.each(SPLITS)("%s", (_split, size) => {
      const s = server();
      const events = feedBy(s, wire, size);
      expect(events[0]).toEqual({ type: "text", data: "Hello, world!" });
      expect(events).toHaveLength(2);
      // The ping after the bad frame is never answered.
      expect(pongs(expectFailed(s, events, 1002))).toEqual([]);
    });
  });

  it("the first message is delivered by the earlier receive() when sent frame by frame", () => {
    const s = server();
    expect(s.receive(textFrame("first"))).toEqual([{ type: "text", data: "first" }]);
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "x", rsv: 2 })), 1002);
  });
});

describe("3.5-3.7 RSV on binary, ping, pong, close and continuation frames", () => {
  const cases: [string, number, string][] = [
    ["3.5 binary", Opcode.BINARY, "\u0000\u00ff"],
    ["3.6 ping", Opcode.PING, "Hello, world!"],
    ["pong", Opcode.PONG, "pong"],
    ["3.7 close", Opcode.CLOSE, "\u0003\u00e8"],
  ];
  describe.each(cases)("%s", (_name, opcode, payload) => {
    it.each(RSV)("RSV = %i", (rsv) => {
      const s = server();
      const events = s.receive(
        rawFrame({ opcode, payload: Uint8Array.from(payload, (c) => c.charCodeAt(0)), rsv }),
      );
      expect(events.filter((e) => e.type !== "close")).toEqual([]);
      expect(pongs(expectFailed(s, events, 1002))).toEqual([]);
    });
  });

  it.each(RSV)("a continuation frame with RSV = %i fails and the message is never delivered", (rsv) => {
    const s = server();
    const events = s.receive(
      concat(
        rawFrame({ opcode: Opcode.TEXT, payload: "frag", fin: false }),
        rawFrame({ opcode: Opcode.CONTINUATION, payload: "ment", rsv }),
      ),
    );
    expect(events.filter((e) => e.type === "text")).toEqual([]);
    expectFailed(s, events, 1002);
  });

  it("the check happens at the header: the payload need not arrive", () => {
    const s = server();
    const wire = rawFrame({ opcode: Opcode.BINARY, payload: new Uint8Array(1000), rsv: 4 });
    expectFailed(s, s.receive(wire.subarray(0, 8)), 1002);
  });
});

/** "Reverse bytes": an extension that owns RSV1 and transforms messages whose first frame sets it. */
function reverseExtension(calls: string[] = []) {
  return {
    name: "x-reverse",
    rsv: { rsv1: true },
    validateFrame(info: { opcode: number; rsv1: boolean; firstOfMessage: boolean }) {
      calls.push(`validate:${info.opcode}:${info.firstOfMessage}`);
    },
    decodeMessage(info: { rsv1: boolean }, limits: { maxOutput: number }) {
      calls.push(`decode:${info.rsv1}:${limits.maxOutput > 0}`);
      if (!info.rsv1) return undefined;
      const held: number[] = [];
      return {
        push(chunk: Uint8Array, fin: boolean): Uint8Array[] {
          held.push(...chunk);
          return fin ? [Uint8Array.from(held.reverse())] : [];
        },
      };
    },
    encodeMessage(payload: Uint8Array) {
      return { payload: payload.slice().reverse(), rsv1: true };
    },
  };
}

const identityExtension = { name: "x-identity", rsv: { rsv1: true } };

describe("RSV bits owned by a negotiated extension", () => {
  it("RSV1 is accepted when an extension owns it (identity)", () => {
    const s = server({ extensions: [identityExtension] });
    const events = s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "as is", rsv: 4 }));
    expect(events).toEqual([{ type: "text", data: "as is" }]);
    expectOpen(s, events);
  });

  it.each([2, 1, 6, 5, 3, 7])("RSV = %i is still refused when the extension owns only RSV1", (rsv) => {
    const s = server({ extensions: [identityExtension] });
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "x", rsv })), 1002);
  });

  it.each(SPLITS)("a reversing extension decodes RSV1 messages (%s)", (_split, size) => {
    const calls: string[] = [];
    const s = server({ extensions: [reverseExtension(calls)] });
    const wire = concat(
      rawFrame({ opcode: Opcode.BINARY, payload: Uint8Array.of(1, 2, 3), rsv: 4 }),
      binaryFrame(Uint8Array.of(4, 5, 6)),
      rawFrame({ opcode: Opcode.TEXT, payload: "olleh", rsv: 4, fin: false }),
      rawFrame({ opcode: Opcode.CONTINUATION, payload: " ,dlrow" }),
    );
    const events = feedBy(s, wire, size);
    expect(normalize(events)).toEqual([
      { type: "binary", data: "hex:030201" },
      { type: "binary", data: "hex:040506" },
      { type: "text", data: "world, hello" },
    ]);
    expect(calls.filter((c) => c.startsWith("decode"))).toEqual([
      "decode:true:true",
      "decode:false:true",
      "decode:true:true",
    ]);
    expect(calls).toContain(`validate:${Opcode.BINARY}:true`);
  });

  it("text decoded by an extension is still validated as UTF-8 (1007)", () => {
    const s = server({ extensions: [reverseExtension()] });
    // Reversed, "\xa9\xc2" becomes "\xc2\xa9" (valid) and "©" (c2 a9) becomes a9 c2 (invalid).
    expect(s.receive(rawFrame({ opcode: Opcode.TEXT, payload: Uint8Array.of(0xa9, 0xc2), rsv: 4 }))).toEqual([
      { type: "text", data: "©" },
    ]);
    expectFailed(
      s,
      s.receive(rawFrame({ opcode: Opcode.TEXT, payload: Uint8Array.of(0xc2, 0xa9), rsv: 4 })),
      1007,
    );
  });

  it("encodeMessage transforms what we send and sets the RSV bits it asks for", () => {
    const s = server({ extensions: [reverseExtension()] });
    s.sendBinary(Uint8Array.of(1, 2, 3));
    s.sendText("abc");
    const out = sent(s);
    expect(out.map((f) => [f.rsv1, f.rsv2, f.rsv3, f.opcode, toHex(f.payload)])).toEqual([
      [true, false, false, Opcode.BINARY, "030201"],
      [true, false, false, Opcode.TEXT, toHex(bytes("cba"))],
    ]);
  });

  it("a validateFrame that throws a WsFrameError fails the connection with its wire code", () => {
    const strict = {
      name: "x-strict",
      rsv: { rsv1: true },
      validateFrame(info: { opcode: number }) {
        if (info.opcode >= 8)
          throw new WsFrameError("WS_RESERVED_BITS", "RSV1 on a control frame", { wireCode: 1002 });
      },
    };
    const s = server({ extensions: [strict] });
    expect(s.receive(rawFrame({ opcode: Opcode.TEXT, payload: "fine", rsv: 4 }))).toEqual([
      { type: "text", data: "fine" },
    ]);
    expectFailed(s, s.receive(rawFrame({ opcode: Opcode.PING, payload: "p", rsv: 4 })), 1002);
  });

  it("without extensions, sending never sets RSV bits", () => {
    const s = server();
    s.sendText("plain");
    expect(sent(s).map((f) => [f.rsv1, f.rsv2, f.rsv3])).toEqual([[false, false, false]]);
  });
});
