/**
 * One direction of a TCP connection as tagged pieces: the writer records who wrote which byte range
 * (TLS, a request, a resource's body), and the receiver's in-order deliveries and first arrivals are
 * mapped back to those pieces. HTTP over TCP is built on this.
 */
import type { TcpEndpoint } from "./tcp";

export interface Piece<T> {
  start: number;
  end: number;
  tag: T;
}

export class Channel<T> {
  readonly pieces: Array<Piece<T>> = [];
  private written = 0;
  private deliveredIndex = 0;

  constructor(private readonly writer: TcpEndpoint) {}

  write(bytes: number, tag: T): void {
    if (bytes <= 0) return;
    this.pieces.push({ start: this.written, end: this.written + bytes, tag });
    this.written += bytes;
    this.writer.write(bytes);
  }

  /** Pieces completed by in-order delivery up to `to`, each with the bytes of it newly delivered. */
  delivered(
    from: number,
    to: number,
    each: (piece: Piece<T>, bytes: number, complete: boolean) => void,
  ): void {
    for (let i = this.deliveredIndex; i < this.pieces.length; i++) {
      const p = this.pieces[i]!;
      if (p.start >= to) break;
      const a = Math.max(p.start, from);
      const b = Math.min(p.end, to);
      if (b > a) each(p, b - a, b === p.end);
      if (p.end <= to) this.deliveredIndex = i + 1;
    }
  }

  /** Pieces overlapping [from, to), with the overlap's size. */
  overlapping(from: number, to: number, each: (piece: Piece<T>, bytes: number) => void): void {
    let lo = 0;
    let hi = this.pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pieces[mid]!.end <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.pieces.length; i++) {
      const p = this.pieces[i]!;
      if (p.start >= to) break;
      each(p, Math.min(p.end, to) - Math.max(p.start, from));
    }
  }
}
