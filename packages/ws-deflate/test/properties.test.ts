/**
 * Properties of @proto/ws-deflate (fast-check), on node:zlib and on pako, and across them:
 * - round trip: any sequence of messages (random bytes, compressible text, 0 B - 64 KiB) compressed by
 *   one end's codec decompresses at the other end, for any agreed parameters (context takeover or not,
 *   window bits 9-15, any level and memLevel), server → client and client → server;
 * - split invariance: a compressed message pushed through `startMessage(max)` in pieces cut anywhere
 *   (empty pieces included) gives what `decompress` gives whole, or the same error;
 * - session pairs: messages sent with sendText/sendBinary through WebSocketSession + the extension arrive
 *   as the same events whatever the split of the bytes, whatever the threshold;
 * - hostile input: random and mutated payloads (RSV1 frames included) give events or a typed close
 *   (1002/1007/1009), never a throw out of receive(); `decompress` returns or throws WsDeflateError
 *   WS_DEFLATE_CORRUPT (1007) / WS_DEFLATE_MESSAGE_TOO_LARGE (1009), nothing else.
 */
import { Opcode, type WebSocketEvent, type WebSocketSession, WsFrameError } from "@proto/ws-frame";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDeflateCodec, WsDeflateError } from "../src/index.node";
import {
  bytes,
  concat,
  deflateSession,
  ENGINES,
  type FrameSpec,
  noise,
  plain,
  receiveAll,
  sameBytes,
  splitAt,
  toHex,
  wire,
} from "./helpers";

const MAX = 64 * 1024;
const RUNS = { numRuns: 60 };
/** Every ordered pair of engines: [sender's, receiver's]; the same engine twice runs each alone. */
const PAIRS = ENGINES.flatMap((a) => ENGINES.map((b) => [`${a.name} → ${b.name}`, a, b] as const));

// -------------------------------------------------------------------------------------------------------
// Arbitraries

type Message = { text: string } | { binary: Uint8Array };
const payloadOf = (m: Message) => ("text" in m ? bytes(m.text) : m.binary);

/** Incompressible bytes of any size 0-64 KiB (xorshift from a seed: cheap to make, shrinks by length). */
const noiseBytes = fc
  .record({ length: fc.integer({ min: 0, max: MAX }), seed: fc.integer() })
  .map(({ length, seed }) => noise(length, seed));
/** Text that compresses well: a short seed (any graphemes) repeated to up to 64 KiB of UTF-8. */
const compressibleText = fc
  .tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: MAX }))
  .map(([seed, size]) => seed.repeat(Math.floor(size / bytes(seed).length)));

const message: fc.Arbitrary<Message> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((binary) => ({ binary })),
  noiseBytes.map((binary) => ({ binary })),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ text })),
  compressibleText.map((text) => ({ text })),
  compressibleText.map((text) => ({ binary: bytes(text) })),
);

/** Agreed parameters and tuning, the same at both ends (as after a handshake). */
const codecOptions = fc.record({
  serverNoContextTakeover: fc.boolean(),
  clientNoContextTakeover: fc.boolean(),
  serverMaxWindowBits: fc.integer({ min: 9, max: 15 }),
  clientMaxWindowBits: fc.integer({ min: 9, max: 15 }),
  level: fc.integer({ min: -1, max: 9 }),
  memLevel: fc.integer({ min: 1, max: 9 }),
});

/** Cut positions as fractions 0-1000 of the length (see splitAt). */
const cuts = fc.array(fc.nat({ max: 1000 }), { maxLength: 8 });

/** A compressed message with some bytes replaced: often corrupt, sometimes still valid. */
function mutate(payload: Uint8Array, edits: ReadonlyArray<readonly [number, number]>): Uint8Array {
  const out = payload.slice();
  for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
  return out;
}
const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });

/** What a payload does to a codec: its output, or its error's code and wire code. */
function outcome(run: () => Uint8Array): string {
  try {
    return toHex(run());
  } catch (error) {
    if (!(error instanceof WsDeflateError)) throw error;
    return `${error.code}/${error.wireCode}`;
  }
}

// -------------------------------------------------------------------------------------------------------

describe.each(PAIRS)("round trip through the codecs, %s", (_, a, b) => {
  it("any messages, any parameters: server → client and client → server", () => {
    fc.assert(
      fc.property(codecOptions, fc.array(message, { maxLength: 6 }), (options, messages) => {
        const server = createDeflateCodec({ ...options, engine: a, role: "server" });
        const client = createDeflateCodec({ ...options, engine: b, role: "client" });
        for (const m of messages) {
          const input = "text" in m ? m.text : m.binary;
          const expected = payloadOf(m);
          expect(sameBytes(client.decompress(server.compress(input)), expected)).toBe(true);
          expect(sameBytes(server.decompress(client.compress(input)), expected)).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe.each(ENGINES)("split invariance of startMessage().push() with $name", (engine) => {
  it("pieces cut anywhere (empty ones too) inflate to what the whole payload inflates to", () => {
    const item = fc.tuple(message, cuts, fc.option(edits, { nil: undefined, freq: 4 }));
    fc.assert(
      fc.property(codecOptions, fc.array(item, { minLength: 1, maxLength: 4 }), (options, items) => {
        const sender = createDeflateCodec({ ...options, engine, role: "server" });
        const whole = createDeflateCodec({ ...options, engine, role: "client" });
        const split = createDeflateCodec({ ...options, engine, role: "client" });
        let tainted = false; // once a mutated message was inflated, the windows differ from the sender's
        for (const [m, fractions, change] of items) {
          const compressed = sender.compress(payloadOf(m));
          const payload = change === undefined ? compressed : mutate(compressed, change);
          const pieces = splitAt(payload, fractions);
          const wholeOutcome = outcome(() => whole.decompress(payload, MAX));
          const splitOutcome = outcome(() => {
            const inflater = split.startMessage(MAX);
            return concat(...pieces.flatMap((p, i) => inflater.push(p, i === pieces.length - 1)));
          });
          expect(splitOutcome).toBe(wholeOutcome);
          tainted ||= change !== undefined;
          if (!tainted) expect(wholeOutcome).toBe(toHex(payloadOf(m)));
          // A failure abandons the message: what follows may legitimately differ.
          if (wholeOutcome.startsWith("WS_")) return;
        }
      }),
      RUNS,
    );
  });
});

// -------------------------------------------------------------------------------------------------------

function send(session: WebSocketSession, m: Message): void {
  if ("text" in m) session.sendText(m.text);
  else session.sendBinary(m.binary);
}

const expectedEvents = (messages: readonly Message[]) =>
  plain(
    messages.map(
      (m): WebSocketEvent =>
        "text" in m ? { type: "text", data: m.text } : { type: "binary", data: m.binary },
    ),
  );

describe.each(PAIRS)("WebSocketSession pairs, server on %s", (_, serverEngine, clientEngine) => {
  it("messages arrive as the same events, in any split, with any threshold, both ways", () => {
    const step = fc.record({
      fromServer: fc.boolean(),
      messages: fc.array(message, { minLength: 1, maxLength: 3 }),
      cuts,
    });
    fc.assert(
      fc.property(
        codecOptions,
        fc.integer({ min: 0, max: 2048 }),
        fc.array(step, { minLength: 1, maxLength: 4 }),
        (options, threshold, steps) => {
          const server = deflateSession("server", serverEngine, { threshold, codec: options }).session;
          const client = deflateSession("client", clientEngine, { threshold, codec: options }).session;
          for (const { fromServer, messages, cuts } of steps) {
            const [from, to] = fromServer ? [server, client] : [client, server];
            for (const m of messages) send(from, m);
            const events = receiveAll(to, splitAt(from.dataToSend(), cuts));
            expect(plain(events)).toEqual(expectedEvents(messages));
          }
        },
      ),
      RUNS,
    );
  });
});

// -------------------------------------------------------------------------------------------------------

const WIRE_CODE: Record<string, number> = {
  WS_DEFLATE_MISPLACED_RSV1: 1002,
  WS_DEFLATE_CORRUPT: 1007,
  WS_DEFLATE_MESSAGE_TOO_LARGE: 1009,
};

/** A failed connection must carry a typed error; one from the extension must be a WsDeflateError. */
function checkEvents(events: readonly WebSocketEvent[]): void {
  const closes = events.filter((e) => e.type === "close");
  expect(closes.length).toBeLessThanOrEqual(1);
  const close = closes[0];
  if (close === undefined || close.type !== "close") return;
  expect(events.at(-1)).toBe(close);
  if (close.wasClean) return;
  expect([1002, 1007, 1009]).toContain(close.code);
  expect(close.error).toBeInstanceOf(WsFrameError);
  const cause = close.error!.cause;
  if (close.error!.code === "WS_EXTENSION_ERROR") expect(cause).toBeInstanceOf(WsDeflateError);
  if (cause === undefined) return;
  expect(cause).toBeInstanceOf(WsDeflateError);
  const { code, wireCode } = cause as WsDeflateError;
  expect(wireCode).toBe(close.code);
  expect(WIRE_CODE[code]).toBe(close.code);
}

describe.each(ENGINES)("hostile input with $name", (engine) => {
  /** Payloads worth inflating: random bytes, real compressed messages, and mutated ones. */
  const compressed = fc
    .tuple(message, fc.boolean())
    .map(([m, noContext]) =>
      createDeflateCodec({ engine, noContextTakeover: noContext }).compress(payloadOf(m)),
    );
  const payload = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    compressed,
    fc.tuple(compressed, edits).map(([p, e]) => mutate(p, e)),
  );

  it("decompress(random or mutated bytes) returns, or throws WS_DEFLATE_CORRUPT / WS_DEFLATE_MESSAGE_TOO_LARGE", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("server" as const, "client" as const),
        fc.integer({ min: 0, max: MAX }),
        fc.array(payload, { minLength: 1, maxLength: 6 }),
        (role, maxMessageSize, payloads) => {
          const codec = createDeflateCodec({ engine, role, maxMessageSize });
          const started = performance.now();
          for (const p of payloads) {
            let result: unknown;
            try {
              result = codec.decompress(p);
            } catch (error) {
              result = error;
            }
            if (result instanceof Uint8Array) {
              expect(result.length).toBeLessThanOrEqual(maxMessageSize);
            } else {
              expect(result).toBeInstanceOf(WsDeflateError);
              const { code, wireCode } = result as WsDeflateError;
              expect([
                ["WS_DEFLATE_CORRUPT", 1007],
                ["WS_DEFLATE_MESSAGE_TOO_LARGE", 1009],
              ]).toContainEqual([code, wireCode]);
            }
          }
          expect(performance.now() - started).toBeLessThan(2000);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("frames with RSV1 and random payloads: receive() returns events or a typed close, never throws", () => {
    const control = fc.constantFrom(Opcode.CLOSE, Opcode.PING, Opcode.PONG);
    /** Any one frame: any opcode, RSV1 often (on any frame), RSV2 rarely. */
    const anyFrame: fc.Arbitrary<FrameSpec[]> = fc
      .record({
        opcode: fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(Opcode.CONTINUATION, Opcode.TEXT, Opcode.BINARY) },
          { weight: 2, arbitrary: control },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
        ),
        fin: fc.boolean(),
        rsv1: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
        rsv2: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, fc.constant(true)),
        payload,
      })
      .map((f) => [f.opcode >= 8 ? { ...f, fin: true, payload: f.payload.subarray(0, 125) } : f]);
    /** A well-formed (possibly fragmented) message whose payload is hostile: reaches the inflater. */
    const message: fc.Arbitrary<FrameSpec[]> = fc
      .record({ opcode: fc.constantFrom(Opcode.TEXT, Opcode.BINARY), rsv1: fc.boolean(), payload, cuts })
      .map(({ opcode, rsv1, payload, cuts }) => {
        const pieces = splitAt(payload, cuts);
        return pieces.map((p, i) => ({
          opcode: i === 0 ? opcode : Opcode.CONTINUATION,
          rsv1: i === 0 && rsv1,
          fin: i === pieces.length - 1,
          payload: p,
        }));
      });
    fc.assert(
      fc.property(
        fc.constantFrom("server" as const, "client" as const),
        fc.option(fc.integer({ min: 1, max: 8192 }), { nil: undefined }),
        fc.array(fc.oneof({ weight: 3, arbitrary: message }, anyFrame), { minLength: 1, maxLength: 6 }),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        cuts,
        (role, maxMessageSize, frames, garbage, fractions) => {
          const { session } = deflateSession(role, engine, maxMessageSize ? { maxMessageSize } : {});
          const sender = role === "server" ? "client" : "server";
          const stream = concat(wire(sender, ...frames.flat()), garbage ?? new Uint8Array(0));
          const started = performance.now();
          const events = receiveAll(session, splitAt(stream, fractions));
          expect(performance.now() - started).toBeLessThan(2000);
          checkEvents(events);
        },
      ),
      { numRuns: 200 },
    );
  });
});
