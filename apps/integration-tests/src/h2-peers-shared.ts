/**
 * Shared by the h2-peers-*.test.ts suites: the @proto/node HTTP/2 test server (its routes are what the real
 * peers talk to), a way to run a peer's command line without blocking the event loop our server runs on,
 * free ports and a managed nghttpd, and parsers for nghttp -v, nghttp -s and h2load output.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { createH2Server, type H2Server, type H2ServerOptions } from "@proto/node";
import { freePort } from "./processes";

export { freePort, type RunResult, run } from "./processes";

export const HOST = "127.0.0.1";
export const MiB = 1024 * 1024;

export const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Deterministic-size random bodies, made once per process. */
export const BODY_1M = randomBytes(MiB);
export const BODY_4M = randomBytes(4 * MiB);
export const HELLO = "hello from @proto/node over HTTP/2\n";

/** What /sha answers: the request as the server saw it, body hashed. */
export interface ShaReply {
  method: string;
  path: string;
  authority: string | undefined;
  scheme: string | undefined;
  length: number;
  sha256: string;
}

/**
 * A group of concurrent requests held until `n` of them are open at once (then all are answered), so a test
 * proves real concurrency: a peer that serialised them would leave the barrier to its fallback timer.
 */
export interface Barrier {
  arrived: number;
  releasedBy: "count" | "timeout" | undefined;
}

export interface OurServer {
  server: H2Server;
  port: number;
  url: string;
  /** Every request's method and path, in arrival order. */
  requests: Array<{
    method: string;
    path: string;
    authority: string | undefined;
    scheme: string | undefined;
  }>;
  barriers: Map<string, Barrier>;
  /** Handler failures (a rejected body(), a throw): expected to stay empty. */
  errors: unknown[];
}

const BARRIER_FALLBACK_MS = 15_000;

/**
 * Starts createH2Server on 127.0.0.1:0 with these routes:
 *   /hello            200 text/plain HELLO
 *   /sha              reads the whole body, 200 application/json ShaReply
 *   /big              200, 4 MiB of BODY_4M (sending is paced by the peer's flow-control windows)
 *   /trailers         200, reads the body, writes "trailer body\n", ends with trailers
 *                     x-body-sha256 (of the request body) and x-trailer: done
 *   /barrier/NAME/N   held until N requests of NAME are open at once; 200 "NAME #i\n"
 *   /push             pushes /pushed.css (200 text/css "body{}"), then 200 text/html
 *   anything else     200 "ok\n"
 */
export async function startOurServer(options: Partial<H2ServerOptions> = {}): Promise<OurServer> {
  const requests: OurServer["requests"] = [];
  const barriers = new Map<string, Barrier>();
  const waiting = new Map<string, Array<() => void>>();
  const errors: unknown[] = [];
  const server = createH2Server({ host: HOST, port: 0, ...options }, async (req, res) => {
    requests.push({ method: req.method, path: req.path, authority: req.authority, scheme: req.scheme });
    try {
      const body = await req.body();
      const barrier = /^\/barrier\/([\w-]+)\/(\d+)$/.exec(req.path);
      if (barrier) {
        const [, name, n] = barrier as unknown as [string, string, string];
        const state = barriers.get(name) ?? { arrived: 0, releasedBy: undefined };
        barriers.set(name, state);
        const index = ++state.arrived;
        if (state.releasedBy === undefined) {
          const release = new Promise<void>((resolve) => {
            const list = waiting.get(name) ?? [];
            waiting.set(name, list);
            list.push(resolve);
          });
          if (index === 1) {
            setTimeout(() => {
              if (state.releasedBy) return;
              state.releasedBy = "timeout";
              for (const wake of waiting.get(name) ?? []) wake();
            }, BARRIER_FALLBACK_MS).unref();
          }
          if (index === Number(n)) {
            state.releasedBy = "count";
            for (const wake of waiting.get(name) ?? []) wake();
          }
          await release;
        }
        res.respond(200, { "content-type": "text/plain" });
        res.end(`${name} #${index}\n`);
        return;
      }
      switch (req.path) {
        case "/hello":
          res.respond(200, {
            "content-type": "text/plain",
            "content-length": String(Buffer.byteLength(HELLO)),
          });
          res.end(HELLO);
          return;
        case "/sha": {
          const reply: ShaReply = {
            method: req.method,
            path: req.path,
            authority: req.authority,
            scheme: req.scheme,
            length: body.length,
            sha256: sha256(body),
          };
          res.respond(200, { "content-type": "application/json" });
          res.end(JSON.stringify(reply));
          return;
        }
        case "/big":
          res.respond(200, {
            "content-type": "application/octet-stream",
            "content-length": String(BODY_4M.length),
          });
          res.end(BODY_4M);
          return;
        case "/trailers":
          res.respond(200, { "content-type": "text/plain" });
          res.write("trailer body\n");
          res.trailers({ "x-body-sha256": sha256(body), "x-trailer": "done" });
          return;
        case "/push": {
          const pushed = res.push("/pushed.css", { "x-pushed-by": "proto" });
          res.respond(200, { "content-type": "text/html", "x-push": pushed ? "promised" : "disabled" });
          res.end("<link rel=stylesheet href=/pushed.css>");
          pushed?.respond(200, { "content-type": "text/css" });
          pushed?.end("body{}");
          return;
        }
        default:
          res.respond(200, { "content-type": "text/plain" });
          res.end("ok\n");
      }
    } catch (error) {
      errors.push(error);
      throw error;
    }
  });
  const address = await server.listen();
  const scheme = options.key ? "https" : "http";
  return {
    server,
    port: address.port,
    url: `${scheme}://${HOST}:${address.port}`,
    requests,
    barriers,
    errors,
  };
}

// ---------------------------------------------------------------------------------------------------
// Running peers (asynchronously: our server shares this event loop, so spawnSync would deadlock it):
// `run` and `freePort` live in processes.ts.

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export interface Daemon {
  port: number;
  /** stdout + stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running peer (nghttpd) on a free port: `argsFor(port)` builds its command line. Waits until
 * the port accepts connections; retries on another port if the process exits first (a port taken between
 * freePort and its bind).
 */
export async function startDaemon(file: string, argsFor: (port: number) => string[]): Promise<Daemon> {
  let lastLog = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(file, argsFor(port), { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: string[] = [];
    child.stdout?.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
    child.stderr?.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
    let exited = false;
    const gone = new Promise<void>((resolve) =>
      child.once("close", () => {
        exited = true;
        resolve();
      }),
    );
    child.once("error", () => undefined);
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await canConnect(port))) await sleep(50);
    const log = () => chunks.join("");
    if (!exited && (await canConnect(port))) {
      return {
        port,
        log,
        stop: async () => {
          if (!exited) child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await gone;
          clearTimeout(killer);
        },
      };
    }
    if (!exited) child.kill("SIGKILL");
    await gone;
    lastLog = log();
  }
  throw new Error(`${file} did not start listening after 3 attempts; last output:\n${lastLog}`);
}

// ---------------------------------------------------------------------------------------------------
// nghttp and h2load output.

/** One line of nghttp -v: a frame, or a header field it printed for a stream. */
export type NghttpEvent =
  | { kind: "frame"; dir: "send" | "recv"; type: string; length: number; flags: number; streamId: number }
  | { kind: "field"; dir: "send" | "recv"; streamId: number; name: string; value: string };

const FRAME_LINE =
  /^\[\s*[\d.]+\] (send|recv) (\w+) frame <length=(\d+), flags=0x([0-9a-f]+), stream_id=(\d+)>/;
/** A received field: "[  0.008] recv (stream_id=13) :status: 200". */
const FIELD_LINE = /^\[\s*[\d.]+\] (send|recv) \(stream_id=(\d+)\) (:?[^:]+): (.*)$/;
/** A sent field: indented under its "send HEADERS frame" line. */
const SENT_FIELD_LINE = /^ {10}(:?[a-z0-9!#$%&'*+.^_`|~-]+): (.*)$/;

/** The frames and fields of nghttp -v output (nghttpd -v prefixes lines with "[id=N] ", stripped here). */
export function parseNghttpVerbose(output: string): NghttpEvent[] {
  const events: NghttpEvent[] = [];
  let sendingHeadersOn: number | undefined;
  for (const raw of output.split("\n")) {
    const line = raw.replace(/^\[id=\d+\] /, "");
    const sent = sendingHeadersOn === undefined ? null : SENT_FIELD_LINE.exec(line);
    if (sent) {
      events.push({
        kind: "field",
        dir: "send",
        streamId: sendingHeadersOn!,
        name: sent[1]!,
        value: sent[2]!,
      });
      continue;
    }
    const frame = FRAME_LINE.exec(line);
    if (frame) {
      sendingHeadersOn = frame[1] === "send" && frame[2] === "HEADERS" ? Number(frame[5]) : undefined;
      events.push({
        kind: "frame",
        dir: frame[1] as "send" | "recv",
        type: frame[2]!,
        length: Number(frame[3]),
        flags: Number.parseInt(frame[4]!, 16),
        streamId: Number(frame[5]),
      });
      continue;
    }
    const field = FIELD_LINE.exec(line);
    if (field) {
      events.push({
        kind: "field",
        dir: field[1] as "send" | "recv",
        streamId: Number(field[2]),
        name: field[3]!,
        value: field[4]!,
      });
    }
  }
  return events;
}

export const END_STREAM = 0x1;

export const framesOf = (events: NghttpEvent[]) =>
  events.filter((e): e is Extract<NghttpEvent, { kind: "frame" }> => e.kind === "frame");
export const fieldsOf = (events: NghttpEvent[]) =>
  events.filter((e): e is Extract<NghttpEvent, { kind: "field" }> => e.kind === "field");

/** Rows of nghttp -s: stream id, status code, path. */
export function parseNghttpStats(output: string): Array<{ id: number; code: number; path: string }> {
  const rows: Array<{ id: number; code: number; path: string }> = [];
  for (const line of output.split("\n")) {
    const m = /^\s*(\d+)\s+\+\S+\s+\+\S+\s+\S+\s+(\d{3})\s+\S+\s+(\S+)\s*$/.exec(line);
    if (m) rows.push({ id: Number(m[1]), code: Number(m[2]), path: m[3]! });
  }
  return rows;
}

export interface H2loadSummary {
  total: number;
  started: number;
  done: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
  status2xx: number;
  status3xx: number;
  status4xx: number;
  status5xx: number;
  reqPerSec: number;
  protocol: string | undefined;
}

/** The summary lines of h2load; throws (with the output) when they are missing. */
export function parseH2load(output: string): H2loadSummary {
  const req =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      output,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const finished = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(output);
  if (!req || !codes || !finished) throw new Error(`h2load summary not found in:\n${output}`);
  const n = (m: RegExpExecArray, i: number) => Number(m[i]);
  return {
    total: n(req, 1),
    started: n(req, 2),
    done: n(req, 3),
    succeeded: n(req, 4),
    failed: n(req, 5),
    errored: n(req, 6),
    timeout: n(req, 7),
    status2xx: n(codes, 1),
    status3xx: n(codes, 2),
    status4xx: n(codes, 3),
    status5xx: n(codes, 4),
    reqPerSec: Number(finished[1]),
    protocol: /Application protocol: (\S+)/.exec(output)?.[1],
  };
}

/** curl's major.minor.patch from its version line ("curl 7.88.1 (x86_64-pc-linux-gnu) ..."). */
export function curlVersion(versionLine: string | undefined): [number, number, number] | undefined {
  const m = /curl (\d+)\.(\d+)\.(\d+)/.exec(versionLine ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
