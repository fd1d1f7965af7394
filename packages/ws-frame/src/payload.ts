/** Unmasking copies and payload assembly, shared by FrameDecoder and WebSocketSession. */
import type { FrameHeader } from "./frame-parser";
import { mask } from "./mask";

/** Up to this many bytes, a buffer for a frame's whole payload is allocated when its header arrives. */
const EAGER_ALLOCATION = 1024 * 1024;

/**
 * A plain Uint8Array copy of `bytes`. (Not `bytes.slice()`: on a Node Buffer that returns a view.)
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** A copy of `raw` (a piece of `header`'s payload at `position`), unmasked. Never changes `raw`. */
export function unmaskCopy(header: FrameHeader, raw: Uint8Array, position: number): Uint8Array {
  const copy = copyBytes(raw);
  if (header.maskKey !== undefined) mask(copy, header.maskKey, position);
  return copy;
}

/**
 * Collects payload pieces into one Uint8Array. With a known total up to 1 MiB, it writes into one
 * buffer allocated up front (one copy, unmasked in place); otherwise it keeps unmasked copies and joins
 * them at the end, so a header announcing a huge length cannot make it allocate before the bytes come.
 */
export class Assembler {
  private buffer: Uint8Array | undefined;
  private chunks: Uint8Array[] = [];
  /** Bytes held. */
  size = 0;

  constructor(expected?: number) {
    if (expected !== undefined && expected > 0 && expected <= EAGER_ALLOCATION) {
      this.buffer = new Uint8Array(expected);
    }
  }

  /** Number of separately held pieces (for memory accounting). */
  get pieces(): number {
    return this.buffer === undefined ? this.chunks.length : 1;
  }

  /** Appends a piece of `header`'s payload at `position`, unmasking it. */
  appendRaw(header: FrameHeader, raw: Uint8Array, position: number): void {
    const buffer = this.room(raw.length);
    if (buffer !== undefined) {
      const target = buffer.subarray(this.size, this.size + raw.length);
      target.set(raw);
      if (header.maskKey !== undefined) mask(target, header.maskKey, position);
    } else {
      this.chunks.push(unmaskCopy(header, raw, position));
    }
    this.size += raw.length;
  }

  /** Appends bytes already unmasked. `owned` says the assembler may keep `bytes` without copying. */
  append(bytes: Uint8Array, owned: boolean): void {
    if (bytes.length === 0) return;
    const buffer = this.room(bytes.length);
    if (buffer !== undefined) buffer.set(bytes, this.size);
    else this.chunks.push(owned ? bytes : copyBytes(bytes));
    this.size += bytes.length;
  }

  /** The up-front buffer if `n` more bytes fit in it; otherwise moves to chunks and returns undefined. */
  private room(n: number): Uint8Array | undefined {
    const buffer = this.buffer;
    if (buffer === undefined) return undefined;
    if (this.size + n <= buffer.length) return buffer;
    if (this.size > 0) this.chunks.push(buffer.subarray(0, this.size));
    this.buffer = undefined;
    return undefined;
  }

  /** Everything appended, as one Uint8Array; the assembler is empty afterwards. */
  take(): Uint8Array {
    const out =
      this.buffer !== undefined
        ? this.size === this.buffer.length
          ? this.buffer
          : this.buffer.subarray(0, this.size)
        : concat(this.chunks, this.size);
    this.buffer = undefined;
    this.chunks = [];
    this.size = 0;
    return out;
  }
}

/** Joins `parts` (total `size` bytes); a single part is returned as is. */
export function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
