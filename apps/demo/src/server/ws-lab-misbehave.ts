/**
 * The "misbehaving client": a raw TCP client (node:net + @proto/ws-handshake + hand-built frames) that
 * connects to the lab's own `/ws`, sends one frame a conforming client never sends, and reports the
 * server's answer: the Close frame's code and reason, read from the bytes the server wrote.
 */
import { connect } from "node:net";
import { decodeCloseBody, encodeFrame, FrameDecoder, mask, Opcode } from "@proto/ws-frame";
import { createClientHandshake, parseResponseHead } from "@proto/ws-handshake";

/** Each kind of bad frame, the RFC 6455 rule it breaks and the close code that rule calls for. */
export const MISBEHAVIOURS = {
  /** §5.1: "a client MUST mask all frames that it sends to the server". */
  "unmasked-frame": { expected: 1002, rule: "RFC 6455 §5.1" },
  /** §8.1: text frames carry UTF-8; C3 28 is a lead byte followed by a non-continuation byte. */
  "invalid-utf8": { expected: 1007, rule: "RFC 6455 §8.1" },
  /** §5.2: opcodes 0x3-0x7 are reserved for further non-control frames. */
  "reserved-opcode": { expected: 1002, rule: "RFC 6455 §5.2" },
  /** §5.2: RSV1 MUST be 0 unless an extension that defines it was negotiated (none is here). */
  "rsv1-without-extension": { expected: 1002, rule: "RFC 6455 §5.2" },
  /** §5.5: "Control frames themselves MUST NOT be fragmented." */
  "fragmented-ping": { expected: 1002, rule: "RFC 6455 §5.5" },
  /** §5.5: control frames carry at most 125 bytes of payload. */
  "ping-too-long": { expected: 1002, rule: "RFC 6455 §5.5" },
  /** §5.4: a continuation frame needs a message to continue. */
  "orphan-continuation": { expected: 1002, rule: "RFC 6455 §5.4" },
  /** §5.2: "the minimal number of bytes MUST be used to encode the length". */
  "non-minimal-length": { expected: 1002, rule: "RFC 6455 §5.2" },
  /** §7.4.1: 1005 "MUST NOT be set as a status code in a Close control frame". */
  "close-code-1005": { expected: 1002, rule: "RFC 6455 §7.4.1" },
} as const;

export type MisbehaviourKind = keyof typeof MISBEHAVIOURS;

export function isMisbehaviourKind(kind: unknown): kind is MisbehaviourKind {
  return typeof kind === "string" && Object.hasOwn(MISBEHAVIOURS, kind);
}

export interface MisbehaveResult {
  kind: MisbehaviourKind;
  expected: number;
  rule: string;
  /** Base64 of what the raw client sent: the handshake request, then the bad frame. */
  request: string;
  badFrame: string;
  /** Base64 of what the server wrote: the 101 response head, then its frames. */
  response: string;
  frames: string;
  /** The code and reason of the server's Close frame, or null when none came (timeout, reset). */
  closeCode: number | null;
  closeReason: string;
  /** Whether the server ended the TCP connection after its Close (§7.1.1: the server closes first). */
  serverEnded: boolean;
  elapsedMs: number;
}

const encoder = new TextEncoder();

/** A masked frame with a hand-written header: for headers `encodeFrame` refuses to write. */
function rawMaskedFrame(first: number, lengthBytes: number[], payload: Uint8Array, key: Uint8Array) {
  const header = [first, 0x80 | lengthBytes[0]!, ...lengthBytes.slice(1), ...key];
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  mask(out.subarray(header.length), key);
  return out;
}

/** The bad frame for `kind`, masked with `key` unless not masking is the point. */
export function badFrame(kind: MisbehaviourKind, key: Uint8Array): Uint8Array {
  const maskKey = key;
  switch (kind) {
    case "unmasked-frame":
      return encodeFrame({ opcode: Opcode.TEXT, payload: encoder.encode("no mask") });
    case "invalid-utf8":
      return encodeFrame(
        { opcode: Opcode.TEXT, payload: new Uint8Array([0x48, 0x69, 0x20, 0xc3, 0x28]) },
        { maskKey },
      );
    case "reserved-opcode":
      return encodeFrame({ opcode: 0x3, payload: encoder.encode("opcode 3") }, { maskKey });
    case "rsv1-without-extension":
      return encodeFrame({ opcode: Opcode.TEXT, rsv1: true, payload: encoder.encode("rsv1") }, { maskKey });
    case "fragmented-ping":
      // FIN = 0 on a Ping: encodeFrame refuses, so the header is written by hand.
      return rawMaskedFrame(Opcode.PING, [4], encoder.encode("ping"), key);
    case "ping-too-long":
      return rawMaskedFrame(0x80 | Opcode.PING, [126, 0, 126], new Uint8Array(126).fill(0x70), key);
    case "orphan-continuation":
      return encodeFrame({ opcode: Opcode.CONTINUATION, payload: encoder.encode("tail") }, { maskKey });
    case "non-minimal-length":
      // 5 bytes announced with the 16-bit form (126, 0x0005) instead of the 7-bit one.
      return rawMaskedFrame(0x80 | Opcode.TEXT, [126, 0, 5], encoder.encode("hello"), key);
    case "close-code-1005":
      return rawMaskedFrame(0x80 | Opcode.CLOSE, [2], new Uint8Array([0x03, 0xed]), key);
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown misbehaviour ${String(unreachable)}`);
    }
  }
}

/**
 * Connects to `ws://127.0.0.1:<port>/ws`, completes the handshake, sends the bad frame and waits (at
 * most `timeoutMs`) for the server to close. Rejects if the handshake itself fails.
 */
export function misbehave(port: number, kind: MisbehaviourKind, timeoutMs = 3000): Promise<MisbehaveResult> {
  const started = performance.now();
  const hs = createClientHandshake({ url: `ws://127.0.0.1:${port}/ws?client=misbehaving` });
  const frame = badFrame(kind, crypto.getRandomValues(new Uint8Array(4)));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = new Uint8Array(0);
    let headLength = -1;
    let serverEnded = false;
    let settled = false;
    const timer = setTimeout(() => finish(), timeoutMs);
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      if (headLength < 0) {
        fail(new Error(`no handshake response within ${timeoutMs} ms`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result(kind, hs.request, frame, received, headLength, serverEnded, started));
    };
    socket.on("connect", () => socket.write(hs.request));
    socket.on("data", (chunk: Buffer) => {
      const next = new Uint8Array(received.length + chunk.length);
      next.set(received);
      next.set(chunk, received.length);
      received = next;
      if (headLength >= 0 || received.length > 64 * 1024) return;
      const parsed = parseResponseHead(received);
      if (!parsed) return;
      const verdict = hs.verify(parsed.head);
      if (!verdict.ok) {
        fail(new Error(`handshake refused: ${verdict.code} ${verdict.reason}`));
        return;
      }
      headLength = parsed.bytesConsumed;
      socket.write(frame);
    });
    socket.on("end", () => {
      serverEnded = true;
      finish();
    });
    socket.on("close", () => finish());
    socket.on("error", (error) => (headLength < 0 ? fail(error) : finish()));
  });
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function result(
  kind: MisbehaviourKind,
  request: Uint8Array,
  frame: Uint8Array,
  received: Uint8Array,
  headLength: number,
  serverEnded: boolean,
  started: number,
): MisbehaveResult {
  const frames = received.subarray(headLength);
  let closeCode: number | null = null;
  let closeReason = "";
  try {
    // Server frames are unmasked: decode as the client we are.
    for (const f of new FrameDecoder({ role: "client" }).push(frames)) {
      if (f.opcode !== Opcode.CLOSE) continue;
      ({ code: closeCode, reason: closeReason } = decodeCloseBody(f.payload));
      break;
    }
  } catch (error) {
    closeReason = `unreadable server frames: ${error instanceof Error ? error.message : String(error)}`;
  }
  const { expected, rule } = MISBEHAVIOURS[kind];
  return {
    kind,
    expected,
    rule,
    request: b64(request),
    badFrame: b64(frame),
    response: b64(received.subarray(0, headLength)),
    frames: b64(frames),
    closeCode,
    closeReason,
    serverEnded,
    elapsedMs: Math.round(performance.now() - started),
  };
}
