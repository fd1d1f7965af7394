/**
 * Test helpers (not exported, not built): a bare client that runs @proto's sans-IO session by hand over a
 * net.Socket, so a test can make the peer misbehave (stop answering pings, ignore a Close), and small
 * helpers to listen and wait.
 */
import { EventEmitter, once } from "node:events";
import type { Server as HttpServer } from "node:http";
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { type WebSocketEvent, WebSocketSession, type WebSocketSessionOptions } from "@proto/ws-frame";
import {
  createClientHandshake,
  parseRequestHead,
  parseResponseHead,
  type RequestHead,
} from "@proto/ws-handshake";

/** A client whose session the test drives: nothing is written unless the test calls `flush()`. */
export class RawPeer extends EventEmitter<{ event: [WebSocketEvent] }> {
  readonly events: WebSocketEvent[] = [];
  /** Whether received bytes are fed to the session at all (false: a peer that reads and ignores). */
  listening = true;
  /** Whether automatic replies (pongs, Close echoes) are written after each receive. */
  autoFlush = true;

  private constructor(
    readonly socket: Socket,
    readonly session: WebSocketSession,
  ) {
    super();
  }

  static async connect(url: string, options: Partial<WebSocketSessionOptions> = {}): Promise<RawPeer> {
    const handshake = createClientHandshake({ url });
    const socket = connect({ host: handshake.host, port: handshake.port });
    socket.write(handshake.request);
    let received = new Uint8Array(0);
    for (;;) {
      const [chunk] = (await once(socket, "data")) as [Uint8Array];
      const joined = new Uint8Array(received.length + chunk.length);
      joined.set(received);
      joined.set(chunk, received.length);
      received = joined;
      const parsed = parseResponseHead(received);
      if (parsed === null) continue;
      const verdict = handshake.verify(parsed.head);
      if (!verdict.ok) throw new Error(verdict.reason);
      const peer = new RawPeer(socket, new WebSocketSession({ role: "client", ...options }));
      socket.on("data", (bytes: Uint8Array) => peer.receive(bytes));
      socket.on("error", () => {});
      peer.receive(received.subarray(parsed.bytesConsumed));
      return peer;
    }
  }

  flush(): void {
    const out = this.session.dataToSend();
    if (out.length > 0 && this.socket.writable) this.socket.write(out);
  }

  /** Resolves with the first event (already received or to come) that matches. */
  async next(type: WebSocketEvent["type"]): Promise<WebSocketEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen) return seen;
    for (;;) {
      const [event] = await once(this, "event");
      if (event.type === type) return event;
    }
  }

  private receive(bytes: Uint8Array): void {
    if (!this.listening || bytes.length === 0) return;
    const events = this.session.receive(bytes);
    if (this.autoFlush) this.flush();
    for (const event of events) {
      this.events.push(event);
      this.emit("event", event);
    }
  }
}

/** Listens on 127.0.0.1, port 0; resolves with the port. */
export async function listenLocal(server: HttpServer | NetServer): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** Closes a server, dropping every connection it still has. */
export async function closeServer(server: HttpServer | NetServer): Promise<void> {
  if (!server.listening) return;
  const done = new Promise((resolve) => server.close(resolve));
  if ("closeAllConnections" in server) server.closeAllConnections();
  await done;
}

/**
 * A bare TCP server for client tests: `onRequest` gets the socket once a request head has arrived (and
 * the bytes after it), and answers however the test likes. `close()` destroys every socket.
 */
export async function rawServer(
  onRequest: (socket: Socket, head: RequestHead, rest: Uint8Array) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    let received = new Uint8Array(0);
    const onData = (chunk: Uint8Array) => {
      const joined = new Uint8Array(received.length + chunk.length);
      joined.set(received);
      joined.set(chunk, received.length);
      received = joined;
      const parsed = parseRequestHead(received);
      if (parsed === null) return;
      socket.off("data", onData);
      onRequest(socket, parsed.head, received.subarray(parsed.bytesConsumed));
    };
    socket.on("data", onData);
  });
  const port = await listenLocal(server);
  return {
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
