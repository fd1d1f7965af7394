/**
 * QUIC loss detection and congestion control, transcribed from RFC 9002 Appendix A (loss recovery) and
 * Appendix B (NewReno congestion control): the same constants, state variables and functions, in the
 * same order, with times in integer microseconds. Comments quote the Appendix where it decides.
 */

// A.2 Constants of Interest
import { SentPackets } from "./sent-packets";

export { SentPackets };
export const kPacketThreshold = 3;
export const kTimeThreshold = 9 / 8;
export const kGranularity = 1000; // 1 ms
export const kInitialRtt = 333_000; // 333 ms
// B.2 Constants of Interest
export const kLossReductionFactor = 0.5;
export const kPersistentCongestionThreshold = 3;

export type PnSpace = "initial" | "handshake" | "application";
export const PN_SPACES: readonly PnSpace[] = ["initial", "handshake", "application"];

/** A.1.1 Sent Packet Fields. */
export interface SentPacket {
  packetNumber: number;
  ackEliciting: boolean;
  inFlight: boolean;
  sentBytes: number;
  timeSent: number;
  /** What the packet carried, to be sent again if it is lost (information, not packets). */
  frames: unknown[];
}

export interface RecoveryHooks {
  /** Packets declared lost: the connection queues their frames again. */
  onLost(space: PnSpace, packets: SentPacket[]): void;
  /** A PTO expired: send one or two ack-eliciting probe packets in `space`. */
  onProbe(space: PnSpace): void;
  /** Packets acknowledged. */
  onAcked(space: PnSpace, packets: SentPacket[]): void;
}

export class Recovery {
  // A.3 Variables of Interest
  latestRtt = 0;
  smoothedRtt = kInitialRtt;
  rttvar = kInitialRtt / 2;
  minRtt = 0;
  firstRttSample = 0;
  maxAckDelay: number;
  ptoCount = 0;
  timeOfLastAckElicitingPacket: Record<PnSpace, number> = { initial: 0, handshake: 0, application: 0 };
  largestAckedPacket: Record<PnSpace, number> = {
    initial: Infinity,
    handshake: Infinity,
    application: Infinity,
  };
  lossTime: Record<PnSpace, number> = { initial: 0, handshake: 0, application: 0 };
  sentPackets: Record<PnSpace, SentPackets> = {
    initial: new SentPackets(),
    handshake: new SentPackets(),
    application: new SentPackets(),
  };
  // B.3 Variables of Interest
  maxDatagramSize: number;
  bytesInFlight = 0;
  congestionWindow: number;
  /** -1: none (the RFC's 0, but simulated time starts at 0). */
  congestionRecoveryStartTime = -1;
  ssthresh = Number.POSITIVE_INFINITY;
  /** The time the loss detection timer fires, or 0 when it is cancelled. */
  lossDetectionTimer = 0;
  /** Set by the connection: the handshake is confirmed (ACKs of 1-RTT packets may arm a PTO). */
  handshakeConfirmed = false;
  /** Set by the connection: the server validated our address (client) / always true for the server. */
  peerCompletedAddressValidationFlag = false;
  /** Spaces whose keys are discarded (A.11). */
  readonly discarded: Record<PnSpace, boolean> = { initial: false, handshake: false, application: false };
  /** Counters. */
  lostPackets = 0;
  persistentCongestions = 0;

  constructor(
    private readonly isClient: boolean,
    private readonly hooks: RecoveryHooks,
    options: { maxDatagramSize?: number; maxAckDelay?: number } = {},
  ) {
    this.maxDatagramSize = options.maxDatagramSize ?? 1200;
    this.maxAckDelay = options.maxAckDelay ?? 25_000;
    // B.4 Initialization: congestion_window = kInitialWindow.
    this.congestionWindow = this.kInitialWindow;
  }

  get kInitialWindow(): number {
    return Math.min(10 * this.maxDatagramSize, Math.max(14720, 2 * this.maxDatagramSize));
  }

  get kMinimumWindow(): number {
    return 2 * this.maxDatagramSize;
  }

  // A.5 On Sending a Packet
  onPacketSent(packet: SentPacket, pnSpace: PnSpace, now: number): void {
    this.sentPackets[pnSpace].set(packet.packetNumber, packet);
    if (packet.ackEliciting && packet.inFlight) this.elicitingInFlight[pnSpace]++;
    if (packet.inFlight) {
      if (packet.ackEliciting) this.timeOfLastAckElicitingPacket[pnSpace] = now;
      // B.4 OnPacketSentCC
      this.bytesInFlight += packet.sentBytes;
      this.setLossDetectionTimer(now);
    }
  }

  /** B.2-B.4: whether a packet of `bytes` may be sent now (ack-only packets are not limited). */
  canSend(bytes: number): boolean {
    return this.bytesInFlight + bytes <= this.congestionWindow;
  }

  // A.7 On Receiving an Acknowledgment
  onAckReceived(
    ranges: Array<{ largest: number; smallest: number }>,
    ackDelayUs: number,
    pnSpace: PnSpace,
    now: number,
  ): void {
    const largest = ranges[0]!.largest;
    if (this.largestAckedPacket[pnSpace] === Infinity) this.largestAckedPacket[pnSpace] = largest;
    else this.largestAckedPacket[pnSpace] = Math.max(this.largestAckedPacket[pnSpace], largest);

    // DetectAndRemoveAckedPackets finds packets that are newly acknowledged and removes them from
    // sent_packets.
    const newlyAcked: SentPacket[] = [];
    const sent = this.sentPackets[pnSpace];
    // sent_packets is in packet number order: nothing past the largest acknowledged can be acked.
    // The ranges come highest first: walk them from the lowest while packet numbers rise, skipping gaps.
    const last = Math.min(largest, sent.lastPn);
    let k = ranges.length - 1;
    for (let pn = sent.firstPn; pn <= last; pn++) {
      while (k >= 0 && ranges[k]!.largest < pn) k--;
      if (k < 0) break;
      if (pn < ranges[k]!.smallest) {
        pn = ranges[k]!.smallest - 1;
        continue;
      }
      const p = sent.get(pn);
      if (p !== undefined) newlyAcked.push(p);
    }
    for (const p of newlyAcked) this.forgetSent(pnSpace, p);
    // Nothing to do if there are no newly acked packets.
    if (newlyAcked.length === 0) return;
    newlyAcked.reverse(); // largest first

    // Update the RTT if the largest acknowledged is newly acked and at least one ack-eliciting was
    // newly acked.
    let anyAckEliciting = false;
    for (const p of newlyAcked) if (p.ackEliciting) anyAckEliciting = true;
    if (newlyAcked[0]!.packetNumber === largest && anyAckEliciting) {
      this.latestRtt = now - newlyAcked[0]!.timeSent;
      this.updateRtt(ackDelayUs, now);
    }

    const lost = this.detectAndRemoveLostPackets(pnSpace, now);
    if (lost.length > 0) this.onPacketsLost(lost, now);
    this.onPacketsAcked(newlyAcked, now);
    this.hooks.onAcked(pnSpace, newlyAcked);

    // Reset pto_count unless the client is unsure if the server has validated the client's address.
    if (this.peerCompletedAddressValidation()) this.ptoCount = 0;
    this.setLossDetectionTimer(now);
  }

  // A.7 UpdateRtt
  updateRtt(ackDelay: number, now = 1): void {
    if (this.firstRttSample === 0) {
      this.minRtt = this.latestRtt;
      this.smoothedRtt = this.latestRtt;
      this.rttvar = this.latestRtt / 2;
      this.firstRttSample = Math.max(1, now);
      return;
    }
    // min_rtt ignores acknowledgment delay.
    this.minRtt = Math.min(this.minRtt, this.latestRtt);
    // Limit ack_delay by max_ack_delay after handshake confirmation.
    if (this.handshakeConfirmed) ackDelay = Math.min(ackDelay, this.maxAckDelay);
    // Adjust for acknowledgment delay if plausible.
    let adjustedRtt = this.latestRtt;
    if (this.latestRtt >= this.minRtt + ackDelay) adjustedRtt = this.latestRtt - ackDelay;
    // RFC erratum 7539: rttvar first, with the old smoothed_rtt.
    this.rttvar = (3 / 4) * this.rttvar + (1 / 4) * Math.abs(this.smoothedRtt - adjustedRtt);
    this.smoothedRtt = (7 / 8) * this.smoothedRtt + (1 / 8) * adjustedRtt;
  }

  // A.8 Setting the Loss Detection Timer
  getLossTimeAndSpace(): { time: number; space: PnSpace } {
    const lossTime = this.lossTime;
    let time = lossTime.initial;
    let space: PnSpace = "initial";
    // for pn_space in [ Handshake, ApplicationData ] (unrolled: this runs on every packet sent)
    if (time === 0 || (lossTime.handshake !== 0 && lossTime.handshake < time)) {
      time = lossTime.handshake;
      space = "handshake";
    }
    if (time === 0 || (lossTime.application !== 0 && lossTime.application < time)) {
      time = lossTime.application;
      space = "application";
    }
    return { time, space };
  }

  /** The PTO period without backoff: smoothed_rtt + max(4*rttvar, kGranularity) (+ max_ack_delay). */
  ptoDuration(withAckDelay: boolean): number {
    return this.smoothedRtt + Math.max(4 * this.rttvar, kGranularity) + (withAckDelay ? this.maxAckDelay : 0);
  }

  getPtoTimeAndSpace(now: number): { time: number; space: PnSpace } {
    let duration = (this.smoothedRtt + Math.max(4 * this.rttvar, kGranularity)) * 2 ** this.ptoCount;
    // Anti-deadlock PTO starts from the current time.
    if (this.noAckElicitingInFlight()) {
      return { time: now + duration, space: this.hasHandshakeKeys ? "handshake" : "initial" };
    }
    let ptoTimeout = Number.POSITIVE_INFINITY;
    let ptoSpace: PnSpace = "initial";
    for (const space of PN_SPACES) {
      if (!this.ackElicitingInFlight(space)) continue;
      if (space === "application") {
        // Skip Application Data until handshake confirmed.
        if (!this.handshakeConfirmed) return { time: ptoTimeout, space: ptoSpace };
        // Include max_ack_delay and backoff for Application Data.
        duration += this.maxAckDelay * 2 ** this.ptoCount;
      }
      const t = this.timeOfLastAckElicitingPacket[space] + duration;
      if (t < ptoTimeout) {
        ptoTimeout = t;
        ptoSpace = space;
      }
    }
    return { time: ptoTimeout, space: ptoSpace };
  }

  /** Set by the connection once Handshake keys exist. */
  hasHandshakeKeys = false;

  /** Ack-eliciting packets in flight per space, counted as they are sent and removed. */
  private readonly elicitingInFlight: Record<PnSpace, number> = { initial: 0, handshake: 0, application: 0 };

  private ackElicitingInFlight(space: PnSpace): boolean {
    return this.elicitingInFlight[space] > 0;
  }

  /** Removes a packet from sent_packets (acknowledged or lost). */
  private forgetSent(space: PnSpace, p: SentPacket): void {
    this.sentPackets[space].delete(p.packetNumber);
    if (p.ackEliciting && p.inFlight) this.elicitingInFlight[space]--;
  }

  private noAckElicitingInFlight(): boolean {
    const e = this.elicitingInFlight;
    return e.initial <= 0 && e.handshake <= 0 && e.application <= 0;
  }

  peerCompletedAddressValidation(): boolean {
    // Assume clients validate the server's address implicitly.
    if (!this.isClient) return true;
    // Servers complete address validation when a protected packet is received.
    return this.peerCompletedAddressValidationFlag;
  }

  /** Server: true while the anti-amplification limit blocks sending (set by the connection). */
  serverIsAtAntiAmplificationLimit = false;

  setLossDetectionTimer(now: number): void {
    const { time: earliestLossTime } = this.getLossTimeAndSpace();
    if (earliestLossTime !== 0) {
      // Time threshold loss detection.
      this.lossDetectionTimer = earliestLossTime;
      return;
    }
    if (this.serverIsAtAntiAmplificationLimit) {
      // The server's timer is not set if nothing can be sent.
      this.lossDetectionTimer = 0;
      return;
    }
    if (this.noAckElicitingInFlight() && this.peerCompletedAddressValidation()) {
      // There is nothing to detect lost, so no timer is set. However, the client needs to arm the timer
      // if the server might be blocked by the anti-amplification limit.
      this.lossDetectionTimer = 0;
      return;
    }
    const { time } = this.getPtoTimeAndSpace(now);
    this.lossDetectionTimer = time === Number.POSITIVE_INFINITY ? 0 : time;
  }

  // A.9 On Timeout
  onLossDetectionTimeout(now: number): void {
    const { time: earliestLossTime, space } = this.getLossTimeAndSpace();
    if (earliestLossTime !== 0) {
      // Time threshold loss Detection
      const lost = this.detectAndRemoveLostPackets(space, now);
      if (lost.length > 0) this.onPacketsLost(lost, now);
      this.setLossDetectionTimer(now);
      return;
    }
    if (this.noAckElicitingInFlight()) {
      // Client sends an anti-deadlock packet: Initial is padded to earn more anti-amplification credit,
      // a Handshake packet proves address ownership.
      this.hooks.onProbe(this.hasHandshakeKeys ? "handshake" : "initial");
    } else {
      // PTO. Send new data if available, else retransmit old data. If neither is available, send a
      // single PING frame.
      const { space: ptoSpace } = this.getPtoTimeAndSpace(now);
      this.hooks.onProbe(ptoSpace);
    }
    this.ptoCount++;
    this.setLossDetectionTimer(now);
  }

  // A.10 Detecting Lost Packets
  detectAndRemoveLostPackets(pnSpace: PnSpace, now: number): SentPacket[] {
    this.lossTime[pnSpace] = 0;
    const lostPackets: SentPacket[] = [];
    const lossDelay = Math.max(kTimeThreshold * Math.max(this.latestRtt, this.smoothedRtt), kGranularity);
    // Packets sent before this time are deemed lost.
    const lostSendTime = now - lossDelay;
    const largestAcked = this.largestAckedPacket[pnSpace];
    // sent_packets is ordered by packet number, so the loop stops at largest_acked instead of skipping
    // every packet above it (the "continue" of A.10).
    const sent = this.sentPackets[pnSpace];
    const last = Math.min(sent.end, sent.indexOf(largestAcked) + 1);
    for (let i = sent.start; i < last; i++) {
      const unacked = sent.at(i);
      if (unacked === undefined || unacked.packetNumber > largestAcked) continue;
      // Mark packet as lost, or set time when it should be marked.
      if (unacked.timeSent <= lostSendTime || largestAcked >= unacked.packetNumber + kPacketThreshold) {
        this.forgetSent(pnSpace, unacked);
        lostPackets.push(unacked);
      } else if (this.lossTime[pnSpace] === 0) {
        this.lossTime[pnSpace] = unacked.timeSent + lossDelay;
      } else {
        this.lossTime[pnSpace] = Math.min(this.lossTime[pnSpace], unacked.timeSent + lossDelay);
      }
    }
    if (lostPackets.length > 0) this.hooks.onLost(pnSpace, lostPackets);
    return lostPackets;
  }

  // A.11 Upon Dropping Initial or Handshake Keys
  onPacketNumberSpaceDiscarded(pnSpace: PnSpace, now: number): void {
    this.discarded[pnSpace] = true;
    // Remove any unacknowledged packets from flight.
    for (const packet of this.sentPackets[pnSpace].values()) {
      if (packet.inFlight) this.bytesInFlight -= packet.sentBytes;
    }
    this.sentPackets[pnSpace].clear();
    this.elicitingInFlight[pnSpace] = 0;
    this.timeOfLastAckElicitingPacket[pnSpace] = 0;
    this.lossTime[pnSpace] = 0;
    this.ptoCount = 0;
    this.setLossDetectionTimer(now);
  }

  // B.5 On Packet Acknowledgment
  inCongestionRecovery(sentTime: number): boolean {
    return sentTime <= this.congestionRecoveryStartTime;
  }

  onPacketsAcked(ackedPackets: SentPacket[], _now: number): void {
    for (const ackedPacket of ackedPackets) {
      if (!ackedPacket.inFlight) continue;
      // Remove from bytes_in_flight.
      this.bytesInFlight -= ackedPacket.sentBytes;
      // Do not increase congestion_window if application limited or flow control limited (not modelled:
      // the senders here are never application limited while they have data).
      // Do not increase congestion window in recovery period.
      if (this.inCongestionRecovery(ackedPacket.timeSent)) continue;
      if (this.congestionWindow < this.ssthresh) {
        // Slow start.
        this.congestionWindow += ackedPacket.sentBytes;
      } else {
        // Congestion avoidance.
        this.congestionWindow += (this.maxDatagramSize * ackedPacket.sentBytes) / this.congestionWindow;
      }
    }
  }

  // B.6 On New Congestion Event
  onCongestionEvent(sentTime: number, now: number): void {
    // No reaction if already in a recovery period.
    if (this.inCongestionRecovery(sentTime)) return;
    // Enter recovery period.
    this.congestionRecoveryStartTime = now;
    this.ssthresh = this.congestionWindow * kLossReductionFactor;
    this.congestionWindow = Math.max(this.ssthresh, this.kMinimumWindow);
  }

  // B.8 On Packets Lost
  onPacketsLost(lostPackets: SentPacket[], now: number): void {
    this.lostPackets += lostPackets.length;
    let sentTimeOfLastLoss = -1; // the RFC's 0 is a valid simulated time
    // Remove lost packets from bytes_in_flight.
    for (const lostPacket of lostPackets) {
      if (lostPacket.inFlight) {
        this.bytesInFlight -= lostPacket.sentBytes;
        sentTimeOfLastLoss = Math.max(sentTimeOfLastLoss, lostPacket.timeSent);
      }
    }
    // Congestion event if in-flight packets were lost.
    if (sentTimeOfLastLoss !== -1) this.onCongestionEvent(sentTimeOfLastLoss, now);
    // Reset the congestion window if the loss of these packets indicates persistent congestion. Only
    // consider packets sent after getting an RTT sample.
    if (this.firstRttSample === 0) return;
    const sample = lostPackets.filter((p) => p.timeSent > this.firstRttSample);
    if (this.inPersistentCongestion(sample)) {
      this.persistentCongestions++;
      this.congestionWindow = this.kMinimumWindow;
      this.congestionRecoveryStartTime = -1;
    }
  }

  /** §7.6.2: two ack-eliciting losses spanning the persistent congestion duration, none acked between. */
  inPersistentCongestion(lost: SentPacket[]): boolean {
    const eliciting = lost.filter((p) => p.ackEliciting).sort((a, b) => a.timeSent - b.timeSent);
    if (eliciting.length < 2) return false;
    const duration = this.ptoDuration(true) * kPersistentCongestionThreshold;
    return eliciting[eliciting.length - 1]!.timeSent - eliciting[0]!.timeSent > duration;
  }
}
