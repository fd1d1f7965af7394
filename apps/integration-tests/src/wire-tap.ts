/**
 * What the permessage-deflate tests (deflate-ws, deflate-chromium) share: a TCP proxy on 127.0.0.1 that
 * records the bytes of both directions, a reading of those bytes as WebSocket messages (RSV1 and payload
 * size on the wire, parsed with @proto/ws-frame's FrameDecoder), the messages the tests send, and how
 * they are compared.
 */
import { createHash, randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { FrameDecoder } from "@proto/ws-frame";
import { expect } from "vitest";

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** The sizes every echo test sends, each in every kind below. */
export const SIZES = [0, 1, KiB, 64 * KiB, MiB];
export const KINDS = ["compressible text", "compressible binary", "random text", "random binary"] as const;
export type Kind = (typeof KINDS)[number];

/** Repeated JSON records (ASCII), cut to exactly `size` bytes: text that deflate shrinks well. */
export function jsonText(size: number): string {
  let out = "";
  for (let i = 0; out.length < size; i++) {
    out += `${JSON.stringify({ id: i, name: `item-${i}`, ok: i % 3 === 0, tags: ["alpha", "beta"] })}\n`;
  }
  return out.slice(0, size);
}

/** One message of `kind` and `size` bytes: a string for text, a Buffer for binary. */
export function makeMessage(kind: Kind, size: number): string | Buffer {
  switch (kind) {
    case "compressible text":
      return jsonText(size);
    case "compressible binary":
      return Buffer.from(jsonText(size), "latin1");
    case "random text": // base64 of random bytes: valid UTF-8, 6 bits of entropy per byte
      return randomBytes(Math.ceil((size * 3) / 4) + 3)
        .toString("base64")
        .slice(0, size);
    case "random binary":
      return randomBytes(size);
  }
}

export interface SentMessage {
  kind: Kind;
  size: number;
  data: string | Buffer;
}

/** Every size in every kind, in that order: 20 messages, 4.3 MiB in all. */
export function messageSet(): SentMessage[] {
  return SIZES.flatMap((size) => KINDS.map((kind) => ({ kind, size, data: makeMessage(kind, size) })));
}

/** A message's bytes as a Buffer (a view, not a copy). */
export const bytes = (data: string | Uint8Array): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);

/** Kind, size and SHA-256 of a message: what the echo tests compare, readable in a diff. */
export function summary(data: string | Uint8Array, isBinary = typeof data !== "string"): string {
  const b = bytes(data);
  return `${isBinary ? "binary" : "text"} ${b.length} ${createHash("sha256").update(b).digest("hex")}`;
}

/**
 * What our end agreed (RFC 7692 §7.1), read off the permessage-deflate extension's codec: server and
 * client no_context_takeover, server and client max_window_bits.
 */
export function agreedParams(extensions: readonly { name: string }[]): unknown[] {
  expect(extensions.map((e) => e.name)).toEqual(["permessage-deflate"]);
  const { params } = (extensions[0] as unknown as { codec: { params: Record<string, unknown> } }).codec;
  return [
    params.serverNoContextTakeover,
    params.clientNoContextTakeover,
    params.serverMaxWindowBits,
    params.clientMaxWindowBits,
  ];
}

/** A message as it crossed the wire: opcode and RSV1 of its first frame, and its payload bytes. */
export interface WireMessage {
  opcode: number;
  rsv1: boolean;
  frames: number;
  /** Payload bytes on the wire, summed over the message's frames (headers and masks excluded). */
  payloadBytes: number;
}

export interface WireReading {
  /** Bytes of the HTTP head (request or response) before the first frame. */
  headBytes: number;
  /** Every byte after the head: frame headers, masks, payloads. */
  frameBytes: number;
  messages: WireMessage[];
  /** Status codes of the Close frames (1005 for an empty one). */
  closeCodes: number[];
}

/** Reads one direction's captured bytes as WebSocket frames; `masked` for client-to-server bytes. */
export function readWire(chunks: readonly Buffer[], masked: boolean): WireReading {
  const all = Buffer.concat(chunks);
  const headEnd = all.indexOf("\r\n\r\n");
  if (headEnd < 0) throw new Error("no HTTP head in the captured bytes");
  const decoder = new FrameDecoder({ role: masked ? "server" : "client" });
  const messages: WireMessage[] = [];
  const closeCodes: number[] = [];
  let current: WireMessage | undefined;
  for (const frame of decoder.push(all.subarray(headEnd + 4))) {
    if (frame.opcode === 0x8) {
      const p = frame.payload;
      closeCodes.push(p.length >= 2 ? (p[0]! << 8) | p[1]! : 1005);
    } else if (frame.opcode >= 0x8) {
      // ping, pong
    } else if (frame.opcode === 0) {
      if (current === undefined) throw new Error("continuation frame without a message");
      current.frames++;
      current.payloadBytes += frame.payload.length;
    } else {
      current = { opcode: frame.opcode, rsv1: frame.rsv1, frames: 1, payloadBytes: frame.payload.length };
      messages.push(current);
    }
    if (frame.fin && frame.opcode < 0x8) current = undefined;
  }
  return { headBytes: headEnd + 4, frameBytes: all.length - headEnd - 4, messages, closeCodes };
}

/**
 * The wire must show RSV1 on exactly the messages of at least `threshold` bytes (RFC 7692 §6), the
 * compressible ones a fraction of their size and the random ones not smaller. Returns what was measured.
 */
export function checkWire(
  reading: WireReading,
  sent: SentMessage[],
  threshold: number,
  takeover: boolean,
  windowBits = 15,
) {
  expect(reading.messages.map((m) => [m.opcode, m.rsv1])).toEqual(
    sent.map((m) => [typeof m.data === "string" ? 1 : 2, m.size >= threshold]),
  );
  let compressible = 0;
  let compressibleWire = 0;
  sent.forEach((m, i) => {
    const wire = reading.messages[i]!.payloadBytes;
    if (m.kind.startsWith("compressible") && m.size >= 64 * KiB) {
      expect(wire, `${m.kind} ${m.size}`).toBeLessThan(m.size / 8);
    }
    if (m.kind === "random binary" && m.size >= KiB) expect(wire).toBeGreaterThanOrEqual(m.size);
    if (m.kind.startsWith("compressible")) {
      compressible += m.size;
      compressibleWire += wire;
    }
  });
  // The 1 KiB binary message repeats the 1 KiB text before it. Without context takeover (RFC 7692
  // §7.1.1) it costs exactly what the text cost; with it, it refers back into the previous message: one
  // back-reference when the window holds all of it, less than the text when the window is smaller.
  const again = sent.findIndex((m) => m.kind === "compressible binary" && m.size === KiB);
  const [first, repeat] = [reading.messages[again - 1]!.payloadBytes, reading.messages[again]!.payloadBytes];
  if (!takeover) expect(repeat).toBe(first);
  else if (windowBits >= 11) expect(repeat).toBeLessThan(32);
  else expect(repeat).toBeLessThan(first * 0.8);
  const total = sent.reduce((n, m) => n + m.size, 0);
  const big = reading.messages[sent.findIndex((m) => m.kind === "compressible text" && m.size === MiB)]!;
  return (
    `${total} B of messages in ${reading.frameBytes} B of frames; compressible ${compressible} B → ` +
    `${compressibleWire} B; 1 MiB of JSON text → ${big.payloadBytes} B; 1 KiB repeated: ${first} B, then ${repeat} B`
  );
}

/** One proxied TCP connection: `up` is client → server, `down` server → client. */
export interface TappedConnection {
  up: Buffer[];
  down: Buffer[];
  closed: Promise<void>;
}

export interface Tap {
  port: number;
  connections: TappedConnection[];
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 (port 0) to 127.0.0.1:`targetPort` that records every byte both ways. */
export async function startTap(targetPort: number): Promise<Tap> {
  const connections: TappedConnection[] = [];
  const sockets = new Set<Socket>();
  // Half-open on both sides, so each FIN is passed on as it comes, and nothing in flight is cut off.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: "127.0.0.1", port: targetPort, allowHalfOpen: true });
    const tapped: TappedConnection = {
      up: [],
      down: [],
      closed: new Promise((resolve) => {
        let open = 2;
        const done = () => {
          open--;
          if (open === 0) resolve();
        };
        client.once("close", done);
        upstream.once("close", done);
      }),
    };
    connections.push(tapped);
    for (const [from, to, log] of [
      [client, upstream, tapped.up],
      [upstream, client, tapped.down],
    ] as const) {
      sockets.add(from);
      from.once("close", () => sockets.delete(from));
      from.on("error", () => to.destroy());
      from.on("data", (chunk: Buffer) => {
        log.push(chunk);
        if (!to.write(chunk)) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
      from.on("end", () => to.end());
      // A reset (closed without FIN) is passed on as a reset.
      from.on("close", () => {
        if (!from.readableEnded) to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
