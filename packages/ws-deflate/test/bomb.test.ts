/**
 * Decompression bombs (RFC 7692 §8.1 leaves the limit to the implementation): 64 MiB of zeros deflates to
 * about 64 KiB. With a 1 MiB limit the codec and a WebSocketSession must refuse it with
 * WS_DEFLATE_MESSAGE_TOO_LARGE / close 1009 while inflating, before the output is spent: memory growth
 * is measured (process.memoryUsage().arrayBuffers and rss, sampled after every engine call) and printed.
 * A stream of empty stored blocks inflates to nothing but is bounded by the compressed-input limit of
 * codec.ts startMessage. Messages exactly at either limit pass.
 *
 * vitest 4 has no poolOptions (execArgv is a top-level option this package's config does not set), so gc
 * is exposed at run time with v8.setFlagsFromString("--expose-gc"); without it the numbers are still
 * measured, only noisier.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { constants, deflateRawSync } from "node:zlib";
import { Opcode, type WebSocketEvent } from "@proto/ws-frame";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compressedInputLimit,
  createDeflateCodec,
  nodeZlibEngine,
  type RawDeflateEngine,
  WsDeflateError,
} from "../src/index.node";
import {
  deflateSession,
  ENGINES,
  type FrameSpec,
  failure,
  noise,
  receiveAll,
  sentFrames,
  wire,
} from "./helpers";

const MiB = 1024 * 1024;
const LIMIT = MiB;
const BOMB_OUTPUT = 64 * MiB;
/** The most the compressed-input bound (compressedInputLimit) may allow for a 1 MiB limit and still bound. */
const MAX_INPUT_CAP = 4 * LIMIT + 64 * 1024;
const TOO_LARGE = {
  code: 1009,
  wasClean: false,
  error: "WS_MESSAGE_TOO_LARGE",
  cause: "WS_DEFLATE_MESSAGE_TOO_LARGE",
};

/**
 * 64 MiB of zeros as one permessage-deflate payload: 64 sync-flushed raw deflate streams of 1 MiB each
 * (node:zlib deflateRawSync, Z_SYNC_FLUSH) back to back, the last 00 00 ff ff removed (§7.2.1). Each piece
 * ends on a byte boundary without BFINAL, so the concatenation is one valid stream, made without ever
 * holding 64 MiB.
 */
function makeBomb(): Uint8Array {
  const piece = deflateRawSync(new Uint8Array(MiB), { finishFlush: constants.Z_SYNC_FLUSH });
  const count = BOMB_OUTPUT / MiB;
  const out = new Uint8Array(piece.length * count - 4);
  for (let i = 0; i < count; i++) out.set(i < count - 1 ? piece : piece.subarray(0, -4), i * piece.length);
  return out;
}

/** Empty non-final stored blocks (BFINAL 0, BTYPE 00, LEN 0, NLEN ffff) and one holding `data`: 5 + n bytes each. */
function storedBlocks(empty: number, data = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(empty * 5 + (data.length > 0 ? 5 + data.length : 0));
  for (let at = 0; at < empty * 5; at += 5) out.set([0x00, 0x00, 0x00, 0xff, 0xff], at);
  if (data.length > 0) {
    const n = data.length;
    out.set([0x00, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff, ...data], empty * 5);
  }
  return out;
}

/** A stream of stored blocks exactly `size` bytes long (size >= 5), inflating to `size % 5` bytes "a". */
function storedStreamOf(size: number): Uint8Array {
  const rest = size % 5;
  return rest === 0
    ? storedBlocks(size / 5)
    : storedBlocks((size - 5 - rest) / 5, new Uint8Array(rest).fill(0x61));
}

function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
}
const gc = exposeGc();

interface Memory {
  arrayBuffers: number;
  rss: number;
}
const usage = (): Memory => {
  const { arrayBuffers, rss } = process.memoryUsage();
  return { arrayBuffers, rss };
};
const mib = (n: number) => `${(n / MiB).toFixed(2)} MiB`;

/** The engine with a memory sample taken after every inflate call (thrown or returned). */
function sampling(engine: RawDeflateEngine, sample: () => void): RawDeflateEngine {
  return {
    name: engine.name,
    createDeflater: (options) => engine.createDeflater(options),
    createInflater(options) {
      const inner = engine.createInflater(options);
      return {
        inflate(data, final, maxOutput) {
          try {
            return inner.inflate(data, final, maxOutput);
          } finally {
            sample();
          }
        },
        reset: () => inner.reset(),
      };
    },
  };
}

/** Growth over the state before `attack` (after gc): the peak sampled, and right after it. */
function measure(label: string, engine: RawDeflateEngine, attack: (engine: RawDeflateEngine) => void) {
  gc?.();
  gc?.();
  const before = usage();
  const peak = { ...before };
  const sample = () => {
    const now = usage();
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
    peak.rss = Math.max(peak.rss, now.rss);
  };
  attack(sampling(engine, sample));
  sample();
  const after = usage();
  const growth = {
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    peakArrayBuffers: peak.arrayBuffers - before.arrayBuffers,
    rss: after.rss - before.rss,
    peakRss: peak.rss - before.rss,
  };
  console.log(
    `[bomb] ${engine.name}, ${label}: arrayBuffers +${mib(growth.arrayBuffers)} (peak +${mib(growth.peakArrayBuffers)}),` +
      ` rss +${mib(growth.rss)} (peak +${mib(growth.peakRss)}); gc ${gc ? "run before" : "unavailable"}`,
  );
  return growth;
}

let bomb: Uint8Array;
beforeAll(() => {
  bomb = makeBomb();
  console.log(`[bomb] ${mib(BOMB_OUTPUT)} of zeros compressed to ${bomb.length} bytes`);
});

/** The bomb as one binary message from a server: one frame, or frames of `size` bytes. */
function bombFrames(size = bomb.length): FrameSpec[] {
  const frames: FrameSpec[] = [];
  for (let at = 0; at < bomb.length; at += size) {
    frames.push({
      opcode: at === 0 ? Opcode.BINARY : Opcode.CONTINUATION,
      rsv1: at === 0,
      fin: at + size >= bomb.length,
      payload: bomb.subarray(at, at + size),
    });
  }
  return frames;
}

function tooLarge(run: () => unknown): WsDeflateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WsDeflateError);
    expect((error as WsDeflateError).code).toBe("WS_DEFLATE_MESSAGE_TOO_LARGE");
    expect((error as WsDeflateError).wireCode).toBe(1009);
    return error as WsDeflateError;
  }
  throw new Error("expected WS_DEFLATE_MESSAGE_TOO_LARGE, nothing was thrown");
}

/** The close frame the session queued carries code 1009. */
function expectClose1009(session: ReturnType<typeof deflateSession>["session"]): void {
  const close = sentFrames(session).find((f) => f.opcode === Opcode.CLOSE);
  expect(close?.payload.subarray(0, 2)).toEqual(Uint8Array.of(0x03, 0xf1));
}

describe.each(ENGINES)("a 64 MiB bomb against a 1 MiB limit with $name", (engine) => {
  const LIMIT_GROWTH = 16 * MiB;
  const LIMIT_RSS = 32 * MiB; // the control below sees +100 MiB of rss for the whole 64 MiB

  it("codec.decompress refuses it with WS_DEFLATE_MESSAGE_TOO_LARGE (1009), spending well under 64 MiB", () => {
    const growth = measure("codec.decompress", engine, (e) => {
      const codec = createDeflateCodec({ engine: e, role: "client", maxMessageSize: LIMIT });
      tooLarge(() => codec.decompress(bomb));
    });
    expect(growth.peakArrayBuffers).toBeLessThan(LIMIT_GROWTH);
    expect(growth.arrayBuffers).toBeLessThan(LIMIT_GROWTH);
    expect(growth.peakRss).toBeLessThan(LIMIT_RSS);
  });

  it.each([
    ["in one frame", undefined],
    ["in 1 KiB frames", 1024],
    ["in 100-byte frames", 100],
  ] as const)("a session with maxMessageSize 1 MiB closes with 1009 when it arrives %s", (label, size) => {
    const frames = bombFrames(size);
    let events: WebSocketEvent[] = [];
    let consumed = 0;
    const growth = measure(`session, ${frames.length} frame(s)`, engine, (e) => {
      const { session } = deflateSession("client", e, { maxMessageSize: LIMIT });
      for (const frame of frames) {
        consumed++;
        events = session.receive(wire("server", frame));
        if (events.length > 0) break;
      }
      expect(failure(events)).toEqual(TOO_LARGE);
      expectClose1009(session);
    });
    console.log(
      `[bomb] ${engine.name}, session ${label}: closed after frame ${consumed} of ${frames.length}`,
    );
    expect(growth.peakArrayBuffers).toBeLessThan(LIMIT_GROWTH);
    expect(growth.arrayBuffers).toBeLessThan(LIMIT_GROWTH);
    expect(growth.peakRss).toBeLessThan(LIMIT_RSS);
  });
});

describe.each(ENGINES)("the compressed-input bound with $name", (engine) => {
  const codec = () => createDeflateCodec({ engine, role: "client", maxMessageSize: LIMIT });
  /** Empty stored blocks past any sensible bound for a 1 MiB limit: they inflate to nothing. */
  const flood = storedBlocks(Math.ceil((MAX_INPUT_CAP + 1) / 5));
  /** The bound startMessage applies (compressedInputLimit), checked against what its error states. */
  const bound = (): number => {
    const n = compressedInputLimit(LIMIT);
    expect(tooLarge(() => codec().decompress(flood)).message).toContain(
      `compressed message of more than ${n} bytes`,
    );
    return n;
  };

  it(`empty stored blocks (inflating to nothing) past the bound are refused with 1009, whole or in pieces`, () => {
    expect(codec().decompress(storedBlocks(1000))).toHaveLength(0); // valid, and empty
    console.log(`[input bound] ${engine.name}: ${bound()} compressed bytes for a ${LIMIT}-byte limit`);
    const inflater = codec().startMessage(LIMIT);
    tooLarge(() => {
      for (let at = 0; at < flood.length; at += 4096) inflater.push(flood.subarray(at, at + 4096), false);
    });
  });

  it("the bound admits a stored (level 0) message of the full limit and is at most 4 x limit + 64 KiB", () => {
    const n = bound();
    expect(n).toBeLessThanOrEqual(MAX_INPUT_CAP);
    const stored = createDeflateCodec({ engine, level: 0 }).compress(noise(LIMIT, 7));
    expect(stored.length).toBeGreaterThan(LIMIT);
    expect(stored.length).toBeLessThanOrEqual(n);
    expect(codec().decompress(stored)).toHaveLength(LIMIT);
  });

  it("a stream exactly at the input bound passes; one byte more is refused", () => {
    const n = bound();
    const exact = storedStreamOf(n);
    expect(exact).toHaveLength(n);
    expect(codec().decompress(exact)).toEqual(new Uint8Array(n % 5).fill(0x61));
    expect(tooLarge(() => codec().decompress(storedStreamOf(n + 1))).message).toMatch(/compressed message/);
  });

  it.each([
    ["in one frame", flood.length],
    ["in 64 KiB frames", 64 * 1024],
  ] as const)("a session closes with 1009 on empty stored blocks %s", (_, size) => {
    const frames: FrameSpec[] = [];
    for (let at = 0; at < flood.length; at += size) {
      const last = at + size >= flood.length;
      const opcode = at === 0 ? Opcode.BINARY : Opcode.CONTINUATION;
      frames.push({ opcode, rsv1: at === 0, fin: last, payload: flood.subarray(at, at + size) });
    }
    const { session } = deflateSession("client", engine, { maxMessageSize: LIMIT });
    const events = receiveAll(session, [wire("server", ...frames)]);
    expect(failure(events)).toEqual(TOO_LARGE);
    expectClose1009(session);
  });

  it("a session accepts a stream exactly at the input bound", () => {
    const n = bound();
    const { session } = deflateSession("client", engine, { maxMessageSize: LIMIT });
    const frame = { opcode: Opcode.BINARY, rsv1: true, payload: storedStreamOf(n) };
    const [event] = session.receive(wire("server", frame));
    expect(event?.type === "binary" && event.data.length).toBe(n % 5);
  });
});

describe.each(ENGINES)("a message exactly at the 1 MiB output limit with $name", (engine) => {
  const zeros = (n: number) => new Uint8Array(n);

  it("codec: 1 MiB inflates, 1 MiB + 1 is refused with 1009", () => {
    const sender = createDeflateCodec({ engine, noContextTakeover: true });
    const receiver = createDeflateCodec({
      engine,
      role: "client",
      noContextTakeover: true,
      maxMessageSize: LIMIT,
    });
    expect(receiver.decompress(sender.compress(zeros(LIMIT)))).toHaveLength(LIMIT);
    tooLarge(() => receiver.decompress(sender.compress(zeros(LIMIT + 1))));
  });

  it("session: a 1 MiB message is delivered, 1 MiB + 1 closes with 1009", () => {
    const server = deflateSession("server", engine).session;
    const client = deflateSession("client", engine, { maxMessageSize: LIMIT }).session;
    server.sendBinary(zeros(LIMIT));
    const [event] = client.receive(server.dataToSend());
    expect(event?.type === "binary" && event.data.length).toBe(LIMIT);
    server.sendBinary(zeros(LIMIT + 1));
    expect(failure(client.receive(server.dataToSend()))).toEqual(TOO_LARGE);
  });
});

describe.each(ENGINES)("a binary message in many tiny frames with $name", (engine) => {
  it("holds memory in proportion to what it delivers, not per frame", () => {
    // 2,000 frames of one stored block holding one byte: 16 KB on the wire, a 2,000-byte message.
    const count = 2000;
    const frames = Array.from({ length: count }, (_, i) =>
      wire("server", {
        opcode: i === 0 ? Opcode.BINARY : Opcode.CONTINUATION,
        rsv1: i === 0,
        fin: i === count - 1,
        payload: storedBlocks(0, Uint8Array.of(0x61)),
      }),
    );
    const { session } = deflateSession("client", engine);
    gc?.();
    gc?.();
    const before = usage();
    for (const frame of frames.slice(0, -1)) expect(session.receive(frame)).toEqual([]);
    gc?.();
    gc?.();
    const held = usage();
    const retained = held.arrayBuffers - before.arrayBuffers;
    console.log(
      `[tiny frames] ${engine.name}: ${count - 1} frames of 1 inflated byte each hold arrayBuffers +${mib(retained)},` +
        ` rss +${mib(held.rss - before.rss)} (after gc) until the last frame`,
    );
    const [event] = session.receive(frames.at(-1)!);
    expect(event?.type === "binary" && event.data.length).toBe(count);
    expect(retained).toBeLessThan(16 * MiB);
  });
});

describe("control: the bomb is real and the probe sees it", () => {
  it("without a limit it inflates to 64 MiB of zeros, and the growth is measured as such", () => {
    let length = 0;
    const growth = measure("control, limit 65 MiB", nodeZlibEngine, (e) => {
      const out = createDeflateCodec({ engine: e, role: "client", maxMessageSize: 65 * MiB }).decompress(
        bomb,
      );
      length = out.length;
      expect(out[0] === 0 && out[out.length - 1] === 0 && out[length >> 1] === 0).toBe(true);
    });
    expect(length).toBe(BOMB_OUTPUT);
    expect(growth.peakArrayBuffers).toBeGreaterThanOrEqual(BOMB_OUTPUT);
  });
});
