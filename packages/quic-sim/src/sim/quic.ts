/**
 * A QUIC connection model (RFC 9000, RFC 9001, RFC 9002): the handshake in 1-RTT or 0-RTT with the
 * client's Initial padded to 1200 bytes and the server's anti-amplification limit (3× what it received,
 * §8.1), three packet number spaces with their ACK rules (§13.2), loss recovery and congestion control by
 * RFC 9002 (recovery.ts), independent streams with connection- and stream-level flow control (MAX_DATA,
 * MAX_STREAM_DATA, MAX_STREAMS and the *_BLOCKED frames), and retransmission of information, not
 * packets: a lost packet's frames are queued again and sent in new packets. Sizes are counted, bytes are
 * not carried.
 */
import type { Simulator, Timer } from "./core";
import type { Link, SimPacket } from "./network";
import { ByteRanges } from "./ranges";
import { type PnSpace, Recovery, type SentPacket } from "./recovery";

export type SimFrame =
  | { t: "crypto"; offset: number; len: number }
  | { t: "stream"; id: number; offset: number; len: number; fin: boolean }
  | { t: "ack"; ranges: Array<{ largest: number; smallest: number }>; delay: number }
  | { t: "ping" }
  | { t: "max_data"; max: number }
  | { t: "max_stream_data"; id: number; max: number }
  | { t: "data_blocked"; limit: number }
  | { t: "stream_data_blocked"; id: number; limit: number }
  | { t: "handshake_done" };

export interface QuicPacket {
  space: PnSpace;
  pn: number;
  frames: SimFrame[];
  size: number;
}

export interface QuicOptions {
  /** The handshake: "1rtt" or "0rtt" (the client's request leaves with its Initial). */
  handshake?: "1rtt" | "0rtt";
  /** Bytes of the server's certificate flight (Certificate + CertificateVerify + Finished). */
  serverFlightBytes?: number;
  maxDatagramSize?: number;
  initialMaxData?: number;
  initialMaxStreamData?: number;
  /** How streams share the connection: one at a time in id order, or a frame each in turn. */
  scheduler?: "round-robin" | "sequential";
}

const UDP_IP = 28;
const AEAD_TAG = 16;
const LONG_HEADER = 1 + 4 + 1 + 8 + 1 + 8 + 2 + 2; // type, version, DCID, SCID, length, packet number
const SHORT_HEADER = 1 + 8 + 2;
const CLIENT_HELLO = 280;
const SERVER_HELLO = 90;
const CLIENT_FINISHED = 36;
const ACK_DELAY = 25_000;

function frameSize(f: SimFrame): number {
  switch (f.t) {
    case "crypto":
      return 1 + 4 + 2 + f.len;
    case "stream":
      return 1 + 2 + (f.offset > 0 ? 4 : 0) + 2 + f.len;
    case "ack":
      return 1 + 4 + 2 + 1 + 2 + 4 * (f.ranges.length - 1);
    case "max_stream_data":
    case "stream_data_blocked":
      return 1 + 2 + 4;
    case "max_data":
    case "data_blocked":
      return 1 + 4;
    default:
      return 1;
  }
}

interface SendStream {
  written: number;
  next: number;
  fin: boolean;
  finSent: boolean;
  retransmit: Array<[number, number]>;
  /** The peer's MAX_STREAM_DATA. */
  limit: number;
  blockedSentAt: number;
}

interface RecvStream {
  ranges: ByteRanges;
  delivered: number;
  finAt: number | undefined;
  /** What we let the peer send (MAX_STREAM_DATA). */
  limit: number;
}

interface SpaceState {
  nextPn: number;
  received: ByteRanges;
  largestReceived: number;
  largestReceivedAt: number;
  ackElicitingUnacked: number;
  ackPending: boolean;
  ackTimer: Timer | undefined;
  cryptoToSend: number;
  cryptoSent: number;
  cryptoRetransmit: Array<[number, number]>;
  cryptoReceived: ByteRanges;
}

export interface QuicStats {
  packetsSent: number;
  datagramsSent: number;
  packetsLost: number;
  retransmittedFrames: number;
  ptoCount: number;
}

export class QuicEndpoint {
  readonly recovery: Recovery;
  readonly stats: QuicStats = {
    packetsSent: 0,
    datagramsSent: 0,
    packetsLost: 0,
    retransmittedFrames: 0,
    ptoCount: 0,
  };
  private readonly spaces: Record<PnSpace, SpaceState>;
  private readonly send = new Map<number, SendStream>();
  private readonly recv = new Map<number, RecvStream>();
  private readonly control: SimFrame[] = [];
  private maxData: number;
  private dataSent = 0;
  private recvMaxData: number;
  private dataReceived = 0;
  private dataConsumed = 0;
  private dataBlockedSentAt = -1;
  private bytesReceived = 0;
  private bytesSent = 0;
  private rr = 0;
  private timer: Timer | undefined;
  private probes = 0;
  /** Handshake progress. */
  handshakeKeys = false;
  oneRttKeys = false;
  handshakeConfirmed = false;
  private handshakeDoneQueued = false;
  private addressValidated: boolean;
  private readonly options: Required<QuicOptions>;
  /** Stream data delivered in order on stream `id`, [from, to); `fin` when the stream is complete. */
  onStreamData: (id: number, from: number, to: number, fin: boolean) => void = () => {};
  /** First arrival of stream bytes; `held` when a gap in the stream before them keeps them back. */
  onStreamArrive: (id: number, from: number, to: number, held: boolean) => void = () => {};
  /** 1-RTT keys are available: application data may be sent (client: the request). */
  onReady: () => void = () => {};
  onHandshakeConfirmed: () => void = () => {};
  /** New data of stream `id` leaves in a packet. */
  onStreamSend: (id: number) => void = () => {};
  /** Stream data of `id` sent again after a loss. */
  onRetransmit: (id: number) => void = () => {};

  constructor(
    private readonly sim: Simulator,
    private readonly out: Link,
    private readonly peer: () => QuicEndpoint,
    readonly isClient: boolean,
    options: QuicOptions = {},
  ) {
    this.options = {
      handshake: options.handshake ?? "1rtt",
      serverFlightBytes: options.serverFlightBytes ?? 2900,
      maxDatagramSize: options.maxDatagramSize ?? 1200,
      initialMaxData: options.initialMaxData ?? 16 * 1024 * 1024,
      initialMaxStreamData: options.initialMaxStreamData ?? 8 * 1024 * 1024,
      scheduler: options.scheduler ?? "round-robin",
    };
    const space = (): SpaceState => ({
      nextPn: 0,
      received: new ByteRanges(),
      largestReceived: -1,
      largestReceivedAt: 0,
      ackElicitingUnacked: 0,
      ackPending: false,
      ackTimer: undefined,
      cryptoToSend: 0,
      cryptoSent: 0,
      cryptoRetransmit: [],
      cryptoReceived: new ByteRanges(),
    });
    this.spaces = { initial: space(), handshake: space(), application: space() };
    this.maxData = this.options.initialMaxData;
    this.recvMaxData = this.options.initialMaxData;
    this.addressValidated = isClient;
    this.recovery = new Recovery(
      isClient,
      {
        onLost: (space, packets) => this.onLost(space, packets),
        onProbe: (space) => this.onProbe(space),
        onAcked: () => {},
      },
      { maxDatagramSize: this.options.maxDatagramSize, maxAckDelay: ACK_DELAY },
    );
  }

  get mss(): number {
    return this.options.maxDatagramSize - UDP_IP - SHORT_HEADER - AEAD_TAG - 8;
  }

  // ---- the application's side ------------------------------------------------------------------------

  /** Client: starts the handshake; with 0-RTT, application data written before this leaves at once. */
  connect(): void {
    this.spaces.initial.cryptoToSend = CLIENT_HELLO;
    if (this.options.handshake === "0rtt") this.oneRttKeys = true; // 0-RTT keys: early data may go
    this.flush();
  }

  /** Appends `bytes` to stream `id` (created on first write); `fin` ends it. */
  write(id: number, bytes: number, fin = false): void {
    let s = this.send.get(id);
    if (!s) {
      s = {
        written: 0,
        next: 0,
        fin: false,
        finSent: false,
        retransmit: [],
        limit: this.options.initialMaxStreamData,
        blockedSentAt: -1,
      };
      this.send.set(id, s);
    }
    s.written += bytes;
    if (fin) s.fin = true;
    this.flush();
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  /** The space and frames of the next packet, within `room` bytes, or undefined when nothing is due. */
  private nextPacket(space: PnSpace, room: number, probe: boolean): QuicPacket | undefined {
    const st = this.spaces[space];
    const header = space === "application" ? SHORT_HEADER : LONG_HEADER;
    let left = room - header - AEAD_TAG;
    const frames: SimFrame[] = [];
    const add = (f: SimFrame) => {
      frames.push(f);
      left -= frameSize(f);
    };
    if (st.ackPending) {
      add({
        t: "ack",
        ranges: st.received.descending(8),
        delay: Math.max(0, this.sim.now - st.largestReceivedAt),
      });
      st.ackPending = false;
      st.ackElicitingUnacked = 0;
      st.ackTimer?.cancel();
      st.ackTimer = undefined;
    }
    const limited = () => !probe && !this.recovery.canSend(room);
    // CRYPTO: retransmissions first, then new bytes.
    while (left > 16 && !limited()) {
      const r = st.cryptoRetransmit.shift();
      if (r) {
        const len = Math.min(r[1] - r[0], left - 8);
        add({ t: "crypto", offset: r[0], len });
        if (r[0] + len < r[1]) st.cryptoRetransmit.unshift([r[0] + len, r[1]]);
        this.stats.retransmittedFrames++;
        continue;
      }
      if (st.cryptoSent >= st.cryptoToSend) break;
      const len = Math.min(st.cryptoToSend - st.cryptoSent, left - 8);
      add({ t: "crypto", offset: st.cryptoSent, len });
      st.cryptoSent += len;
    }
    if (space === "application" && this.oneRttKeys) {
      while (this.control.length > 0 && left > 16 && !limited()) add(this.control.shift()!);
      if (this.handshakeDoneQueued && left > 4) {
        add({ t: "handshake_done" });
        this.handshakeDoneQueued = false;
      }
      this.streamFrames(left, add, limited);
    }
    const elicits = frames.some((f) => f.t !== "ack");
    if (frames.length === 0 || (probe && !elicits)) {
      if (!probe) return undefined;
      add({ t: "ping" });
    }
    let size = header + AEAD_TAG;
    for (const f of frames) size += frameSize(f);
    return { space, pn: st.nextPn++, frames, size };
  }

  /** STREAM frames by the scheduler, within stream and connection flow control. */
  private streamFrames(left: number, add: (f: SimFrame) => void, limited: () => boolean): void {
    const ids = [...this.send.keys()].sort((a, b) => a - b);
    if (ids.length === 0) return;
    let guard = 0;
    while (left > 24 && !limited() && guard++ < 64) {
      const id = this.pickStream(ids);
      if (id === undefined) return;
      const s = this.send.get(id)!;
      const r = s.retransmit.shift();
      if (r) {
        const len = Math.min(r[1] - r[0], left - 12);
        const fin = s.fin && r[0] + len === s.written && r[1] === s.written;
        add({ t: "stream", id, offset: r[0], len, fin });
        if (r[0] + len < r[1]) s.retransmit.unshift([r[0] + len, r[1]]);
        left -= 12 + len;
        this.stats.retransmittedFrames++;
        this.onRetransmit(id);
        continue;
      }
      const connRoom = this.maxData - this.dataSent;
      const streamRoom = s.limit - s.next;
      const want = s.written - s.next;
      const len = Math.max(0, Math.min(want, left - 12, connRoom, streamRoom));
      if (len === 0 && !(want === 0 && s.fin && !s.finSent)) {
        if (connRoom <= 0 && this.dataBlockedSentAt !== this.maxData) {
          this.dataBlockedSentAt = this.maxData;
          add({ t: "data_blocked", limit: this.maxData });
        }
        if (streamRoom <= 0 && s.blockedSentAt !== s.limit) {
          s.blockedSentAt = s.limit;
          add({ t: "stream_data_blocked", id, limit: s.limit });
        }
        return;
      }
      const fin = s.fin && s.next + len === s.written;
      if (s.next === 0) this.onStreamSend(id);
      add({ t: "stream", id, offset: s.next, len, fin });
      s.next += len;
      this.dataSent += len;
      if (fin) s.finSent = true;
      left -= 12 + len;
    }
  }

  private pickStream(ids: number[]): number | undefined {
    const ready = (id: number) => {
      const s = this.send.get(id)!;
      return (
        s.retransmit.length > 0 ||
        (s.next < s.written && s.next < s.limit) ||
        (s.fin && !s.finSent && s.next === s.written)
      );
    };
    if (this.options.scheduler === "sequential") return ids.find(ready);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[(this.rr + k) % ids.length]!;
      if (ready(id)) {
        this.rr = (this.rr + k + 1) % ids.length;
        return id;
      }
    }
    return undefined;
  }

  /** Builds and sends datagrams while anything is due and allowed. */
  flush(probe = false): void {
    for (let guard = 0; guard < 10_000; guard++) {
      let room = this.options.maxDatagramSize;
      // §8.1: before the client's address is validated, a server sends at most 3× what it received.
      if (!this.addressValidated) room = Math.min(room, 3 * this.bytesReceived - this.bytesSent);
      this.recovery.serverIsAtAntiAmplificationLimit = room < 200;
      if (room < 200) return;
      const packets: QuicPacket[] = [];
      for (const space of ["initial", "handshake", "application"] as const) {
        if (this.recovery.discarded.has(space)) continue;
        if (space === "handshake" && !this.handshakeKeys) continue;
        if (space === "application" && !this.oneRttKeys && !this.spaces.application.ackPending) continue;
        const used = packets.reduce((n, p) => n + p.size, 0);
        const p = this.nextPacket(space, room - UDP_IP - used, probe && packets.length === 0);
        if (p) packets.push(p);
      }
      if (packets.length === 0) return;
      probe = false;
      // §14.1: a client's datagram with an Initial packet is padded to at least 1200 bytes.
      let size = UDP_IP + packets.reduce((n, p) => n + p.size, 0);
      if (this.isClient && packets.some((p) => p.space === "initial")) size = Math.max(size, 1200);
      this.transmit(packets, size);
    }
  }

  private transmit(packets: QuicPacket[], size: number): void {
    const now = this.sim.now;
    for (const p of packets) {
      const ackEliciting = p.frames.some((f) => f.t !== "ack");
      const sent: SentPacket = {
        packetNumber: p.pn,
        ackEliciting,
        inFlight: ackEliciting,
        sentBytes: p.size,
        timeSent: now,
        frames: p.frames,
      };
      this.recovery.onPacketSent(sent, p.space, now);
      this.stats.packetsSent++;
    }
    this.stats.datagramsSent++;
    this.bytesSent += size;
    // The client drops Initial keys once it sends its first Handshake packet (RFC 9001 §4.9.1).
    if (
      this.isClient &&
      packets.some((p) => p.space === "handshake") &&
      !this.recovery.discarded.has("initial")
    ) {
      this.recovery.onPacketNumberSpaceDiscarded("initial", now);
    }
    const packet: SimPacket = { size, proto: "udp", data: packets };
    const peer = this.peer();
    this.out.send(packet, (d) => peer.receive(d.data as QuicPacket[], d.size));
    this.armTimer();
  }

  private armTimer(): void {
    const at = this.recovery.lossDetectionTimer;
    if (this.timer && this.timer.at === Math.ceil(at)) return;
    this.timer?.cancel();
    this.timer = at > 0 ? this.sim.at(at, () => this.onTimer()) : undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.recovery.onLossDetectionTimeout(this.sim.now);
    this.flush();
    this.armTimer();
  }

  private onProbe(space: PnSpace): void {
    this.stats.ptoCount++;
    // PTO: queue a copy of the oldest unacknowledged data in flight so the probe carries information.
    for (const p of this.recovery.sentPackets[space].values()) {
      if (p.ackEliciting) {
        this.requeue(space, p.frames as SimFrame[]);
        break;
      }
    }
    this.probes = 2;
    while (this.probes-- > 0) this.flushSpace(space);
  }

  private flushSpace(space: PnSpace): void {
    const p = this.nextPacket(space, this.options.maxDatagramSize - UDP_IP, true);
    if (!p) return;
    const size = Math.max(UDP_IP + p.size, this.isClient && space === "initial" ? 1200 : 0);
    this.transmit([p], size);
  }

  private onLost(space: PnSpace, packets: SentPacket[]): void {
    this.stats.packetsLost += packets.length;
    for (const p of packets) this.requeue(space, p.frames as SimFrame[]);
  }

  /** Information, not packets: lost frames go back to their queues. */
  private requeue(space: PnSpace, frames: SimFrame[]): void {
    for (const f of frames) {
      if (f.t === "crypto") this.spaces[space].cryptoRetransmit.push([f.offset, f.offset + f.len]);
      else if (f.t === "stream") {
        const s = this.send.get(f.id);
        if (s) {
          s.retransmit.push([f.offset, f.offset + f.len]);
          if (f.fin) s.finSent = false;
        }
      } else if (f.t === "max_data" || f.t === "max_stream_data" || f.t === "handshake_done") {
        if (f.t === "handshake_done") this.handshakeDoneQueued = true;
        else this.control.push(f.t === "max_data" ? { t: "max_data", max: this.recvMaxData } : f);
      }
    }
  }

  // ---- receiving ------------------------------------------------------------------------------------------------

  receive(packets: QuicPacket[], datagramSize: number): void {
    this.bytesReceived += datagramSize;
    for (const p of packets) {
      if (this.recovery.discarded.has(p.space)) continue;
      this.receivePacket(p);
    }
    this.flush();
    this.armTimer();
  }

  private receivePacket(p: QuicPacket): void {
    const st = this.spaces[p.space];
    const now = this.sim.now;
    // §8.1: a server validates the client's address on a Handshake packet; it drops Initial keys then.
    if (!this.isClient && p.space === "handshake") {
      this.addressValidated = true;
      if (!this.recovery.discarded.has("initial")) this.recovery.onPacketNumberSpaceDiscarded("initial", now);
    }
    if (this.isClient && p.space !== "initial") this.recovery.peerCompletedAddressValidationFlag = true;
    const duplicate = st.received.has(p.pn);
    const outOfOrder = p.pn < st.largestReceived || p.pn > st.largestReceived + 1;
    st.received.add(p.pn, p.pn + 1);
    if (p.pn > st.largestReceived) {
      st.largestReceived = p.pn;
      st.largestReceivedAt = now;
    }
    if (duplicate) return;
    let elicits = false;
    for (const f of p.frames) {
      if (f.t !== "ack") elicits = true;
      this.receiveFrame(p.space, f);
    }
    if (!elicits) return;
    // §13.2.1: Initial and Handshake ACK at once; application data every second packet, on reordering,
    // or within max_ack_delay.
    st.ackElicitingUnacked++;
    st.ackPending = true;
    if (p.space !== "application" || outOfOrder || st.ackElicitingUnacked >= 2) return;
    st.ackPending = false;
    st.ackTimer ??= this.sim.after(ACK_DELAY, () => {
      st.ackTimer = undefined;
      st.ackPending = true;
      this.flush();
      this.armTimer();
    });
  }

  private receiveFrame(space: PnSpace, f: SimFrame): void {
    const now = this.sim.now;
    switch (f.t) {
      case "ack":
        this.recovery.onAckReceived(f.ranges, f.delay, space, now);
        return;
      case "crypto":
        this.receiveCrypto(space, f.offset, f.len);
        return;
      case "stream":
        this.receiveStream(f.id, f.offset, f.len, f.fin);
        return;
      case "max_data":
        this.maxData = Math.max(this.maxData, f.max);
        return;
      case "max_stream_data": {
        const s = this.send.get(f.id);
        if (s) s.limit = Math.max(s.limit, f.max);
        return;
      }
      case "handshake_done":
        this.confirm();
        return;
      default:
        return;
    }
  }

  /** The TLS handshake as byte counts per level (RFC 9001 §4.1). */
  private receiveCrypto(space: PnSpace, offset: number, len: number): void {
    const st = this.spaces[space];
    st.cryptoReceived.add(offset, offset + len);
    const have = st.cryptoReceived.contiguousFrom(0);
    if (this.isClient) {
      if (space === "initial" && have >= SERVER_HELLO && !this.handshakeKeys) {
        this.handshakeKeys = true;
        this.recovery.hasHandshakeKeys = true;
      }
      if (
        space === "handshake" &&
        have >= this.options.serverFlightBytes &&
        this.spaces.handshake.cryptoToSend === 0
      ) {
        // The server's Finished: send ours; 1-RTT keys are ready.
        this.spaces.handshake.cryptoToSend = CLIENT_FINISHED;
        // The handshake is complete (with 0-RTT, early data went before this).
        this.oneRttKeys = true;
        this.onReady();
      }
    } else {
      if (space === "initial" && have >= CLIENT_HELLO && this.spaces.initial.cryptoToSend === 0) {
        this.spaces.initial.cryptoToSend = SERVER_HELLO;
        this.handshakeKeys = true;
        this.recovery.hasHandshakeKeys = true;
        this.spaces.handshake.cryptoToSend = this.options.serverFlightBytes;
        // 0.5-RTT: the server may send 1-RTT data once its Finished is sent.
        this.oneRttKeys = true;
        this.onReady();
      }
      if (space === "handshake" && have >= CLIENT_FINISHED && !this.handshakeConfirmed) {
        this.handshakeDoneQueued = true;
        this.confirm();
      }
    }
  }

  /** RFC 9001 §4.1.2: confirmed; Handshake keys are discarded (§4.9.2). */
  private confirm(): void {
    if (this.handshakeConfirmed) return;
    this.handshakeConfirmed = true;
    this.recovery.handshakeConfirmed = true;
    if (!this.recovery.discarded.has("handshake"))
      this.recovery.onPacketNumberSpaceDiscarded("handshake", this.sim.now);
    this.onHandshakeConfirmed();
  }

  private receiveStream(id: number, offset: number, len: number, fin: boolean): void {
    let r = this.recv.get(id);
    if (!r) {
      r = {
        ranges: new ByteRanges(),
        delivered: 0,
        finAt: undefined,
        limit: this.options.initialMaxStreamData,
      };
      this.recv.set(id, r);
    }
    if (fin) r.finAt = offset + len;
    const fresh = r.ranges.add(offset, offset + len);
    for (const [a, b] of fresh) this.onStreamArrive(id, a, b, a > r.delivered);
    const newBytes = fresh.reduce((n, [a, b]) => n + b - a, 0);
    this.dataReceived += newBytes;
    const to = r.ranges.contiguousFrom(0);
    const complete = r.finAt !== undefined && to >= r.finAt;
    if (to > r.delivered || (complete && len === 0)) {
      const from = r.delivered;
      r.delivered = to;
      this.dataConsumed += to - from;
      this.onStreamData(id, from, to, complete);
    }
    // Flow control credit: the application reads at once, so the windows slide as data is delivered.
    if (this.dataConsumed + this.options.initialMaxData / 2 > this.recvMaxData) {
      this.recvMaxData = this.dataConsumed + this.options.initialMaxData;
      this.control.push({ t: "max_data", max: this.recvMaxData });
    }
    if (r.delivered + this.options.initialMaxStreamData / 2 > r.limit && !complete) {
      r.limit = r.delivered + this.options.initialMaxStreamData;
      this.control.push({ t: "max_stream_data", id, max: r.limit });
    }
  }
}

/** A client and a server endpoint over a path. */
export function quicConnection(
  sim: Simulator,
  path: { toServer: Link; toClient: Link },
  options: QuicOptions = {},
): { client: QuicEndpoint; server: QuicEndpoint } {
  const pair = {} as { client: QuicEndpoint; server: QuicEndpoint };
  pair.client = new QuicEndpoint(sim, path.toServer, () => pair.server, true, options);
  pair.server = new QuicEndpoint(sim, path.toClient, () => pair.client, false, options);
  return pair;
}
