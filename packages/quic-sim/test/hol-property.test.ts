/**
 * For the same packet trace, no QUIC stream completes later than the same bytes over TCP: QUIC
 * reassembles each stream on its own (ByteRanges per stream), TCP one byte stream in order.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteRanges } from "../src/index";

interface Chunk {
  stream: number;
  /** Offset within the stream and within the connection's byte stream. */
  streamOffset: number;
  connOffset: number;
  len: number;
}

/** Round-robin chunks of `streams` streams of `size` bytes each, in connection order. */
function layout(streams: number, size: number, chunk: number): Chunk[] {
  const out: Chunk[] = [];
  const sent = new Array<number>(streams).fill(0);
  let conn = 0;
  for (let active = true; active; ) {
    active = false;
    for (let s = 0; s < streams; s++) {
      if (sent[s]! >= size) continue;
      const len = Math.min(chunk, size - sent[s]!);
      out.push({ stream: s, streamOffset: sent[s]!, connOffset: conn, len });
      sent[s]! += len;
      conn += len;
      active = true;
    }
  }
  return out;
}

/** Completion time of each stream under per-stream (QUIC) and in-order (TCP) reassembly. */
function completions(chunks: Chunk[], arrival: number[], streams: number, size: number) {
  const order = chunks.map((_, i) => i).sort((a, b) => arrival[a]! - arrival[b]! || a - b);
  const quic = Array.from({ length: streams }, () => new ByteRanges());
  const tcp = new ByteRanges();
  const quicDone = new Array<number>(streams).fill(-1);
  const tcpDone = new Array<number>(streams).fill(-1);
  const streamEnd = new Array<number>(streams).fill(0);
  for (const c of chunks) streamEnd[c.stream] = Math.max(streamEnd[c.stream]!, c.connOffset + c.len);
  for (const i of order) {
    const c = chunks[i]!;
    const t = arrival[i]!;
    quic[c.stream]!.add(c.streamOffset, c.streamOffset + c.len);
    if (quicDone[c.stream]! < 0 && quic[c.stream]!.contiguousFrom(0) >= size) quicDone[c.stream] = t;
    tcp.add(c.connOffset, c.connOffset + c.len);
    const delivered = tcp.contiguousFrom(0);
    for (let s = 0; s < streams; s++) if (tcpDone[s]! < 0 && delivered >= streamEnd[s]!) tcpDone[s] = t;
  }
  return { quicDone, tcpDone };
}

describe("the same packet trace over QUIC streams and over one TCP byte stream", () => {
  it("no QUIC stream completes later than its bytes over TCP, whatever is lost and re-sent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 0, maxLength: 40 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (streams, size, delays, seed) => {
          const chunks = layout(streams, size, 1200);
          // Packet i leaves at i ms; some are lost and arrive late (a retransmission) by a chosen delay.
          let x = seed;
          const arrival = chunks.map((_, i) => {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            const late = delays.length > 0 && x % 10 === 0 ? delays[x % delays.length]! : 0;
            return i * 1000 + 15_000 + late;
          });
          const { quicDone, tcpDone } = completions(chunks, arrival, streams, size);
          for (let s = 0; s < streams; s++) {
            expect(quicDone[s]).toBeGreaterThanOrEqual(0);
            expect(quicDone[s]!).toBeLessThanOrEqual(tcpDone[s]!);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("and a loss in one stream delays the others only over TCP", () => {
    const chunks = layout(4, 4800, 1200);
    const arrival = chunks.map((_, i) => i * 1000);
    arrival[0] = 100_000; // stream 0's first chunk is lost and re-sent late
    const { quicDone, tcpDone } = completions(chunks, arrival, 4, 4800);
    expect(quicDone[0]).toBe(100_000);
    expect(tcpDone.every((t) => t === 100_000)).toBe(true);
    expect(quicDone.slice(1).every((t) => t < 100_000)).toBe(true);
  });
});
