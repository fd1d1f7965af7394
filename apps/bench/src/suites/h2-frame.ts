/**
 * @proto/h2-frame's FrameDecoder against the memory-copy yardstick: the same bytes, in the same 64 KiB
 * reads a socket delivers, either decoded into frames by one long-lived FrameDecoder or only copied
 * (`Uint8Array.prototype.set`) into a scratch buffer. The ratio says how close frame decoding comes to
 * touching every byte once; no HTTP/2 library decodes frames alone at this layer to compare with.
 *
 * Two streams: DATA-heavy (16 KiB DATA frames, the default SETTINGS_MAX_FRAME_SIZE) and HEADERS-heavy
 * (HEADERS frames with ~200-byte header blocks, as a busy request stream looks).
 */
import { encodeFrame, FrameDecoder, FrameType } from "@proto/h2-frame";
import { addNote, type Comparison } from "../harness";
import { xorshift } from "../random";

/** Socket reads arrive in pieces of at most this much (libuv reads into 64 KiB buffers). */
const READ_SIZE = 64 * 1024;

function randomBytes(length: number, next: () => number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  return out;
}

interface Workload {
  /** Every frame back to back, as the peer sent them. */
  wire: Uint8Array;
  /** `wire` as the socket delivers it: views of at most READ_SIZE bytes. */
  reads: Uint8Array[];
  frames: number;
  /** Bytes of DATA payload or header block carried (what an application gets). */
  payloadBytes: number;
}

function workload(frames: Uint8Array[], payloadBytes: number): Workload {
  const wire = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    wire.set(f, at);
    at += f.length;
  }
  const reads: Uint8Array[] = [];
  for (let i = 0; i < wire.length; i += READ_SIZE) reads.push(wire.subarray(i, i + READ_SIZE));
  return { wire, reads, frames: frames.length, payloadBytes };
}

/** `count` DATA frames of `size` bytes spread over a few streams, the last of each stream END_STREAM. */
function dataHeavy(size: number, count: number): Workload {
  const next = xorshift(size + count);
  const payload = randomBytes(size, next);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(
      encodeFrame({
        type: FrameType.DATA,
        streamId: 1 + 2 * (i % 4),
        data: payload,
        endStream: i >= count - 4,
      }),
    );
  }
  return workload(frames, size * count);
}

/** `count` HEADERS frames (END_HEADERS, some END_STREAM) with header blocks of about `size` bytes. */
function headersHeavy(size: number, count: number): Workload {
  const next = xorshift(size * 7 + count);
  const frames: Uint8Array[] = [];
  let payloadBytes = 0;
  for (let i = 0; i < count; i++) {
    const length = size - 16 + (next() % 33); // 184..216 bytes
    const block = randomBytes(length, next);
    payloadBytes += length;
    frames.push(
      encodeFrame({
        type: FrameType.HEADERS,
        streamId: 1 + 2 * i,
        headerBlock: block,
        endStream: i % 2 === 0,
        endHeaders: true,
      }),
    );
  }
  return workload(frames, payloadBytes);
}

/** Frames and payload bytes a fresh decoder gets from `w`, checked frame by frame against the wire. */
function decodeCount(w: Workload): { frames: number; bytes: number } {
  const decoder = new FrameDecoder();
  let frames = 0;
  let bytes = 0;
  for (const read of w.reads) {
    for (const frame of decoder.push(read)) {
      frames++;
      if (frame.type === FrameType.DATA) bytes += (frame as { data: Uint8Array }).data.length;
      else if (frame.type === FrameType.HEADERS)
        bytes += (frame as { headerBlock: Uint8Array }).headerBlock.length;
      else throw new Error(`unexpected frame type ${frame.type}`);
    }
  }
  return { frames, bytes };
}

/** One timed operation: every read of `w` through one long-lived decoder. */
function timedDecode(w: Workload): () => number {
  const decoder = new FrameDecoder();
  const reads = w.reads;
  return () => {
    let frames = 0;
    for (let i = 0; i < reads.length; i++) frames += decoder.push(reads[i]!).length;
    if (frames !== w.frames) throw new Error(`@proto FrameDecoder: ${frames} of ${w.frames} frames`);
    return frames;
  };
}

/** One timed operation: every read of `w` copied into one scratch buffer (the floor for touching it). */
function timedCopy(w: Workload): () => number {
  const scratch = new Uint8Array(READ_SIZE);
  const reads = w.reads;
  return () => {
    let copied = 0;
    for (let i = 0; i < reads.length; i++) {
      const read = reads[i]!;
      scratch.set(read);
      copied += read.length;
    }
    return copied;
  };
}

function row(title: string, w: Workload): Comparison {
  return {
    title: `${title}: ${w.frames} frames/op`,
    bytesPerOp: w.wire.length,
    show: "both",
    subject: { name: "@proto FrameDecoder.push", fn: timedDecode(w) },
    peer: { name: "memcpy (Uint8Array#set)", fn: timedCopy(w) },
    verify: () => {
      const got = decodeCount(w);
      if (got.frames !== w.frames || got.bytes !== w.payloadBytes) {
        throw new Error(
          `${title}: decoded ${got.frames} frames / ${got.bytes} B, encoded ${w.frames} / ${w.payloadBytes} B`,
        );
      }
      const copied = timedCopy(w)();
      if (copied !== w.wire.length) throw new Error(`${title}: copied ${copied} of ${w.wire.length} B`);
    },
  };
}

export function h2FrameSuite(): Comparison[] {
  const data = dataHeavy(16 * 1024, 256);
  const headers = headersHeavy(200, 4096);
  addNote(
    `h2-frame: one op = one pass over the stream in 64 KiB reads (DATA: ${data.frames} x 16 KiB frames, ` +
      `${(data.wire.length / 1024).toFixed(0)} KiB; HEADERS: ${headers.frames} frames, ~200 B blocks, ` +
      `${(headers.wire.length / 1024).toFixed(0)} KiB). Frames/s = op/s x frames/op; GB/s counts wire bytes. ` +
      "Peer = copying the same reads (Uint8Array#set), the floor for touching every byte once.",
  );
  return [row("h2 decode, DATA 16 KiB", data), row("h2 decode, HEADERS ~200 B", headers)];
}
