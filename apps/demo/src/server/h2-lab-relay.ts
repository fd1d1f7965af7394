/**
 * A one-connection TCP relay on 127.0.0.1 that records every chunk it forwards, in arrival order, with
 * the time it arrived. The HTTP/2 panel puts it between @proto/node's h2c client and server, so the frame
 * log shows the very bytes that crossed the loopback connection, both ways.
 */

import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

export type Side = "client" | "server";

/** One read from a socket: who sent it, when (ms after the client connected), and the bytes. */
export interface RecordedChunk {
  seq: number;
  from: Side;
  t: number;
  bytes: Uint8Array;
}

export interface RecordingRelay {
  port: number;
  chunks: RecordedChunk[];
  /** Settles once both sides of the relayed connection have closed. */
  closed: Promise<void>;
  /** Stops listening and destroys whatever is still open. */
  close(): Promise<void>;
}

/** Listens on a free port; the first connection is relayed to `targetPort`, any later one is refused. */
export async function startRecordingRelay(targetPort: number): Promise<RecordingRelay> {
  const chunks: RecordedChunk[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;
  let started = 0;
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const server: Server = createServer((downstream) => {
    if (started) {
      downstream.destroy();
      return;
    }
    started = performance.now();
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
    }
    let open = 2;
    const pipe = (from: Socket, to: Socket, side: Side) => {
      from.on("data", (data: Buffer) => {
        chunks.push({ seq: seq++, from: side, t: performance.now() - started, bytes: new Uint8Array(data) });
        to.write(data);
      });
      // Half-close travels on: the client's FIN after GOAWAY reaches the server as a FIN.
      from.on("end", () => to.end());
      from.on("error", () => to.destroy());
      from.on("close", () => {
        sockets.delete(from);
        if (--open === 0) markClosed();
      });
    };
    pipe(downstream, upstream, "client");
    pipe(upstream, downstream, "server");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    chunks,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
