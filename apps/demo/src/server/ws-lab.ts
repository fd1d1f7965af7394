/**
 * The WebSocket panel's server side, on the lab's own http.Server:
 * - `/ws`: an echo endpoint (text and binary echoed) built on @proto/node's WebSocketServer through
 *   `handleUpgrade`, with a heartbeat and a small lab `maxMessageSize` (a larger message closes 1009).
 * - `/ws-tap?id=…`: the page's view of the wire; a `/ws?tap=…` connection streams its raw bytes there.
 * - `/api/ws/*`: what a browser WebSocket cannot do by itself: ask for a fragmented echo, a server ping
 *   or a server-side close, and run the misbehaving raw client.
 */
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createWebSocketServer, type WebSocketConnection } from "@proto/node";
import { encodeFrame, isValidCloseCode, Opcode } from "@proto/ws-frame";
import type { LabModule } from "./lab-server";
import { isMisbehaviourKind, MISBEHAVIOURS, misbehave } from "./ws-lab-misbehave";
import { TapHub, validTapId, WireTap } from "./ws-lab-tap";

/** The lab's message limit: 64 KiB (the library's default is 64 MiB), so "oversized" is quick to show. */
export const LAB_MAX_MESSAGE = 64 * 1024;
/** The server pings every 5 s; the browser answers with Pong by itself (it has no ping API). */
export const LAB_HEARTBEAT_MS = 5000;
/** Fragments a fragmented echo may be cut into. */
const MAX_FRAGMENTS = 16;

interface EchoState {
  connection: WebSocketConnection;
  socket: Duplex;
  tap: WireTap;
  /** When set, the next text or binary message is echoed in this many fragments. */
  fragmentNext: number | undefined;
}

export function webSocketLab(http: Server): LabModule {
  const taps = new TapHub();
  const echoes = new Map<string, EchoState>();
  const pending = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer; tap: WireTap }>();

  // Browsers send Origin: only the lab's own page may connect (other sites could reach 127.0.0.1 too);
  // clients without an Origin (tools, tests) are not browsers and may.
  const allowOrigin = (origin: string | undefined) => {
    if (origin === undefined) return true;
    const { port } = http.address() as AddressInfo;
    return [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin);
  };
  const echoServer = createWebSocketServer({
    allowOrigin,
    maxMessageSize: LAB_MAX_MESSAGE,
    heartbeat: { interval: LAB_HEARTBEAT_MS },
    closeTimeout: 3000,
  });
  const tapServer = createWebSocketServer({ allowOrigin, closeTimeout: 1000 });

  echoServer.on("connection", (connection, request) => {
    const started = pending.get(request);
    if (!started) return;
    pending.delete(request);
    const { socket, head, tap } = started;
    tap.watchInbound(socket, head);
    const id = queryParam(request, "tap");
    const state: EchoState = { connection, socket, tap, fragmentNext: undefined };
    if (validTapId(id)) {
      echoes.get(id)?.connection.close(1000, "replaced by a newer connection");
      echoes.set(id, state);
    }
    connection.on("message", (data, isBinary) => {
      if (connection.state !== "open") return;
      if (state.fragmentNext !== undefined) {
        const pieces = state.fragmentNext;
        state.fragmentNext = undefined;
        sendFragmented(state, data, isBinary, pieces);
        return;
      }
      connection.send(data);
    });
    connection.on("close", (code, reason) => {
      if (validTapId(id) && echoes.get(id) === state) echoes.delete(id);
      tap.closed(code, reason);
    });
  });

  tapServer.on("connection", (connection, request) => {
    const id = queryParam(request, "id");
    if (!validTapId(id)) {
      connection.close(1008, "a tap needs ?id= (8-64 URL-safe characters)");
      return;
    }
    taps.add(id, connection);
    // The page only listens; anything it sends is ignored.
  });

  const lookup = (body: unknown): EchoState => {
    const id = (body as { id?: unknown } | undefined)?.id;
    const state = validTapId(id) ? echoes.get(id) : undefined;
    if (state?.connection.state !== "open") throw new Error("no open /ws connection with that tap id");
    return state;
  };

  return {
    upgrade: {
      "/ws": (request, socket, head) => {
        const id = queryParam(request, "tap");
        const tap = new WireTap(validTapId(id) ? taps.get(id) : undefined);
        if (tap.active) {
          tap.request(request);
          tap.watchOutbound(socket);
        }
        pending.set(request, { socket, head, tap });
        echoServer.handleUpgrade(request, socket, head);
        pending.delete(request);
      },
      "/ws-tap": (request, socket, head) => tapServer.handleUpgrade(request, socket, head),
    },
    get: {
      "/api/ws/info": () => ({
        maxMessageSize: LAB_MAX_MESSAGE,
        heartbeatMs: LAB_HEARTBEAT_MS,
        maxFragments: MAX_FRAGMENTS,
        misbehaviours: Object.entries(MISBEHAVIOURS).map(([kind, m]) => ({ kind, ...m })),
      }),
    },
    api: {
      "/api/ws/fragment": (body) => {
        const state = lookup(body);
        const pieces = Number((body as { pieces?: unknown }).pieces ?? 3);
        if (!Number.isInteger(pieces) || pieces < 2 || pieces > MAX_FRAGMENTS) {
          throw new Error(`pieces must be an integer 2-${MAX_FRAGMENTS}`);
        }
        state.fragmentNext = pieces;
        return { armed: pieces };
      },
      "/api/ws/ping": (body) => {
        const state = lookup(body);
        const payload = `lab ${new Date().toISOString().slice(11, 23)}`;
        state.connection.ping(payload);
        return { sent: payload };
      },
      "/api/ws/close": (body) => {
        const state = lookup(body);
        const { code, reason } = body as { code?: unknown; reason?: unknown };
        if (typeof code !== "number" || !isValidCloseCode(code)) {
          throw new Error(`close code ${String(code)} may not be sent in a Close frame (RFC 6455 §7.4)`);
        }
        const text = typeof reason === "string" ? reason : "";
        state.connection.close(code, text);
        return { closing: code };
      },
      "/api/ws/misbehave": (body) => {
        const kind = (body as { kind?: unknown } | undefined)?.kind;
        if (!isMisbehaviourKind(kind)) throw new Error(`unknown misbehaviour ${String(kind)}`);
        const { port } = http.address() as AddressInfo;
        return misbehave(port, kind);
      },
    },
    close: async () => {
      await Promise.allSettled([echoServer.close(), tapServer.close()]);
    },
  };
}

/**
 * Echoes `data` as a fragmented message (§5.4): a first frame with FIN = 0, continuation frames, the
 * last with FIN = 1, and a Ping between the first two fragments (control frames "MAY be injected in the
 * middle of a fragmented message"). The cuts fall on byte counts, so a text message may be cut inside a
 * UTF-8 sequence, which the RFC allows and @proto/node's `send(string, { fin: false })` (whole strings)
 * cannot show; so the frames are built with @proto/ws-frame's `encodeFrame` and written to the socket in
 * one write: nothing else can come between them, and the session has no outbound message open here.
 */
function sendFragmented(
  state: EchoState,
  data: string | Uint8Array,
  isBinary: boolean,
  pieces: number,
): void {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const cuts = cutPoints(bytes.length, pieces);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < cuts.length - 1; i++) {
    frames.push(
      encodeFrame({
        fin: i === cuts.length - 2,
        opcode: i === 0 ? (isBinary ? Opcode.BINARY : Opcode.TEXT) : Opcode.CONTINUATION,
        payload: bytes.subarray(cuts[i], cuts[i + 1]),
      }),
    );
    if (i === 0 && cuts.length > 2) {
      frames.push(
        encodeFrame({ opcode: Opcode.PING, payload: new TextEncoder().encode("between fragments") }),
      );
    }
  }
  state.socket.write(Buffer.concat(frames));
}

/**
 * Where to cut a message of `length` bytes into `pieces` fragments of about equal size. Text may be cut inside a UTF-8
 * sequence (the receiver validates across fragments); fewer pieces when the message is shorter.
 */
function cutPoints(length: number, pieces: number): number[] {
  const n = Math.max(1, Math.min(pieces, length));
  const cuts = [0];
  for (let i = 1; i < n; i++) cuts.push(Math.round((length * i) / n));
  cuts.push(length);
  return cuts;
}

/** A query parameter of the request's URL, or null (also for a URL that does not parse). */
function queryParam(request: IncomingMessage, name: string): string | null {
  try {
    return new URL(request.url ?? "/", "http://lab").searchParams.get(name);
  } catch {
    return null;
  }
}
