/**
 * @proto/ws-frame against ws, the WebSocket library most Node servers use, decoding what a server
 * receives: client-to-server (masked) messages, pre-encoded once into one buffer and fed in 64 KiB
 * reads, as a socket delivers them, to one long-lived session / receiver. Masking alone is compared with
 * bufferutil, the native addon ws uses when it is installed, and with ws's own JavaScript loop.
 *
 * ws decides at module load whether to mask with bufferutil (lib/buffer-util.js: unless node:http
 * exports websocketMask, it requires bufferutil unless WS_NO_BUFFER_UTIL is set). So two copies of ws
 * are loaded here, one with the variable set and one without, and which is which is read from their
 * module graphs, not assumed. When bufferutil has no native binary for this platform, its rows are
 * skipped and a note says why.
 */
import { readFileSync } from "node:fs";
import * as http from "node:http";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { encodeFrame, FrameDecoder, mask, WebSocketSession } from "@proto/ws-frame";
import { addNote, type Comparison } from "../harness";
import { xorshift } from "../random";

const require = createRequire(import.meta.url);

/** Socket reads arrive in pieces of at most this much (libuv reads into 64 KiB buffers). */
const READ_SIZE = 64 * 1024;
/** ws's own default maxPayload (100 MiB), as a WebSocketServer would pass it. */
const WS_MAX_PAYLOAD = 100 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------------
// ws, twice: one copy masking in JavaScript, one with bufferutil.

type MaskFn = (source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number) => void;
type UnmaskFn = (buffer: Buffer, mask: Buffer) => void;

/** The part of ws's (untyped, internal) Receiver this suite uses. */
interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}
type WsReceiverClass = new (options: {
  isServer: boolean;
  maxPayload: number;
  skipUTF8Validation: boolean;
  binaryType: "nodebuffer";
  extensions: Record<string, unknown>;
}) => WsReceiver;

type Masking = "js" | "bufferutil" | "node:http";

interface WsCopy {
  Receiver: WsReceiverClass;
  /** ws/lib/buffer-util.js of this copy. */
  util: { mask: MaskFn; unmask: UnmaskFn };
  /** How this copy masks, as read from its module graph. */
  masking: Masking;
}

const wsEntry = require.resolve("ws");
const wsDir = dirname(wsEntry);
const wsVersion = (JSON.parse(readFileSync(join(wsDir, "package.json"), "utf8")) as { version: string })
  .version;
const receiverPath = join(wsDir, "lib", "receiver.js");
const bufferUtilPath = join(wsDir, "lib", "buffer-util.js");

function forgetWs(): void {
  for (const key of Object.keys(require.cache)) if (key.startsWith(wsDir + sep)) delete require.cache[key];
}

/** Where ws would find bufferutil, or undefined when it is not installed. */
function bufferutilPath(): string | undefined {
  try {
    return require.resolve("bufferutil", { paths: [wsDir] });
  } catch {
    return undefined;
  }
}

/** A fresh copy of ws, loaded with or without WS_NO_BUFFER_UTIL; the environment is left as it was. */
function loadWs(noBufferUtil: boolean): WsCopy {
  const saved = process.env.WS_NO_BUFFER_UTIL;
  forgetWs();
  if (noBufferUtil) process.env.WS_NO_BUFFER_UTIL = "1";
  else delete process.env.WS_NO_BUFFER_UTIL;
  try {
    const { Receiver } = require(wsEntry) as { Receiver: WsReceiverClass };
    const util = require(bufferUtilPath) as WsCopy["util"];
    const receiverModule = require.cache[receiverPath];
    const utilModule = require.cache[bufferUtilPath];
    // receiver.js takes `unmask` from buffer-util.js when it loads: check it is this copy's.
    if (!receiverModule || !utilModule || !receiverModule.children.includes(utilModule)) {
      throw new Error("ws copy: lib/receiver.js did not load this copy's lib/buffer-util.js");
    }
    const bufferutil = bufferutilPath();
    const masking: Masking =
      typeof (http as unknown as Record<string, unknown>).websocketMask === "function"
        ? "node:http"
        : utilModule.children.some((child) => child.id === bufferutil)
          ? "bufferutil"
          : "js";
    // In the JavaScript copy, buffer-util exports its own loops (`_mask`, `_unmask`) unwrapped.
    if (masking === "js" && (util.mask.name !== "_mask" || util.unmask.name !== "_unmask")) {
      throw new Error("ws copy: no bufferutil was loaded, yet mask/unmask are not ws's JavaScript loops");
    }
    return { Receiver, util, masking };
  } finally {
    if (saved === undefined) delete process.env.WS_NO_BUFFER_UTIL;
    else process.env.WS_NO_BUFFER_UTIL = saved;
    // The next load builds a new copy; this one lives on through the references returned.
    forgetWs();
  }
}

interface BufferUtil {
  mask: MaskFn;
  unmask: UnmaskFn;
}

/** bufferutil itself, if its native binary loads; otherwise why not. */
function loadBufferutil(): { native: BufferUtil; binary: string } | { reason: string } {
  const path = bufferutilPath();
  if (path === undefined) return { reason: "bufferutil is not installed" };
  const dir = dirname(path);
  const native = require(path) as BufferUtil;
  const binary = Object.keys(require.cache).find((key) => key.startsWith(dir + sep) && key.endsWith(".node"));
  const fellBack = require.cache[path]?.children.some((child) => child.id === join(dir, "fallback.js"));
  if (binary !== undefined && !fellBack) return { native, binary: binary.slice(dir.length + 1) };
  // bufferutil swallows the loader's error and exports its JavaScript fallback: ask the loader again.
  let why = "unknown";
  try {
    (require(require.resolve("node-gyp-build", { paths: [dir] })) as (dir: string) => unknown)(dir);
  } catch (error) {
    why = (error as Error).message.split("\n")[0]!;
  }
  return {
    reason:
      `bufferutil has no native binary for ${process.platform}-${process.arch} (${why}); it fell back to ` +
      "JavaScript. Its install script, which would compile one with node-gyp, is not run " +
      "(pnpm-workspace.yaml ignoredBuiltDependencies)",
  };
}

// ---------------------------------------------------------------------------------------------------
// Workloads: N masked client messages, encoded once.

function randomBytes(length: number, seed: number): Uint8Array {
  const next = xorshift(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = next() & 0xff;
  return out;
}

/** A chat-like JSON text of exactly `size` UTF-8 bytes, with 2- and 3-byte characters in it. */
function textOfSize(seq: number, size: number): string {
  let text = `{"seq":${seq},"user":"zoë","room":"café","text":"naïve — `;
  while (Buffer.byteLength(text) + 2 < size) text += "abcdefghij"[text.length % 10];
  text += '"}';
  if (Buffer.byteLength(text) !== size)
    throw new Error(`text of ${size} bytes came out ${Buffer.byteLength(text)}`);
  return text;
}

interface Workload {
  kind: "binary" | "text";
  /** Every frame, back to back: what the socket delivers. */
  wire: Buffer;
  /** What was sent, message by message. */
  sent: Array<Uint8Array | string>;
  payloadBytes: number;
}

function workload(kind: "binary" | "text", size: number, count: number): Workload {
  const next = xorshift(size * 31 + count);
  const sent: Array<Uint8Array | string> = [];
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const message = kind === "text" ? textOfSize(i, size) : randomBytes(size, next());
    const payload = typeof message === "string" ? new TextEncoder().encode(message) : message;
    // A client draws a fresh random key per frame; never all zero (ws skips unmasking a zero key).
    const maskKey = new Uint8Array(new Uint32Array([next() | 1]).buffer);
    frames.push(encodeFrame({ opcode: kind === "text" ? 1 : 2, payload }, { maskKey }));
    sent.push(message);
  }
  return { kind, wire: Buffer.concat(frames), sent, payloadBytes: size * count };
}

/** `buffer` as the socket would deliver it: views of at most READ_SIZE bytes. */
function reads(buffer: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += READ_SIZE) out.push(buffer.subarray(at, at + READ_SIZE));
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Decoders: each takes reads and hands every complete message to a sink.

type Sink = (data: Uint8Array | string) => void;
type Feed = (chunk: Buffer) => void;
interface Decoder {
  name: string;
  create(sink: Sink): Feed;
}

const protoSession: Decoder = {
  name: "@proto WebSocketSession",
  create(sink) {
    const session = new WebSocketSession({ role: "server" });
    return (chunk) => {
      for (const event of session.receive(chunk)) {
        if (event.type === "binary" || event.type === "text") sink(event.data);
        else if (event.type === "close") throw event.error ?? new Error(`session closed: ${event.code}`);
      }
    };
  },
};

const protoFrameDecoder: Decoder = {
  name: "@proto FrameDecoder",
  create(sink) {
    const decoder = new FrameDecoder({ role: "server" });
    return (chunk) => {
      for (const frame of decoder.push(chunk)) sink(frame.payload);
    };
  },
};

function wsReceiver(copy: WsCopy, name: string): Decoder {
  return {
    name,
    create(sink) {
      const receiver = new copy.Receiver({
        isServer: true,
        maxPayload: WS_MAX_PAYLOAD,
        skipUTF8Validation: false,
        binaryType: "nodebuffer",
        extensions: {},
      });
      // ws validates text but hands it over as a Buffer; an application decodes it, as @proto does.
      receiver.on("message", (data, isBinary) => sink(isBinary ? data : data.toString()));
      let failure: Error | undefined;
      receiver.on("error", (error) => {
        failure = error;
      });
      return (chunk) => {
        receiver.write(chunk);
        if (failure) throw failure;
      };
    },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Decodes a fresh copy of `w` with a fresh decoder; throws unless exactly what was sent comes out. */
function checkDecoder(decoder: Decoder, w: Workload): { messages: number; bytes: number } {
  const got: Array<Uint8Array | string> = [];
  const feed = decoder.create((data) => got.push(data));
  for (const chunk of reads(Buffer.from(w.wire))) feed(chunk);
  if (got.length !== w.sent.length) {
    throw new Error(`${decoder.name}: ${got.length} messages out, ${w.sent.length} sent`);
  }
  let bytes = 0;
  for (let i = 0; i < got.length; i++) {
    const out = got[i]!;
    const sent = w.sent[i]!;
    const same = typeof sent === "string" ? out === sent : typeof out !== "string" && sameBytes(out, sent);
    if (!same) throw new Error(`${decoder.name}: message ${i} differs from what was sent`);
    bytes += typeof out === "string" ? Buffer.byteLength(out) : out.length;
  }
  return { messages: got.length, bytes };
}

/**
 * One timed operation: every read of `w` through one long-lived decoder. Each side decodes its own copy
 * of the bytes (ws unmasks in place). For text the copy is restored first, on both sides, since a second
 * pass over bytes ws unmasked would not be valid UTF-8.
 */
function timedDecode(decoder: Decoder, w: Workload): () => number {
  const input = Buffer.from(w.wire);
  const chunks = reads(input);
  const restore = w.kind === "text";
  const expected = w.sent.length;
  let messages = 0;
  let units = 0;
  const feed = decoder.create((data) => {
    messages++;
    units += data.length;
  });
  return () => {
    if (restore) input.set(w.wire);
    messages = 0;
    units = 0;
    for (let i = 0; i < chunks.length; i++) feed(chunks[i]!);
    if (messages !== expected) throw new Error(`${decoder.name}: ${messages} of ${expected} messages`);
    return units;
  };
}

function decodeRow(
  title: string,
  w: Workload,
  subject: Decoder,
  peer: Decoder,
  target?: Comparison["target"],
): Comparison {
  return {
    title,
    bytesPerOp: w.payloadBytes,
    subject: { name: subject.name, fn: timedDecode(subject, w) },
    peer: { name: peer.name, fn: timedDecode(peer, w) },
    verify: () => {
      const a = checkDecoder(subject, w);
      const b = checkDecoder(peer, w);
      if (a.messages !== b.messages || a.bytes !== b.bytes || a.bytes !== w.payloadBytes) {
        throw new Error(
          `${title}: ${subject.name} ${a.messages}/${a.bytes} B, ${peer.name} ${b.messages}/${b.bytes} B`,
        );
      }
    },
    ...(target ? { target } : {}),
  };
}

/**
 * Whether @proto, fed a Node Buffer, leaves it alone and hands out payloads of its own. (On a Buffer,
 * `slice()` is a view, not a copy: a decoder that copies with it unmasks the caller's bytes in place.)
 */
function protoAliasesBuffers(): string | undefined {
  const payload = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const found: string[] = [];
  for (const decoder of [protoSession, protoFrameDecoder]) {
    const wire = Buffer.from(encodeFrame({ opcode: 2, payload }, { maskKey: Uint8Array.of(9, 8, 7, 6) }));
    const before = Buffer.from(wire);
    const out: Uint8Array[] = [];
    decoder.create((data) => out.push(data as Uint8Array))(wire);
    if (!before.equals(wire) || out[0]?.buffer === wire.buffer) found.push(decoder.name);
  }
  return found.length === 0 ? undefined : found.join(" and ");
}

// ---------------------------------------------------------------------------------------------------
// Masking alone, in place.

const KEY = Buffer.from([0x37, 0xfa, 0x21, 0x3d]); // RFC 6455 §5.7's example key

function maskRow(
  title: string,
  size: number,
  peerName: string,
  peerMask: MaskFn,
  target?: Comparison["target"],
) {
  const original = randomBytes(size, size);
  // Buffer.alloc never uses the shared pool: each buffer starts 8-aligned, as a fresh payload copy does.
  const own = () => {
    const buffer = Buffer.alloc(size);
    buffer.set(original);
    return buffer;
  };
  const mine = own();
  const theirs = own();
  return {
    title,
    bytesPerOp: size,
    subject: { name: "@proto mask", fn: () => mask(mine, KEY) },
    peer: {
      name: peerName,
      fn: () => {
        peerMask(theirs, KEY, theirs, 0, size);
        return theirs;
      },
    },
    verify: () => {
      const want = own();
      for (let i = 0; i < size; i++) want[i]! ^= KEY[i & 3]!;
      const a = own();
      mask(a, KEY);
      const b = own();
      peerMask(b, KEY, b, 0, size);
      if (!sameBytes(a, want)) throw new Error(`${title}: @proto mask differs from the RFC 6455 §5.3 XOR`);
      if (!sameBytes(b, want)) throw new Error(`${title}: ${peerName} differs from the RFC 6455 §5.3 XOR`);
    },
    ...(target ? { target } : {}),
  } satisfies Comparison;
}

// ---------------------------------------------------------------------------------------------------

export function wsFrameSuite(): Comparison[] {
  const js = loadWs(true);
  const withBufferutil = loadWs(false);
  const bufferutil = loadBufferutil();

  const jsName =
    js.masking === "js" ? `ws ${wsVersion} Receiver (JS)` : `ws ${wsVersion} Receiver (${js.masking})`;
  if (js.masking !== "js") {
    addNote(
      `ws-frame: this Node's http module masks natively, so ws ignores WS_NO_BUFFER_UTIL; no pure-JS ws.`,
    );
  }
  const jsReceiver = wsReceiver(js, jsName);
  let nativeReceiver: Decoder | undefined;
  let native: BufferUtil | undefined;
  if ("reason" in bufferutil) {
    addNote(`ws-frame: bufferutil rows skipped: ${bufferutil.reason}.`);
  } else if (withBufferutil.masking !== "bufferutil") {
    addNote(`ws-frame: bufferutil rows skipped: the second ws copy masks with ${withBufferutil.masking}.`);
  } else {
    native = bufferutil.native;
    nativeReceiver = wsReceiver(withBufferutil, `ws ${wsVersion} Receiver+bufferutil`);
    addNote(
      `ws-frame: ws copies checked by module graph: "${jsName}" masks with ws's JS loops (WS_NO_BUFFER_UTIL ` +
        `at load); "Receiver+bufferutil" loaded bufferutil's ${bufferutil.binary}.`,
    );
  }
  const aliasing = protoAliasesBuffers();
  if (aliasing) {
    addNote(
      `ws-frame: WARNING: ${aliasing}: a Node Buffer fed in was unmasked in place and payloads came out as ` +
        "views of it (Buffer#slice is a view, not a copy), so these rows skip the copy per message that " +
        "@proto makes for a Uint8Array.",
    );
  }
  addNote(
    "ws-frame: decode rows feed N masked client messages (one buffer, 64 KiB reads) to one long-lived " +
      "session/receiver per side; GB/s counts payload bytes. ws text messages get data.toString() (@proto " +
      "delivers strings).",
  );

  const small = { minRatio: 2, goal: "issue: >=2x ws pure JS on small messages" };
  const huge = { minRatio: 5, goal: "issue: >=5x ws pure JS on 1 MiB messages" };
  const nearNative = { minRatio: 0.5, goal: "issue: masking within 2x of bufferutil" };

  const rows: Comparison[] = [];
  const sessionRows = (title: string, w: Workload, target?: Comparison["target"]) => {
    rows.push(decodeRow(title, w, protoSession, jsReceiver, target));
    if (nativeReceiver) rows.push(decodeRow(title, w, protoSession, nativeReceiver));
  };
  sessionRows("ws decode, 16 B binary x1000", workload("binary", 16, 1000), small);
  sessionRows("ws decode, 125 B binary x1000", workload("binary", 125, 1000), small);
  sessionRows("ws decode, 64 KiB binary x32", workload("binary", 64 * 1024, 32));
  sessionRows("ws decode, 1 MiB binary x4", workload("binary", 1 << 20, 4), huge);
  rows.push(
    decodeRow(
      "ws decode, 125 B text x1000",
      workload("text", 125, 1000),
      protoSession,
      wsReceiver(js, `${jsName}+toString`),
    ),
  );
  rows.push(
    decodeRow("ws frames, 125 B binary x1000", workload("binary", 125, 1000), protoFrameDecoder, jsReceiver),
  );
  rows.push(
    decodeRow("ws frames, 1 MiB binary x4", workload("binary", 1 << 20, 4), protoFrameDecoder, jsReceiver),
  );

  for (const [title, size] of [
    ["ws mask, 1 MiB", 1 << 20],
    ["ws mask, 1500 B", 1500],
  ] as const) {
    if (native) {
      rows.push(maskRow(title, size, "bufferutil mask (native)", native.mask, nearNative));
    }
    rows.push(maskRow(title, size, `ws ${wsVersion} mask (JS)`, js.util.mask));
  }
  return rows;
}
