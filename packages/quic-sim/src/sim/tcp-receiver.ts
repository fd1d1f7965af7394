/**
 * The receiving half of a TCP endpoint: the next expected byte, out-of-order ranges reassembled in order
 * (reporting first arrivals and in-order deliveries), and SACK blocks (RFC 2018 §4).
 */
export class TcpReceiver {
  rcvNxt = 0;
  private ooo: Array<[number, number]> = [];
  private lastBlock: [number, number] | undefined;

  constructor(
    private readonly on: {
      deliver(from: number, to: number): void;
      arrive(from: number, to: number, held: boolean): void;
    },
  ) {}

  /** Takes the segment [start, end); reports what the ACK policy needs. */
  accept(start: number, end: number): "duplicate" | { before: number; hadHoles: boolean } {
    const hadHoles = this.ooo.length > 0;
    if (end <= this.rcvNxt) return "duplicate";
    this.addRange(Math.max(start, this.rcvNxt), end);
    this.lastBlock = [start, end];
    const before = this.rcvNxt;
    while (this.ooo.length > 0 && this.ooo[0]![0] <= this.rcvNxt) {
      this.rcvNxt = Math.max(this.rcvNxt, this.ooo.shift()![1]);
    }
    if (this.rcvNxt > before) this.on.deliver(before, this.rcvNxt);
    return { before, hadHoles };
  }

  /** Merges [s, e) into the out-of-order ranges (reporting first arrivals). */
  private addRange(s: number, e: number): void {
    const ranges = this.ooo;
    let cursor = s;
    const merged: Array<[number, number]> = [];
    let placed = false;
    for (const [a, b] of ranges) {
      if (b < s) merged.push([a, b]);
      else if (a > e) {
        if (!placed) {
          merged.push([s, e]);
          placed = true;
        }
        merged.push([a, b]);
      } else {
        if (a > cursor) this.on.arrive(cursor, a, cursor > this.rcvNxt);
        cursor = Math.max(cursor, b);
        s = Math.min(s, a);
        e = Math.max(e, b);
      }
    }
    if (cursor < e) this.on.arrive(cursor, e, cursor > this.rcvNxt);
    if (!placed) merged.push([s, e]);
    merged.sort((x, y) => x[0] - y[0]);
    this.ooo = merged;
  }

  /** RFC 2018 §4: the block with the latest segment first, then others, at most 3. */
  sackBlocks(): Array<[number, number]> {
    const blocks = this.ooo.filter(([, e]) => e > this.rcvNxt);
    if (blocks.length === 0) return [];
    const latest = this.lastBlock
      ? blocks.find(([a, b]) => this.lastBlock![0] >= a && this.lastBlock![0] < b)
      : undefined;
    const rest = blocks.filter((b) => b !== latest).reverse();
    return (latest ? [latest, ...rest] : rest).slice(0, 3);
  }
}
