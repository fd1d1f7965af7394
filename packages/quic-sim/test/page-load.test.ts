/** simulatePageLoad: handshake round trips, head-of-line blocking by protocol, fallback, determinism, qlog. */
import { describe, expect, it } from "vitest";
import { type NetworkSpec, type PageLoadOptions, presets, simulatePageLoad } from "../src/index";
import v from "./fixtures/quic-vectors.json" with { type: "json" };

describe("round trips before the first request leaves (zero loss, serialisation negligible)", () => {
  const rttMs = 100;
  const network: NetworkSpec = { bandwidthMbps: 100_000, rttMs, queuePackets: 1000 };
  const table: Array<
    [string, keyof typeof v.analytic.handshake_rtts_before_request, Partial<PageLoadOptions>]
  > = [
    ["TCP + TLS 1.2", "tcp+tls1.2", { protocol: "h2", tls: "1.2" }],
    ["TCP + TLS 1.3", "tcp+tls1.3", { protocol: "h2", tls: "1.3" }],
    ["TCP Fast Open + TLS 1.3", "tcp fast open+tls1.3", { protocol: "h2", tls: "1.3", tcpFastOpen: true }],
    ["TCP + TLS 1.3 0-RTT", "tcp+tls1.3 0-rtt", { protocol: "h2", tls: "1.3", resumption: "0rtt" }],
    ["QUIC 1-RTT", "quic 1-rtt", { protocol: "h3" }],
    ["QUIC 0-RTT", "quic 0-rtt", { protocol: "h3", resumption: "0rtt" }],
  ];
  it.each(table)("%s", (_, key, options) => {
    const expected = v.analytic.handshake_rtts_before_request[key];
    const r = simulatePageLoad({
      protocol: "h2",
      ...options,
      network,
      resources: [{ size: 1000 }],
      seed: 1,
      qlog: false,
    });
    expect(r.requestSentUs).toBe(expected * rttMs * 1000);
    expect(r.completeUs).toBeGreaterThan(r.requestSentUs);
  });
});

describe("head-of-line blocking: which resources wait on a retransmission", () => {
  // 200 seeds of a page of 10 × 11,000-byte resources, round-robin, 1% loss toward the client.
  const p = 0.01;
  const page = Array.from({ length: 10 }, () => ({ size: 11_000 }));
  const network: NetworkSpec = {
    bandwidthMbps: 10,
    rttMs: 30,
    queuePackets: 200,
    loss: { model: "bernoulli", p, direction: "toClient" },
  };
  const share = (protocol: "h2" | "h3") => {
    let delayed = 0;
    let total = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = simulatePageLoad({
        protocol,
        network,
        resources: page,
        seed,
        scheduler: "round-robin",
        qlog: false,
      });
      for (const res of r.resources) {
        total++;
        if (res.delayedByLoss) delayed++;
      }
    }
    return delayed / total;
  };
  it("h3 ≈ 1-(1-p)^M (its own packets only); h2 ≈ 1-(1-p)^(N·M) (every segment of the connection)", () => {
    // M: the resource's packets (about 1,385 bytes of STREAM data per 1,452-byte datagram).
    const M = Math.ceil(11_000 / 1385);
    const N = 10;
    const h3 = share("h3");
    const h2 = share("h2");
    const ownOnly = 1 - (1 - p) ** M;
    const all = 1 - (1 - p) ** (N * Math.ceil(11_000 / 1460));
    console.log(
      `[hol] delayedByLoss share: h3 ${h3.toFixed(3)} (1-(1-p)^M = ${ownOnly.toFixed(3)}), h2 ${h2.toFixed(3)} (1-(1-p)^(N·M) = ${all.toFixed(3)})`,
    );
    expect(Math.abs(h3 - ownOnly)).toBeLessThan(0.06);
    expect(h2).toBeGreaterThan(4 * h3);
    expect(Math.abs(h2 - all)).toBeLessThan(0.08);
  });
});

describe("the rest of the scenario API", () => {
  it("TCP + TLS 1.3 0-RTT: the request leaves after one round trip, the handshake completes after two", () => {
    const r = simulatePageLoad({
      protocol: "h2",
      resumption: "0rtt",
      network: { bandwidthMbps: 1000, rttMs: 100, queuePackets: 100 },
      resources: [{ size: 1000 }],
      seed: 1,
      qlog: false,
    });
    expect(Math.round(r.requestSentUs / 100_000)).toBe(1);
    expect(Math.round(r.handshakeUs / 100_000)).toBe(2);
  });

  it("the fallback is a race: on a 600 ms satellite round trip QUIC still wins against the TCP started at 300 ms", () => {
    const r = simulatePageLoad({
      protocol: "h3",
      network: presets.satellite,
      resources: [{ size: 5000 }],
      seed: 1,
      qlog: false,
    });
    expect(r.protocolUsed).toBe("h3");
    // One round trip of handshake, one for the request: TCP + TLS 1.3 could not have sent it before 1.5 s.
    expect(r.requestSentUs).toBeGreaterThanOrEqual(600_000);
    expect(r.requestSentUs).toBeLessThan(700_000);
  });

  it("when TCP wins the race, nothing QUIC did counts: throttled UDP reports like blocked UDP", () => {
    const run = (udpBlocked: true | number) =>
      simulatePageLoad({
        protocol: "h3",
        resumption: "0rtt",
        network: { ...presets.satellite, udpBlocked },
        resources: [{ size: 5000 }, { size: 20_000 }],
        seed: 1,
        qlog: false,
      });
    const blocked = run(true);
    const throttled = run(20);
    expect(throttled.protocolUsed).toBe("h2");
    expect(blocked.protocolUsed).toBe("h2");
    expect(throttled.resources).toEqual(blocked.resources);
    expect(throttled.completeUs).toBe(blocked.completeUs);
  });

  it("0-RTT into blocked UDP: the page's requests are the ones TCP sends after the race", () => {
    const r = simulatePageLoad({
      protocol: "h3",
      resumption: "0rtt",
      network: { ...presets.default, udpBlocked: true },
      resources: [{ size: 5000 }],
      seed: 1,
      qlog: false,
    });
    expect(r.protocolUsed).toBe("h2");
    expect(r.requestSentUs).toBeGreaterThan(300_000);
  });

  it("HTTP/3 with UDP blocked falls back to HTTP/2 over TCP after the race", () => {
    const r = simulatePageLoad({
      protocol: "h3",
      network: { ...presets.default, udpBlocked: true },
      resources: [{ size: 5000 }],
      seed: 1,
      qlog: false,
    });
    expect(r.protocolUsed).toBe("h2");
    expect(r.completeUs).toBeGreaterThan(300_000);
    expect(r.resources[0]!.completeUs).toBe(r.completeUs);
  });

  it("HTTP/1.1 uses up to six connections, one request at a time each", () => {
    const page = Array.from({ length: 12 }, () => ({ size: 20_000 }));
    const h1 = simulatePageLoad({
      protocol: "h1",
      network: presets.default,
      resources: page,
      seed: 1,
      qlog: false,
    });
    const h1one = simulatePageLoad({
      protocol: "h1",
      network: presets.default,
      resources: page,
      seed: 1,
      h1Connections: 1,
      qlog: false,
    });
    expect(h1.completeUs).toBeLessThan(h1one.completeUs);
    expect(h1.resources.every((r) => r.completeUs > 0)).toBe(true);
  });

  it("sequential scheduling finishes the first resource earlier than round-robin", () => {
    const page = Array.from({ length: 5 }, () => ({ size: 50_000 }));
    for (const protocol of ["h2", "h3"] as const) {
      const seq = simulatePageLoad({
        protocol,
        network: presets.default,
        resources: page,
        seed: 1,
        scheduler: "sequential",
        qlog: false,
      });
      const rr = simulatePageLoad({
        protocol,
        network: presets.default,
        resources: page,
        seed: 1,
        scheduler: "round-robin",
        qlog: false,
      });
      console.log(
        `[sched] ${protocol}: first resource sequential ${seq.resources[0]!.completeUs} µs, round-robin ${rr.resources[0]!.completeUs} µs`,
      );
      expect(seq.resources[0]!.completeUs).toBeLessThan(rr.resources[0]!.completeUs);
    }
  });

  it("two runs with the same seed give identical JSON; different seeds differ", () => {
    const opts = {
      protocol: "h2" as const,
      network: presets.transferloss,
      resources: Array.from({ length: 5 }, () => ({ size: 30_000 })),
    };
    const a = JSON.stringify(simulatePageLoad({ ...opts, seed: 9 }));
    expect(JSON.stringify(simulatePageLoad({ ...opts, seed: 9 }))).toBe(a);
    expect(JSON.stringify(simulatePageLoad({ ...opts, seed: 10 }))).not.toBe(a);
  });

  it("qlog: a 0.3 JSON trace with every packet the bottleneck carried or dropped", () => {
    const r = simulatePageLoad({
      protocol: "h3",
      network: presets.transferloss,
      resources: [{ size: 40_000 }],
      seed: 2,
    });
    const trace = r.qlog!.traces[0]!;
    expect(r.qlog!.qlog_version).toBe("0.3");
    const names = new Set(trace.events.map((e) => e.name));
    expect(names.has("transport:packet_received")).toBe(true);
    expect(trace.events.filter((e) => e.name === "transport:packet_dropped").length).toBe(r.packetsLost);
    expect(trace.events.filter((e) => e.name === "transport:packet_sent").length).toBe(r.packetsSent);
  });

  it("presets carry the interop runner's scenario names", () => {
    expect(Object.keys(presets)).toEqual([
      "default",
      "handshakeloss",
      "transferloss",
      "longrtt",
      "blackhole",
      "goodput",
      "satellite",
    ]);
    expect(presets.default).toEqual({ bandwidthMbps: 10, rttMs: 30, queuePackets: 25 });
  });
});
