import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat } from "./heartbeat";
import { resolveTuning } from "./options";

describe("Heartbeat", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function start(maxMissed: number) {
    const log: string[] = [];
    const hb = new Heartbeat(
      { interval: 100, maxMissed },
      { ping: () => log.push("ping"), dead: (missed) => log.push(`dead ${missed}`) },
    );
    return { hb, log };
  }

  it("pings every interval; maxMissed unanswered pings in a row are fatal", () => {
    const { log } = start(2);
    vi.advanceTimersByTime(99);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual(["ping"]);
    vi.advanceTimersByTime(100); // ping 1 missed (1 of 2): ping again
    expect(log).toEqual(["ping", "ping"]);
    vi.advanceTimersByTime(100); // ping 2 missed (2 of 2): dead, and no more ticks
    expect(log).toEqual(["ping", "ping", "dead 2"]);
    vi.advanceTimersByTime(1000);
    expect(log).toHaveLength(3);
  });

  it("a pong resets the count", () => {
    const { hb, log } = start(2);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(100);
      vi.advanceTimersByTime(100); // one missed each round, never two in a row
      hb.pong();
    }
    expect(log.every((entry) => entry === "ping")).toBe(true);
    hb.stop();
    vi.advanceTimersByTime(1000);
    expect(log).toHaveLength(20);
  });

  it("maxMissed 1 ends at the first tick that finds a ping unanswered", () => {
    const { log } = start(1);
    vi.advanceTimersByTime(200);
    expect(log).toEqual(["ping", "dead 1"]);
  });

  it("is unref'd, so it never keeps the process alive", () => {
    vi.useRealTimers();
    const hb = new Heartbeat({ interval: 1000, maxMissed: 2 }, { ping: () => {}, dead: () => {} });
    expect((hb as unknown as { timer: NodeJS.Timeout }).timer.hasRef()).toBe(false);
    hb.stop();
  });
});

describe("options", () => {
  it("applies the defaults and rejects bad values with NODE_INVALID_ARGUMENT", () => {
    expect(resolveTuning({})).toEqual({
      maxMessageSize: 64 * 1024 * 1024,
      closeTimeout: 10_000,
      heartbeat: undefined,
    });
    expect(resolveTuning({ heartbeat: { interval: 5 } }).heartbeat).toEqual({ interval: 5, maxMissed: 2 });
    for (const bad of [
      { closeTimeout: 0 },
      { maxMessageSize: 1.5 },
      { heartbeat: { interval: Number.NaN } },
      { heartbeat: {} as { interval: number } },
      { heartbeat: { interval: 10, maxMissed: 0 } },
    ]) {
      expect(() => resolveTuning(bad), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: "NODE_INVALID_ARGUMENT" }),
      );
    }
  });
});
