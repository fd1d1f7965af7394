/** Unmasking copies and payload assembly, shared by FrameDecoder and WebSocketSession. */
import type { FrameHeader } from "./frame-parser";
import { mask } from "./mask";

/** Up to this many bytes, a buffer for a frame's whole payload is allocated when its header arrives. */
const EAGER_ALLOCATION = 1024 * 1024;

/**
 * A plain Uint8Array copy of `bytes`. (Not `bytes.slice()`: on a Node Buffer that returns a view.)
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > SLAB_MAX_COPY) return new Uint8Array(bytes);
  const copy = slabAlloc(n);
  copy.set(bytes);
  return copy;
}

/** `n` bytes (at most SLAB_MAX_COPY) from the shared slab. */
function slabAlloc(n: number): Uint8Array {
  if (slabUsed + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const view = slab.subarray(slabUsed, slabUsed + n);
  // Keep the next copy 8-byte aligned, so masking it can use 32-bit words.
  slabUsed += (n + 7) & ~7;
  return view;
}

/**
 * Small copies are carved from a shared 64 KiB slab (as Node pools small Buffers): allocating a typed
 * array of more than 64 bytes costs far more than the copy. A small payload therefore keeps its slab
 * alive while it is referenced (at most 64 KiB per slab); copies over 4 KiB get their own buffer.
 */
const SLAB_SIZE = 64 * 1024;
const SLAB_MAX_COPY = 4 * 1024;
/** Up to this size a fused JavaScript copy-and-unmask loop beats set() plus a separate mask pass. */
const FUSED_MAX = 32;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

/**
 * Reusable scratch space for bytes that are consumed at once (text decoded to a string, or handed to an
 * extension's decoder in the same call). Returned views are only valid until the next call.
 */
export function scratchCopy(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > SCRATCH_MAX) return new Uint8Array(bytes);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  const view = scratch.subarray(0, n);
  view.set(bytes);
  return view;
}

const SCRATCH_MAX = 256 * 1024;
let scratch = new Uint8Array(4096);

/** A copy of `raw` (a piece of `header`'s payload at `position`), unmasked. Never changes `raw`. */
export function unmaskCopy(header: FrameHeader, raw: Uint8Array, position: number): Uint8Array {
  const key = header.maskKey;
  const n = raw.length;
  if (key !== undefined && n <= FUSED_MAX) {
    // Small payloads: copy and unmask in one pass, the key rotated to the starting phase.
    const copy = slabAlloc(n);
    const p = position & 3;
    const r0 = key[p]!;
    const r1 = key[(p + 1) & 3]!;
    const r2 = key[(p + 2) & 3]!;
    const r3 = key[(p + 3) & 3]!;
    let i = 0;
    for (const end = n - 3; i < end; i += 4) {
      copy[i] = raw[i]! ^ r0;
      copy[i + 1] = raw[i + 1]! ^ r1;
      copy[i + 2] = raw[i + 2]! ^ r2;
      copy[i + 3] = raw[i + 3]! ^ r3;
    }
    if (i < n) copy[i] = raw[i]! ^ r0;
    if (i + 1 < n) copy[i + 1] = raw[i + 1]! ^ r1;
    if (i + 2 < n) copy[i + 2] = raw[i + 2]! ^ r2;
    return copy;
  }
  const copy = copyBytes(raw);
  if (header.maskKey !== undefined) mask(copy, header.maskKey, position);
  return copy;
}

/** Like unmaskCopy, into scratch space valid until the next scratch call (for bytes consumed at once). */
export function unmaskScratch(header: FrameHeader, raw: Uint8Array, position: number): Uint8Array {
  const copy = scratchCopy(raw);
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
