/** The QUIC model end to end: handshake timing, anti-amplification, transfers with and without loss. */
import { describe, expect, it } from "vitest";
import { makePath, quicConnection, Simulator, simulateTransfer } from "../src/index";

describe("QUIC handshake", () => {
  it("1-RTT: the client may send its request one round trip after its Initial; the server stays within 3× (§8.1)", () => {
    const sim = new Simulator(1);
    const path = makePath(sim, { bandwidthMbps: 100_000, rttMs: 50, queuePackets: 100 });
    const { client, server } = quicConnection(sim, path);
    let readyAt = -1;
    client.onReady = () => {
      readyAt = sim.now;
    };
    client.connect();
    sim.run({ until: 1_000_000 });
    expect(readyAt).toBeGreaterThanOrEqual(50_000);
    expect(readyAt).toBeLessThan(51_000);
    // The first datagram is the 1200-byte padded Initial; the server's first flight fits 3 × 1200.
    expect(path.toServer.stats.packets).toBeGreaterThan(0);
    expect(server.handshakeConfirmed).toBe(true);
    expect(client.handshakeConfirmed).toBe(true);
  });
});

describe("QUIC transfers", () => {
  it("fills a lossless link", () => {
    const r = simulateTransfer({
      transport: "quic",
      bytes: 2_000_000,
      network: { bandwidthMbps: 10, rttMs: 30, queuePackets: 1000 },
      seed: 1,
    });
    expect(r.packetsLost).toBe(0);
    expect(r.steadyGoodputBps).toBeGreaterThan(0.85 * 10e6);
  });

  it("recovers from 2% loss by retransmitting frames in new packets", () => {
    const r = simulateTransfer({
      transport: "quic",
      bytes: 1_000_000,
      network: { bandwidthMbps: 10, rttMs: 30, queuePackets: 100, loss: { model: "bernoulli", p: 0.02 } },
      seed: 3,
    });
    expect(r.packetsLost).toBeGreaterThan(0);
    expect(r.packetsRetransmitted).toBeGreaterThanOrEqual(1);
    expect(r.goodputBps).toBeGreaterThan(1e6);
  });

  it("is deterministic per seed", () => {
    const spec = {
      transport: "quic" as const,
      bytes: 500_000,
      network: {
        bandwidthMbps: 10,
        rttMs: 30,
        queuePackets: 25,
        loss: { model: "bernoulli" as const, p: 0.02 },
      },
    };
    expect(JSON.stringify(simulateTransfer({ ...spec, seed: 5 }))).toBe(
      JSON.stringify(simulateTransfer({ ...spec, seed: 5 })),
    );
    expect(JSON.stringify(simulateTransfer({ ...spec, seed: 5 }))).not.toBe(
      JSON.stringify(simulateTransfer({ ...spec, seed: 6 })),
    );
  });

  it("a blackholed UDP path never completes (the middlebox drops every datagram)", () => {
    const r = simulateTransfer({
      transport: "quic",
      bytes: 10_000,
      network: { bandwidthMbps: 10, rttMs: 30, queuePackets: 25, udpBlocked: true },
      seed: 1,
      limitUs: 5_000_000,
    });
    expect(r.durationUs).toBe(5_000_000);
    expect(r.packetsSent).toBe(0);
  });
});

describe("QUIC stream limits (RFC 9000 §4.6)", () => {
  it("beyond initial_max_streams_bidi (100) requests wait: STREAMS_BLOCKED, then MAX_STREAMS as streams finish", async () => {
    const { simulatePageLoad } = await import("../src/index");
    const page = Array.from({ length: 150 }, () => ({ size: 2000 }));
    const r = simulatePageLoad({
      protocol: "h3",
      network: { bandwidthMbps: 100, rttMs: 20, queuePackets: 1000 },
      resources: page,
      seed: 1,
    });
    expect(r.resources.every((x) => x.completeUs > 0)).toBe(true);
    const frames = r.qlog!.traces[0]!.events.flatMap(
      (e) => (e.data.header as { frames?: string[] })?.frames ?? [],
    );
    expect(frames).toContain("streams_blocked");
    expect(frames).toContain("max_streams");
    // The 101st request could not leave before a MAX_STREAMS arrived: a round trip after the first 100.
    const first100 = Math.max(...r.resources.slice(0, 100).map((x) => x.firstByteUs));
    expect(r.resources[149]!.completeUs).toBeGreaterThan(r.resources[0]!.completeUs + 20_000);
    expect(first100).toBeGreaterThan(0);
  });
});

describe("an endpoint that only acknowledges (RFC 9000 §13.2.4)", () => {
  it("bundles a PING about once per round trip so its ACK-only packets get acknowledged", () => {
    const sim = new Simulator(3);
    let pings = 0;
    let clientPackets = 0;
    // A short queue keeps the smoothed RTT (which includes queueing) near the path's 40 ms.
    const path = makePath(sim, { bandwidthMbps: 10, rttMs: 40, queuePackets: 30 }, (dir, packet, outcome) => {
      if (dir !== "toServer" || outcome !== "sent") return;
      for (const p of packet.data as Array<{ space: string; frames: Array<{ t: string }> }>) {
        if (p.space !== "application") continue;
        clientPackets++;
        if (p.frames.some((f) => f.t === "ping")) pings++;
      }
    });
    const { client, server } = quicConnection(sim, path);
    let doneAt = -1;
    server.onStreamData = (id, _from, to, fin) => {
      if (id === 0 && fin && to === 100) server.write(0, 2_000_000, true);
    };
    client.onStreamData = (id, _from, to) => {
      if (id === 0 && to >= 2_000_000 && doneAt < 0) doneAt = sim.now;
    };
    client.onReady = () => client.write(0, 100, true);
    client.connect();
    sim.run({ stop: () => doneAt >= 0, until: 60_000_000 });
    expect(doneAt).toBeGreaterThan(0);
    const roundTrips = doneAt / 40_000;
    // Hundreds of ACK-only packets, and about one PING per (smoothed) round trip among them, never one
    // per ACK.
    expect(clientPackets).toBeGreaterThan(300);
    expect(pings).toBeGreaterThan(roundTrips * 0.3);
    expect(pings).toBeLessThan(roundTrips * 1.5);
    expect(pings).toBeLessThan(clientPackets / 10);
  });
});
