/**
 * simulatePageLoad: a page of resources fetched over HTTP/1.1 (N parallel connections, one request at a
 * time each), HTTP/2 (one TCP connection, multiplexed streams, header sizes from a real HPACK encoder) or
 * HTTP/3 (QUIC streams), with TLS 1.2 or 1.3, resumption or 0-RTT, and TCP Fast Open; reporting when the
 * first request left, when each resource arrived, and how long each waited behind another's loss.
 */
import { HpackEncoder } from "@proto/hpack";
import { invalidArgument } from "../errors";
import { Channel } from "./channel";
import { Simulator } from "./core";
import { makePath, type NetworkSpec, type Path } from "./network";
import { Qlog } from "./qlog";
import { type QuicEndpoint, quicConnection } from "./quic";
import type { TcpEndpoint } from "./tcp";
import { tcpConnection } from "./tcp-connection";
import { type Resumption, TlsDriver, type TlsVersion, tlsPlan } from "./tls";

export interface PageLoadOptions {
  protocol: "h1" | "h2" | "h3";
  network: NetworkSpec;
  tls?: TlsVersion;
  resumption?: Resumption;
  tcpFastOpen?: boolean;
  resources: Array<{ size: number }>;
  scheduler?: "round-robin" | "sequential";
  h1Connections?: number;
  seed: number;
  /** Record a qlog trace (default true). */
  qlog?: boolean;
  /** Give up after this much simulated time (µs; default 10 minutes). */
  limitUs?: number;
  /** HTTP/3: start TCP if QUIC has not completed its handshake after this long (ms; default 300). */
  fallbackAfterMs?: number;
}

export interface ResourceResult {
  firstByteUs: number;
  completeUs: number;
  /** Time its bytes had all arrived but waited for another resource's missing bytes (TCP head-of-line). */
  blockedUs: number;
  /**
   * It waited on a retransmission: one of its own, or another's that held some of its bytes behind a
   * hole (TCP delivers in order, so after a loss every stream's later bytes wait; QUIC's only its own).
   */
  delayedByLoss: boolean;
}

export interface PageLoadResult {
  requestSentUs: number;
  handshakeUs: number;
  completeUs: number;
  goodputBps: number;
  packetsSent: number;
  packetsLost: number;
  packetsRetransmitted: number;
  eventsProcessed: number;
  resources: ResourceResult[];
  /** The protocol that carried the page ("h2" when HTTP/3 fell back to TCP). */
  protocolUsed: "h1" | "h2" | "h3";
  qlog: ReturnType<Qlog["toJSON"]> | undefined;
}

/** Response bytes of a resource over the wire, with what happened to them. */
interface Tracked {
  total: number;
  delivered: number;
  arrived: number;
  firstByteUs: number;
  completeUs: number;
  lastArrivalUs: number;
  retransmitted: boolean;
  /** Some of its bytes arrived behind a hole and waited for a retransmission. */
  waited: boolean;
}

function freshTracked(): Tracked {
  return {
    total: 0,
    delivered: 0,
    arrived: 0,
    firstByteUs: -1,
    completeUs: -1,
    lastArrivalUs: -1,
    retransmitted: false,
    waited: false,
  };
}

type Tag = { kind: "tls" } | { kind: "ctl" } | { kind: "req"; res: number } | { kind: "resp"; res: number };

const H2_CONTROL = 24 + 9 + 18 + 13; // preface, SETTINGS, WINDOW_UPDATE
const H2_FRAME = 9;
const H3_FRAME = 3;

function requestFields(i: number): Array<[string, string]> {
  return [
    [":method", "GET"],
    [":scheme", "https"],
    [":authority", "www.example.com"],
    [":path", `/assets/resource-${i}.js`],
    [
      "user-agent",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    ],
    ["accept", "*/*"],
    ["accept-encoding", "gzip, deflate, br"],
    ["accept-language", "en-US,en;q=0.9"],
    ["referer", "https://www.example.com/"],
  ];
}

function responseFields(size: number): Array<[string, string]> {
  return [
    [":status", "200"],
    ["content-type", "application/javascript"],
    ["content-length", String(size)],
    ["cache-control", "max-age=31536000"],
    ["server", "proto"],
  ];
}

/** HTTP/1.1 text size of a header list (request line or status line, fields, blank line). */
function h1Size(fields: Array<[string, string]>, request: boolean): number {
  let n = request ? `GET ${fields[3]![1]} HTTP/1.1\r\n`.length : "HTTP/1.1 200 OK\r\n".length;
  for (const [name, value] of fields) {
    if (name.startsWith(":")) continue;
    n += name.length + 2 + value.length + 2;
  }
  if (request) n += "host: www.example.com\r\n".length;
  return n + 2;
}

export function simulatePageLoad(options: PageLoadOptions): PageLoadResult {
  const { protocol, resources } = options;
  if (protocol !== "h1" && protocol !== "h2" && protocol !== "h3")
    throw invalidArgument(`protocol must be h1, h2 or h3`);
  if (!Array.isArray(resources) || resources.length === 0)
    throw invalidArgument("resources must be a non-empty array");
  for (const r of resources) {
    if (!(Number.isInteger(r.size) && r.size >= 0))
      throw invalidArgument("each resource needs an integer size >= 0");
  }
  const sim = new Simulator(options.seed);
  const qlog = options.qlog === false ? undefined : new Qlog(sim, `${protocol} page load`);
  const path = makePath(
    sim,
    options.network,
    qlog ? (dir, packet, outcome) => qlog.packet(dir, packet, outcome) : undefined,
  );
  const tracked: Tracked[] = resources.map(freshTracked);
  const state = {
    requestSentUs: -1,
    handshakeUs: -1,
    done: 0,
    retransmissions: () => 0,
    protocolUsed: protocol,
  };
  const markRequest = () => {
    if (state.requestSentUs < 0) state.requestSentUs = sim.now;
  };
  const markHandshake = () => {
    if (state.handshakeUs < 0) {
      state.handshakeUs = sim.now;
      qlog?.event("security:handshake_done", {});
    }
  };
  const arrived = (i: number, bytes: number) => {
    const t = tracked[i]!;
    t.arrived += bytes;
    if (t.arrived >= t.total) t.lastArrivalUs = sim.now;
  };
  const delivered = (i: number, bytes: number) => {
    const t = tracked[i]!;
    if (t.firstByteUs < 0) t.firstByteUs = sim.now;
    t.delivered += bytes;
    if (t.delivered >= t.total && t.completeUs < 0) {
      t.completeUs = sim.now;
      state.done++;
      qlog?.event("http:resource_complete", { resource: i });
    }
  };
  const ctx: Ctx = { sim, path, options, tracked, markRequest, markHandshake, arrived, delivered, state };
  if (protocol === "h3") runH3(ctx);
  else if (protocol === "h2") runTcp(ctx, "h2");
  else runTcp(ctx, "h1");
  sim.run({ stop: () => state.done === resources.length, until: options.limitUs ?? 600_000_000 });
  const completeUs =
    state.done === resources.length ? Math.max(...tracked.map((t) => t.completeUs)) : sim.now;
  const total = tracked.reduce((n, t) => n + t.total, 0);
  const lost = (l: Path["toServer"]) =>
    l.stats.dropped.loss + l.stats.dropped.queue + l.stats.dropped.corrupt + l.stats.dropped.middlebox;
  return {
    requestSentUs: state.requestSentUs,
    handshakeUs: state.handshakeUs,
    completeUs,
    goodputBps: Math.round((total * 8 * 1e6) / Math.max(1, completeUs)),
    packetsSent: path.toServer.stats.packets + path.toClient.stats.packets,
    packetsLost: lost(path.toServer) + lost(path.toClient),
    packetsRetransmitted: state.retransmissions(),
    eventsProcessed: sim.eventsProcessed,
    resources: tracked.map((t) => {
      const blockedUs =
        t.completeUs >= 0 && t.lastArrivalUs >= 0 ? Math.max(0, t.completeUs - t.lastArrivalUs) : 0;
      return {
        firstByteUs: t.firstByteUs,
        completeUs: t.completeUs,
        blockedUs,
        delayedByLoss: t.retransmitted || t.waited || blockedUs > 0,
      };
    }),
    protocolUsed: state.protocolUsed as "h1" | "h2" | "h3",
    qlog: qlog?.toJSON(),
  };
}

interface Ctx {
  sim: Simulator;
  path: Path;
  options: PageLoadOptions;
  tracked: Tracked[];
  markRequest(): void;
  markHandshake(): void;
  arrived(i: number, bytes: number): void;
  delivered(i: number, bytes: number): void;
  state: { retransmissions: () => number; protocolUsed: string; requestSentUs: number; done: number };
  /**
   * HTTP/3's fallback race: a TCP connection asks before sending its first request whether it may carry
   * the page (false once QUIC has won).
   */
  claim?: () => boolean;
}

/** One TCP + TLS connection carrying HTTP/1.1 or HTTP/2, with its tagged channels. */
function openTcp(
  ctx: Ctx,
  onReady: (c: TcpConn) => void,
  onRequest: (c: TcpConn, res: number) => void,
): TcpConn {
  const { sim, options } = ctx;
  const { client, server } = tcpConnection(sim, ctx.path, { fastOpen: options.tcpFastOpen === true });
  const up = new Channel<Tag>(client);
  const down = new Channel<Tag>(server);
  const conn: TcpConn = { client, server, up, down, ready: false };
  const plan = tlsPlan(options.tls ?? "1.3", options.resumption ?? "none");
  const tls = new TlsDriver(plan, up, down, {
    ready: () => {
      conn.ready = true;
      if (ctx.claim) {
        if (!ctx.claim()) return; // QUIC won the race: this connection stays idle
        ctx.markHandshake(); // the race's TCP + TLS 1.3 (no early data): ready = handshake done
      }
      onReady(conn);
    },
    serverReady: () => {},
    handshakeDone: () => {
      if (!ctx.claim) ctx.markHandshake();
    },
  });
  server.onDeliver = (from, to) =>
    up.delivered(from, to, (piece, bytes, complete) => {
      if (piece.tag.kind === "tls") tls.serverReceived(bytes);
      else if (piece.tag.kind === "req" && complete) onRequest(conn, piece.tag.res);
    });
  client.onDeliver = (from, to) =>
    down.delivered(from, to, (piece, bytes) => {
      if (piece.tag.kind === "tls") tls.clientReceived(bytes);
      else if (piece.tag.kind === "resp") ctx.delivered(piece.tag.res, bytes);
    });
  client.onArrive = (from, to, held) =>
    down.overlapping(from, to, (piece, bytes) => {
      if (piece.tag.kind !== "resp") return;
      ctx.arrived(piece.tag.res, bytes);
      // Bytes that arrive behind a hole wait for its retransmission (TCP's head-of-line blocking).
      if (held) ctx.tracked[piece.tag.res]!.waited = true;
    });
  // requestSentUs: when the first byte of a request leaves the client (not when it is written).
  client.onSendData = (from, to) =>
    up.overlapping(from, to, (piece) => {
      if (piece.tag.kind === "req") ctx.markRequest();
    });
  server.onRetransmit = (from, to) =>
    down.overlapping(from, to, (piece) => {
      if (piece.tag.kind === "resp") ctx.tracked[piece.tag.res]!.retransmitted = true;
    });
  tls.start();
  client.connect();
  return conn;
}

interface TcpConn {
  client: TcpEndpoint;
  server: TcpEndpoint;
  up: Channel<Tag>;
  down: Channel<Tag>;
  ready: boolean;
  /** HTTP/1.1: the resource this connection is fetching. */
  current?: number;
}

function runTcp(ctx: Ctx, http: "h1" | "h2"): TcpConn[] {
  const { options, tracked } = ctx;
  const n = options.resources.length;
  const conns: TcpConn[] = [];
  ctx.state.retransmissions = () =>
    conns.reduce((s, c) => s + c.client.stats.retransmissions + c.server.stats.retransmissions, 0);
  if (http === "h1") {
    let next = 0;
    const headBytes = options.resources.map((r) => h1Size(responseFields(r.size), false));
    options.resources.forEach((r, i) => {
      tracked[i]!.total = headBytes[i]! + r.size;
    });
    const take = (c: TcpConn) => {
      if (next >= n) return;
      const i = next++;
      c.current = i;
      c.up.write(h1Size(requestFields(i), true), { kind: "req", res: i });
    };
    const count = Math.min(options.h1Connections ?? 6, n);
    if (!(count >= 1)) throw invalidArgument("h1Connections must be >= 1");
    for (let k = 0; k < count; k++) {
      const c = openTcp(ctx, take, (conn, res) => {
        conn.down.write(tracked[res]!.total, { kind: "resp", res });
      });
      // The next request goes once this connection's response is complete (no pipelining).
      const deliver = c.client.onDeliver;
      c.client.onDeliver = (from, to) => {
        deliver(from, to);
        if (c.current !== undefined && tracked[c.current]!.completeUs >= 0) {
          c.current = undefined;
          take(c);
        }
      };
      conns.push(c);
    }
    return conns;
  }
  // HTTP/2: one connection; every request at once; the server writes responses per the scheduler.
  const reqEnc = new HpackEncoder();
  const respEnc = new HpackEncoder();
  const pending: number[] = [];
  let flushQueued = false;
  const chunk = 1460 - H2_FRAME;
  const respond = (c: TcpConn) => {
    flushQueued = false;
    const batch = pending.splice(0);
    const heads = batch.map(
      (i) => H2_FRAME + respEnc.encode(responseFields(options.resources[i]!.size)).length,
    );
    // What the client will receive for each: HEADERS, then DATA frames of at most `chunk` bytes.
    batch.forEach((i, k) => {
      const size = options.resources[i]!.size;
      tracked[i]!.total = heads[k]! + size + Math.ceil(size / chunk) * H2_FRAME;
    });
    if ((options.scheduler ?? "round-robin") === "sequential") {
      batch.forEach((i, k) => {
        c.down.write(heads[k]!, { kind: "resp", res: i });
        writeData(c, i, options.resources[i]!.size, options.resources[i]!.size);
      });
      return;
    }
    batch.forEach((i, k) => {
      c.down.write(heads[k]!, { kind: "resp", res: i });
    });
    const left = batch.map((i) => options.resources[i]!.size);
    for (let active = true; active; ) {
      active = false;
      batch.forEach((i, k) => {
        if (left[k]! <= 0) return;
        const len = Math.min(chunk, left[k]!);
        writeData(c, i, len, len);
        left[k]! -= len;
        active = true;
      });
    }
  };
  const writeData = (c: TcpConn, i: number, bytes: number, _payload: number) => {
    for (let at = 0; at < bytes; at += chunk)
      c.down.write(H2_FRAME + Math.min(chunk, bytes - at), { kind: "resp", res: i });
  };
  // Until its response is written, a resource is not complete whatever arrives.
  // (In HTTP/3's fallback race this happens when TCP claims the page, not before: QUIC may still win.)
  if (!ctx.claim) for (const t of tracked) t.total = Number.POSITIVE_INFINITY;
  const c = openTcp(
    ctx,
    (conn) =>
      conn.client.batch(() => {
        conn.up.write(H2_CONTROL, { kind: "ctl" });
        for (let i = 0; i < n; i++) {
          conn.up.write(H2_FRAME + reqEnc.encode(requestFields(i)).length, { kind: "req", res: i });
        }
      }),
    (conn, res) => {
      pending.push(res);
      if (!flushQueued) {
        flushQueued = true;
        ctx.sim.after(0, () => conn.server.batch(() => respond(conn)));
      }
    },
  );
  conns.push(c);
  return conns;
}

function runH3(ctx: Ctx): void {
  const { sim, options, tracked } = ctx;
  const zeroRtt = options.resumption === "0rtt";
  const { client, server } = quicConnection(sim, ctx.path, {
    handshake: zeroRtt ? "0rtt" : "1rtt",
    scheduler: options.scheduler ?? "round-robin",
  });
  // Browsers race TCP against a QUIC handshake that has not completed after `fallbackAfterMs` (UDP
  // blocked, throttled, or just a long round trip): whichever is ready first carries the page.
  let winner: "quic" | "tcp" | undefined;
  ctx.state.retransmissions = () => client.stats.retransmittedFrames + server.stats.retransmittedFrames;
  const reqEnc = new HpackEncoder();
  const respEnc = new HpackEncoder();
  const streamOf = (i: number) => i * 4;
  const sizes = options.resources.map(
    (r) => H3_FRAME + respEnc.encode(responseFields(r.size)).length + H3_FRAME + r.size,
  );
  sizes.forEach((s, i) => {
    tracked[i]!.total = s;
  });
  const requests = new Map<number, number>();
  const sendRequests = (q: QuicEndpoint) => {
    options.resources.forEach((_, i) => {
      const bytes = H3_FRAME + reqEnc.encode(requestFields(i)).length;
      requests.set(streamOf(i), bytes);
      q.write(streamOf(i), bytes, true);
    });
  };
  server.onStreamData = (id, _from, to, fin) => {
    const need = requests.get(id);
    if (fin && need !== undefined && to >= need) {
      requests.delete(id);
      server.write(id, sizes[id / 4]!, true);
    }
  };
  client.onStreamData = (id, from, to) => {
    if (winner !== "tcp") ctx.delivered(id / 4, to - from);
  };
  client.onStreamSend = () => {
    if (winner !== "tcp") ctx.markRequest();
  };
  client.onStreamArrive = (id, from, to, held) => {
    if (winner === "tcp") return;
    ctx.arrived(id / 4, to - from);
    if (held) tracked[id / 4]!.waited = true;
  };
  server.onRetransmit = (id) => {
    const t = tracked[id / 4];
    if (t && winner !== "tcp") t.retransmitted = true;
  };
  client.onReady = () => {
    if (winner === "tcp") return;
    winner = "quic";
    ctx.markHandshake();
    if (!zeroRtt) sendRequests(client);
  };
  if (zeroRtt) sendRequests(client);
  client.connect();
  const fallbackAfter = (options.fallbackAfterMs ?? 300) * 1000;
  sim.after(fallbackAfter, () => {
    if (winner === "quic") return;
    const claim = () => {
      if (winner === "quic") return false;
      if (winner === undefined) {
        winner = "tcp";
        ctx.state.protocolUsed = "h2";
        // Nothing QUIC did counts: 0-RTT requests that went into the blocked path, bytes, losses.
        ctx.state.requestSentUs = -1;
        ctx.state.done = 0;
        for (const t of tracked) Object.assign(t, freshTracked(), { total: Number.POSITIVE_INFINITY });
        requests.clear();
      }
      return true;
    };
    const quicRetransmissions = ctx.state.retransmissions;
    runTcp({ ...ctx, claim, options: { ...options, protocol: "h2", tls: "1.3", resumption: "none" } }, "h2");
    const tcpRetransmissions = ctx.state.retransmissions;
    ctx.state.retransmissions = () => quicRetransmissions() + tcpRetransmissions();
  });
}

export type { Tag as PageTag };
