/**
 * Reads a page load's qlog (packets at the bottleneck: sent, received, dropped) back into flights for a
 * sequence diagram: each packet matched with its arrival or its drop, named from its header (TCP flags
 * and byte ranges against the TLS plan's flight sizes; QUIC packet types and frames), and packets sent
 * together in the same direction grouped into one flight.
 */
import { type PageLoadResult, type TlsPlan, tlsPlan } from "@proto/quic-sim";
import type { Key } from "./strings";
import type { Proto, Scenario } from "./types";

export type Dir = "toServer" | "toClient";

interface Packet {
  dir: Dir;
  sent: number;
  recv?: number;
  drop?: string;
  header: Record<string, unknown>;
}

export interface Flight {
  dir: Dir;
  /** ms */
  sent: number;
  /** ms: the last packet's arrival; undefined when every packet of the flight was dropped */
  recv: number | undefined;
  parts: Array<{ key: Key; n: number }>;
  packets: number;
  ackOnly: boolean;
  /** Packets of the flight the network dropped, by reason (loss, queue, middlebox, corrupt). */
  drops: Array<{ reason: string; n: number }>;
}

export interface SequenceData {
  flights: Flight[];
  /** Flights left out after the diagram's limit. */
  more: number;
  endMs: number;
  requestMs: number;
  handshakeMs: number;
  /** HTTP/3 raced TCP: when the fallback started (ms). */
  raceMs: number | undefined;
}

const MAX_FLIGHTS = 30;

/** Pairs each packet_sent with its packet_received or packet_dropped (same direction and header). */
export function packetsOf(result: PageLoadResult): Packet[] {
  const events = result.qlog?.traces[0]?.events ?? [];
  const packets: Packet[] = [];
  const inFlight = new Map<string, Packet[]>();
  for (const e of events) {
    if (!e.name.startsWith("transport:packet_")) continue;
    const data = e.data as { direction: Dir; header: Record<string, unknown>; trigger?: string };
    const key = `${data.direction} ${JSON.stringify(data.header)}`;
    if (e.name === "transport:packet_sent") {
      const p: Packet = { dir: data.direction, sent: e.time, header: data.header };
      packets.push(p);
      const queue = inFlight.get(key);
      if (queue) queue.push(p);
      else inFlight.set(key, [p]);
      continue;
    }
    const queue = inFlight.get(key);
    if (!queue?.length) continue;
    // A drop is reported as the packet enters the link (the newest); arrivals come in order (the oldest).
    if (e.name === "transport:packet_dropped") queue.pop()!.drop = data.trigger ?? "loss";
    else queue.shift()!.recv = e.time;
  }
  return packets;
}

interface Namer {
  plan: TlsPlan;
  version: "1.2" | "1.3";
  resumed: boolean;
  handshakeMs: number;
}

function clientFinishKey(n: Namer): Key {
  if (n.version === "1.3") return "f_finished";
  return n.resumed ? "f_ccsFinished" : "f_ckeFinished";
}

function serverFlightKey(n: Namer): Key {
  if (n.version === "1.2") return n.resumed ? "f_sh12resumed" : "f_sh12";
  return n.resumed ? "f_sh13psk" : "f_sh13";
}

/** The parts of a TCP segment's bytes: which TLS flight or HTTP message they belong to. */
function tcpParts(p: Packet, n: Namer): { keys: Key[]; ackOnly: boolean } {
  const type = String(p.header.packet_type);
  const seq = Number(p.header.seq);
  const len = Number(p.header.length);
  if (type === "SYN") return { keys: [len > 0 ? "f_tfo" : "f_syn"], ackOnly: false };
  if (type === "SYN-ACK") return { keys: ["f_synAck"], ackOnly: false };
  if (type === "ACK" || len === 0) return { keys: ["f_ack"], ackOnly: true };
  const { plan } = n;
  const end = seq + len;
  const keys: Key[] = [];
  if (p.dir === "toServer") {
    const ch = plan.clientHello;
    if (seq < ch) keys.push("f_clientHello");
    if (end > ch) {
      if (plan.earlyData) {
        // Early data follows the ClientHello; the Finished goes once the server's flight is in.
        if (p.sent < n.handshakeMs) keys.push("f_earlyRequest");
        else keys.push(len === plan.clientFinished ? clientFinishKey(n) : "f_request");
      } else {
        const fin = ch + plan.clientFinished;
        if (seq < fin) keys.push(clientFinishKey(n));
        if (end > fin) keys.push("f_request");
      }
    }
    return { keys, ackOnly: false };
  }
  const sf = plan.serverFlight;
  const fin = sf + plan.serverFinal;
  if (seq < sf) keys.push(serverFlightKey(n));
  if (plan.serverFinal > 0 && seq < fin && end > sf) keys.push("f_ccsFinished");
  if (end > fin) keys.push("f_response");
  return { keys, ackOnly: false };
}

/** The parts of a (possibly coalesced) QUIC datagram, from its packet types and frame types. */
function quicParts(p: Packet, n: Namer): { keys: Key[]; ackOnly: boolean } {
  const spaces = String(p.header.packet_type).split("+");
  const frames = (p.header.frames as string[] | undefined) ?? [];
  const has = (f: string) => frames.includes(f);
  const crypto = frames.filter((f) => f === "crypto").length;
  const keys: Key[] = [];
  const initial = spaces.includes("initial");
  const handshake = spaces.includes("handshake");
  if (p.dir === "toServer") {
    if (crypto && initial && (!handshake || crypto > 1)) keys.push("f_qInitialCh");
    if (crypto && handshake) keys.push("f_qHandshakeClient");
    if (has("stream")) keys.push(p.sent < n.handshakeMs ? "f_q0rtt" : "f_q1rttRequests");
  } else {
    if (crypto && initial) keys.push("f_qInitialSh");
    if (crypto && handshake && (!initial || crypto > 1)) keys.push("f_qHandshakeServer");
    if (has("handshake_done")) keys.push("f_qDone");
    if (has("stream")) keys.push("f_q1rttData");
  }
  if (has("ping")) keys.push("f_qPing");
  if (!keys.length && frames.some((f) => f.startsWith("max_") || f.endsWith("_blocked")))
    keys.push("f_qFlow");
  if (!keys.length) return { keys: ["f_ack"], ackOnly: true };
  return { keys, ackOnly: false };
}

/** The flights of one protocol's run, up to the first response byte. */
export function sequenceOf(result: PageLoadResult, protocol: Proto, scenario: Scenario): SequenceData {
  const raced = result.protocolUsed !== protocol;
  const version = raced ? "1.3" : scenario.tls;
  const resumption = raced ? "none" : scenario.resumption;
  const namer: Namer = {
    plan: tlsPlan(version, resumption),
    version,
    resumed: resumption !== "none",
    handshakeMs: result.handshakeUs >= 0 ? result.handshakeUs / 1000 : Number.POSITIVE_INFINITY,
  };
  const firstBytes = result.resources.map((r) => r.firstByteUs).filter((us) => us >= 0);
  const requestMs = result.requestSentUs / 1000;
  const endMs = firstBytes.length
    ? Math.min(...firstBytes) / 1000
    : requestMs >= 0
      ? requestMs + scenario.network.rttMs
      : result.completeUs / 1000;
  const eps = 1e-6;
  // What arrived by then, and what was dropped but would have arrived by then.
  const oneWay = scenario.network.rttMs / 2;
  const shown = packetsOf(result).filter((p) =>
    p.drop !== undefined ? p.sent + oneWay <= endMs + eps : p.recv !== undefined && p.recv <= endMs + eps,
  );
  // A flight: packets one side sent within a short window of the flight's first (the other side's
  // packets in between do not split it, so parallel HTTP/1.1 connections share their flights).
  const window = Math.max(1, scenario.network.rttMs * 0.2);
  type Building = Flight & { counts: Map<Key, number>; dropCounts: Map<string, number> };
  const flights: Building[] = [];
  const open: Partial<Record<Dir, Building>> = {};
  for (const p of shown) {
    const { keys, ackOnly } = p.header.frames !== undefined ? quicParts(p, namer) : tcpParts(p, namer);
    let f = open[p.dir];
    if (!f || p.sent - f.sent > window) {
      f = {
        dir: p.dir,
        sent: p.sent,
        recv: undefined,
        parts: [],
        packets: 0,
        ackOnly,
        drops: [],
        counts: new Map(),
        dropCounts: new Map(),
      };
      open[p.dir] = f;
      flights.push(f);
    }
    f.packets++;
    f.ackOnly &&= ackOnly;
    if (p.recv !== undefined) f.recv = Math.max(f.recv ?? 0, p.recv);
    if (p.drop !== undefined) f.dropCounts.set(p.drop, (f.dropCounts.get(p.drop) ?? 0) + 1);
    for (const key of keys) f.counts.set(key, (f.counts.get(key) ?? 0) + 1);
  }
  const out = flights.map(({ counts, dropCounts, ...f }) => ({
    ...f,
    parts: [...counts].filter(([key]) => key !== "f_ack" || f.ackOnly).map(([key, n]) => ({ key, n })),
    drops: [...dropCounts].map(([reason, n]) => ({ reason, n })),
  }));
  return {
    flights: out.slice(0, MAX_FLIGHTS),
    more: Math.max(0, out.length - MAX_FLIGHTS),
    endMs,
    requestMs,
    handshakeMs: result.handshakeUs / 1000,
    raceMs: raced ? (result.requestSentUs >= 0 ? fallbackStart(result) : undefined) : undefined,
  };
}

/** When HTTP/3 gave up on QUIC: the first TCP packet's departure. */
function fallbackStart(result: PageLoadResult): number | undefined {
  const first = packetsOf(result).find((p) => p.header.frames === undefined);
  return first?.sent;
}
