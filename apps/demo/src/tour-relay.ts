/**
 * A recording TCP relay on loopback: the tour's clients connect to it instead of the server, it connects
 * on to the server and copies bytes both ways, noting every chunk it reads with its direction and the time
 * it arrived. That record is the exchange exactly as the two ends wrote it, and becomes a pcap.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import type { Side } from "@proto/osi";

export interface RecordedChunk {
  from: Side;
  data: Uint8Array;
  /** When the relay read it, in ns since the Unix epoch. */
  atNs: bigint;
}

export interface RelayCapture {
  /** The client's address and port, and the relay's: the connection the client really made. */
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  /** The server the relay forwarded to. */
  upstreamPort: number;
  /** When the relay accepted the connection (the three-way handshake had just completed). */
  openedAtNs: bigint;
  chunks: RecordedChunk[];
  /** Who ended its side of the connection first (sent the first FIN), and when. */
  firstFin: Side | undefined;
  firstFinAtNs: bigint | undefined;
  /** Settles once both sockets are closed. */
  closed: Promise<void>;
}

export interface Relay {
  port: number;
  /** One capture per accepted connection, in order. */
  captures: RelayCapture[];
  /** Stops listening and destroys any socket still open. */
  close(): Promise<void>;
}

/** Wall-clock ns, from a monotonic source: `Date.now()` once, then `process.hrtime`. */
const epochBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
export const nowNs = (): bigint => epochBase + process.hrtime.bigint();

/** Starts a relay on 127.0.0.1 (a free port) to `upstreamPort` on 127.0.0.1. */
export function startRelay(upstreamPort: number): Promise<Relay> {
  const captures: RelayCapture[] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    track(client);
    client.setNoDelay(true);
    const upstream = tcpConnect({ host: "127.0.0.1", port: upstreamPort, allowHalfOpen: true });
    track(upstream);
    upstream.setNoDelay(true);
    const address = server.address();
    const capture: RelayCapture = {
      clientIp: client.remoteAddress ?? "127.0.0.1",
      clientPort: client.remotePort ?? 0,
      serverIp: client.localAddress ?? "127.0.0.1",
      serverPort: typeof address === "object" && address ? address.port : 0,
      upstreamPort,
      openedAtNs: nowNs(),
      chunks: [],
      firstFin: undefined,
      firstFinAtNs: undefined,
      closed: Promise.all([closedOf(client), closedOf(upstream)]).then(() => {}),
    };
    captures.push(capture);
    const pipe = (from: Side, source: Socket, target: Socket) => {
      source.on("data", (chunk: Buffer) => {
        capture.chunks.push({ from, data: new Uint8Array(chunk), atNs: nowNs() });
        target.write(chunk);
      });
      source.on("end", () => {
        if (capture.firstFin === undefined) {
          capture.firstFin = from;
          capture.firstFinAtNs = nowNs();
        }
        target.end();
      });
      // A reset on one side resets the other: nothing is left half open.
      source.on("error", () => target.destroy());
      source.on("close", () => {
        if (!target.writableEnded) target.destroy();
      });
    };
    pipe("client", client, upstream);
    pipe("server", upstream, client);
    upstream.once("connect", () => client.resume());
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : 0,
        captures,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function closedOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });
}
