/** RFC 9002: the RTT example and the Appendix A/B behaviour of the transcribed recovery. */
import { describe, expect, it } from "vitest";
import { kInitialRtt, Recovery, type SentPacket } from "../src/index";
import v from "./fixtures/quic-vectors.json" with { type: "json" };

const noop = { onLost() {}, onProbe() {}, onAcked() {} };
const ms = 1000;

function packet(pn: number, timeSent: number, bytes = 1200): SentPacket {
  return { packetNumber: pn, ackEliciting: true, inFlight: true, sentBytes: bytes, timeSent, frames: [] };
}

describe("RFC 9002 §5 RTT estimation (the example in the vectors)", () => {
  it("samples of 100 ms then 120 ms with 10 ms ACK delay: smoothed 101.25, rttvar 40, thresholds", () => {
    const e = v.rfc9002.rtt_example;
    const r = new Recovery(true, noop, { maxAckDelay: e.max_ack_delay_ms * ms });
    r.handshakeConfirmed = true;
    expect(r.smoothedRtt).toBe(kInitialRtt);
    r.latestRtt = e.samples_ms[0]! * ms;
    r.updateRtt(0, 1);
    r.latestRtt = e.samples_ms[1]! * ms;
    r.updateRtt(e.ack_delay_ms_on_second * ms, 2);
    expect(r.smoothedRtt / ms).toBe(e.expect.smoothed_rtt_ms);
    expect(r.rttvar / ms).toBe(e.expect.rttvar_ms);
    expect(((9 / 8) * Math.max(r.latestRtt, r.smoothedRtt)) / ms).toBe(e.expect.loss_time_threshold_ms);
    expect(r.ptoDuration(true) / ms).toBe(e.expect.pto_application_data_ms);
    expect((r.ptoDuration(true) * 3) / ms).toBe(e.expect.persistent_congestion_duration_ms);
  });
});

describe("RFC 9002 Appendix A/B", () => {
  it("B.2: the initial window is min(10·max_datagram_size, max(14720, 2·max_datagram_size))", () => {
    expect(new Recovery(true, noop).congestionWindow).toBe(12000);
    expect(new Recovery(true, noop, { maxDatagramSize: 1472 }).congestionWindow).toBe(14720);
  });

  it("A.10: packet threshold — a packet 3 below the largest acknowledged is lost; the window halves once", () => {
    const lost: number[] = [];
    const r = new Recovery(false, {
      ...noop,
      onLost: (_s, ps) => lost.push(...ps.map((p) => p.packetNumber)),
    });
    for (let pn = 0; pn < 6; pn++) r.onPacketSent(packet(pn, pn * ms), "application", pn * ms);
    expect(r.bytesInFlight).toBe(7200);
    const before = r.congestionWindow;
    r.onAckReceived(
      [
        { largest: 5, smallest: 4 },
        { largest: 2, smallest: 1 },
      ],
      0,
      "application",
      50 * ms,
    );
    expect(lost).toEqual([0]); // 5 >= 0 + 3; 3 is only 2 below: time threshold pending
    expect(r.congestionWindow).toBe(Math.max(before / 2, 2400));
    expect(r.lossTime.application).toBeGreaterThan(0);
    expect(r.bytesInFlight).toBe(1200); // packet 3
  });

  it("A.9: the PTO backs off exponentially", () => {
    const probes: string[] = [];
    const r = new Recovery(false, { ...noop, onProbe: (s) => probes.push(s) });
    r.onPacketSent(packet(0, 0), "initial", 0);
    const first = r.lossDetectionTimer;
    expect(first).toBe(kInitialRtt + 4 * (kInitialRtt / 2));
    r.onLossDetectionTimeout(first);
    expect(probes).toEqual(["initial"]);
    expect(r.lossDetectionTimer).toBe(0 + 2 * first);
  });

  it("B.8: persistent congestion collapses the window to the minimum", () => {
    const r = new Recovery(false, noop);
    r.onPacketSent(packet(0, 0), "application", 0);
    r.onAckReceived([{ largest: 0, smallest: 0 }], 0, "application", 100 * ms); // an RTT sample
    r.handshakeConfirmed = true;
    const span = r.ptoDuration(true) * 3 + 10 * ms;
    r.onPacketSent(packet(1, 200 * ms), "application", 200 * ms);
    r.onPacketSent(packet(2, 200 * ms + span), "application", 200 * ms + span);
    r.onPacketsLost([r.sentPackets.application.get(1)!, r.sentPackets.application.get(2)!], 300 * ms + span);
    expect(r.congestionWindow).toBe(r.kMinimumWindow);
    expect(r.persistentCongestions).toBe(1);
  });
});
