/**
 * The tour's second half: the WebSocket handshake and frame with its heartbeat, HPACK shrinking a
 * repeated request, and that request as an HTTP/2 HEADERS frame.
 */
import { encodeFrame as encodeH2Frame, FrameType, FrameDecoder as H2FrameDecoder } from "@proto/h2-frame";
import { describeBlock, HpackDecoder, HpackEncoder } from "@proto/hpack";
import { encodeFrame, Opcode, WebSocketSession } from "@proto/ws-frame";
import { computeAccept } from "@proto/ws-handshake";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const bits = (b: number) => b.toString(2).padStart(8, "0");

export function webSocketSection(say: (s?: string) => void): void {
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  say("  Opening handshake (RFC 6455 §4): the server proves it read the key:");
  say(`    Sec-WebSocket-Key: ${key}`);
  say(
    `    Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)) = ${computeAccept(key)}`,
  );
  say();
  const maskKey = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  const frame = encodeFrame({ opcode: Opcode.TEXT, payload: new TextEncoder().encode("Hello") }, { maskKey });
  say('  A masked text frame "Hello" from a client (RFC 6455 §5.2, §5.7):');
  say(`    ${hex(frame)}`);
  say(`    byte 0 ${bits(frame[0]!)}  FIN=1 RSV1-3=000 opcode=0001 (text)`);
  say(`    byte 1 ${bits(frame[1]!)}  MASK=1 payload length=${frame[1]! & 0x7f}`);
  say(`    bytes 2-5 ${hex(frame.subarray(2, 6))}  masking key`);
  say(`    bytes 6-10 ${hex(frame.subarray(6))}  "Hello" XOR key (a proxy cannot read or cache it)`);
  say();
  say("  Heartbeat (心跳): the client pings, the server's session answers with a pong by itself:");
  const client = new WebSocketSession({ role: "client" });
  const server = new WebSocketSession({ role: "server" });
  client.ping(new TextEncoder().encode("hb-1"));
  const ping = client.dataToSend();
  const seen = server.receive(ping).map((e) => e.type);
  const pong = server.dataToSend();
  const answer = client
    .receive(pong)
    .map((e) => (e.type === "pong" ? `pong "${new TextDecoder().decode(e.data)}"` : e.type));
  say(`    client → server ${hex(ping)}   server sees: ${seen.join(", ")}`);
  say(`    server → client ${hex(pong)}   client sees: ${answer.join(", ")}`);
}

export function hpackSection(say: (s?: string) => void): Uint8Array {
  const request: Array<[string, string]> = [
    [":method", "GET"],
    [":scheme", "https"],
    [":authority", "www.example.com"],
    [":path", "/index.html"],
    [
      "user-agent",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
    ],
    ["accept", "text/html,application/xhtml+xml"],
    ["accept-language", "zh-CN,zh;q=0.9,en;q=0.8"],
  ];
  const raw = request.reduce((n, [k, v]) => n + k.length + v.length, 0);
  const encoder = new HpackEncoder();
  const decoder = new HpackDecoder();
  const first = encoder.encode(request);
  decoder.decode(first);
  const second = encoder.encode(request);
  say(
    `  The same request twice on one connection (${request.length} fields, ${raw} bytes of names and values):`,
  );
  say(
    `    first  request: ${first.length} bytes (static table, Huffman, and new entries in the dynamic table)`,
  );
  say(`    second request: ${second.length} bytes: ${hex(second)}`);
  for (const r of describeBlock(second, decoder)) {
    say(
      `      ${hex(second.subarray(r.offset, r.offset + r.bytes)).padEnd(6)} ${r.kind} #${r.index} (${r.table} table) → ${r.name}: ${r.value}`,
    );
  }
  say(
    `    dynamic table: ${decoder.dynamicTable.entries.length} entries, ${decoder.dynamicTable.size} of ${decoder.dynamicTable.maxSize} bytes`,
  );
  return second;
}

export function http2Section(say: (s?: string) => void, headerBlock: Uint8Array): void {
  const frame = encodeH2Frame({
    type: FrameType.HEADERS,
    streamId: 1,
    headerBlock,
    endStream: true,
    endHeaders: true,
  });
  const [decoded] = new H2FrameDecoder().push(frame);
  say("  That block as an HTTP/2 HEADERS frame on stream 1 (RFC 9113 §4.1, §6.2):");
  say(`    ${hex(frame)}`);
  say(
    `    length ${hex(frame.subarray(0, 3))} = ${headerBlock.length}, type ${hex(frame.subarray(3, 4))} = HEADERS, flags ${hex(frame.subarray(4, 5))} = END_STREAM|END_HEADERS, stream ${hex(frame.subarray(5, 9))} = 1`,
  );
  say(
    `    decoded back: type ${decoded?.type}, stream ${decoded?.streamId}, ${headerBlock.length}-byte header block`,
  );
}
