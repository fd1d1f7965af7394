/**
 * permessage-deflate (RFC 7692): @proto/ws-deflate (through @proto/node) against ws's perMessageDeflate,
 * in three parts.
 *
 * 1. Compressed echo over real TCP on 127.0.0.1: an @proto/node server and client (`compression: true`)
 *    against a ws server and client (`perMessageDeflate: { threshold: 1024 }`), both with context
 *    takeover, zlib level 6, memLevel 8, 15-bit windows. Messages: chat-like JSON text of 128 B, 4 KiB
 *    and 64 KiB, and 64 KiB of random bytes; one round trip at a time, and pipelined bursts. Each row
 *    cycles through a pool of distinct messages (one repeated message would make context takeover
 *    trivially good on both sides). Before timing, both stacks must show permessage-deflate negotiated
 *    at both ends with context takeover, and a compressible message must cross the wire compressed.
 * 2. Codec only, no sockets: `createDeflateCodec` (server compresses, client decompresses) against ws's
 *    internal PerMessageDeflate pair (ws/lib/permessage-deflate.js, callback-based on zlib streams run
 *    in libuv's thread pool). One operation = compress one message and decompress it at the other end;
 *    for the chat corpus (part 3's), all 200 messages in order.
 * 3. Compression ratio (no timing): compressed bytes / original bytes over a corpus of 200 chat
 *    messages of varied sizes, sent in order through one connection's codecs (context takeover).
 *
 * Two differences of behaviour, not of tuning, matter when reading the rows:
 *  - ws applies `threshold` only when the sender has no context takeover (lib/sender.js); with context
 *    takeover it compresses every message, 128 B included. @proto applies its threshold always, so the
 *    128 B row compares @proto sending it raw with ws deflating it; a second @proto stack with
 *    `threshold: 0` gives the like-for-like row.
 *  - ws compresses and inflates asynchronously in libuv's thread pool (at most 10 zlib jobs at once,
 *    per process: server and client share the limit here), so zlib runs beside the event loop; @proto's
 *    node:zlib engine runs zlib synchronously on the event loop, a fresh stream per message primed with
 *    the window as a preset dictionary (packages/ws-deflate/src/zlib.node.ts). Each ws message waits
 *    for thread-pool hand-offs, so ws's small-message rates depend on how fast an idle core wakes: on a
 *    2-vCPU VM they moved 3-5x between runs with the other core idle or busy (a `nice -n 19` busy loop
 *    raised ws's 128 B codec rate from ~8 k to ~30 k op/s). @proto's rates do not move that way.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import { dirname, join } from "node:path";
import { constants, deflateRawSync } from "node:zlib";
import { connectWebSocket, createWebSocketServer, type WebSocketConnection } from "@proto/node";
import {
  createDeflateCodec,
  type DeflateCodec,
  PerMessageDeflateExtension,
  type RawDeflateEngine,
  SlidingWindow,
} from "@proto/ws-deflate";
import WebSocket, { WebSocketServer } from "ws";
import { type AsyncComparison, type AsyncSuite, addNote } from "../harness";
import { xorshift } from "../random";

const require = createRequire(import.meta.url);
const wsDir = dirname(require.resolve("ws"));
const wsVersion = (JSON.parse(readFileSync(join(wsDir, "package.json"), "utf8")) as { version: string })
  .version;

/** ws's (untyped, internal) PerMessageDeflate, the part this suite uses. */
type Callback = (error: Error | null, result?: Buffer) => void;
interface WsPerMessageDeflate {
  params: Record<string, unknown> | null;
  offer(): Record<string, unknown>;
  accept(configurations: Array<Record<string, unknown[]>>): Record<string, unknown>;
  compress(data: Buffer, fin: boolean, callback: Callback): void;
  decompress(data: Buffer, fin: boolean, callback: Callback): void;
  cleanup(): void;
}
type WsPerMessageDeflateClass = new (options?: {
  isServer?: boolean;
  maxPayload?: number;
  threshold?: number;
}) => WsPerMessageDeflate;
// Not in ws's "exports": loaded by path, the same module instance ws's own sender and receiver use.
const WsPerMessageDeflate = require(join(wsDir, "lib", "permessage-deflate.js")) as WsPerMessageDeflateClass;

const THRESHOLD = 1024;
const PMD = "permessage-deflate";
const TARGET = { minRatio: 1, goal: "at least as fast as ws perMessageDeflate" };
const PROTO_NAME = "@proto/node + ws-deflate";
const PROTO_T0_NAME = "@proto/node + ws-deflate, threshold 0";
const WS_NAME = `ws ${wsVersion} perMessageDeflate`;

// ---------------------------------------------------------------------------------------------------
// Workloads: chat-like JSON (deterministic) and random bytes.

type Message = string | Uint8Array;

const WORDS = (
  "the a to and of in is it you that for on with this be are was have not at but we they can so just " +
  "what about if up out when there all your like get do my one time know now will would how think " +
  "meeting tomorrow deploy build release ticket review merge branch lunch coffee server client socket " +
  "latency window context compression message thanks sure okay great sounds good see later yes no " +
  "maybe probably tonight weekend update fixed broken test passing failing staging production"
).split(" ");
const NAMES = ["zoë", "amir", "chen", "dmitri", "fatima", "grace", "hiro", "ines", "jonas", "kwame"];
const ROOMS = ["general", "random", "eng-backend", "eng-frontend", "design", "café", "ops-alerts"];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[next() % items.length]!;
}

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(pick(next, WORDS));
  return out.join(" ");
}

/** One chat event as an object (what a chat server would JSON.stringify). */
function chatEvent(next: () => number, seq: number): Record<string, unknown> {
  const user = next() % NAMES.length;
  return {
    type: "message",
    id: `m_${(next() >>> 0).toString(16).padStart(8, "0")}`,
    seq,
    room: pick(next, ROOMS),
    user: {
      id: 1000 + user,
      name: NAMES[user],
      avatar: `https://cdn.example.com/avatars/${1000 + user}.png`,
    },
    text: sentence(next, 3 + (next() % 40)),
    ts: 1_764_000_000_000 + seq * 1375 + (next() % 1000),
    ...(next() % 4 === 0 ? { reactions: [{ emoji: "👍", count: 1 + (next() % 5) }] } : {}),
  };
}

/** Chat-like JSON of exactly `size` UTF-8 bytes: a batch of events, padded in a final text field. */
function jsonOfSize(next: () => number, seq: number, size: number): string {
  const events: Array<Record<string, unknown>> = [];
  const close = (pad: string) =>
    `{"type":"batch","seq":${seq},"events":${JSON.stringify(events)},"note":"${pad}"}`;
  for (;;) {
    const event = chatEvent(next, seq * 100 + events.length);
    events.push(event);
    if (Buffer.byteLength(close("")) > size) {
      events.pop();
      break;
    }
  }
  let text = close("");
  let pad = "";
  while (Buffer.byteLength(text) < size) {
    const room = size - Buffer.byteLength(text);
    const word = `${pick(next, WORDS)} `;
    pad += word.length <= room ? word : "x".repeat(room);
    text = close(pad);
  }
  if (Buffer.byteLength(text) !== size)
    throw new Error(`JSON of ${size} B came out ${Buffer.byteLength(text)}`);
  return text;
}

interface Workload {
  label: string;
  size: number;
  /** Distinct messages, sent in turn. */
  pool: Message[];
}

function textWorkload(label: string, size: number, count: number): Workload {
  const next = xorshift(size + 7);
  return { label, size, pool: Array.from({ length: count }, (_, i) => jsonOfSize(next, i, size)) };
}

function randomWorkload(label: string, size: number, count: number): Workload {
  return { label, size, pool: Array.from({ length: count }, () => new Uint8Array(randomBytes(size))) };
}

/** 200 messages a chat client might receive in a row: events, typing, presence, receipts, history. */
function chatCorpus(): string[] {
  const next = xorshift(0xc0ffee);
  const out: string[] = [];
  for (let i = 0; i < 200; i++) {
    const roll = next() % 100;
    const user = pick(next, NAMES);
    const room = pick(next, ROOMS);
    if (roll < 55) out.push(JSON.stringify(chatEvent(next, i)));
    else if (roll < 70) out.push(JSON.stringify({ type: "typing", room, user, active: next() % 2 === 0 }));
    else if (roll < 80) {
      out.push(JSON.stringify({ type: "presence", user, status: pick(next, ["online", "away", "offline"]) }));
    } else if (roll < 88) {
      out.push(
        JSON.stringify({ type: "receipt", room, user, upTo: `m_${next().toString(16)}`, ts: 1e12 + i }),
      );
    } else if (roll < 95) {
      const members = Array.from({ length: 10 + (next() % 30) }, () => ({
        id: 1000 + (next() % 500),
        name: pick(next, NAMES),
        role: pick(next, ["member", "admin", "guest"]),
        lastSeen: 1_764_000_000_000 + (next() % 1e8),
      }));
      out.push(JSON.stringify({ type: "members", room, members }));
    } else {
      const messages = Array.from({ length: 10 + (next() % 50) }, (_, j) => chatEvent(next, i * 100 + j));
      out.push(JSON.stringify({ type: "history", room, messages }));
    }
  }
  return out;
}

const encoder = new TextEncoder();
const sameMessage = (a: Message, b: Message): boolean =>
  typeof a === "string" ? a === b : typeof b !== "string" && Buffer.compare(a, b) === 0;

// ---------------------------------------------------------------------------------------------------
// Echo over TCP: a server and a client of each stack.

/** What the echo rows drive: one client connection of one stack, whose server echoes every message. */
abstract class EchoClient {
  private waiting: { resolve: (m: Message) => void; reject: (e: Error) => void } | undefined;
  private turn = 0;

  protected deliver(message: Message): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(message);
  }

  protected fail(why: string): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new Error(why));
  }

  protected abstract send(message: Message): void;
  abstract close(): Promise<void>;

  roundTrip(message: Message): Promise<Message> {
    if (this.waiting) return Promise.reject(new Error("a round trip is already in flight"));
    return new Promise<Message>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.send(message);
    });
  }

  /** The next message of the pool, round trip. */
  next(pool: readonly Message[]): Promise<Message> {
    return this.roundTrip(pool[this.turn++ % pool.length]!);
  }

  /** Sends the next `count` messages of the pool at once; resolves when all `count` echoes are back. */
  burst(pool: readonly Message[], count: number): Promise<void> {
    if (this.waiting) return Promise.reject(new Error("a round trip is already in flight"));
    return new Promise<void>((resolve, reject) => {
      let left = count;
      const arm = () => {
        this.waiting = {
          resolve: () => {
            if (--left === 0) resolve();
            else arm();
          },
          reject,
        };
      };
      arm();
      for (let i = 0; i < count; i++) this.send(pool[this.turn++ % pool.length]!);
    });
  }
}

class ProtoEchoClient extends EchoClient {
  constructor(readonly connection: WebSocketConnection) {
    super();
    connection.on("message", (data) => this.deliver(data));
    connection.on("close", (code) => this.fail(`connection closed (${code}) during a round trip`));
    connection.on("error", (error) => this.fail(`connection error: ${error.message}`));
  }
  protected send(message: Message): void {
    this.connection.send(message);
  }
  close(): Promise<void> {
    if (this.connection.state === "closed") return Promise.resolve();
    return new Promise((resolve) => {
      this.connection.once("close", () => resolve());
      this.connection.close(1000);
    });
  }
}

class WsEchoClient extends EchoClient {
  constructor(readonly socket: WebSocket) {
    super();
    // ws hands text over as a Buffer; @proto delivers a string, so the application's decode is done here.
    socket.on("message", (data: Buffer, isBinary: boolean) =>
      this.deliver(isBinary ? data : data.toString()),
    );
    socket.on("close", (code) => this.fail(`connection closed (${code}) during a round trip`));
    socket.on("error", (error) => this.fail(`connection error: ${error.message}`));
  }
  protected send(message: Message): void {
    this.socket.send(message, { binary: typeof message !== "string" });
  }
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), 2000);
      this.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(1000);
    });
  }
}

/** What a stack's two ends agreed, as each end reports it. */
interface Negotiated {
  server: string;
  client: string;
}

interface Stack {
  name: string;
  client: EchoClient;
  /** The server's end of the TCP connection: its byte counters show what crossed the wire. */
  serverSocket: Socket;
  /** Throws unless permessage-deflate with context takeover was agreed at both ends. */
  negotiated(): Negotiated;
  close(): Promise<void>;
}

async function listen(http: HttpServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(0, "127.0.0.1", () => resolve());
  });
  return (http.address() as AddressInfo).port;
}

function closeHttp(http: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
}

/** One socket the http.Server accepts (the client's), once it connects. */
function nextSocket(http: HttpServer): Promise<Socket> {
  return new Promise((resolve) => http.once("connection", resolve));
}

/** @proto's permessage-deflate extension among a connection's, checked for context takeover. */
function protoDeflate(connection: WebSocketConnection, end: string): string {
  const extension = connection.extensions.find((e) => e.name === PMD);
  if (!(extension instanceof PerMessageDeflateExtension)) {
    throw new Error(`${end}: permessage-deflate was not negotiated (extensions: ${connection.extensions})`);
  }
  const p = extension.codec.params;
  if (p.serverNoContextTakeover || p.clientNoContextTakeover) {
    throw new Error(`${end}: context takeover is off: ${JSON.stringify(p)}`);
  }
  return `${PMD} (threshold ${extension.threshold}, windows ${p.serverMaxWindowBits}/${p.clientMaxWindowBits})`;
}

async function startProtoStack(name: string, threshold: number): Promise<Stack> {
  const http = createServer();
  const compression = threshold === THRESHOLD ? true : { threshold };
  const server = createWebSocketServer({ server: http, compression });
  const accepted = new Promise<WebSocketConnection>((resolve) => server.once("connection", resolve));
  server.on("connection", (connection) => connection.on("message", (data) => connection.send(data)));
  const port = await listen(http);
  const socket = nextSocket(http);
  const connection = await connectWebSocket(`ws://127.0.0.1:${port}/`, { compression });
  const serverConnection = await accepted;
  return {
    name,
    client: new ProtoEchoClient(connection),
    serverSocket: await socket,
    negotiated: () => ({
      server: protoDeflate(serverConnection, `${name} server`),
      client: protoDeflate(connection, `${name} client`),
    }),
    close: async () => {
      await server.close();
      await closeHttp(http);
    },
  };
}

/** ws's permessage-deflate on one end, checked for context takeover. */
function wsDeflate(socket: WebSocket, end: string): string {
  const pmd = (socket as unknown as { _extensions: Record<string, WsPerMessageDeflate | undefined> })
    ._extensions[PMD];
  if (socket.extensions !== PMD || pmd?.params == null) {
    throw new Error(`${end}: permessage-deflate was not negotiated (extensions: "${socket.extensions}")`);
  }
  if (pmd.params.server_no_context_takeover || pmd.params.client_no_context_takeover) {
    throw new Error(`${end}: context takeover is off: ${JSON.stringify(pmd.params)}`);
  }
  return `${PMD} ${JSON.stringify(pmd.params)}`;
}

async function startWsStack(): Promise<Stack> {
  const http = createServer();
  const options = { threshold: THRESHOLD };
  const server = new WebSocketServer({ server: http, perMessageDeflate: options });
  const accepted = new Promise<WebSocket>((resolve) => server.once("connection", resolve));
  server.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  const port = await listen(http);
  const socket = nextSocket(http);
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: options });
  await new Promise((resolve, reject) => client.once("open", resolve).once("error", reject));
  const serverSocket = await accepted;
  return {
    name: WS_NAME,
    client: new WsEchoClient(client),
    serverSocket: await socket,
    negotiated: () => ({
      server: wsDeflate(serverSocket, `${WS_NAME} server`),
      client: wsDeflate(client, `${WS_NAME} client`),
    }),
    close: async () => {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeHttp(http);
    },
  };
}

/**
 * Echoes every message of the pool once, checking each comes back as sent; returns the mean bytes per
 * message that crossed the wire each way (frame headers included), from the server socket's counters.
 */
async function echoAll(stack: Stack, w: Workload): Promise<{ up: number; down: number }> {
  const read = stack.serverSocket.bytesRead;
  const written = stack.serverSocket.bytesWritten;
  for (const message of w.pool) {
    const echo = await stack.client.roundTrip(message);
    if (!sameMessage(message, echo)) {
      throw new Error(`${stack.name}: echo of a ${w.label} message differs from what was sent`);
    }
  }
  const n = w.pool.length;
  return {
    up: (stack.serverSocket.bytesRead - read) / n,
    down: (stack.serverSocket.bytesWritten - written) / n,
  };
}

// ---------------------------------------------------------------------------------------------------
// Codec only.

interface CodecPair {
  name: string;
  /** Compresses at the server, decompresses at the client; resolves with the message back. */
  roundTrip(message: Uint8Array): Promise<Uint8Array>;
  /** The compressed payload of the next message (advances the server's window). */
  compressOnly(message: Uint8Array): Promise<Uint8Array>;
}

function protoCodecs(name: string, engine?: RawDeflateEngine): CodecPair {
  const server: DeflateCodec = createDeflateCodec(engine ? { role: "server", engine } : { role: "server" });
  const client: DeflateCodec = createDeflateCodec(engine ? { role: "client", engine } : { role: "client" });
  return {
    name,
    roundTrip: async (message) => client.decompress(server.compress(message)),
    compressOnly: async (message) => server.compress(message),
  };
}

/** `[name, value]` → ws's normalized `{ name: [value] }` shape, as its header parser produces. */
const asOffer = (params: Record<string, unknown>): Array<Record<string, unknown[]>> => [
  Object.fromEntries(Object.entries(params).map(([key, value]) => [key, [value]])),
];

function wsCodecs(): CodecPair {
  const server = new WsPerMessageDeflate({ isServer: true, threshold: THRESHOLD });
  const client = new WsPerMessageDeflate({ threshold: THRESHOLD });
  client.accept(asOffer(server.accept(asOffer(client.offer()))));
  const compress = (message: Uint8Array) =>
    new Promise<Buffer>((resolve, reject) =>
      server.compress(Buffer.from(message.buffer, message.byteOffset, message.length), true, (e, out) =>
        e || !out ? reject(e ?? new Error("no output")) : resolve(out),
      ),
    );
  const decompress = (payload: Buffer) =>
    new Promise<Buffer>((resolve, reject) =>
      client.decompress(payload, true, (e, out) =>
        e || !out ? reject(e ?? new Error("no output")) : resolve(out),
      ),
    );
  return {
    name: `ws ${wsVersion} PerMessageDeflate`,
    roundTrip: async (message) => decompress(await compress(message)),
    compressOnly: compress,
  };
}

/**
 * node:zlib with the whole window (up to 32 KiB) as the preset dictionary of every message, instead of
 * zlib.node.ts's `max(MIN_DICTIONARY, 4 × message)`: only for the ratio rows, to show what that
 * heuristic costs. Defined here, in the bench; the package is unchanged.
 */
const defaultEngine = createDeflateCodec().engine;
const wholeWindowEngine: RawDeflateEngine = {
  name: "node:zlib, whole window as dictionary",
  createDeflater(options) {
    const history = options.noContextTakeover ? undefined : new SlidingWindow(options.windowBits);
    return {
      deflate(data) {
        const dictionary = history?.tail();
        const out = deflateRawSync(data, {
          windowBits: options.windowBits,
          level: options.level,
          memLevel: options.memLevel,
          finishFlush: constants.Z_SYNC_FLUSH,
          ...(dictionary && dictionary.length > 0 ? { dictionary } : {}),
        });
        history?.push([data]);
        return new Uint8Array(out.buffer, out.byteOffset, out.length);
      },
      reset: () => history?.clear(),
    };
  },
  // The default engine's inflater (node:zlib's, in Node) already primes zlib with the whole window.
  createInflater: (options) => defaultEngine.createInflater(options),
};

// ---------------------------------------------------------------------------------------------------
// Compression ratio over the chat corpus.

/** Payload bytes of the corpus compressed message by message through one codec pair (checked back). */
async function corpusBytes(pair: CodecPair, corpus: readonly Uint8Array[]): Promise<number> {
  let total = 0;
  for (const message of corpus) total += (await pair.compressOnly(message)).length;
  return total;
}

/** Through a fresh pair, every message of the corpus must come back as it was. */
async function checkCorpus(make: () => CodecPair, corpus: readonly Uint8Array[]): Promise<void> {
  const pair = make();
  for (const [i, message] of corpus.entries()) {
    const back = await pair.roundTrip(message);
    if (Buffer.compare(back, message) !== 0) throw new Error(`${pair.name}: corpus message ${i} differs`);
  }
}

async function ratioNotes(): Promise<void> {
  const corpus = chatCorpus().map((m) => encoder.encode(m));
  const original = corpus.reduce((n, m) => n + m.length, 0);
  const sizes = corpus.map((m) => m.length).sort((a, b) => a - b);
  const below = sizes.filter((s) => s < THRESHOLD).length;
  const makeOurs = () => protoCodecs("@proto createDeflateCodec");
  const makeWhole = () => protoCodecs("@proto codec, whole-window engine", wholeWindowEngine);
  for (const make of [makeOurs, makeWhole, wsCodecs]) await checkCorpus(make, corpus);
  const ours = (await corpusBytes(makeOurs(), corpus)) / original;
  const whole = (await corpusBytes(makeWhole(), corpus)) / original;
  const ws = (await corpusBytes(wsCodecs(), corpus)) / original;
  // As sent: @proto's extension leaves messages under its threshold raw (ws, with context takeover, does not).
  const extension = new PerMessageDeflateExtension(createDeflateCodec({ role: "server" }), THRESHOLD);
  let sent = 0;
  for (const message of corpus) sent += extension.encodeMessage(message).payload.length;
  const asSent = sent / original;
  const f = (r: number) => r.toFixed(4);
  addNote(
    `ws-deflate ratio: corpus of ${corpus.length} chat JSON messages, ${original} B (median ` +
      `${sizes[sizes.length >> 1]} B, max ${sizes[sizes.length - 1]} B, ${below} under ${THRESHOLD} B), ` +
      `compressed in order through one codec pair with context takeover; ratio = compressed/original ` +
      `(lower is better), quotient = @proto/ws (above 1: @proto sends more).`,
  );
  addNote(
    `ws-deflate ratio, every message compressed: @proto ${f(ours)}, ws ${f(ws)}, quotient ` +
      `${(ours / ws).toFixed(3)}x. With the whole 32 KiB window as dictionary (bench-local engine, not ` +
      `zlib.node.ts's max(MIN_DICTIONARY=4096, 4x message)): @proto ${f(whole)}, quotient ${(whole / ws).toFixed(3)}x.`,
  );
  addNote(
    `ws-deflate ratio, as each stack sends by default (threshold ${THRESHOLD}: @proto sends smaller ` +
      `messages raw, ws with context takeover compresses all): @proto ${f(asSent)}, ws ${f(ws)}, quotient ` +
      `${(asSent / ws).toFixed(3)}x.`,
  );
}

// ---------------------------------------------------------------------------------------------------

export function wsDeflateSuite(): AsyncSuite {
  const small = textWorkload("128 B JSON", 128, 256);
  const medium = textWorkload("4 KiB JSON", 4096, 64);
  const large = textWorkload("64 KiB JSON", 64 * 1024, 16);
  const random = randomWorkload("64 KiB random", 64 * 1024, 16);
  const workloads = [small, medium, large, random];

  const started: { proto?: Stack; protoT0?: Stack; ws?: Stack } = {};
  const need = (stack: Stack | undefined): Stack => {
    if (stack === undefined) throw new Error("ws-deflate: stacks not started (setup did not run)");
    return stack;
  };
  /** Both stacks of a row: negotiated, and every pool message echoed intact (which also warms them). */
  const verifyStacks = async (stacks: Stack[], w: Workload) => {
    const wire: string[] = [];
    for (const stack of stacks) {
      stack.negotiated();
      const { up, down } = await echoAll(stack, w);
      wire.push(`${stack.name} ${up.toFixed(0)}/${down.toFixed(0)} B`);
    }
    addNote(
      `ws-deflate wire bytes per ${w.label} message (client→server/server→client): ${wire.join(", ")}.`,
    );
  };

  const comparisons: AsyncComparison[] = [];
  type ProtoKey = "proto" | "protoT0";
  const subjectName = (key: ProtoKey) => (key === "proto" ? PROTO_NAME : PROTO_T0_NAME);
  /** Under the default threshold @proto sends raw what ws deflates: shown, but not held to the target. */
  const raw = (w: Workload, key: ProtoKey) => key === "proto" && w.size < THRESHOLD;
  const label = (w: Workload, key: ProtoKey) =>
    key === "protoT0"
      ? `${w.label} (@proto threshold 0)`
      : raw(w, key)
        ? `${w.label} (@proto sends raw: < threshold)`
        : w.label;
  const echoRow = (w: Workload, subjectKey: ProtoKey) =>
    comparisons.push({
      title: `deflate echo round trip, ${label(w, subjectKey)}`,
      bytesPerOp: w.size,
      show: "both",
      ...(raw(w, subjectKey) ? {} : { target: TARGET }),
      subject: { name: subjectName(subjectKey), fn: () => need(started[subjectKey]).client.next(w.pool) },
      peer: { name: WS_NAME, fn: () => need(started.ws).client.next(w.pool) },
      verify: () => verifyStacks([need(started[subjectKey]), need(started.ws)], w),
    });
  const burstRow = (w: Workload, depth: number, subjectKey: ProtoKey) =>
    comparisons.push({
      title: `deflate echo, ${w.label} x${depth} in flight${label(w, subjectKey).slice(w.label.length)}`,
      bytesPerOp: w.size * depth,
      show: "both",
      ...(raw(w, subjectKey) ? {} : { target: TARGET }),
      subject: {
        name: subjectName(subjectKey),
        fn: () => need(started[subjectKey]).client.burst(w.pool, depth),
      },
      peer: { name: WS_NAME, fn: () => need(started.ws).client.burst(w.pool, depth) },
      verify: async () => {
        await need(started[subjectKey]).client.burst(w.pool, depth);
        await need(started.ws).client.burst(w.pool, depth);
      },
    });

  // Pipelined: 100 in flight; 16 for 64 KiB (1 MiB a burst), so that a round still holds several bursts.
  const depth = (w: Workload) => (w.size > 4096 ? 16 : 100);
  for (const w of workloads) echoRow(w, "proto");
  echoRow(small, "protoT0");
  for (const w of workloads) burstRow(w, depth(w), "proto");
  burstRow(small, depth(small), "protoT0");

  const corpus: Workload = { label: "chat corpus (200 messages)", size: 0, pool: chatCorpus() };
  corpus.size = corpus.pool.reduce((n, m) => n + Buffer.byteLength(m), 0);
  for (const w of [...workloads, corpus]) {
    const bytes = w.pool.map((m) => (typeof m === "string" ? encoder.encode(m) : m));
    const ours = protoCodecs("@proto createDeflateCodec");
    const theirs = wsCodecs();
    let a = 0;
    let b = 0;
    // One operation: the next message, or for the corpus every message in order.
    const op = (pair: CodecPair, at: () => number) =>
      w === corpus
        ? async () => {
            for (const message of bytes) await pair.roundTrip(message);
          }
        : () => pair.roundTrip(bytes[at() % bytes.length]!);
    comparisons.push({
      title: `deflate codec compress+decompress, ${w.label}`,
      bytesPerOp: w.size,
      show: "both",
      target: TARGET,
      subject: { name: ours.name, fn: op(ours, () => a++) },
      peer: { name: theirs.name, fn: op(theirs, () => b++) },
      verify: async () => {
        for (const pair of [ours, theirs]) {
          for (const message of bytes) {
            const back = await pair.roundTrip(message);
            if (Buffer.compare(back, message) !== 0) throw new Error(`${pair.name}: ${w.label} differs`);
          }
        }
      },
    });
  }

  return {
    comparisons,
    // 15 rows of about 2.5 s each (warm-up, then 9 rounds of 120 ms per side).
    roundOptions: { rounds: 9, roundMs: 120, warmupMs: 200 },
    setup: async () => {
      started.proto = await startProtoStack(PROTO_NAME, THRESHOLD);
      started.protoT0 = await startProtoStack(PROTO_T0_NAME, 0);
      started.ws = await startWsStack();
      for (const stack of [started.proto, started.protoT0, started.ws]) {
        const { server, client } = stack.negotiated();
        // A compressible message must cross the wire compressed both ways, or the rows measure nothing.
        const { up, down } = await echoAll(stack, medium);
        if (up > medium.size / 2 || down > medium.size / 2) {
          throw new Error(
            `${stack.name}: ${medium.label} messages crossed as ${up.toFixed(0)}/${down.toFixed(0)} B: ` +
              "not compressed, though permessage-deflate was negotiated",
          );
        }
        addNote(`ws-deflate: ${stack.name}: server ${server}; client ${client}.`);
      }
      addNote(
        `ws-deflate: ws applies threshold ${THRESHOLD} only without context takeover (lib/sender.js), so it ` +
          `deflates 128 B messages; @proto sends them raw unless threshold is 0 (the "threshold 0" rows). ` +
          "ws runs zlib in libuv's thread pool (callbacks, 10 jobs at once per process, shared here by " +
          "its server and client); @proto's node:zlib engine runs it synchronously on the event loop.",
      );
      await ratioNotes();
    },
    teardown: async () => {
      await Promise.allSettled([started.proto?.client.close(), started.protoT0?.client.close()]);
      await Promise.allSettled([started.ws?.client.close()]);
      await Promise.allSettled([started.proto?.close(), started.protoT0?.close(), started.ws?.close()]);
    },
  };
}
