/**
 * A TCP model faithful to the RFCs where they decide throughput: the three-way handshake (and TCP Fast
 * Open, RFC 7413), an initial window of 10 segments (RFC 6928), slow start and congestion avoidance with
 * appropriate byte counting (RFC 3465, L = 2), SACK (RFC 2018) with loss recovery as in RFC 6675 and
 * NewReno's recovery point (RFC 6582), RTO with exponential backoff (RFC 6298), and delayed ACKs
 * (RFC 5681 §4.2: every second segment or 40 ms; at once when out of order or filling a hole).
 * Bytes are counted, not carried: the stream is offsets [0, written).
 */
import type { Simulator, Timer } from "./core";
import type { Link, SimPacket } from "./network";
import { TcpReceiver } from "./tcp-receiver";
import { RttEstimator } from "./tcp-rtt";
import {
  DELACK_US,
  DUP_THRESH,
  HEADER,
  type SentSegment,
  type TcpOptions,
  type TcpSegment,
  type TcpStats,
} from "./tcp-types";

export type { TcpOptions, TcpSegment, TcpStats } from "./tcp-types";

/** One end of a connection: a sender of its own stream and a receiver of the peer's. */
export class TcpEndpoint {
  readonly stats: TcpStats = {
    segmentsSent: 0,
    dataSegmentsSent: 0,
    retransmissions: 0,
    timeouts: 0,
    fastRecoveries: 0,
  };
  established = false;
  /** Bytes the application has written. */
  private written = 0;
  private una = 0;
  private nxt = 0;
  private segs: SentSegment[] = [];
  private first = 0;
  private pipe = 0;
  /** Index in `segs` of the highest SACKed segment. */
  private highestSacked = -1;
  /** Segments marked lost and not yet retransmitted (a hint: 0 skips the scan). */
  private lostCount = 0;
  cwnd: number;
  ssthresh = Number.POSITIVE_INFINITY;
  private bytesAcked = 0;
  private dupAcks = 0;
  private inRecovery = false;
  private recover = 0;
  private readonly rtt: RttEstimator;
  private backoff = 1;
  private rtoTimer: Timer | undefined;
  // Receiving.
  private readonly receiver = new TcpReceiver({
    deliver: (from, to) => this.onDeliver(from, to),
    arrive: (from, to, held) => this.onArrive(from, to, held),
  });
  private unackedSegments = 0;
  private delackTimer: Timer | undefined;
  private synTimer: Timer | undefined;
  /** In-order delivery of the peer's bytes [from, to). */
  onDeliver: (from: number, to: number) => void = () => {};
  /** Any first arrival of the peer's bytes [from, to); `held` when a hole before them keeps them back. */
  onArrive: (from: number, to: number, held: boolean) => void = () => {};
  onEstablished: () => void = () => {};
  /** This side's bytes [from, to) leave in a segment (first transmission or not). */
  onSendData: (from: number, to: number) => void = () => {};
  /** A retransmission of this side's bytes [from, to). */
  onRetransmit: (from: number, to: number) => void = () => {};
  readonly mss: number;
  private readonly options: Required<TcpOptions>;

  constructor(
    private readonly sim: Simulator,
    private readonly out: Link,
    readonly deliverTo: () => TcpEndpoint,
    options: TcpOptions,
  ) {
    this.options = {
      mss: options.mss ?? 1460,
      initialWindow: options.initialWindow ?? 10,
      delayedAck: options.delayedAck ?? true,
      minRtoUs: options.minRtoUs ?? 200_000,
      fastOpen: options.fastOpen ?? false,
    };
    this.mss = this.options.mss;
    this.rtt = new RttEstimator(this.options.minRtoUs);
    this.cwnd = this.options.initialWindow * this.mss;
  }

  private corked = false;

  /** Appends `bytes` to this side's stream. */
  write(bytes: number): void {
    this.written += bytes;
    if (!this.corked) this.trySend();
  }

  /** Runs `writes` as one application write: segments are cut only after all of it is queued. */
  batch(writes: () => void): void {
    this.corked = true;
    try {
      writes();
    } finally {
      this.corked = false;
    }
    this.trySend();
  }

  /** Bytes written and not yet acknowledged. */
  get outstanding(): number {
    return this.written - this.una;
  }

  // ---- the handshake ------------------------------------------------------------------------------------

  /** Client: SYN (with the first flight under Fast Open). */
  connect(): void {
    const early = this.options.fastOpen ? Math.min(this.written, this.mss) : 0;
    const send = (retransmission: boolean) => {
      this.emit({
        kind: "tcp",
        syn: true,
        synAck: false,
        seq: 0,
        len: early,
        ack: 0,
        sack: [],
        retransmission,
      });
      this.synTimer = this.sim.after(this.rtt.rto * this.backoff, () => {
        this.backoff = Math.min(this.backoff * 2, 64);
        this.stats.timeouts++;
        send(true);
      });
    };
    if (early > 0) {
      this.track(0, early);
      this.onSendData(0, early);
    }
    send(false);
  }

  private receiveSyn(seg: TcpSegment): void {
    // Server: SYN-ACK; with Fast Open the SYN's data is accepted at once (RFC 7413 §4.2).
    if (seg.len > 0) this.receiveData(seg, true);
    this.established = true;
    this.emit({
      kind: "tcp",
      syn: false,
      synAck: true,
      seq: 0,
      len: 0,
      ack: this.receiver.rcvNxt,
      sack: [],
      retransmission: false,
    });
    this.onEstablished();
    this.trySend();
  }

  private receiveSynAck(seg: TcpSegment): void {
    if (this.established) return;
    this.synTimer?.cancel();
    this.backoff = 1;
    this.established = true;
    if (seg.ack > 0) this.receiveAck(seg);
    this.onEstablished();
    // The third segment of the handshake; data, if any, carries the ACK instead.
    if (this.nxt >= this.written) this.sendAck();
    this.trySend();
  }

  // ---- sending ----------------------------------------------------------------------------------------------

  private emit(seg: TcpSegment): void {
    this.stats.segmentsSent++;
    const packet: SimPacket = {
      size: HEADER + seg.len + (seg.sack.length > 0 ? 2 + 8 * seg.sack.length : 0),
      proto: "tcp",
      data: seg,
    };
    const peer = this.deliverTo();
    this.out.send(packet, (p) => peer.receive(p.data as TcpSegment));
  }

  private track(start: number, end: number): void {
    this.segs.push({
      start,
      end,
      sentAt: this.sim.now,
      retransmitted: false,
      sacked: false,
      lost: false,
      inFlight: true,
    });
    this.pipe += end - start;
    this.nxt = end;
  }

  private dataSegment(start: number, end: number, retransmission: boolean): void {
    this.stats.dataSegmentsSent++;
    if (retransmission) {
      this.stats.retransmissions++;
      this.onRetransmit(start, end);
    }
    this.cancelDelack();
    this.onSendData(start, end);
    this.emit({
      kind: "tcp",
      syn: false,
      synAck: false,
      seq: start,
      len: end - start,
      ack: this.receiver.rcvNxt,
      sack: this.receiver.sackBlocks(),
      retransmission,
    });
    if (this.rtoDeadline === 0) this.armRto();
  }

  /** RFC 6675 §5: retransmit what is lost first, then new data, while pipe < cwnd. */
  trySend(): void {
    if (!this.established) return;
    while (this.pipe < this.cwnd) {
      const lost = this.firstLost();
      if (lost) {
        this.lostCount--;
        lost.lost = false;
        lost.inFlight = true;
        lost.retransmitted = true;
        lost.sentAt = this.sim.now;
        this.pipe += lost.end - lost.start;
        this.dataSegment(lost.start, lost.end, true);
        continue;
      }
      if (this.nxt >= this.written) break;
      const start = this.nxt;
      const end = Math.min(this.written, start + this.mss);
      this.track(start, end);
      this.dataSegment(start, end, false);
    }
  }

  private firstLost(): SentSegment | undefined {
    if (this.lostCount === 0) return undefined;
    for (let i = this.first; i < this.segs.length; i++) {
      const s = this.segs[i]!;
      if (s.lost && !s.sacked) return s;
    }
    this.lostCount = 0;
    return undefined;
  }

  /** When the RTO expires (µs); the timer event is armed lazily and re-checks it (RFC 6298 §5.3). */
  private rtoDeadline = 0;

  private armRto(): void {
    this.rtoDeadline = this.sim.now + this.rtt.rto * this.backoff;
    if (this.rtoTimer && this.rtoTimer.at <= Math.ceil(this.rtoDeadline)) return;
    this.rtoTimer?.cancel();
    this.rtoTimer = this.sim.at(this.rtoDeadline, () => this.rtoWake());
  }

  private rtoWake(): void {
    this.rtoTimer = undefined;
    if (this.rtoDeadline === 0) return;
    if (Math.ceil(this.rtoDeadline) > this.sim.now) {
      this.rtoTimer = this.sim.at(this.rtoDeadline, () => this.rtoWake());
      return;
    }
    this.onRto();
  }

  /** RFC 6298 §5.4-5.6 and RFC 5681 §3.1: back off, collapse cwnd to one segment, resend from una. */
  private onRto(): void {
    this.rtoDeadline = 0;
    if (this.una >= this.nxt) return;
    this.stats.timeouts++;
    this.ssthresh = Math.max((this.nxt - this.una) / 2, 2 * this.mss);
    this.cwnd = this.mss;
    this.bytesAcked = 0;
    this.inRecovery = false;
    this.recover = this.nxt;
    this.backoff = Math.min(this.backoff * 2, 64);
    for (let i = this.first; i < this.segs.length; i++) {
      const s = this.segs[i]!;
      if (s.sacked) continue;
      if (s.inFlight) this.pipe -= s.end - s.start;
      if (!s.lost) this.lostCount++;
      s.inFlight = false;
      s.lost = true;
    }
    this.armRto();
    this.trySend();
  }

  // ---- receiving ------------------------------------------------------------------------------------------------

  receive(seg: TcpSegment): void {
    if (seg.syn) {
      this.receiveSyn(seg);
      return;
    }
    if (seg.synAck) {
      this.receiveSynAck(seg);
      return;
    }
    if (!this.established) {
      // The server's side opens with the handshake's ACK (or the first data carrying it).
      this.established = true;
      this.onEstablished();
    }
    this.receiveAck(seg);
    if (seg.len > 0) this.receiveData(seg, false);
    this.trySend();
  }

  /** Acknowledgement processing (RFC 5681, RFC 6675, RFC 6582, RFC 3465). */
  private receiveAck(seg: TcpSegment): void {
    let newSack = false;
    for (const [s, e] of seg.sack) newSack = this.markSacked(s, e) || newSack;
    if (seg.ack > this.una) {
      const acked = seg.ack - this.una;
      let sample: number | undefined;
      while (this.first < this.segs.length && this.segs[this.first]!.end <= seg.ack) {
        const s = this.segs[this.first++]!;
        if (s.inFlight && !s.sacked) this.pipe -= s.end - s.start;
        if (s.lost) this.lostCount--;
        // Karn: only segments sent once give RTT samples.
        if (!s.retransmitted) sample = this.sim.now - s.sentAt;
      }
      if (this.first > 4096) {
        this.segs = this.segs.slice(this.first);
        this.highestSacked -= this.first;
        this.first = 0;
      }
      this.una = seg.ack;
      if (sample !== undefined) this.rtt.sample(sample);
      this.backoff = 1;
      this.dupAcks = 0;
      if (this.inRecovery) {
        if (seg.ack >= this.recover) {
          this.inRecovery = false;
          this.cwnd = this.ssthresh;
        }
      } else if (this.cwnd < this.ssthresh) {
        this.cwnd += Math.min(acked, 2 * this.mss); // RFC 3465 §2.3, L = 2
      } else {
        this.bytesAcked += acked; // RFC 3465 §2.1
        if (this.bytesAcked >= this.cwnd) {
          this.bytesAcked -= this.cwnd;
          this.cwnd += this.mss;
        }
      }
      if (this.una < this.nxt) this.armRto();
      else {
        this.rtoDeadline = 0;
      }
    } else if (
      seg.ack === this.una &&
      this.una < this.nxt &&
      seg.len === 0 &&
      (newSack || seg.sack.length === 0)
    ) {
      this.dupAcks++;
    }
    this.detectLoss();
  }

  private markSacked(start: number, end: number): boolean {
    let changed = false;
    for (let i = this.first; i < this.segs.length; i++) {
      const s = this.segs[i]!;
      if (s.start >= end) break;
      if (s.end <= start || s.sacked) continue;
      if (s.start >= start && s.end <= end) {
        if (s.inFlight) this.pipe -= s.end - s.start;
        if (s.lost) this.lostCount--;
        if (i > this.highestSacked) this.highestSacked = i;
        s.sacked = true;
        s.inFlight = false;
        s.lost = false;
        changed = true;
      }
    }
    return changed;
  }

  /** RFC 6675 §4 IsLost: DupThresh segments SACKed above a hole; §5: enter recovery once per window. */
  private detectLoss(): void {
    let sackedAbove = 0;
    let marked = false;
    // From the highest SACKed segment down; below a segment already judged lost (or resent), the
    // segments were judged on the same evidence before, so the scan stops there: linear per window.
    for (let i = Math.min(this.highestSacked, this.segs.length - 1); i >= this.first; i--) {
      const s = this.segs[i]!;
      if (s.sacked) {
        sackedAbove++;
        continue;
      }
      if (sackedAbove < DUP_THRESH) continue;
      if (s.lost || s.retransmitted) break;
      // A segment already retransmitted is not judged again by the same SACKs (RFC 6675 §4 NextSeg
      // rule 1): if the retransmission is lost too, the RTO recovers it.
      if (s.inFlight) {
        this.lostCount++;
        s.lost = true;
        s.inFlight = false;
        this.pipe -= s.end - s.start;
        marked = true;
      }
    }
    // Without SACK information: three duplicate ACKs mark the first segment (RFC 5681 §3.2).
    const head = this.segs[this.first];
    // Not for a segment already retransmitted, nor below `recover` after an RTO (RFC 6582 §4: duplicate
    // ACKs caused by our own go-back-N retransmissions must not start another recovery).
    if (
      !marked &&
      this.dupAcks >= DUP_THRESH &&
      head &&
      !head.lost &&
      head.inFlight &&
      !head.sacked &&
      !head.retransmitted &&
      this.una >= this.recover
    ) {
      this.lostCount++;
      head.lost = true;
      head.inFlight = false;
      this.pipe -= head.end - head.start;
      marked = true;
    }
    // RFC 6582 §3.2: a new recovery only once the previous window is acknowledged (una ≥ recover).
    if (marked && !this.inRecovery && this.una >= this.recover) {
      this.inRecovery = true;
      this.stats.fastRecoveries++;
      this.recover = this.nxt;
      this.ssthresh = Math.max((this.nxt - this.una) / 2, 2 * this.mss);
      this.cwnd = this.ssthresh;
      this.bytesAcked = 0;
    }
  }

  private receiveData(seg: TcpSegment, inSyn: boolean): void {
    const start = seg.seq;
    const got = this.receiver.accept(start, seg.seq + seg.len);
    if (got === "duplicate") {
      this.sendAck(); // a duplicate: tell the sender at once
      return;
    }
    const { before, hadHoles } = got;
    if (inSyn) return;
    // RFC 5681 §4.2: ACK at once for out-of-order data and for data that fills a hole.
    if (start > before || hadHoles || !this.options.delayedAck) {
      this.sendAck();
      return;
    }
    this.unackedSegments++;
    if (this.unackedSegments >= 2) this.sendAck();
    else if (!this.delackTimer) this.delackTimer = this.sim.after(DELACK_US, () => this.sendAck());
  }

  private cancelDelack(): void {
    this.unackedSegments = 0;
    this.delackTimer?.cancel();
    this.delackTimer = undefined;
  }

  sendAck(): void {
    this.cancelDelack();
    this.emit({
      kind: "tcp",
      syn: false,
      synAck: false,
      seq: this.nxt,
      len: 0,
      ack: this.receiver.rcvNxt,
      sack: this.receiver.sackBlocks(),
      retransmission: false,
    });
  }
}
