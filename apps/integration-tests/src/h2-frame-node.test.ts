/**
 * Real peer: Node's http2 (nghttp2 inside) over real TCP on 127.0.0.1, against @proto/h2-frame's
 * encodeFrame and FrameDecoder, in both directions.
 *
 * - Node http2 server ← a raw net.Socket speaking our frames: preface + SETTINGS, PING, a request on
 *   stream 1 (a hand-built HPACK block: static-table indexed fields and one literal without Huffman, RFC
 *   7541 §6.1, §6.2.1), GOAWAY; everything the server sends is decoded by our FrameDecoder.
 * - Node http2 client (http2.connect) → a raw net server of ours: it decodes the client's preface and
 *   frames, answers SETTINGS / SETTINGS ACK / PING ACK and a response, all made with encodeFrame.
 */
import * as http2 from "node:http2";
import { connect, createServer, type Server, type Socket } from "node:net";
import {
  CONNECTION_PREFACE,
  ErrorCode,
  encodeFrame,
  Flags,
  type Frame,
  FrameDecoder,
  FrameType,
  Http2Error,
  SettingId,
} from "@proto/h2-frame";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const HOST = "127.0.0.1";
const WAIT_MS = 10_000;

/** Frames decoded from one socket, errors kept, and waiters for a frame that satisfies a predicate. */
class FrameLog {
  readonly frames: Frame[] = [];
  readonly errors: unknown[] = [];
  private waiters: Array<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];

  constructor(private readonly decoder: FrameDecoder) {}

  push(chunk: Uint8Array): Frame[] {
    let out: Frame[] = [];
    try {
      out = [...this.decoder.push(chunk), ...this.decoder.push(new Uint8Array(0))];
    } catch (err) {
      this.errors.push(err);
    }
    for (const frame of out) {
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(frame)) return true;
        w.resolve(frame);
        return false;
      });
    }
    return out;
  }

  /** The first frame (already seen or still to come) that passes `test`. */
  waitFor<T extends Frame>(what: string, test: (f: Frame) => f is T): Promise<T>;
  waitFor(what: string, test: (f: Frame) => boolean): Promise<Frame>;
  waitFor(what: string, test: (f: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const types = this.frames.map((f) => `${f.type}/${f.flags}@${f.streamId}`).join(" ");
        reject(new Error(`timed out waiting for ${what}; got frames [${types}], errors ${this.errors}`));
      }, WAIT_MS);
      this.waiters.push({
        test,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      });
    });
  }
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
const isType =
  <T extends Frame["type"]>(type: T) =>
  (f: Frame): f is Extract<Frame, { type: T }> =>
    f.type === type;

/** GET / on `authority`: :method GET (2), :scheme http (6), :path / (4), :authority literal (index 1). */
function requestBlock(authority: string): Uint8Array {
  if (authority.length > 126) throw new Error("authority too long for a one-octet length");
  return concat(Uint8Array.of(0x82, 0x86, 0x84, 0x41, authority.length), ascii(authority));
}

function listening(server: Server | http2.Http2Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve((server.address() as { port: number }).port));
  });
}

describe("our frames → Node http2 server (nghttp2)", () => {
  let server: http2.Http2Server;
  let port = 0;
  const body = "hello from node:http2\n".repeat(20);
  const sessionErrors: unknown[] = [];

  beforeAll(async () => {
    server = http2.createServer();
    server.on("stream", (stream, headers) => {
      stream.respond({ ":status": 200, "content-type": "text/plain", "x-path": String(headers[":path"]) });
      stream.end(body);
    });
    server.on("sessionError", (err) => sessionErrors.push(err));
    port = await listening(server);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("SETTINGS both ways, PING ACK, a GET answered with HEADERS + DATA, then GOAWAY closes the socket", async () => {
    // We advertise MAX_FRAME_SIZE 32768, so the server may send frames that large: our decoder allows it.
    const log = new FrameLog(new FrameDecoder({ maxFrameSize: 32768 }));
    const socket: Socket = connect(port, HOST);
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => {
      for (const frame of log.push(chunk)) {
        if (isType(FrameType.SETTINGS)(frame) && !frame.ack) {
          socket.write(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }));
        }
      }
    });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));

    socket.write(
      concat(
        CONNECTION_PREFACE,
        encodeFrame({
          type: FrameType.SETTINGS,
          streamId: 0,
          ack: false,
          settings: [
            [SettingId.INITIAL_WINDOW_SIZE, 1 << 20],
            [SettingId.MAX_FRAME_SIZE, 32768],
            [SettingId.ENABLE_PUSH, 0],
          ],
        }),
      ),
    );

    // The server's own SETTINGS (its preface, §3.4) and its ACK of ours (§6.5.3).
    const serverSettings = await log.waitFor(
      "server SETTINGS",
      (f): f is Extract<Frame, { type: 0x4 }> =>
        f.type === FrameType.SETTINGS && !(f as { ack: boolean }).ack,
    );
    expect(serverSettings.streamId).toBe(0);
    for (const [id, value] of serverSettings.settings) {
      expect(Number.isInteger(id) && Number.isInteger(value)).toBe(true);
    }
    const ack = await log.waitFor(
      "SETTINGS ACK",
      (f) => f.type === FrameType.SETTINGS && f.flags === Flags.ACK,
    );
    expect(ack).toMatchObject({ streamId: 0, ack: true, settings: [] });
    expect(log.frames[0]?.type, "the server's first frame is SETTINGS").toBe(FrameType.SETTINGS);

    // PING → PING ACK with the same 8 octets (§6.7).
    const opaque = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04);
    socket.write(encodeFrame({ type: FrameType.PING, streamId: 0, ack: false, data: opaque }));
    const pong = await log.waitFor("PING ACK", isType(FrameType.PING));
    expect(pong.ack).toBe(true);
    expect(pong.flags).toBe(Flags.ACK);
    expect(bytesEqual(pong.data, opaque)).toBe(true);

    // GET / on stream 1, END_STREAM|END_HEADERS.
    socket.write(
      encodeFrame({
        type: FrameType.HEADERS,
        streamId: 1,
        headerBlock: requestBlock(`${HOST}:${port}`),
        endStream: true,
        endHeaders: true,
      }),
    );
    const response = await log.waitFor(
      "response HEADERS",
      (f): f is Extract<Frame, { type: 0x1 }> => f.type === FrameType.HEADERS && f.streamId === 1,
    );
    expect(response.endHeaders).toBe(true);
    // nghttp2 encodes ":status: 200" as the static-table index 8 (RFC 7541 Appendix A): 0x88.
    expect(response.headerBlock[0]).toBe(0x88);
    await log.waitFor(
      "the last DATA of stream 1",
      (f) => f.type === FrameType.DATA && f.streamId === 1 && (f as { endStream: boolean }).endStream,
    );
    const data = log.frames.filter(isType(FrameType.DATA)).filter((f) => f.streamId === 1);
    expect(Buffer.concat(data.map((f) => f.data)).toString("latin1")).toBe(body);

    // GOAWAY (§6.8): the server shuts the session down and the socket closes.
    socket.write(
      encodeFrame({
        type: FrameType.GOAWAY,
        streamId: 0,
        lastStreamId: 0,
        errorCode: ErrorCode.NO_ERROR,
        debugData: ascii("bye"),
      }),
    );
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error("socket did not close")), WAIT_MS)),
    ]);

    expect(log.errors).toEqual([]);
    expect(sessionErrors).toEqual([]);
    // Every type the server sent is one the decoder knows (no unknown payloads from nghttp2 here).
    const known = new Set<number>(Object.values(FrameType));
    expect(log.frames.filter((f) => !known.has(f.type))).toEqual([]);
  });
});

describe("Node http2 client (nghttp2) → our frames", () => {
  let server: Server;
  let port = 0;
  const sockets = new Set<Socket>();
  const logs: FrameLog[] = [];
  const prefaces: Uint8Array[] = [];
  const responseBody = ascii("ok from @proto/h2-frame");

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      const log = new FrameLog(new FrameDecoder());
      logs.push(log);
      // Our server preface: a SETTINGS frame first (§3.4).
      socket.write(
        encodeFrame({
          type: FrameType.SETTINGS,
          streamId: 0,
          ack: false,
          settings: [[SettingId.MAX_CONCURRENT_STREAMS, 100]],
        }),
      );
      let head = new Uint8Array(0);
      let inPreface = true;
      socket.on("data", (chunk: Buffer) => {
        let input: Uint8Array = chunk;
        if (inPreface) {
          head = concat(head, chunk);
          if (head.length < CONNECTION_PREFACE.length) return;
          prefaces.push(head.slice(0, CONNECTION_PREFACE.length));
          input = head.slice(CONNECTION_PREFACE.length);
          inPreface = false;
        }
        for (const frame of log.push(input)) {
          // `frame.type === FrameType.X` alone does not narrow: UnknownFrame's `type` is any number.
          if (isType(FrameType.SETTINGS)(frame) && !frame.ack) {
            socket.write(encodeFrame({ type: FrameType.SETTINGS, streamId: 0, ack: true, settings: [] }));
          } else if (isType(FrameType.PING)(frame) && !frame.ack) {
            socket.write(encodeFrame({ type: FrameType.PING, streamId: 0, ack: true, data: frame.data }));
          } else if (isType(FrameType.HEADERS)(frame) && frame.endHeaders) {
            // :status 200 (static index 8), then the body, padded to show PADDED is read right.
            socket.write(
              concat(
                encodeFrame({
                  type: FrameType.HEADERS,
                  streamId: frame.streamId,
                  headerBlock: Uint8Array.of(0x88),
                  endStream: false,
                  endHeaders: true,
                }),
                encodeFrame({
                  type: FrameType.DATA,
                  streamId: frame.streamId,
                  data: responseBody,
                  endStream: true,
                  padLength: 5,
                }),
              ),
            );
          }
        }
      });
    });
    port = await listening(server);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("decodes the client's preface and frames; its PING gets our ACK; a request gets our response", async () => {
    const client = http2.connect(`http://${HOST}:${port}`);
    const clientErrors: unknown[] = [];
    client.on("error", (err) => clientErrors.push(err));
    await new Promise<void>((resolve) => client.once("connect", () => resolve()));

    const payload = Buffer.from("12345678");
    const pinged = await new Promise<{ err: Error | null; payload: Buffer }>((resolve) => {
      client.ping(payload, (err, _duration, back) => resolve({ err, payload: back }));
    });
    expect(pinged.err).toBeNull();
    expect(pinged.payload.equals(payload)).toBe(true);

    const response = await new Promise<{ status: unknown; body: string }>((resolve, reject) => {
      const req = client.request({ ":path": "/h2-frame" });
      let status: unknown;
      const parts: Buffer[] = [];
      req.on("response", (headers) => {
        status = headers[":status"];
      });
      req.on("data", (part: Buffer) => parts.push(part));
      req.on("end", () => resolve({ status, body: Buffer.concat(parts).toString("latin1") }));
      req.on("error", reject);
      req.end();
    });
    expect(response).toEqual({ status: 200, body: "ok from @proto/h2-frame" });

    const log = logs[0]!;
    await new Promise<void>((resolve) => client.close(() => resolve()));
    await log.waitFor("the client's GOAWAY", isType(FrameType.GOAWAY));

    expect(prefaces).toHaveLength(1);
    expect(bytesEqual(prefaces[0]!, CONNECTION_PREFACE)).toBe(true);
    expect(log.errors).toEqual([]);
    expect(clientErrors).toEqual([]);
    expect(log.frames[0]?.type, "the client's first frame after the preface is SETTINGS").toBe(
      FrameType.SETTINGS,
    );
    expect(log.frames.some((f) => f.type === FrameType.SETTINGS && f.flags === Flags.ACK)).toBe(true);
    const ping = log.frames.find(isType(FrameType.PING));
    expect(ping && bytesEqual(ping.data, payload)).toBe(true);
    const request = log.frames.find(isType(FrameType.HEADERS));
    expect(request).toMatchObject({ streamId: 1, endStream: true, endHeaders: true });
    const goaway = log.frames.find(isType(FrameType.GOAWAY));
    expect(goaway).toMatchObject({ streamId: 0, errorCode: ErrorCode.NO_ERROR });
    expect(log.errors.filter((e) => !(e instanceof Http2Error))).toEqual([]);
  });
});
