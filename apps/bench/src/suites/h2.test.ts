import { describe, expect, it } from "vitest";
import { parseH2load } from "./h2";

/** h2load 1.52's summary of a clean run of 1000 requests for a 100 B body. */
const CLEAN = `starting benchmark...
spawning thread #0: 10 total client(s). 1000 total requests
Application protocol: h2c
progress: 10% done
progress: 100% done

finished in 52.33ms, 19109.50 req/s, 2.18MB/s
requests: 1000 total, 1000 started, 1000 done, 1000 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 1000 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 117.26KB (120070) total, 1.97KB (2020) headers (space savings 93.48%), 97.66KB (100000) data
                     min         max         mean         sd        +/- sd
time for request:      420us     13.49ms      4.27ms      2.45ms    66.60%
`;

describe("parseH2load", () => {
  it("reads the request rate, header and data bytes of a clean run", () => {
    expect(parseH2load(CLEAN, 1000, 100)).toEqual({
      reqPerSec: 19109.5,
      headerBytes: 2020,
      dataBytes: 100000,
    });
    const seconds = CLEAN.replace("finished in 52.33ms", "finished in 1.20s");
    expect(parseH2load(seconds, 1000, 100).reqPerSec).toBe(19109.5);
  });

  it("fails loudly on failed, errored or timed-out requests, with h2load's output", () => {
    const failed = CLEAN.replace("1000 succeeded, 0 failed", "990 succeeded, 10 failed");
    expect(() => parseH2load(failed, 1000, 100)).toThrow(
      /10 failed, 0 errored, 0 timed out[\s\S]*h2load output/,
    );
    const errored = CLEAN.replace("0 errored", "3 errored");
    expect(() => parseH2load(errored, 1000, 100)).toThrow("3 errored");
    const timedOut = CLEAN.replace("0 timeout", "1 timeout");
    expect(() => parseH2load(timedOut, 1000, 100)).toThrow("1 timed out");
  });

  it("fails on missing requests, non-2xx answers, a wrong body size, h1, or output it cannot read", () => {
    expect(() => parseH2load(CLEAN, 2000, 100)).toThrow("expected 2000 requests");
    const notFound = CLEAN.replace("1000 2xx, 0 3xx, 0 4xx", "0 2xx, 0 3xx, 1000 4xx");
    expect(() => parseH2load(notFound, 1000, 100)).toThrow("expected 1000 2xx");
    expect(() => parseH2load(CLEAN, 1000, 4096)).toThrow("expected 1000 x 4096 B of DATA");
    expect(() => parseH2load(CLEAN.replace("h2c", "http/1.1"), 1000, 100)).toThrow("expected h2c");
    expect(() => parseH2load("Application protocol: h2c\nconnect: refused", 1000, 100)).toThrow(
      "could not parse",
    );
  });
});
