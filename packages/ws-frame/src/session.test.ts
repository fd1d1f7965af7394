import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WsFrameError } from "./errors";
import type { WebSocketExtension } from "./extension";
import { encodeFrame, type FrameInit } from "./frame";
import { FrameDecoder } from "./frame-decoder";
import { Opcode } from "./opcode";
import { WebSocketSession } from "./session";
import type { WebSocketEvent, WebSocketSessionOptions } from "./session-types";

const KEY = Uint8Array.of(1, 2, 3, 4);
const text = (s: string) => new TextEncoder().encode(s);
/** A frame as a client sends it (masked). */
const c = (f: FrameInit) => encodeFrame(f, { maskKey: KEY });
const join = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const server = (o: Partial<WebSocketSessionOptions> = {}) => new WebSocketSession({ role: "server", ...o });
/** Frames the session wants to send, decoded as its peer would. */
const sent = (s: WebSocketSession) =>
  new FrameDecoder({ role: s.role === "server" ? "client" : "server" }).push(s.dataToSend());

/** Events for `bytes` fed in pieces cut at `cuts`. */
function feed(
  options: Partial<WebSocketSessionOptions>,
  bytes: Uint8Array,
  cuts: number[] = [],
): WebSocketEvent[] {
  const s = server(options);
  const events: WebSocketEvent[] = [];
  let prev = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    events.push(...s.receive(bytes.subarray(prev, cut)));
    prev = cut;
  }
  events.push(...s.receive(bytes.subarray(prev)));
  return events;
}

/** Streaming events merged into whole messages, so different splits compare equal. */
function merged(events: WebSocketEvent[]): unknown[] {
  const out: unknown[] = [];
  let acc: { type: string; parts: (string | Uint8Array)[] } | undefined;
  for (const e of events) {
    if (e.type === "text-chunk" || e.type === "binary-chunk") {
      acc ??= { type: e.type, parts: [] };
      acc.parts.push(e.data);
      if (e.fin) {
        out.push(
          acc.type === "text-chunk"
            ? { text: acc.parts.join("") }
            : { binary: [...join(...(acc.parts as Uint8Array[]))] },
        );
        acc = undefined;
      }
    } else if (e.type === "close") out.push({ close: e.code, wasClean: e.wasClean });
    else out.push(e);
  }
  return out;
}

describe("WebSocketSession properties", () => {
  it("for arbitrary bytes: never throws, at most one close, and split-independent events", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat(400), { maxLength: 6 }),
        fc.boolean(),
        (bytes, cuts, streaming) => {
          const whole = feed({ streaming, maxFramePayload: 1 << 16 }, bytes);
          const split = feed(
            { streaming, maxFramePayload: 1 << 16 },
            bytes,
            cuts.map((x) => x % (bytes.length + 1)),
          );
          expect(whole.filter((e) => e.type === "close").length).toBeLessThanOrEqual(1);
          expect(merged(split)).toEqual(merged(whole));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("for arbitrary valid client traffic: messages come out as sent, under any split", () => {
    const message = fc.oneof(
      fc.record({
        kind: fc.constant("text" as const),
        data: fc.string({ unit: "grapheme", maxLength: 200 }),
      }),
      fc.record({ kind: fc.constant("binary" as const), data: fc.uint8Array({ maxLength: 3000 }) }),
    );
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (messages, parts, cuts) => {
          // Each message is sent in `parts` fragments, with a ping between fragments.
          const frames: Uint8Array[] = [];
          for (const m of messages) {
            const bytes = m.kind === "text" ? text(m.data) : m.data;
            const size = Math.ceil(bytes.length / parts) || 1;
            for (let i = 0, n = 0; i < bytes.length || n === 0; i += size, n++) {
              const fin = i + size >= bytes.length;
              frames.push(
                c({
                  opcode: n === 0 ? (m.kind === "text" ? 1 : 2) : 0,
                  fin,
                  payload: bytes.subarray(i, i + size),
                }),
              );
              if (!fin) frames.push(c({ opcode: Opcode.PING, payload: Uint8Array.of(n) }));
            }
          }
          const all = join(...frames);
          for (const streaming of [false, true]) {
            const events = merged(
              feed(
                { streaming },
                all,
                cuts.map((x) => x % (all.length + 1)),
              ),
            );
            const messagesOut = events.filter((e) => (e as { type?: string }).type !== "ping");
            expect(messagesOut).toEqual(
              messages.map((m) =>
                streaming
                  ? m.kind === "text"
                    ? { text: m.data }
                    : { binary: [...m.data] }
                  : m.kind === "text"
                    ? { type: "text", data: m.data }
                    : { type: "binary", data: m.data },
              ),
            );
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe("WebSocketSession behaviour", () => {
  it("answers a ping at once, even inside a fragmented message", () => {
    const s = server();
    const events = s.receive(
      join(c({ opcode: 1, fin: false, payload: text("Hel") }), c({ opcode: 9, payload: text("hb") })),
    );
    expect(events).toEqual([{ type: "ping", data: text("hb") }]);
    expect(sent(s)).toEqual([
      expect.objectContaining({ opcode: Opcode.PONG, payload: text("hb"), masked: false }),
    ]);
    expect(s.receive(c({ opcode: 0, payload: text("lo") }))).toEqual([{ type: "text", data: "Hello" }]);
  });

  it("does not answer pings with autoPong off", () => {
    const s = server({ autoPong: false });
    expect(s.receive(c({ opcode: 9 }))).toEqual([{ type: "ping", data: new Uint8Array(0) }]);
    expect(s.dataToSend()).toHaveLength(0);
  });

  it("masks every client frame with a fresh key from randomSource", () => {
    let n = 0;
    const s = new WebSocketSession({
      role: "client",
      randomSource: (b) => {
        for (let i = 0; i < b.length; i++) b[i] = n++ & 0xff;
      },
    });
    s.sendText("a");
    s.sendBinary(Uint8Array.of(9));
    s.ping();
    const frames = new FrameDecoder({ role: "server" }).push(s.dataToSend());
    expect(frames.map((f) => [f.masked, f.opcode, [...f.payload]])).toEqual([
      [true, 1, [97]],
      [true, 2, [9]],
      [true, 9, []],
    ]);
    expect(n).toBe(1024); // one pooled draw for many keys
  });

  it("runs the closing handshake we start: closing, then clean close on the peer's reply", () => {
    const s = server();
    s.close(1000, "bye");
    expect(s.state).toBe("closing");
    expect(sent(s)[0]!.payload).toEqual(join(Uint8Array.of(0x03, 0xe8), text("bye")));
    expect(() => s.sendText("late")).toThrow(expect.objectContaining({ code: "WS_INVALID_STATE" }));
    s.close(); // no-op once closing
    expect(s.receive(c({ opcode: 1, payload: text("still delivered") }))).toEqual([
      { type: "text", data: "still delivered" },
    ]);
    expect(s.receive(c({ opcode: 8, payload: Uint8Array.of(0x03, 0xe8) }))).toEqual([
      { type: "close", code: 1000, reason: "", wasClean: true },
    ]);
    expect(s.state).toBe("closed");
    expect(s.dataToSend()).toHaveLength(0); // the reply is not answered again
    expect(s.receive(c({ opcode: 1 }))).toEqual([]);
  });

  it("fails with a Close carrying the code and reports wasClean: false", () => {
    const s = server();
    const events = s.receive(c({ opcode: 3 }));
    expect(events).toEqual([
      expect.objectContaining({
        type: "close",
        code: 1002,
        wasClean: false,
        error: expect.any(WsFrameError),
      }),
    ]);
    const [close] = sent(s);
    expect(close!.opcode).toBe(Opcode.CLOSE);
    expect((close!.payload[0]! << 8) | close!.payload[1]!).toBe(1002);
    expect(s.state).toBe("closed");
  });

  it("sends fragmented messages with fin: false and refuses to interleave", () => {
    const s = server();
    s.sendText("Hel", { fin: false });
    expect(() => s.sendBinary(Uint8Array.of(1))).toThrow(
      expect.objectContaining({ code: "WS_INVALID_STATE" }),
    );
    s.ping(); // control frames may be interleaved (§5.4)
    s.sendText("lo");
    expect(sent(s).map((f) => [f.opcode, f.fin])).toEqual([
      [1, false],
      [9, true],
      [0, true],
    ]);
  });

  it("validates arguments of commands", () => {
    const s = server();
    expect(() => s.ping(new Uint8Array(126))).toThrow(
      expect.objectContaining({ code: "WS_INVALID_ARGUMENT" }),
    );
    expect(() => s.close(1005)).toThrow(expect.objectContaining({ code: "WS_INVALID_ARGUMENT" }));
    expect(() => s.close(1000, "x".repeat(124))).toThrow(
      expect.objectContaining({ code: "WS_INVALID_ARGUMENT" }),
    );
    expect(() => server({ maxMessageSize: 0 })).toThrow(WsFrameError);
    expect(() => new WebSocketSession({ role: "peer" as "client" })).toThrow(WsFrameError);
  });
});

describe("caller memory", () => {
  it("never changes a Node Buffer it is given, and events never alias it", () => {
    const wire = join(
      c({ opcode: 2, payload: Uint8Array.of(1, 2, 3) }),
      c({ opcode: 9, payload: Uint8Array.of(4) }),
      c({ opcode: 1, fin: false, payload: text("ab") }),
      c({ opcode: 0, payload: text("c") }),
    );
    for (const streaming of [false, true]) {
      const input = Buffer.from(wire);
      const events = server({ streaming }).receive(input);
      expect(new Uint8Array(input)).toEqual(wire);
      input.fill(0); // the caller reuses its buffer
      expect(events[0]).toMatchObject({ data: Uint8Array.of(1, 2, 3) });
      expect(events[1]).toEqual({ type: "ping", data: Uint8Array.of(4) });
    }
  });

  it("keeps the masking key when the caller reuses its buffer mid-frame", () => {
    const frame = c({ opcode: 2, payload: new Uint8Array(100).fill(7) });
    const s = server();
    const reused = Buffer.alloc(frame.length);
    reused.set(frame.subarray(0, 50));
    expect(s.receive(reused.subarray(0, 50))).toEqual([]);
    reused.fill(0xff);
    reused.set(frame.subarray(50));
    expect(s.receive(reused.subarray(0, frame.length - 50))).toEqual([
      { type: "binary", data: new Uint8Array(100).fill(7) },
    ]);
  });
});

describe("unmaskInPlace and zeroCopySend", () => {
  it("unmaskInPlace unmasks inside the given buffer and hands out views of it", () => {
    const input = new Uint8Array(
      join(c({ opcode: 2, payload: Uint8Array.of(9, 8, 7) }), c({ opcode: 1, payload: text("hi") })),
    );
    const events = server({ unmaskInPlace: true }).receive(input);
    expect(events).toEqual([
      { type: "binary", data: Uint8Array.of(9, 8, 7) },
      { type: "text", data: "hi" },
    ]);
    const data = (events[0] as { data: Uint8Array }).data;
    expect(data.buffer).toBe(input.buffer); // a view, no copy
    expect(input.subarray(6, 9)).toEqual(Uint8Array.of(9, 8, 7)); // unmasked where it lay
  });

  it("unmaskInPlace keeps the mask phase across pieces", () => {
    const wire = c({ opcode: 2, payload: new Uint8Array(100).map((_, i) => i) });
    const s = server({ unmaskInPlace: true });
    expect([...s.receive(wire.slice(0, 37)), ...s.receive(wire.slice(37))]).toEqual([
      { type: "binary", data: new Uint8Array(100).map((_, i) => i) },
    ]);
  });

  it("zeroCopySend queues a large unmasked payload by reference after its header", () => {
    const big = new Uint8Array(20_000).fill(3);
    const s = server({ zeroCopySend: true });
    s.sendBinary(big);
    s.sendBinary(Uint8Array.of(1));
    const chunks = s.dataToSendChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(new FrameDecoder({ role: "client" }).push(join(...chunks)).map((f) => f.payload.length)).toEqual([
      20_000, 1,
    ]);
    const client = new WebSocketSession({ role: "client", zeroCopySend: true });
    client.sendBinary(big); // masked: always copied
    const [frame] = client.dataToSendChunks();
    expect(frame!.length).toBe(20_000 + 8);
    expect(big.every((b) => b === 3)).toBe(true);
  });
});

describe("extensions", () => {
  /** A toy extension owning RSV1: payloads are sent and received reversed. */
  const reverse = (): WebSocketExtension => ({
    name: "x-reverse",
    rsv: { rsv1: true },
    validateFrame(info) {
      if (info.rsv1 && !info.firstOfMessage)
        throw new WsFrameError("WS_RESERVED_BITS", "RSV1 only on first frames", { wireCode: 1002 });
    },
    decodeMessage(info) {
      if (!info.rsv1) return undefined;
      const parts: Uint8Array[] = [];
      return {
        push(chunk, fin) {
          parts.push(chunk.slice());
          if (!fin) return [];
          const all = parts.flatMap((p) => [...p]).reverse();
          return [Uint8Array.from(all)];
        },
      };
    },
    encodeMessage(payload) {
      return { payload: payload.slice().reverse(), rsv1: true };
    },
  });

  it("lets an extension own RSV1, decode incoming and encode outgoing messages", () => {
    const s = server({ extensions: [reverse()] });
    const events = s.receive(
      join(
        c({ opcode: 1, rsv1: true, fin: false, payload: text("ol") }),
        c({ opcode: 0, payload: text("leh") }),
      ),
    );
    expect(events).toEqual([{ type: "text", data: "hello" }]);
    s.sendText("abc");
    expect(sent(s)).toEqual([expect.objectContaining({ rsv1: true, payload: text("cba") })]);
  });

  it("still fails RSV bits no extension owns, and what the extension's rules forbid", () => {
    expect(server({ extensions: [reverse()] }).receive(c({ opcode: 1, rsv2: true }))[0]).toMatchObject({
      code: 1002,
    });
    expect(server().receive(c({ opcode: 1, rsv1: true }))[0]).toMatchObject({ code: 1002 });
    const s = server({ extensions: [reverse()] });
    expect(s.receive(join(c({ opcode: 1, fin: false }), c({ opcode: 0, rsv1: true })))[0]).toMatchObject({
      code: 1002,
    });
  });

  it("counts decoded bytes against maxMessageSize", () => {
    const inflate: WebSocketExtension = {
      name: "x-inflate",
      rsv: { rsv1: true },
      decodeMessage: (info) =>
        info.rsv1 ? { push: (chunk) => [new Uint8Array(chunk.length * 100)] } : undefined,
    };
    const s = server({ extensions: [inflate], maxMessageSize: 1000 });
    expect(s.receive(c({ opcode: 2, rsv1: true, payload: new Uint8Array(11) }))[0]).toMatchObject({
      type: "close",
      code: 1009,
    });
  });

  it("turns an extension's unexpected exception into a 1011 close, not a throw", () => {
    const broken: WebSocketExtension = {
      name: "x-broken",
      rsv: { rsv1: true },
      decodeMessage: () => ({
        push: () => {
          throw new TypeError("bug");
        },
      }),
    };
    expect(
      server({ extensions: [broken] }).receive(c({ opcode: 2, rsv1: true, payload: Uint8Array.of(1) }))[0],
    ).toMatchObject({
      type: "close",
      code: 1011,
      wasClean: false,
    });
  });

  it("refuses two extensions claiming one RSV bit", () => {
    expect(() => server({ extensions: [reverse(), reverse()] })).toThrow(
      expect.objectContaining({ code: "WS_INVALID_ARGUMENT" }),
    );
  });
});
