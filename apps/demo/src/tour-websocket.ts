/**
 * The tour's WebSocket section: a real exchange over loopback through @proto/node (echo server, client,
 * a recording relay between them), then the recorded bytes read back: the opening handshake's two heads
 * and every frame as @proto/ws-frame decodes it.
 */
import { once } from "node:events";
import { connectWebSocket, createWebSocketServer, type WebSocketConnection } from "@proto/node";
import { closeCodeName, decodeCloseBody, FrameDecoder, Opcode, opcodeName } from "@proto/ws-frame";
import { computeAccept } from "@proto/ws-handshake";
import { bits, hex, nsToMs, preview, type Say, within } from "./tour-format";
import { type RelayCapture, startRelay } from "./tour-relay";

/** One frame as read back from the capture. */
export interface DecodedWsFrame {
  from: "client" | "server";
  fin: boolean;
  opcode: number;
  masked: boolean;
  length: number;
  /** For Close frames. */
  closeCode?: number;
}

export const WS_TEXT = "Hello from the @proto tour, 你好";
export const WS_BINARY = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
export const WS_PING = "tour-ping";

/** Runs the exchange: handshake, a text and a binary message echoed, a ping answered, Close 1000. */
export async function runWebSocketExchange(timeoutMs: number): Promise<RelayCapture> {
  const server = createWebSocketServer({ host: "127.0.0.1", port: 0, path: "/tour" });
  server.on("connection", (connection) => {
    connection.on("message", (data) => connection.send(data));
  });
  let client: WebSocketConnection | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  let capture: RelayCapture | undefined;
  /** Closes everything this exchange opened; bounded, like every step. */
  const cleanup = async () => {
    if (client && client.state !== "closed") client.terminate();
    await Promise.all([within(server.close(), timeoutMs, "closing the WebSocket server"), relay?.close()]);
  };
  try {
    const { port } = await within(server.listen(), timeoutMs, "starting the WebSocket server");
    relay = await within(startRelay(port), timeoutMs, "starting the relay");
    client = await within(
      connectWebSocket(`ws://127.0.0.1:${relay.port}/tour`, {
        compression: false,
        handshakeTimeout: timeoutMs,
        closeTimeout: timeoutMs,
      }),
      timeoutMs,
      "the WebSocket opening handshake",
    );
    const c = client;
    const text = once(c, "message");
    c.send(WS_TEXT);
    await within(text, timeoutMs, "the echo of the text message");
    const binary = once(c, "message");
    c.send(WS_BINARY);
    await within(binary, timeoutMs, "the echo of the binary message");
    const pong = once(c, "pong");
    c.ping(WS_PING);
    await within(pong, timeoutMs, "the pong");
    const closed = once(c, "close");
    c.close(1000, "tour done");
    const [code] = (await within(closed, timeoutMs, "the closing handshake")) as [number];
    if (code !== 1000) throw new Error(`tour: the WebSocket closed with ${code}, not 1000`);
    capture = relay.captures[0];
    if (!capture) throw new Error("tour: the relay saw no WebSocket connection");
    await within(capture.closed, timeoutMs, "the WebSocket's TCP teardown");
  } catch (error) {
    // A failing cleanup must not hide the first error.
    await cleanup().catch(() => {});
    throw error;
  }
  await cleanup();
  return capture;
}

/** Splits an HTTP/1.1 head off the front of a byte stream; undefined until it is complete. */
function splitHead(bytes: Uint8Array): { head: string; rest: Uint8Array } | undefined {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) {
      return {
        head: new TextDecoder("latin1").decode(bytes.subarray(0, i - 3)),
        rest: bytes.subarray(i + 1),
      };
    }
  }
  return undefined;
}

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

const headerOf = (head: string, name: string) =>
  head
    .split("\r\n")
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();

/** Prints the recorded exchange; returns the frames it found. */
export function webSocketSection(say: Say, capture: RelayCapture): DecodedWsFrame[] {
  say(
    `  client 127.0.0.1:${capture.clientPort} → relay 127.0.0.1:${capture.serverPort} → @proto/node echo server 127.0.0.1:${capture.upstreamPort}`,
  );
  say(`  ${capture.chunks.length} chunks recorded by the relay, each with its direction and arrival time.`);
  say();
  const sides = {
    client: {
      pending: new Uint8Array(0),
      head: undefined as string | undefined,
      firstFrame: undefined as Uint8Array | undefined,
      decoder: new FrameDecoder({ role: "server" }),
    },
    server: {
      pending: new Uint8Array(0),
      head: undefined as string | undefined,
      firstFrame: undefined as Uint8Array | undefined,
      decoder: new FrameDecoder({ role: "client" }),
    },
  };
  const frames: DecodedWsFrame[] = [];
  const lines: string[] = [];
  for (const chunk of capture.chunks) {
    const side = sides[chunk.from];
    let bytes = chunk.data;
    if (side.head === undefined) {
      side.pending = concat(side.pending, bytes);
      const split = splitHead(side.pending);
      if (!split) continue;
      side.head = split.head;
      bytes = split.rest;
    }
    if (bytes.length > 0 && side.firstFrame === undefined) side.firstFrame = bytes;
    const t = nsToMs(chunk.atNs - capture.openedAtNs);
    for (const f of side.decoder.push(bytes)) {
      const frame: DecodedWsFrame = {
        from: chunk.from,
        fin: f.fin,
        opcode: f.opcode,
        masked: f.masked,
        length: f.payload.length,
      };
      let shown = preview(f.payload, { text: f.opcode === Opcode.TEXT });
      if (f.opcode === Opcode.CLOSE) {
        const body = decodeCloseBody(f.payload);
        frame.closeCode = body.code;
        shown = `code ${body.code} (${closeCodeName(body.code)}) reason "${body.reason}"`;
      }
      frames.push(frame);
      const arrow = chunk.from === "client" ? "client → server" : "server → client";
      lines.push(
        `    +${t.padStart(7)} ms  ${arrow}  FIN=${Number(f.fin)} opcode=0x${f.opcode.toString(16)} ${opcodeName(f.opcode).padEnd(6)} MASK=${Number(f.masked)} len=${String(f.payload.length).padStart(3)}  ${shown}`,
      );
    }
  }

  const request = sides.client.head ?? "";
  const response = sides.server.head ?? "";
  say("  Opening handshake (RFC 6455 §4): an HTTP/1.1 GET asking to upgrade, answered by 101:");
  for (const l of request.split("\r\n")) say(`    > ${l}`);
  for (const l of response.split("\r\n")) say(`    < ${l}`);
  const key = headerOf(request, "Sec-WebSocket-Key") ?? "";
  const accept = headerOf(response, "Sec-WebSocket-Accept") ?? "";
  const expected = computeAccept(key);
  say(
    `    Accept check: base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) = ${expected} ${expected === accept ? "✓ matches" : "✗ DOES NOT MATCH"}`,
  );
  say();
  say("  Then frames on the same TCP connection, as @proto/ws-frame decodes the recorded bytes:");
  for (const l of lines) say(l);
  say();
  const first = sides.client.firstFrame;
  if (first && first.length >= 6) {
    say("  The first client frame, bit by bit (RFC 6455 §5.2): a client always masks (§5.3):");
    say(
      `    byte 0 ${bits(first[0]!)}  FIN=${first[0]! >> 7} RSV1-3=${bits(first[0]!).slice(1, 4)} opcode=${bits(first[0]!).slice(4)}`,
    );
    const len7 = first[1]! & 0x7f;
    say(
      `    byte 1 ${bits(first[1]!)}  MASK=${first[1]! >> 7} payload length=${len7}${len7 >= 126 ? " (extended length follows)" : ""}`,
    );
    const keyAt = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
    say(
      `    masking key ${hex(first.subarray(keyAt, keyAt + 4))}: the payload on the wire is XORed with it,`,
    );
    say(`    so ${hex(first.subarray(keyAt + 4, keyAt + 12))}… is what a proxy sees, not the text`);
  }
  say(
    `  The ping was answered by the server's session on its own; Close 1000 went both ways, then the ${capture.firstFin ?? "?"} sent the first FIN (§7.1.1: the server closes TCP first).`,
  );
  return frames;
}
