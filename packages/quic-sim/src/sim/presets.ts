/**
 * Network presets named after the quic-interop-runner's scenarios, in the simulator's `network` shape.
 */
import type { NetworkSpec } from "./network";

const link = { bandwidthMbps: 10, rttMs: 30, queuePackets: 25 };

export const presets = {
  /** The interop runner's default link: 10 Mbit/s, 30 ms RTT, a 25-packet queue. */
  default: { ...link },
  /** Heavy loss during handshakes: 30% in both directions. */
  handshakeloss: { ...link, loss: { model: "bernoulli", p: 0.3, direction: "both" } },
  /** 2% loss in both directions during a transfer. */
  transferloss: { ...link, loss: { model: "bernoulli", p: 0.02, direction: "both" } },
  /** A long round trip: 1.5 s. */
  longrtt: { ...link, rttMs: 1500 },
  /** The link drops everything for two seconds, twice. */
  blackhole: {
    ...link,
    loss: {
      model: "blackhole",
      periods: [
        [1000, 3000],
        [5000, 7000],
      ],
      direction: "both",
    },
  },
  /** The goodput test's link. */
  goodput: { ...link },
  /** A geostationary satellite: 50 Mbit/s, 600 ms RTT, a deep queue. */
  satellite: { bandwidthMbps: 50, rttMs: 600, queuePackets: 1000 },
} satisfies Record<string, NetworkSpec>;
