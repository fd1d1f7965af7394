/**
 * Properties over arbitrary input (CONVENTIONS §9): receive() never throws, emits at most one close
 * event, and what it emits and sends does not depend on how the input is split into chunks.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WebSocketSession } from "../../src/index";
import { concat, feedSplit, normalize, rawFrame, type SessionOptions, toHex, type WsEvent } from "./helpers";

const frameArb = (masked: boolean) =>
  fc
    .record({
      fin: fc.oneof(
        { weight: 4, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      rsv: fc.oneof(
        { weight: 9, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 7 }) },
      ),
      opcode: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
      ),
      payload: fc.oneof(
        fc.uint8Array({ maxLength: 20 }),
        fc.string({ maxLength: 20 }).map((s) => new TextEncoder().encode(s)),
        fc.constantFrom(
          Uint8Array.of(0x03, 0xe8),
          Uint8Array.of(0x03, 0xe8, 0x68, 0x69),
          Uint8Array.of(0xce, 0xba),
        ),
        fc.uint8Array({ minLength: 120, maxLength: 140 }),
      ),
      key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    })
    .map((f) => rawFrame({ ...f, key: masked ? f.key : null }));

/** Mostly plausible frames, with some junk bytes and some frames with their flags flipped. */
const streamArb = (masked: boolean) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: frameArb(masked) },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }) },
        { weight: 1, arbitrary: frameArb(!masked) },
      ),
      { maxLength: 12 },
    )
    .map((parts) => concat(...parts));

function run(
  options: SessionOptions & { role: "client" | "server" },
  input: Uint8Array,
  cuts: number[] | null,
) {
  const session = new WebSocketSession({ randomSource: (b) => b.fill(7), ...options });
  let events: WsEvent[];
  try {
    events = cuts === null ? session.receive(input) : feedSplit(session, input, cuts);
  } catch (error) {
    throw new Error(`receive() threw on ${toHex(input)}: ${String(error)}`);
  }
  return { events: normalize(events), out: toHex(session.dataToSend()), state: session.state, raw: events };
}

function checkInvariance(
  options: SessionOptions & { role: "client" | "server" },
  input: Uint8Array,
  cuts: number[],
) {
  const whole = run(options, input, null);
  const split = run(options, input, cuts);
  const bytewise = run(
    options,
    input,
    Array.from({ length: input.length }, (_, i) => i),
  );
  expect(whole.raw.filter((e) => e.type === "close").length).toBeLessThanOrEqual(1);
  if (whole.raw.some((e) => e.type === "close")) {
    expect(whole.raw.at(-1)?.type).toBe("close");
    expect(whole.state).toBe("closed");
  }
  expect(split.events).toEqual(whole.events);
  expect(split.out).toBe(whole.out);
  expect(split.state).toBe(whole.state);
  expect(bytewise.events).toEqual(whole.events);
  expect(bytewise.out).toBe(whole.out);
}

const cutsArb = fc.array(fc.nat({ max: 4000 }), { maxLength: 20 });

describe("arbitrary input never throws and is split-invariant", () => {
  it("server: arbitrary byte arrays", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), cutsArb, (input, cuts) =>
        checkInvariance({ role: "server" }, input, cuts),
      ),
      { numRuns: 300 },
    );
  });

  it("server: streams of mostly well-formed masked frames", () => {
    fc.assert(
      fc.property(streamArb(true), cutsArb, (input, cuts) =>
        checkInvariance({ role: "server" }, input, cuts),
      ),
      { numRuns: 500 },
    );
  });

  it("server with small limits", () => {
    const options = {
      role: "server" as const,
      maxFramePayload: 64,
      maxMessageSize: 96,
      maxFragments: 3,
      maxPendingPongs: 2,
    };
    fc.assert(
      fc.property(streamArb(true), cutsArb, (input, cuts) => checkInvariance(options, input, cuts)),
      { numRuns: 300 },
    );
  });

  it("client: streams of mostly well-formed unmasked frames", () => {
    fc.assert(
      fc.property(streamArb(false), cutsArb, (input, cuts) =>
        checkInvariance({ role: "client" }, input, cuts),
      ),
      { numRuns: 300 },
    );
  });

  it("after a close event, nothing more is ever emitted", () => {
    fc.assert(
      fc.property(fc.array(streamArb(true), { minLength: 1, maxLength: 4 }), (chunks) => {
        const s = new WebSocketSession({ role: "server" });
        let closed = false;
        for (const chunk of chunks) {
          const events = s.receive(chunk);
          if (closed) expect(events).toEqual([]);
          if (events.some((e) => e.type === "close")) closed = true;
          s.dataToSend();
        }
        expect(closed).toBe(s.state === "closed");
      }),
      { numRuns: 300 },
    );
  });
});
