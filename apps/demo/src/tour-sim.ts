/**
 * The tour's simulator table: @proto/quic-sim loads the same page over HTTP/1.1, HTTP/2 and HTTP/3 on the
 * interop runner's default link and with 2% loss, and reports when the first request left, when the page
 * finished, and how many resources waited on a retransmission.
 */
import { presets, simulatePageLoad } from "@proto/quic-sim";
import { ms, type Say, table } from "./tour-format";

export interface SimRow {
  network: string;
  protocol: "h1" | "h2" | "h3";
  requestSentUs: number;
  handshakeUs: number;
  completeUs: number;
  delayedByLoss: number;
  resources: number;
  packetsLost: number;
}

const NETWORKS = [
  { name: "default (10 Mbit/s, 30 ms RTT)", spec: presets.default },
  { name: "2% loss (transferloss)", spec: presets.transferloss },
] as const;
const LABEL = { h1: "HTTP/1.1 (6 conns)", h2: "HTTP/2", h3: "HTTP/3" } as const;
const RESOURCES = 10;
const SIZE = 11_000;
const SEED = 1;

export function simulatorSection(say: Say): SimRow[] {
  const rows: SimRow[] = [];
  for (const network of NETWORKS) {
    for (const protocol of ["h1", "h2", "h3"] as const) {
      const page = simulatePageLoad({
        protocol,
        network: network.spec,
        tls: "1.3",
        resources: Array.from({ length: RESOURCES }, () => ({ size: SIZE })),
        seed: SEED,
        qlog: false,
      });
      rows.push({
        network: network.name,
        protocol,
        requestSentUs: page.requestSentUs,
        handshakeUs: page.handshakeUs,
        completeUs: page.completeUs,
        delayedByLoss: page.resources.filter((r) => r.delayedByLoss).length,
        resources: page.resources.length,
        packetsLost: page.packetsLost,
      });
    }
  }
  say(
    `  A page of ${RESOURCES} resources of ${SIZE.toLocaleString("en-US")} bytes, TLS 1.3, seed ${SEED} (deterministic: the same every run).`,
  );
  const t = table(
    [
      "network",
      "protocol",
      "handshake done",
      "1st request sent",
      "page loaded",
      "delayed by loss",
      "packets lost",
    ],
    rows.map((r) => [
      r.network,
      LABEL[r.protocol],
      `${ms(r.handshakeUs)} ms`,
      `${ms(r.requestSentUs)} ms`,
      `${ms(r.completeUs)} ms`,
      `${r.delayedByLoss} of ${r.resources}`,
      String(r.packetsLost),
    ]),
    { right: [2, 3, 4, 5, 6] },
  );
  say(
    t
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n"),
  );
  say(
    "  QUIC's handshake is one round trip shorter (TLS inside the transport); under loss a lost TCP segment holds back every HTTP/2 stream behind it, a lost QUIC packet only its own stream.",
  );
  return rows;
}
