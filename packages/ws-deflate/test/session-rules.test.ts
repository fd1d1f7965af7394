/**
 * RFC 7692 §6 / §6.1 inside a WebSocketSession, on both engines: RSV1 marks the first frame of a
 * compressed message and nothing else (1002 on a continuation or control frame); messages without RSV1
 * pass through, outside the LZ77 window; `threshold` decides what is compressed; control frames and
 * fragmented sends never are; corrupt DEFLATE data fails with 1007. Then the codec's option checks, the
 * browser entry without an engine, and the three forms resolveParams accepts.
 */
import { type Frame, Opcode, WebSocketSession } from "@proto/ws-frame";
import { describe, expect, it } from "vitest";
import {
  permessageDeflate as browserPermessageDeflate,
  createDeflateCodec as createBrowserCodec,
} from "../src/index";
import {
  createDeflateCodec,
  DEFAULT_THRESHOLD,
  type DeflateCodecOptions,
  PerMessageDeflateExtension,
  permessageDeflate,
  resolveParams,
  WsDeflateError,
} from "../src/index.node";
import {
  bytes,
  deflateSession,
  ENGINES,
  failure,
  fromHex,
  pakoJs,
  plain,
  receiveAll,
  sentFrames,
  toHex,
  wire,
} from "./helpers";

const MISPLACED = {
  code: 1002,
  wasClean: false,
  error: "WS_RESERVED_BITS",
  cause: "WS_DEFLATE_MISPLACED_RSV1",
};
const CORRUPT = { code: 1007, wasClean: false, error: "WS_EXTENSION_ERROR", cause: "WS_DEFLATE_CORRUPT" };
const HELLO = fromHex("f248cdc9c90700"); // §7.2.3.1
const HELLO_AGAIN = fromHex("f200110000"); // §7.2.3.2: 5 bytes from distance 5

/** The code of the Close frame a session queued. */
function closeCodeSent(frames: readonly Frame[]): number | undefined {
  const close = frames.find((f) => f.opcode === Opcode.CLOSE);
  return close && (close.payload[0]! << 8) | close.payload[1]!;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe.each(ENGINES)("RFC 7692 §6 in a session with $name", (engine) => {
  const client = (options = {}) => deflateSession("client", engine, options).session;

  describe("§6.1: RSV1 anywhere but the first frame of a message fails the connection with 1002", () => {
    it.each([
      ["a compressed message", true],
      ["an uncompressed message", false],
    ])("RSV1 on a continuation frame of %s", (_, firstRsv1) => {
      const session = client();
      const events = receiveAll(session, [
        wire("server", { opcode: Opcode.BINARY, rsv1: firstRsv1, fin: false, payload: HELLO.subarray(0, 3) }),
        wire("server", { opcode: Opcode.CONTINUATION, rsv1: true, payload: HELLO.subarray(3) }),
      ]);
      expect(failure(events)).toEqual(MISPLACED);
      expect(closeCodeSent(sentFrames(session))).toBe(1002);
    });

    it.each([
      ["ping", Opcode.PING],
      ["pong", Opcode.PONG],
      ["close", Opcode.CLOSE],
    ])("RSV1 on a %s frame", (_, opcode) => {
      const session = client();
      const events = session.receive(
        wire("server", { opcode, rsv1: true, payload: Uint8Array.of(0x03, 0xe8) }),
      );
      expect(failure(events)).toEqual(MISPLACED);
      expect(closeCodeSent(sentFrames(session))).toBe(1002);
    });

    it("RSV1 on a ping between the fragments of a compressed message", () => {
      const events = client().receive(
        wire(
          "server",
          { opcode: Opcode.TEXT, rsv1: true, fin: false, payload: HELLO.subarray(0, 2) },
          { opcode: Opcode.PING, rsv1: true },
        ),
      );
      expect(failure(events)).toEqual(MISPLACED);
    });
  });

  it("RSV1 on the first frame: the message is inflated across its fragments", () => {
    const text = "permessage-deflate ".repeat(50);
    const payload = createDeflateCodec({ engine }).compress(text);
    const session = client();
    const events = session.receive(
      wire(
        "server",
        { opcode: Opcode.TEXT, rsv1: true, fin: false, payload: payload.subarray(0, 3) },
        { opcode: Opcode.CONTINUATION, fin: false, payload: payload.subarray(3, 5) },
        { opcode: Opcode.PING, payload: bytes("between") },
        { opcode: Opcode.CONTINUATION, payload: payload.subarray(5) },
      ),
    );
    expect(plain(events)).toEqual([{ type: "ping" }, { type: "text", data: text }]);
  });

  it("§6.2: a message without RSV1 is delivered as sent, and stays out of the window", () => {
    const session = client();
    const events = session.receive(
      wire(
        "server",
        { opcode: Opcode.TEXT, rsv1: true, payload: HELLO },
        { opcode: Opcode.BINARY, payload: HELLO_AGAIN },
        { opcode: Opcode.TEXT, payload: bytes("XXXXX") },
        // Copies the last 5 bytes of the window: "Hello" only if the two plain messages are not in it.
        { opcode: Opcode.TEXT, rsv1: true, payload: HELLO_AGAIN },
      ),
    );
    expect(plain(events)).toEqual([
      { type: "text", data: "Hello" },
      { type: "binary", hex: toHex(HELLO_AGAIN) },
      { type: "text", data: "XXXXX" },
      { type: "text", data: "Hello" },
    ]);
  });

  it("a sender keeps messages below the threshold out of its window too", () => {
    const server = deflateSession("server", engine, { threshold: 6 }).session;
    const peer = client();
    const sent = ["Hello!", "abc", "Hello!", "xyz", "Hello! Hello!"];
    for (const text of sent) server.sendText(text);
    const data = server.dataToSend();
    expect(peer.receive(data)).toEqual(sent.map((text) => ({ type: "text", data: text })));
  });

  describe("threshold: messages of at least `threshold` bytes are compressed (RSV1), shorter ones are not", () => {
    const sendAll = (threshold: number | undefined, send: (s: WebSocketSession) => void) => {
      const codec = createDeflateCodec({ engine });
      const extension =
        threshold === undefined
          ? new PerMessageDeflateExtension(codec)
          : new PerMessageDeflateExtension(codec, threshold);
      const server = new WebSocketSession({ role: "server", extensions: [extension] });
      send(server);
      const frames = sentFrames(server);
      const received = client().receive(wire("server", ...frames));
      return { rsv1: frames.map((f) => f.rsv1), received };
    };

    it("binary: threshold - 1 bytes plain, threshold bytes compressed", () => {
      const { rsv1, received } = sendAll(16, (s) => {
        s.sendBinary(new Uint8Array(15).fill(0x61));
        s.sendBinary(new Uint8Array(16).fill(0x61));
      });
      expect(rsv1).toEqual([false, true]);
      expect(received.map((e) => e.type === "binary" && e.data.length)).toEqual([15, 16]);
    });

    it("text: the threshold counts UTF-8 bytes, not characters", () => {
      const { rsv1, received } = sendAll(16, (s) => {
        s.sendText("é".repeat(7)); // 14 bytes
        s.sendText("é".repeat(8)); // 16 bytes, 8 characters
        s.sendText("a".repeat(15));
      });
      expect(rsv1).toEqual([false, true, false]);
      expect(plain(received)).toEqual([
        { type: "text", data: "é".repeat(7) },
        { type: "text", data: "é".repeat(8) },
        { type: "text", data: "a".repeat(15) },
      ]);
    });

    it(`the default threshold is ${DEFAULT_THRESHOLD} bytes`, () => {
      expect(DEFAULT_THRESHOLD).toBe(1024);
      const { rsv1 } = sendAll(undefined, (s) => {
        s.sendText("a".repeat(1023));
        s.sendText("a".repeat(1024));
      });
      expect(rsv1).toEqual([false, true]);
    });

    it("threshold 0 compresses every message, the empty one too, also after other messages", () => {
      const { rsv1, received } = sendAll(0, (s) => {
        s.sendText("");
        s.sendText("x");
        s.sendText("");
        s.sendBinary(new Uint8Array(0));
      });
      expect(rsv1).toEqual([true, true, true, true]);
      expect(plain(received)).toEqual([
        { type: "text", data: "" },
        { type: "text", data: "x" },
        { type: "text", data: "" },
        { type: "binary", hex: "" },
      ]);
    });
  });

  it("control frames never carry RSV1, whatever the threshold (ping, pong, close, automatic pong)", () => {
    const { session } = deflateSession("server", engine, { threshold: 0 });
    session.ping(new Uint8Array(100).fill(0x61));
    session.pong(new Uint8Array(100).fill(0x62));
    session.receive(wire("client", { opcode: Opcode.PING, payload: new Uint8Array(100).fill(0x63) }));
    session.close(1000, "x".repeat(100));
    const frames = sentFrames(session);
    expect(frames.map((f) => [f.opcode, f.rsv1])).toEqual([
      [Opcode.PING, false],
      [Opcode.PONG, false],
      [Opcode.PONG, false],
      [Opcode.CLOSE, false],
    ]);
    expect(frames[0]!.payload).toEqual(new Uint8Array(100).fill(0x61));
  });

  it.each([
    ["a reserved block type (BTYPE 11)", "ff"],
    ["a stored block whose NLEN is not ~LEN", "0005000000"],
    ["a distance beyond an empty window", "f200110000"],
  ])("corrupt DEFLATE data (%s) fails with 1007, the cause a WsDeflateError", (_, payload) => {
    const session = client();
    const events = session.receive(
      wire("server", { opcode: Opcode.BINARY, rsv1: true, payload: fromHex(payload) }),
    );
    expect(failure(events)).toEqual(CORRUPT);
    const close = events.at(-1);
    const cause = close?.type === "close" ? close.error?.cause : undefined;
    expect(cause).toBeInstanceOf(WsDeflateError);
    expect((cause as WsDeflateError).wireCode).toBe(1007);
    expect(closeCodeSent(sentFrames(session))).toBe(1007);
  });

  it("a fragmented send (fin: false) goes uncompressed, and does not disturb the window", () => {
    const { session: server } = deflateSession("server", engine, { threshold: 0 });
    server.sendText("Hello Hello Hello", { fin: false });
    server.sendText(" world", { fin: true });
    server.sendText("Hello Hello Hello");
    const frames = sentFrames(server);
    expect(frames.map((f) => [f.opcode, f.fin, f.rsv1])).toEqual([
      [Opcode.TEXT, false, false],
      [Opcode.CONTINUATION, true, false],
      [Opcode.TEXT, true, true],
    ]);
    expect(new TextDecoder().decode(frames[0]!.payload)).toBe("Hello Hello Hello");
    expect(client().receive(wire("server", ...frames))).toEqual([
      { type: "text", data: "Hello Hello Hello world" },
      { type: "text", data: "Hello Hello Hello" },
    ]);
  });
});

describe("codec options", () => {
  it.each<[string, DeflateCodecOptions]>([
    ["level 10", { level: 10 }],
    ["level -2", { level: -2 }],
    ["level 1.5", { level: 1.5 }],
    ["memLevel 0", { memLevel: 0 }],
    ["memLevel 10", { memLevel: 10 }],
    ["serverMaxWindowBits 16", { serverMaxWindowBits: 16 }],
    ["serverMaxWindowBits 7", { serverMaxWindowBits: 7 }],
    ["serverMaxWindowBits 9.5", { serverMaxWindowBits: 9.5 }],
    ["serverMaxWindowBits 8 on a server (raw deflate cannot compress with 8)", { serverMaxWindowBits: 8 }],
    ["clientMaxWindowBits 8 on a client", { role: "client", clientMaxWindowBits: 8 }],
    ['clientMaxWindowBits "09" (a leading zero)', { clientMaxWindowBits: "09" as unknown as number }],
    ['role "proxy"', { role: "proxy" as "server" }],
    ["maxMessageSize -1", { maxMessageSize: -1 }],
    ["maxMessageSize 1.5", { maxMessageSize: 1.5 }],
  ])("%s → WS_DEFLATE_INVALID_ARGUMENT", (_, options) => {
    const error = thrown(() => createDeflateCodec(options));
    expect(error).toBeInstanceOf(WsDeflateError);
    expect((error as WsDeflateError).code).toBe("WS_DEFLATE_INVALID_ARGUMENT");
    expect((error as WsDeflateError).wireCode).toBeUndefined();
  });

  it.each([
    ["an unknown parameter", [["mystery", true]]],
    ["a window of 16 bits", [["server_max_window_bits", "16"]]],
  ] as const)("negotiated pairs with %s → WS_DEFLATE_INVALID_ARGUMENT", (_, pairs) => {
    const error = thrown(() => createDeflateCodec(pairs.map(([n, v]) => [n, v] as [string, string | true])));
    expect((error as WsDeflateError).code).toBe("WS_DEFLATE_INVALID_ARGUMENT");
  });

  it("the peer's window may be 8 bits (only our own compressor needs 9)", () => {
    expect(createDeflateCodec({ role: "client", serverMaxWindowBits: 8 }).params.serverMaxWindowBits).toBe(8);
  });

  it("permessageDeflate() checks its options up front", () => {
    for (const options of [
      { threshold: -1 },
      { threshold: 0.5 },
      { serverMaxWindowBits: 8 },
      { level: 10 },
    ]) {
      expect((thrown(() => permessageDeflate(options)) as WsDeflateError).code).toBe(
        "WS_DEFLATE_INVALID_ARGUMENT",
      );
    }
  });

  it("the browser entry has no default engine: WS_DEFLATE_NO_ENGINE, unless one is passed", () => {
    for (const run of [
      () => createBrowserCodec(),
      () => createBrowserCodec({ role: "client" }),
      () => browserPermessageDeflate(),
    ]) {
      const error = thrown(run);
      expect(error).toBeInstanceOf(WsDeflateError);
      expect((error as WsDeflateError).code).toBe("WS_DEFLATE_NO_ENGINE");
    }
    expect(toHex(createBrowserCodec({ engine: pakoJs }).compress("Hello"))).toBe(toHex(HELLO));
    expect(browserPermessageDeflate({ engine: pakoJs }).name).toBe("permessage-deflate");
  });
});

describe("resolveParams", () => {
  const expected = {
    serverNoContextTakeover: true,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 10,
  };

  it("accepts camelCase, snake_case and negotiated [name, value] pairs alike", () => {
    expect(resolveParams({ serverNoContextTakeover: true, clientMaxWindowBits: 10 })).toEqual(expected);
    const snake = { server_no_context_takeover: true, client_max_window_bits: 10 };
    expect(resolveParams(snake as DeflateCodecOptions)).toEqual(expected);
    const snakeString = { server_no_context_takeover: true, client_max_window_bits: "10" };
    expect(resolveParams(snakeString as unknown as DeflateCodecOptions)).toEqual(expected);
    expect(
      resolveParams([
        ["server_no_context_takeover", true],
        ["client_max_window_bits", "10"],
      ]),
    ).toEqual(expected);
  });

  it("defaults, the noContextTakeover shorthand, a valueless window, camelCase over snake_case", () => {
    expect(resolveParams()).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    });
    expect(resolveParams({ noContextTakeover: true })).toMatchObject({
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
    });
    expect(resolveParams([["client_max_window_bits", true]]).clientMaxWindowBits).toBe(15);
    const both = { serverMaxWindowBits: 12, server_max_window_bits: 9 };
    expect(resolveParams(both as DeflateCodecOptions).serverMaxWindowBits).toBe(12);
  });

  it("pairs given to createDeflateCodec take effect: server_no_context_takeover resets the window", () => {
    const codec = createDeflateCodec([["server_no_context_takeover", true]]);
    expect(codec.params.serverNoContextTakeover).toBe(true);
    expect(toHex(codec.compress("Hello"))).toBe(toHex(HELLO));
    expect(toHex(codec.compress("Hello"))).toBe(toHex(HELLO)); // not f200110000
    const snakeCodec = createDeflateCodec({ server_no_context_takeover: true } as DeflateCodecOptions);
    snakeCodec.compress("Hello");
    expect(toHex(snakeCodec.compress("Hello"))).toBe(toHex(HELLO));
  });
});
