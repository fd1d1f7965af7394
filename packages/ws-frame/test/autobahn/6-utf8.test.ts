/**
 * Autobahn 6.x "UTF-8 Handling" — RFC 6455 §8.1: "When an endpoint is to interpret a byte stream as UTF-8
 * but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the
 * WebSocket Connection_." §5.6: "The 'Payload data' is text data encoded as UTF-8. Note that a particular
 * text frame might include a partial UTF-8 sequence; however, the whole message MUST contain valid UTF-8."
 * §7.4.1: 1007 "data within a message that was not consistent with the type of the message".
 *
 * Fail-fast (Autobahn 6.4): the session closes as soon as the byte that makes the stream invalid arrives,
 * while the rest of the frame or message is still on its way. Validity is judged against the RFC 3629
 * grammar by an independent reference validator (`utf8FirstError` in helpers.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Opcode } from "../../src/index";
import {
  bytes,
  clientFrame,
  concat,
  expectFailed,
  expectOpen,
  feed,
  fragmented,
  hex,
  oneBytePieces,
  rawFrame,
  server,
  textFrame,
  utf8FirstError,
} from "./helpers";

const VALID: [string, string][] = [
  ["6.2 Hello-µ@ßöäüàá-UTF-8!!", toHexString("Hello-µ@ßöäüàá-UTF-8!!")],
  ["6.5.1 κόσμε", "cebae1bdb9cf83cebcceb5"],
  ["6.5.x 4-byte emoji", "f09f9880"],
  ["emoji text", toHexString("ok 😀👍🏽 done ∑ 中文")],
  ["6.7.1 U+0000", "00"],
  ["6.7.2 U+0080", "c280"],
  ["6.7.3 U+0800", "e0a080"],
  ["6.7.4 U+10000", "f0908080"],
  ["6.8 U+007F", "7f"],
  ["6.8 U+07FF", "dfbf"],
  ["6.8 U+FFFF (noncharacter, valid)", "efbfbf"],
  ["6.8 U+10FFFF", "f48fbfbf"],
  ["6.9 U+D7FF", "ed9fbf"],
  ["6.9 U+E000", "ee8080"],
  ["6.9 U+FFFD", "efbfbd"],
  ["6.22 U+FFFE (noncharacter, valid)", "efbfbe"],
  ["6.23 U+FDD0", "efb790"],
  ["BOM U+FEFF kept as a character", "efbbbf41"],
];

function toHexString(text: string): string {
  return Array.from(bytes(text), (b) => b.toString(16).padStart(2, "0")).join("");
}

const decodeOracle = (data: Uint8Array) =>
  new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data);

describe("6.1-6.2, 6.5, 6.7-6.9, 6.22-6.23 valid UTF-8 is delivered", () => {
  describe.each(VALID)("%s", (_name, h) => {
    const data = hex(h);
    const text = decodeOracle(data);

    it("in one frame", () => {
      const s = server();
      expect(s.receive(textFrame(data))).toEqual([{ type: "text", data: text }]);
    });

    it("6.2.3-6.2.4 in 1-byte frames", () => {
      const s = server();
      expect(s.receive(fragmented(Opcode.TEXT, oneBytePieces(data)))).toEqual([{ type: "text", data: text }]);
    });

    it("split across receive() calls at every byte", () => {
      const s = server();
      const events = feed(s, textFrame(data), 1);
      expect(events).toEqual([{ type: "text", data: text }]);
      expectOpen(s, events);
    });
  });

  it("a 4-byte emoji split across two frames at each inner byte, and across receive() at each cut", () => {
    const emoji = hex("f09f9880");
    for (let at = 1; at < 4; at++) {
      const wire = fragmented(Opcode.TEXT, [
        concat(bytes("a"), emoji.subarray(0, at)),
        concat(emoji.subarray(at), bytes("b")),
      ]);
      for (let cut = 1; cut < wire.length; cut++) {
        const s = server();
        const events = [...s.receive(wire.subarray(0, cut)), ...s.receive(wire.subarray(cut))];
        expect(events).toEqual([{ type: "text", data: "a😀b" }]);
      }
    }
  });

  it("6.1 empty text messages, whole and as empty fragments", () => {
    const s = server();
    expect(s.receive(concat(textFrame(""), fragmented(Opcode.TEXT, ["", "", ""])))).toEqual([
      { type: "text", data: "" },
      { type: "text", data: "" },
    ]);
  });
});

const INVALID: [string, string][] = [
  ["6.3 κόσμε with an invalid tail", "cebae1bdb9cf83cebcceb5eda080656469746564"],
  ["6.6.1 lone lead byte CE at the end", "ce"],
  ["6.6.3 κ + truncated 3-byte", "cebae1"],
  ["6.6.4 κ + truncated 3-byte (2 of 3)", "cebae1bd"],
  ["6.8.1 5-byte sequence", "f888808080"],
  ["6.8.2 6-byte sequence", "fc8480808080"],
  ["6.10.1 > U+10FFFF", "f4908080"],
  ["6.10.2 F5 lead", "f5808080"],
  ["6.11 F7 lead (would be > U+10FFFF)", "f7bfbfbf"],
  ["6.12.1 lone continuation 80", "80"],
  ["6.12.2 lone continuation bf", "bf"],
  ["6.12.3 continuation run", "80bf80bf"],
  ["6.13.1 lonely start C0 followed by space", "c020"],
  ["6.13.2 lonely start E0 followed by space", "e020"],
  ["6.13.3 lonely start F0 followed by space", "f020"],
  ["6.14.1 2-byte sequence, last byte missing", "c2"],
  ["6.14.2 3-byte sequence, last byte missing", "e080"],
  ["6.14.3 4-byte sequence, last byte missing", "f09f98"],
  ["6.14.x truncated emoji followed by ASCII", "f09f9841"],
  ["6.15 concatenated incomplete sequences", "c0e080f08080df"],
  ["6.16.1 impossible byte FE", "fe"],
  ["6.16.2 impossible byte FF", "ff"],
  ["6.16.3 FEFEFFFF", "fefeffff"],
  ["6.17.1 overlong '/' in 2 bytes", "c0af"],
  ["6.17.2 overlong '/' in 3 bytes", "e080af"],
  ["6.17.3 overlong '/' in 4 bytes", "f08080af"],
  ["6.18.1 max overlong 2 bytes", "c1bf"],
  ["6.18.2 max overlong 3 bytes", "e09fbf"],
  ["6.18.3 max overlong 4 bytes", "f08fbfbf"],
  ["6.19.1 overlong NUL 2 bytes", "c080"],
  ["6.20.1 surrogate U+D800", "eda080"],
  ["6.20.4 surrogate U+DBFF", "edafbf"],
  ["6.20.5 surrogate U+DC00", "edb080"],
  ["6.20.7 surrogate U+DFFF", "edbfbf"],
  ["6.21.1 surrogate pair U+D800 U+DC00", "eda080edb080"],
  ["6.21.8 surrogate pair U+DBFF U+DFFF", "edafbfedbfbf"],
  ["valid text then a surrogate", `${toHexString("Hello ")}eda080`],
];

describe("6.3, 6.6, 6.8, 6.10-6.21 invalid UTF-8 fails with 1007", () => {
  describe.each(INVALID)("%s", (_name, h) => {
    const data = hex(h);

    it("in one frame", () => {
      const s = server();
      expect(() => decodeOracle(data)).toThrow();
      expectFailed(s, s.receive(textFrame(data)), 1007);
    });

    it("in 1-byte frames", () => {
      const s = server();
      const events = s.receive(fragmented(Opcode.TEXT, oneBytePieces(data)));
      expect(events.filter((e) => e.type === "text")).toEqual([]);
      expectFailed(s, events, 1007);
    });

    it("fed byte by byte", () => {
      const s = server();
      expectFailed(s, feed(s, textFrame(data), 1), 1007);
    });

    it("6.4 fail-fast: closes at the offending byte, before the rest of the frame arrives", () => {
      // A longer frame: the invalid bytes, then valid text that never arrives. After a truncated
      // sequence the first byte that cannot continue it (the space) is the offending one.
      const payload = concat(data, bytes(" and much more text after the error"));
      const bad = utf8FirstError(payload).index;
      expect(bad).toBeGreaterThanOrEqual(0);
      const wire = textFrame(payload);
      const header = wire.length - payload.length;
      const s = server();
      // Up to the byte before the error the stream is a valid prefix: no close yet.
      expect(s.receive(wire.subarray(0, header + bad))).toEqual([]);
      expect(s.state).toBe("open");
      expectFailed(s, s.receive(wire.subarray(header + bad, header + bad + 1)), 1007);
    });
  });
});

describe("6.4 fail-fast across fragments", () => {
  it("6.4.1 the invalid fragment fails the message before its final fragment is sent", () => {
    const s = server();
    const f1 = clientFrame(Opcode.TEXT, hex("cebae1bdb9cf83cebcceb5"), { fin: false });
    const f2 = clientFrame(Opcode.CONTINUATION, hex("f4908080"), { fin: false });
    expect(s.receive(f1)).toEqual([]);
    expectFailed(s, s.receive(f2), 1007);
  });

  it("6.4.2 the invalid bytes at the start of the 2nd fragment, the header of the 3rd never sent", () => {
    const s = server();
    const f1 = clientFrame(Opcode.TEXT, hex("cebae1bdb9cf83cebcceb5f4"), { fin: false });
    const f2 = clientFrame(Opcode.CONTINUATION, hex("90808065646974656421"), { fin: false });
    expect(s.receive(f1)).toEqual([]);
    expect(s.state).toBe("open");
    // Header (6 bytes) + 0x90: F4 90 is past U+10FFFF.
    expectFailed(s, s.receive(f2.subarray(0, 7)), 1007);
  });

  it("6.4.3-6.4.4 one frame: header plus the first bytes including the invalid sequence", () => {
    const payload = concat(hex("cebae1bdb9cf83cebcceb5"), hex("f4908080"), bytes("edited"));
    const wire = textFrame(payload);
    const s = server();
    // 6 header bytes + 11 valid bytes + F4: still a valid prefix.
    expect(s.receive(wire.subarray(0, 6 + 12))).toEqual([]);
    expect(s.state).toBe("open");
    expectFailed(s, s.receive(wire.subarray(6 + 12, 6 + 13)), 1007);
  });

  it("a truncated sequence at a fragment boundary is fine; at the message end it fails", () => {
    const s = server();
    expect(s.receive(fragmented(Opcode.TEXT, [hex("41e282"), hex("ac42")]))).toEqual([
      { type: "text", data: "A€B" },
    ]);
    expectFailed(s, s.receive(fragmented(Opcode.TEXT, [hex("41"), hex("e282")])), 1007);
  });

  it("binary messages are never checked as UTF-8", () => {
    const s = server();
    const events = s.receive(rawFrame({ opcode: Opcode.BINARY, payload: hex("eda080fffe80") }));
    expect(events.map((e) => e.type)).toEqual(["binary"]);
  });
});

describe("property: the session agrees with the RFC 3629 reference validator", () => {
  const byteSoup = fc.oneof(
    fc.uint8Array({ maxLength: 24 }),
    fc
      .array(
        fc.constantFrom(
          ...["41", "c2", "80", "bf", "e0", "ed", "a0", "f0", "f4", "90", "8f", "c0", "ff"].map(hex),
        ),
        {
          maxLength: 12,
        },
      )
      .map((parts) => concat(...parts)),
  );

  it("accepts exactly the valid messages, fragmented at random, fed at random splits", () => {
    fc.assert(
      fc.property(
        byteSoup,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (data, fragCuts, cuts) => {
          const points = [...new Set(fragCuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          const parts: Uint8Array[] = [];
          let start = 0;
          for (const p of [...points, data.length]) {
            parts.push(data.subarray(start, p));
            start = p;
          }
          const wire = fragmented(Opcode.TEXT, parts);
          const s = server();
          const events: ReturnType<typeof s.receive> = [];
          let at = 0;
          for (const c of [...new Set(cuts.map((c) => c % wire.length))].sort((a, b) => a - b)) {
            events.push(...s.receive(wire.subarray(at, c)));
            at = c;
          }
          events.push(...s.receive(wire.subarray(at)));
          const { index, complete } = utf8FirstError(data);
          if (index === -1 && complete) {
            expect(events).toEqual([{ type: "text", data: decodeOracle(data) }]);
          } else {
            expect(events).toHaveLength(1);
            expect(events[0]).toMatchObject({ type: "close", code: 1007, wasClean: false });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
