/**
 * QUIC streams (RFC 9000 §2-§4): the send and receive sides of each stream, the scheduler that shares the
 * connection among them, and connection- and stream-level flow control (MAX_DATA, MAX_STREAM_DATA, the
 * *_BLOCKED frames). The application reads at once, so receive windows slide as data is delivered.
 */

import type { RecvStream, SendStream, SimFrame } from "./quic-frames";
import { ByteRanges } from "./ranges";

/** What the streams tell their connection. */
export interface StreamHost {
  readonly stats: { retransmittedFrames: number };
  onStreamData(id: number, from: number, to: number, fin: boolean): void;
  onStreamArrive(id: number, from: number, to: number, held: boolean): void;
  onStreamSend(id: number): void;
  onRetransmit(id: number): void;
}

export class StreamSet {
  readonly send = new Map<number, SendStream>();
  readonly recv = new Map<number, RecvStream>();
  /** MAX_DATA / MAX_STREAM_DATA frames waiting to be sent. */
  readonly control: SimFrame[] = [];
  /** The peer's MAX_DATA. */
  maxData: number;
  private dataSent = 0;
  /** Our MAX_DATA. */
  recvMaxData: number;
  private dataReceived = 0;
  private dataConsumed = 0;
  private dataBlockedSentAt = -1;
  private rr = 0;

  constructor(
    private readonly host: StreamHost,
    private readonly options: {
      initialMaxData: number;
      initialMaxStreamData: number;
      initialMaxStreams: number;
      scheduler: "round-robin" | "sequential";
    },
    private readonly isClient: boolean,
  ) {
    this.maxData = options.initialMaxData;
    this.recvMaxData = options.initialMaxData;
    this.peerMaxStreams = options.initialMaxStreams;
    this.recvMaxStreams = options.initialMaxStreams;
  }

  /** §4.6: how many bidirectional streams we may open (the peer's MAX_STREAMS). */
  peerMaxStreams: number;
  /** How many the peer may open: raised as its streams complete. */
  private recvMaxStreams: number;
  private streamsBlockedSentAt = -1;

  /** A client-initiated bidirectional stream (ids 0, 4, 8, ...) is opened by the client. */
  private opensStream(id: number): boolean {
    return this.isClient && id % 4 === 0;
  }

  /** §4.6: beyond MAX_STREAMS a new stream waits, and STREAMS_BLOCKED says so once per limit. */
  private streamAllowed(id: number, add?: (f: SimFrame) => void): boolean {
    if (!this.opensStream(id) || id / 4 < this.peerMaxStreams) return true;
    if (add && this.streamsBlockedSentAt !== this.peerMaxStreams) {
      this.streamsBlockedSentAt = this.peerMaxStreams;
      add({ t: "streams_blocked", limit: this.peerMaxStreams });
    }
    return false;
  }

  /** Whether any stream may have something to send (streams leave the live list once drained). */
  hasLive(): boolean {
    return this.live.length > 0;
  }

  /** STREAM frames by the scheduler, within stream and connection flow control. */
  frames(left: number, add: (f: SimFrame) => void, limited: () => boolean): void {
    const live = this.live;
    if (live.length === 0) return;
    // Streams are in id order: if the last one may not open yet, STREAMS_BLOCKED says so (once per limit).
    this.streamAllowed(live[live.length - 1]!.id, add);
    let guard = 0;
    while (left > 24 && !limited() && guard++ < 64) {
      const s = this.pickStream();
      if (s === undefined) return;
      const id = s.id;
      const r = s.retransmit.shift();
      if (r) {
        const len = Math.min(r[1] - r[0], left - 12);
        const fin = s.fin && r[0] + len === s.written && r[1] === s.written;
        add({ t: "stream", id, offset: r[0], len, fin });
        if (r[0] + len < r[1]) s.retransmit.unshift([r[0] + len, r[1]]);
        left -= 12 + len;
        this.host.stats.retransmittedFrames++;
        this.host.onRetransmit(id);
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
      if (s.next === 0) this.host.onStreamSend(id);
      add({ t: "stream", id, offset: s.next, len, fin });
      s.next += len;
      this.dataSent += len;
      if (fin) s.finSent = true;
      left -= 12 + len;
    }
  }

  /** Whether a stream has something to send now (within its own flow control). */
  private pending(s: SendStream): boolean {
    return (
      s.retransmit.length > 0 ||
      (s.next < s.written && s.next < s.limit) ||
      (s.fin && !s.finSent && s.next === s.written)
    );
  }

  /** The next stream by the scheduler; streams with nothing pending leave the live list. */
  private pickStream(): SendStream | undefined {
    const live = this.live;
    if (this.options.scheduler === "sequential") {
      for (let k = 0; k < live.length; k++) {
        const s = live[k]!;
        if (this.pending(s)) {
          if (this.streamAllowed(s.id)) return s;
          return undefined; // later ids are not allowed either
        }
        this.leave(k--);
      }
      return undefined;
    }
    for (let tries = live.length; tries > 0 && live.length > 0; tries--) {
      if (this.rr >= live.length) this.rr = 0;
      const s = live[this.rr]!;
      if (!this.pending(s)) {
        this.leave(this.rr);
        continue;
      }
      this.rr++;
      if (this.streamAllowed(s.id)) return s;
    }
    return undefined;
  }

  /** Streams that may have something to send, in id order. */
  private readonly live: SendStream[] = [];
  /** Scratch for the new sub-ranges of a received frame (flat pairs). */
  private readonly fresh: number[] = [];

  private leave(index: number): void {
    this.live[index]!.live = false;
    this.live.splice(index, 1);
    if (this.rr > index) this.rr--;
  }

  private join(s: SendStream): void {
    if (s.live) return;
    s.live = true;
    let at = this.live.length;
    while (at > 0 && this.live[at - 1]!.id > s.id) at--;
    this.live.splice(at, 0, s);
    if (this.rr >= at && this.live.length > 1) this.rr++;
  }

  receive(id: number, offset: number, len: number, fin: boolean): void {
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
    const fresh = this.fresh;
    const count = r.ranges.addInto(offset, offset + len, fresh);
    for (let k = 0; k < count; k += 2) {
      this.dataReceived += fresh[k + 1]! - fresh[k]!;
      this.host.onStreamArrive(id, fresh[k]!, fresh[k + 1]!, fresh[k]! > r.delivered);
    }
    const to = r.ranges.contiguousFrom(0);
    const complete = r.finAt !== undefined && to >= r.finAt;
    if (to > r.delivered || (complete && len === 0)) {
      const from = r.delivered;
      r.delivered = to;
      this.dataConsumed += to - from;
      this.host.onStreamData(id, from, to, complete);
      // §4.6: a finished peer stream frees a slot: MAX_STREAMS rises with it.
      if (complete && !this.isClient && id % 4 === 0) {
        this.recvMaxStreams++;
        this.control.push({ t: "max_streams", max: this.recvMaxStreams });
      }
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

  /** Appends `bytes` to stream `id` (created on first write); `fin` ends it. */
  write(id: number, bytes: number, fin = false): void {
    let s = this.send.get(id);
    if (!s) {
      s = {
        id,
        live: false,
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
    this.join(s);
  }

  /** A lost STREAM frame's data goes back to its stream. */
  requeue(f: Extract<SimFrame, { t: "stream" }>): void {
    const s = this.send.get(f.id);
    if (!s) return;
    s.retransmit.push([f.offset, f.offset + f.len]);
    if (f.fin) s.finSent = false;
    this.join(s);
  }

  onMaxStreamData(id: number, max: number): void {
    const s = this.send.get(id);
    if (!s) return;
    s.limit = Math.max(s.limit, max);
    this.join(s);
  }
}
