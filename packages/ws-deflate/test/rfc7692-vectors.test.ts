/**
 * RFC 7692 §7.2.3 examples byte for byte, through the codec and through a WebSocketSession with the
 * negotiated extension, on both engines (node:zlib and pako).
 */
import { WebSocketSession } from "@proto/ws-frame";
import * as pako from "pako";
import { describe, expect, it } from "vitest";
import {
  createDeflateCodec,
  nodeZlibEngine,
  PerMessageDeflateExtension,
  pakoEngine,
} from "../src/index.node";
import vectors from "./fixtures/rfc7692-7.2.3.json" with { type: "json" };

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const engines = [nodeZlibEngine, pakoEngine(pako)];

describe.each(engines)("RFC 7692 §7.2.3 with $name", (engine) => {
  it("§7.2.3.1: 'Hello' compresses to f2 48 cd c9 c9 07 00 (the 00 00 ff ff tail removed)", () => {
    const codec = createDeflateCodec({ engine });
    expect(toHex(codec.compress("Hello"))).toBe(vectors["7.2.3.1_payload"]);
    const decoder = createDeflateCodec({ engine, role: "client" });
    expect(text(decoder.decompress(hex(vectors["7.2.3.1_payload"])))).toBe("Hello");
  });

  it("§7.2.3.2: the second 'Hello' under context takeover is f2 00 11 00 00", () => {
    const codec = createDeflateCodec({ engine });
    codec.compress("Hello");
    expect(toHex(codec.compress("Hello"))).toBe(
      vectors["7.2.3.2_second_message_with_context_takeover_payload"],
    );
    const decoder = createDeflateCodec({ engine, role: "client" });
    expect(text(decoder.decompress(hex(vectors["7.2.3.1_payload"])))).toBe("Hello");
    expect(
      text(decoder.decompress(hex(vectors["7.2.3.2_second_message_with_context_takeover_payload"]))),
    ).toBe("Hello");
  });

  it("§7.2.3.2: without context takeover the second 'Hello' is compressed afresh", () => {
    const codec = createDeflateCodec({ engine, serverNoContextTakeover: true });
    codec.compress("Hello");
    expect(toHex(codec.compress("Hello"))).toBe(vectors["7.2.3.1_payload"]);
  });

  it.each([
    ["§7.2.3.3 a stored (uncompressed) block", "7.2.3.3_no_compression_payload"],
    ["§7.2.3.4 a block with BFINAL set", "7.2.3.4_bfinal_payload"],
    ["§7.2.3.5 two DEFLATE blocks in one message", "7.2.3.5_two_blocks_payload"],
  ] as const)("%s decodes to 'Hello'", (_, key) => {
    const decoder = createDeflateCodec({ engine, role: "client" });
    expect(text(decoder.decompress(hex(vectors[key])))).toBe("Hello");
  });

  it("§7.2.3.4: after a BFINAL block the window carries on into the next message", () => {
    const decoder = createDeflateCodec({ engine, role: "client" });
    expect(text(decoder.decompress(hex(vectors["7.2.3.4_bfinal_payload"])))).toBe("Hello");
    // f2 00 11 00 00 copies 5 bytes from distance 5: the 'Hello' of the BFINAL message.
    expect(
      text(decoder.decompress(hex(vectors["7.2.3.2_second_message_with_context_takeover_payload"]))),
    ).toBe("Hello");
  });

  describe("through a WebSocketSession (client receiving from a server)", () => {
    const session = () =>
      new WebSocketSession({
        role: "client",
        extensions: [new PerMessageDeflateExtension(createDeflateCodec({ engine, role: "client" }))],
      });

    it("§7.2.3.1: the frame c1 07 f2 48 cd c9 c9 07 00 is the text 'Hello'", () => {
      expect(session().receive(hex(vectors["7.2.3.1_frame"]))).toEqual([{ type: "text", data: "Hello" }]);
    });

    it("§7.2.3.1: the fragmented frames 41 03 f2 48 cd / 80 04 c9 c9 07 00 are 'Hello'", () => {
      const s = session();
      const [first, second] = vectors["7.2.3.1_fragmented_frames"];
      expect(s.receive(hex(first!))).toEqual([]);
      expect(s.receive(hex(second!))).toEqual([{ type: "text", data: "Hello" }]);
    });

    it("§7.2.3.2: two frames with context takeover are 'Hello' twice", () => {
      const s = session();
      expect(s.receive(hex(vectors["7.2.3.1_frame"] + vectors["7.2.3.2_second_frame"]))).toEqual([
        { type: "text", data: "Hello" },
        { type: "text", data: "Hello" },
      ]);
    });

    it("§7.2.3.3: the stored-block frame c1 0b ... is 'Hello'", () => {
      expect(session().receive(hex(vectors["7.2.3.3_frame"]))).toEqual([{ type: "text", data: "Hello" }]);
    });
  });

  it("a server session sends 'Hello' as the frame c1 07 f2 48 cd c9 c9 07 00 (threshold 0)", () => {
    const s = new WebSocketSession({
      role: "server",
      extensions: [new PerMessageDeflateExtension(createDeflateCodec({ engine }), 0)],
    });
    s.sendText("Hello");
    expect(toHex(s.dataToSend())).toBe(vectors["7.2.3.1_frame"]);
    s.sendText("Hello");
    expect(toHex(s.dataToSend())).toBe(vectors["7.2.3.2_second_frame"]);
  });
});
