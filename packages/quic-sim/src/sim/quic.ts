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
import {
  ACK_DELAY,
  AEAD_TAG,
  CLIENT_FINISHED,
  CLIENT_HELLO,
  frameSize,
  LONG_HEADER,
  newSpace,
  type QuicOptions,
  type QuicPacket,
  resolveOptions,
  SERVER_HELLO,
  SHORT_HEADER,
  type SimFrame,
  type SpaceState,
  UDP_IP,
} from "./quic-frames";
import { StreamSet } from "./quic-streams";
import { type PnSpace, Recovery, type SentPacket } from "./recovery";

export type { QuicOptions, QuicPacket, SimFrame } from "./quic-frames";

const SPACE_ORDER: readonly PnSpace[] = ["initial", "handshake", "application"];

export interface QuicStats {
  packetsSent: number;
  datagramsSent: number;
  packetsLost: number;
  retransmittedFrames: number;
  ptoCount: number;
}

const isInitial = (p: QuicPacket): boolean => p.space === "initial";

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
  private readonly streams: StreamSet;
  private bytesReceived = 0;
  private bytesSent = 0;
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
    this.options = resolveOptions(options);
    this.spaces = { initial: newSpace(), handshake: newSpace(), application: newSpace() };
    this.streams = new StreamSet(this, this.options, isClient);
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
    this.streams.write(id, bytes, fin);
    this.flush();
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  // The packet being built: frames go into a scratch array that becomes the packet's only when one is sent,
  // and `add`/`limited` are bound once, so an empty poll (the last of every flush) allocates nothing.
  private scratch: SimFrame[] = [];
  /** When this endpoint last sent an ack-eliciting 1-RTT packet (for the once-per-RTT PING). */
  private lastElicitingAt = 0;
  private left = 0;
  private buildRoom = 0;
  private buildProbe = false;
  private nScratch = 0;
  private readonly add = (f: SimFrame): void => {
    this.scratch[this.nScratch++] = f;
    this.left -= frameSize(f);
  };
  private readonly limited = (): boolean => !this.buildProbe && !this.recovery.canSend(this.buildRoom);

  /** The space and frames of the next packet, within `room` bytes, or undefined when nothing is due. */
  private nextPacket(space: PnSpace, room: number, probe: boolean): QuicPacket | undefined {
    const st = this.spaces[space];
    const app = space === "application" && this.oneRttKeys;
    if (
      !probe &&
      !st.ackPending &&
      st.cryptoRetransmit.length === 0 &&
      st.cryptoSent >= st.cryptoToSend &&
      !(app && (this.handshakeDoneQueued || this.streams.control.length > 0 || this.streams.hasLive()))
    ) {
      return undefined;
    }
    const header = space === "application" ? SHORT_HEADER : LONG_HEADER;
    this.left = room - header - AEAD_TAG;
    this.buildRoom = room;
    this.buildProbe = probe;
    this.nScratch = 0;
    const { add, limited } = this;
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
    // CRYPTO: retransmissions first, then new bytes.
    while (this.left > 16 && !limited()) {
      const r = st.cryptoRetransmit.shift();
      if (r) {
        const len = Math.min(r[1] - r[0], this.left - 8);
        add({ t: "crypto", offset: r[0], len });
        if (r[0] + len < r[1]) st.cryptoRetransmit.unshift([r[0] + len, r[1]]);
        this.stats.retransmittedFrames++;
        continue;
      }
      if (st.cryptoSent >= st.cryptoToSend) break;
      const len = Math.min(st.cryptoToSend - st.cryptoSent, this.left - 8);
      add({ t: "crypto", offset: st.cryptoSent, len });
      st.cryptoSent += len;
    }
    if (app) {
      const control = this.streams.control;
      while (control.length > 0 && this.left > 16 && !limited()) add(control.shift()!);
      if (this.handshakeDoneQueued && this.left > 4) {
        add({ t: "handshake_done" });
        this.handshakeDoneQueued = false;
      }
      this.streams.frames(this.left, add, limited);
    }
    const scratch = this.scratch;
    let elicits = false;
    for (let i = 0; i < this.nScratch; i++) if (scratch[i]!.t !== "ack") elicits = true;
    if (this.nScratch === 0 || (probe && !elicits)) {
      if (!probe) return undefined;
      add({ t: "ping" });
    } else if (
      !elicits &&
      space === "application" &&
      this.sim.now - this.lastElicitingAt >= this.recovery.smoothedRtt &&
      !limited()
    ) {
      // RFC 9000 §13.2.4: an endpoint that only sends ACKs never has them acknowledged; a PING about once
      // per round trip gets them acknowledged, so their sent-packet records do not pile up.
      add({ t: "ping" });
      this.lastElicitingAt = this.sim.now;
    }
    const frames = scratch.slice(0, this.nScratch);
    let size = header + AEAD_TAG;
    for (const f of frames) size += frameSize(f);
    return { space, pn: st.nextPn++, frames, size };
  }

  /** Builds and sends datagrams while anything is due and allowed. */
  flush(probe = false): void {
    for (let guard = 0; guard < 10_000; guard++) {
      let room = this.options.maxDatagramSize;
      // §8.1: before the client's address is validated, a server sends at most 3× what it received.
      if (!this.addressValidated) room = Math.min(room, 3 * this.bytesReceived - this.bytesSent);
      this.recovery.serverIsAtAntiAmplificationLimit = room < 200;
      if (room < 200) return;
      let packets: QuicPacket[] | undefined;
      let used = 0;
      for (const space of SPACE_ORDER) {
        if (this.recovery.discarded[space]) continue;
        if (space === "handshake" && !this.handshakeKeys) continue;
        if (space === "application" && !this.oneRttKeys && !this.spaces.application.ackPending) continue;
        const p = this.nextPacket(space, room - UDP_IP - used, probe && packets === undefined);
        if (p) {
          if (packets === undefined) packets = [p];
          else packets.push(p);
          used += p.size;
        }
      }
      if (packets === undefined) return;
      probe = false;
      // §14.1: a client's datagram with an Initial packet is padded to at least 1200 bytes.
      let size = UDP_IP + used;
      if (this.isClient && packets.some(isInitial)) size = Math.max(size, 1200);
      this.transmit(packets, size);
    }
  }

  private transmit(packets: QuicPacket[], size: number): void {
    const now = this.sim.now;
    let handshake = false;
    for (const p of packets) {
      let ackEliciting = false;
      for (const f of p.frames) if (f.t !== "ack") ackEliciting = true;
      if (p.space === "handshake") handshake = true;
      if (ackEliciting && p.space === "application") this.lastElicitingAt = now;
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
    if (this.isClient && handshake && !this.recovery.discarded.initial) {
      this.recovery.onPacketNumberSpaceDiscarded("initial", now);
    }
    this.out.send({ size, proto: "udp", data: packets }, this.deliver);
    this.armTimer();
  }

  /** Hands a datagram to the peer (bound once: one closure per endpoint, not per packet). */
  private readonly deliver = (d: SimPacket): void => this.peer().receive(d.data as QuicPacket[], d.size);

  /**
   * The loss detection timer, armed lazily: a pending wake-up that comes no later than the deadline is
   * kept (the deadline moves later on almost every ACK), and the wake-up checks the deadline again.
   */
  private armTimer(): void {
    const at = this.recovery.lossDetectionTimer;
    if (at === 0) return;
    const t = Math.ceil(at);
    if (this.timer && this.timer.at <= t) return;
    this.timer?.cancel();
    this.timer = this.sim.at(t, () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = undefined;
    const at = this.recovery.lossDetectionTimer;
    if (at === 0) return;
    if (Math.ceil(at) > this.sim.now) {
      this.armTimer();
      return;
    }
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
      else if (f.t === "stream") this.streams.requeue(f);
      else if (f.t === "handshake_done") this.handshakeDoneQueued = true;
      else if (f.t === "max_data")
        this.streams.control.push({ t: "max_data", max: this.streams.recvMaxData });
      else if (f.t === "max_stream_data" || f.t === "max_streams") this.streams.control.push(f);
    }
  }

  // ---- receiving ------------------------------------------------------------------------------------------------

  receive(packets: QuicPacket[], datagramSize: number): void {
    this.bytesReceived += datagramSize;
    for (const p of packets) {
      if (this.recovery.discarded[p.space]) continue;
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
      if (!this.recovery.discarded.initial) this.recovery.onPacketNumberSpaceDiscarded("initial", now);
    }
    if (this.isClient && p.space !== "initial") this.recovery.peerCompletedAddressValidationFlag = true;
    const duplicate = st.received.has(p.pn);
    const outOfOrder = p.pn < st.largestReceived || p.pn > st.largestReceived + 1;
    st.received.insert(p.pn, p.pn + 1);
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
    st.ackTimer ??= this.sim.after(ACK_DELAY, this.ackTimerFired, st);
  }

  /** max_ack_delay passed with an ack-eliciting packet unacknowledged: acknowledge now. */
  private readonly ackTimerFired = (st: SpaceState): void => {
    st.ackTimer = undefined;
    st.ackPending = true;
    this.flush();
    this.armTimer();
  };

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
        this.streams.receive(f.id, f.offset, f.len, f.fin);
        return;
      case "max_data":
        this.streams.maxData = Math.max(this.streams.maxData, f.max);
        return;
      case "max_stream_data":
        this.streams.onMaxStreamData(f.id, f.max);
        return;
      case "max_streams":
        this.streams.peerMaxStreams = Math.max(this.streams.peerMaxStreams, f.max);
        return;
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
    st.cryptoReceived.insert(offset, offset + len);
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
    if (!this.recovery.discarded.handshake)
      this.recovery.onPacketNumberSpaceDiscarded("handshake", this.sim.now);
    this.onHandshakeConfirmed();
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
