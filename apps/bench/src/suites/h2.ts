/**
 * @proto/node's createH2Server against node:http2 under h2load (nghttp2's load generator), over h2c
 * (prior knowledge) on 127.0.0.1: requests per second for a GET answered with 200, content-type
 * text/plain and a fixed body of 100 B or 4 KiB.
 *
 * Servers, all in this process (so all on its one event loop), each on its own port:
 *  - @proto/node `createH2Server` (the subject);
 *  - node:http2 `http2.createServer` answering on its 'stream' event (`stream.respond` + `stream.end`,
 *    the core API and the faster of Node's two): the peer of the targeted rows;
 *  - node:http2 `http2.createServer((req, res) => ...)`, Node's (req, res) compatibility API, which is
 *    what most code uses: the peer of the untargeted "compat API" rows.
 * All three answer the same paths with the same status, content-type and body bytes (checked once per row
 * with a node:http2 client before timing). Node also sends a `date` header on its own; @proto does not.
 *
 * The native ceiling: `nghttpd --no-tls` (nghttp2's C server) serving the same bodies as files from a
 * temporary directory, as a child process; measured in the same rounds, reported as a note. It shows how
 * fast this h2load can go on this machine, i.e. where the rows become bound by the client.
 *
 * One measured run = `h2load -n N -c 10 -m 100 -t 1`: 10 connections, 100 streams in flight on each, one
 * client thread (h2load's default, made explicit). h2load shares the machine's cores with this process,
 * so on 2 cores the client takes one and every server the other. Each run must report every request
 * succeeded with a 2xx, none failed, errored or timed out, and exactly N × body bytes of DATA, or the suite
 * fails. Per row: one warm-up run per server, then 3 rounds (@proto, Node | Node, @proto | ...; nghttpd
 * last in each round); each rate is the median of its runs.
 *
 * h2load is Debian's nghttp2-client package (nghttpd is nghttp2-server); without h2load the suite is
 * skipped with a note, without nghttpd the rows run with no ceiling.
 */
import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect as connectHttp2, createServer as createHttp2Server, type Http2Server } from "node:http2";
import { type AddressInfo, createConnection, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { createH2Server, type H2Server } from "@proto/node";
import { addNote, type MeasuredBenchCase, type MeasuredComparison, type MeasuredSuite } from "../harness";

const CONNECTIONS = 10;
const STREAMS = 100;
const THREADS = 1;
/** Requests per h2load run (every run of a row, warm-up included, makes the same number). */
const REQUESTS = 100_000;
const QUICK_REQUESTS = 20_000;
/** An h2load run that takes longer than this has hung (a server stopped answering): fail. */
const RUN_TIMEOUT_MS = 120_000;

const TARGET = { minRatio: 1.5, goal: "issue: createH2Server >=1.5x node:http2 req/s under h2load" };
const PROTO_NAME = "@proto/node createH2Server";
const NODE_NAME = `node:http2 ${process.version}, 'stream' API`;
const COMPAT_NAME = `node:http2 ${process.version}, (req, res) compat API`;

const CONTENT_TYPE = "text/plain";

/** Text of exactly `size` bytes (ASCII), the same on every server. */
function bodyOf(size: number): Buffer {
  const line = "The quick brown fox jumps over the lazy dog; HTTP/2 bench body from @proto. ";
  return Buffer.from(line.repeat(Math.ceil(size / line.length)).slice(0, size), "ascii");
}

interface Workload {
  label: string;
  path: string;
  body: Buffer;
}

const WORKLOADS: Workload[] = [
  { label: "100 B", path: "/100.txt", body: bodyOf(100) },
  { label: "4 KiB", path: "/4096.txt", body: bodyOf(4096) },
];
const BODIES = new Map(WORKLOADS.map((w) => [w.path, w.body]));

// ---------------------------------------------------------------------------------------------------
// Tools and child processes.

/** The first executable `name` on PATH (and the sbin directories, where Debian puts nghttpd). */
async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const extra of ["/usr/local/sbin", "/usr/sbin", "/sbin"]) if (!dirs.includes(extra)) dirs.push(extra);
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion without blocking the event loop (the servers under test live on it). */
function run(file: string, args: string[], timeout = RUN_TIMEOUT_MS): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout, maxBuffer: 1 << 20, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error && typeof error.code === "string") {
        reject(new Error(`cannot run ${file}: ${error.message}`));
        return;
      }
      resolve({
        code: error ? ((error.code as number | undefined) ?? null) : 0,
        signal: (error?.signal as NodeJS.Signals | undefined) ?? null,
        stdout,
        stderr,
      });
    });
  });
}

/** The first line of `tool --version` (e.g. "h2load nghttp2/1.52.0"). */
async function versionOf(path: string): Promise<string> {
  const { stdout, stderr } = await run(path, ["--version"], 10_000);
  return (stdout || stderr).trim().split("\n")[0] ?? path;
}

/** What one h2load run reported. */
interface H2loadRun {
  reqPerSec: number;
  /** Bytes of response header blocks (h2load's "headers" traffic) and of DATA payload. */
  headerBytes: number;
  dataBytes: number;
}

/** h2load's summary, checked: every request done and succeeded with a 2xx, and the expected body bytes. */
export function parseH2load(output: string, requests: number, bodySize: number): H2loadRun {
  const fail = (why: string): never => {
    throw new Error(`h2load: ${why}\n--- h2load output ---\n${output.trim()}`);
  };
  const protocol = /Application protocol: (\S+)/.exec(output)?.[1];
  if (protocol !== "h2c") fail(`expected h2c, the connection used ${protocol ?? "no protocol"}`);
  const finished = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(output);
  const counts =
    /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored(?:, (\d+) timeout)?/.exec(
      output,
    );
  const status = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(output);
  const traffic = /traffic: \S+ \((\d+)\) total, \S+ \((\d+)\) headers .*, \S+ \((\d+)\) data/.exec(output);
  if (!finished || !counts || !status || !traffic) return fail("could not parse the summary");
  const [total, started, done, succeeded, failed, errored, timedOut = 0] = counts.slice(1).map(Number);
  if (failed !== 0 || errored !== 0 || timedOut !== 0) {
    fail(`${failed} failed, ${errored} errored, ${timedOut} timed out of ${total} requests`);
  }
  if (total !== requests || started !== requests || done !== requests || succeeded !== requests) {
    fail(`expected ${requests} requests done and succeeded, got ${counts[0]}`);
  }
  if (Number(status[1]) !== requests) fail(`expected ${requests} 2xx responses, got ${status[0]}`);
  const dataBytes = Number(traffic[3]);
  if (dataBytes !== requests * bodySize) {
    fail(`expected ${requests} x ${bodySize} B of DATA, got ${dataBytes} B`);
  }
  const reqPerSec = Number(finished[1]);
  if (!(reqPerSec > 0)) fail("no request rate");
  return { reqPerSec, headerBytes: Number(traffic[2]), dataBytes };
}

/** A TCP port nothing listens on right now (for nghttpd, which does not report a port 0 binding). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface Nghttpd {
  port: number;
  stop(): Promise<void>;
}

/** nghttpd --no-tls serving `dir` on a free port of 127.0.0.1, once it accepts connections. */
async function startNghttpd(path: string, dir: string): Promise<Nghttpd> {
  let lastError = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(path, ["--no-tls", "-a", "127.0.0.1", "-d", dir, String(port)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      child.once("exit", () => {
        exited = true;
        resolve();
      }),
    );
    child.once("error", (error) => {
      lastError = error.message;
    });
    const stop = async () => {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exit;
      clearTimeout(timer);
    };
    for (let waited = 0; waited < 5000 && !exited; waited += 50) {
      if (await canConnect(port)) return { port, stop };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stop();
    lastError ||= stderr.trim() || "did not accept connections within 5 s";
  }
  throw new Error(`nghttpd did not start: ${lastError}`);
}

// ---------------------------------------------------------------------------------------------------
// The servers in this process.

interface InProcessServer {
  name: string;
  port: number;
  close(): Promise<void>;
}

async function startProto(): Promise<InProcessServer> {
  const server: H2Server = createH2Server({ port: 0, host: "127.0.0.1" }, (req, res) => {
    const body = BODIES.get(req.path);
    if (body === undefined) {
      res.respond(404, {}, { endStream: true });
      return;
    }
    res.respond(200, { "content-type": CONTENT_TYPE });
    res.end(body);
  });
  const { port } = await server.listen();
  return { name: PROTO_NAME, port, close: () => server.close() };
}

async function listenHttp2(name: string, server: Http2Server): Promise<InProcessServer> {
  const sessions = new Set<{ destroy(): void }>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    name,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
      }),
  };
}

function startNodeStream(): Promise<InProcessServer> {
  const server = createHttp2Server();
  server.on("stream", (stream, headers) => {
    const body = BODIES.get(headers[":path"] ?? "");
    if (body === undefined) {
      stream.respond({ ":status": 404 }, { endStream: true });
      return;
    }
    stream.respond({ ":status": 200, "content-type": CONTENT_TYPE });
    stream.end(body);
  });
  return listenHttp2(NODE_NAME, server);
}

function startNodeCompat(): Promise<InProcessServer> {
  const server = createHttp2Server((req, res) => {
    const body = BODIES.get(req.url);
    if (body === undefined) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": CONTENT_TYPE });
    res.end(body);
  });
  return listenHttp2(COMPAT_NAME, server);
}

/** One GET with node:http2's client: the status, content-type and body a server answers with. */
function fetchOnce(port: number, path: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.once("error", reject);
    const request = session.request({ ":path": path });
    const chunks: Buffer[] = [];
    let status = 0;
    let type = "";
    request.once("response", (headers) => {
      status = Number(headers[":status"]);
      type = String(headers["content-type"] ?? "");
    });
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("error", reject);
    request.once("end", () => {
      session.close();
      resolve({ status, type, body: Buffer.concat(chunks) });
    });
    request.end();
  });
}

// ---------------------------------------------------------------------------------------------------

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function h2Suite({ quick }: { quick: boolean }): MeasuredSuite {
  const requests = quick ? QUICK_REQUESTS : REQUESTS;
  const tools: { h2load?: string; nghttpd?: string; nghttpdVersion?: string } = {};
  const started: {
    proto?: InProcessServer;
    node?: InProcessServer;
    compat?: InProcessServer;
    nghttpd?: Nghttpd;
    dir?: string;
  } = {};
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`h2: ${what} not started (setup did not run)`);
    return value;
  };
  /** Per row and server: this process' CPU per request and header bytes per response, run by run. */
  const stats = new Map<string, { name: string; cpuUs: number[]; headerBytes: number[] }>();

  /** One h2load run against `port`; resolves with its req/s. `cpu`: also time this process' CPU. */
  const h2load = async (w: Workload, name: string, port: number, cpu: boolean): Promise<number> => {
    const args = ["-n", String(requests), "-c", String(CONNECTIONS), "-m", String(STREAMS)];
    args.push("-t", String(THREADS), `http://127.0.0.1:${port}${w.path}`);
    const before = process.cpuUsage();
    const result = await run(need(tools.h2load, "h2load"), args);
    const used = process.cpuUsage(before);
    const output = `${result.stdout}${result.stderr}`;
    if (result.code !== 0) {
      throw new Error(
        `h2load against ${name} exited with ${result.code ?? result.signal}\n--- output ---\n${output.trim()}`,
      );
    }
    let parsed: H2loadRun;
    try {
      parsed = parseH2load(output, requests, w.body.length);
    } catch (error) {
      throw new Error(`${name}, ${w.label}: ${(error as Error).message}`);
    }
    const key = `${w.label}\0${name}`;
    const entry = stats.get(key) ?? { name, cpuUs: [], headerBytes: [] };
    stats.set(key, entry);
    if (cpu) entry.cpuUs.push((used.user + used.system) / requests); // cpuUsage is in µs
    entry.headerBytes.push(parsed.headerBytes / requests);
    return parsed.reqPerSec;
  };

  const side = (w: Workload, name: string, port: () => number, cpu = true): MeasuredBenchCase => ({
    name,
    measure: () => h2load(w, name, port(), cpu),
  });

  const comparisons: MeasuredComparison[] = [];
  for (const w of WORKLOADS) {
    const proto = side(w, PROTO_NAME, () => need(started.proto, "@proto server").port);
    const verify = async () => {
      const want = { status: 200, type: CONTENT_TYPE, body: w.body };
      const servers = [started.proto, started.node, started.compat].map((s) => need(s, "servers"));
      for (const server of servers) {
        const got = await fetchOnce(server.port, w.path);
        if (got.status !== want.status || got.type !== want.type || !got.body.equals(want.body)) {
          throw new Error(
            `${server.name} answered ${w.path} with ${got.status}, "${got.type}", ${got.body.length} B ` +
              `(want 200, "${CONTENT_TYPE}", the ${w.body.length} B body)`,
          );
        }
      }
      if (started.nghttpd) {
        const got = await fetchOnce(started.nghttpd.port, w.path);
        if (got.status !== 200 || !got.body.equals(w.body)) {
          throw new Error(`nghttpd answered ${w.path} with ${got.status}, ${got.body.length} B`);
        }
      }
    };
    const common = {
      bytesPerOp: w.body.length,
      show: "both" as const,
      subject: proto,
      verify,
    };
    const tag = `h2load -c${CONNECTIONS} -m${STREAMS}`;
    comparisons.push({
      ...common,
      title: `HTTP/2 GET, ${w.label} body (${tag})`,
      target: TARGET,
      peer: side(w, NODE_NAME, () => need(started.node, "node:http2 server").port),
      // Filled in by setup when nghttpd is there (the rows are built before tools are looked for).
      reference: {
        name: "nghttpd",
        measure: () => {
          const nghttpd = started.nghttpd;
          if (!nghttpd) return Promise.reject(new Error("h2: nghttpd is not running"));
          return h2load(w, `nghttpd (${tools.nghttpdVersion})`, nghttpd.port, false);
        },
      },
    });
    comparisons.push({
      ...common,
      title: `HTTP/2 GET, ${w.label} body (${tag}), compat API`,
      peer: side(w, COMPAT_NAME, () => need(started.compat, "node:http2 compat server").port),
    });
  }

  return {
    comparisons,
    // 3 rounds per row (the default), one warm-up run each: about 60 s for the 4 rows on 2 vCPUs.
    roundOptions: { rounds: 3, warmup: true },
    skip: async () => {
      tools.h2load = await findExecutable("h2load");
      if (tools.h2load === undefined) {
        return "h2load not found on PATH (`which h2load`); install nghttp2-client (Debian/Ubuntu) to run it";
      }
      return undefined;
    },
    setup: async () => {
      const h2loadVersion = await versionOf(need(tools.h2load, "h2load"));
      started.proto = await startProto();
      started.node = await startNodeStream();
      started.compat = await startNodeCompat();
      tools.nghttpd = await findExecutable("nghttpd");
      if (tools.nghttpd) {
        tools.nghttpdVersion = (await versionOf(tools.nghttpd)).replace(/^nghttpd\s+/, "");
        started.dir = await mkdtemp(join(tmpdir(), "proto-bench-h2-"));
        for (const w of WORKLOADS) await writeFile(join(started.dir, w.path.slice(1)), w.body);
        started.nghttpd = await startNghttpd(tools.nghttpd, started.dir);
        for (const c of comparisons) {
          if (c.reference) c.reference.name = `nghttpd --no-tls (${tools.nghttpdVersion})`;
        }
      } else {
        for (const c of comparisons) delete c.reference;
        addNote("h2: nghttpd not found (nghttp2-server): no native ceiling measured.");
      }
      addNote(
        `h2: ${h2loadVersion} -n ${requests} -c ${CONNECTIONS} -m ${STREAMS} -t ${THREADS} (one client ` +
          `thread), h2c prior knowledge on 127.0.0.1; op = one request. h2load runs beside this process on ` +
          `the same cores: its one thread takes a core, every server in this process shares the event ` +
          `loop's; rows near nghttpd's rate are bound by the client, not the server. Node adds a date header.`,
      );
    },
    teardown: async () => {
      const byRow = new Map<string, string[]>();
      for (const [key, { name, cpuUs, headerBytes }] of stats) {
        const row = key.split("\0")[0]!;
        // The first run of each server is its warm-up when there are rounds after it.
        const measured = (values: number[]) => (values.length > 1 ? values.slice(1) : values);
        const cpu = cpuUs.length > 0 ? `${median(measured(cpuUs)).toFixed(2)} µs CPU/req, ` : "";
        const parts = byRow.get(row) ?? [];
        parts.push(`${name} ${cpu}${median(measured(headerBytes)).toFixed(1)} B headers/resp`);
        byRow.set(row, parts);
      }
      for (const [row, parts] of byRow) {
        addNote(
          `h2 ${row} (medians of measured runs; CPU = this process' user+system per request, the ` +
            `whole in-process server): ${parts.join("; ")}.`,
        );
      }
      await Promise.allSettled([started.proto?.close(), started.node?.close(), started.compat?.close()]);
      await started.nghttpd?.stop();
      if (started.dir) await rm(started.dir, { recursive: true, force: true });
    },
  };
}
