/**
 * HTTP/2 over TLS with ALPN "h2" (RFC 9113 §3.2) on 127.0.0.1, with a self-signed P-256 certificate made by
 * openssl at test time (skipped, with the reason printed, when openssl is missing):
 *
 * - createH2Server with key/cert ← curl -k --http2 (GET, POST 1 MiB, 100 transfers multiplexed on one
 *   connection), nghttp, h2load, and Node's http2.connect (rejectUnauthorized: false); a client that offers
 *   only http/1.1 is refused.
 * - connectH2 → that server: with rejectUnauthorized: false, with the certificate as its CA, and refused
 *   when the certificate cannot be verified.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectH2, type H2Client } from "@proto/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BODY_1M,
  HELLO,
  HOST,
  MiB,
  type OurServer,
  parseH2load,
  parseNghttpVerbose,
  run,
  type ShaReply,
  sha256,
  startOurServer,
} from "./h2-peers-shared";
import { usePeer } from "./peers";

const curl = usePeer("curl");
const nghttp = usePeer("nghttp");
const h2load = usePeer("h2load");

/** A self-signed certificate for CN=localhost and IP 127.0.0.1, or why there is none. */
function makeCertificate(): { key: string; cert: string } | { reason: string } {
  const dir = mkdtempSync(join(tmpdir(), "proto-h2-tls-"));
  try {
    const keyFile = join(dir, "key.pem");
    const certFile = join(dir, "cert.pem");
    // Synchronous is fine here: this runs while the file is collected, before any server exists.
    const result = spawnSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-days",
        "1",
        "-keyout",
        keyFile,
        "-out",
        certFile,
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (result.error)
      return { reason: `openssl not runnable (${result.error.message}); Debian package: openssl` };
    if (result.status !== 0)
      return { reason: `openssl req failed (exit ${result.status}): ${result.stderr}` };
    return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const made = makeCertificate();
const pem = "key" in made ? made : undefined;
if (!pem) console.warn(`[skip] HTTP/2 over TLS tests: ${(made as { reason: string }).reason}`);

describe.skipIf(!pem)("HTTP/2 over TLS + ALPN h2 with a self-signed certificate", () => {
  let our: OurServer;
  beforeAll(async () => {
    our = await startOurServer({ key: pem!.key, cert: pem!.cert });
  });
  afterAll(async () => {
    await our?.server.close();
  });

  describe.skipIf(!curl.available)(`curl -k --http2 → createH2Server (${curl.version ?? "absent"})`, () => {
    const base = ["-sS", "-k", "--http2", "--max-time", "60"];

    it("GET: ALPN selects h2, the response comes over HTTP/2", async () => {
      const result = await run(curl.path!, [...base, "-v", "-w", "\\n%{http_version}", `${our.url}/hello`]);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/ALPN: server accepted h2|ALPN, server accepted to use h2/);
      expect(result.stdout).toBe(`${HELLO}\n2`);
      expect(our.requests.at(-1)).toMatchObject({ path: "/hello", scheme: "https" });
    });

    it("POST 1 MiB: the server hashes every byte", async () => {
      const dir = mkdtempSync(join(tmpdir(), "proto-h2-tls-body-"));
      try {
        const file = join(dir, "body.bin");
        writeFileSync(file, BODY_1M);
        const result = await run(curl.path!, [...base, "--data-binary", `@${file}`, `${our.url}/sha`]);
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout) as ShaReply).toMatchObject({
          method: "POST",
          scheme: "https",
          length: MiB,
          sha256: sha256(BODY_1M),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("100 parallel transfers are multiplexed on one connection, all open at once", async () => {
      const urls = Array.from({ length: 100 }, () => [
        `${our.url}/barrier/curl-tls/100`,
        "-o",
        "/dev/null",
      ]).flat();
      const result = await run(curl.path!, [
        ...base,
        "--parallel",
        "--parallel-max",
        "100",
        "-w",
        "%{response_code} %{num_connects} %{http_version}\\n",
        ...urls,
      ]);
      const rows = result.stdout.trim().split("\n");
      expect(rows).toHaveLength(100);
      expect(rows.every((r) => /^200 [01] 2$/.test(r))).toBe(true);
      // One transfer made the connection; the other 99 reused it (num_connects 0).
      expect(rows.filter((r) => r.startsWith("200 1 "))).toHaveLength(1);
      expect(our.barriers.get("curl-tls")).toEqual({ arrived: 100, releasedBy: "count" });
    });

    it("a client that offers only http/1.1 in ALPN is refused, and no request reaches the handler", async () => {
      const before = our.requests.length;
      const result = await run(curl.path!, [...base, "--http1.1", `${our.url}/hello`]);
      expect(result.code).not.toBe(0);
      expect(our.requests.length).toBe(before);
    });
  });

  it.skipIf(!nghttp.available)("nghttp over TLS: GET answered with :status 200", async () => {
    const trace = await run(nghttp.path!, ["-nv", `${our.url}/hello`]);
    expect(trace.stdout).toMatch(/^The negotiated protocol: h2$/m);
    const status = parseNghttpVerbose(trace.stdout).find((e) => e.kind === "field" && e.name === ":status");
    expect(status).toMatchObject({ dir: "recv", value: "200" });
  });

  it.skipIf(!h2load.available)(
    "h2load over TLS: 2,000 requests (-c 4 -m 50) negotiate h2 and all succeed",
    async () => {
      const result = await run(
        h2load.path!,
        ["-n", "2000", "-c", "4", "-m", "50", `${our.url}/load-tls`],
        110_000,
      );
      const summary = parseH2load(result.stdout);
      console.log(`[h2load TLS] ${summary.reqPerSec} req/s (2,000 GETs, -c 4 -m 50)`);
      expect(summary).toMatchObject({
        protocol: "h2",
        total: 2000,
        succeeded: 2000,
        failed: 0,
        errored: 0,
        status2xx: 2000,
      });
    },
  );

  describe("Node http2.connect (rejectUnauthorized: false) → createH2Server", () => {
    let session: http2.ClientHttp2Session;
    beforeAll(async () => {
      session = http2.connect(our.url, { rejectUnauthorized: false });
      session.on("error", () => undefined);
      await new Promise((resolve) => session.once("connect", resolve));
    });
    afterAll(async () => {
      if (!session.closed) await new Promise<void>((resolve) => session.close(() => resolve()));
    });

    const request = (headers: http2.OutgoingHttpHeaders, body?: Uint8Array) =>
      new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const req = session.request(headers, { endStream: body === undefined });
        const chunks: Buffer[] = [];
        let status = 0;
        req.on("response", (h) => {
          status = Number(h[":status"]);
        });
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => resolve({ status, body: Buffer.concat(chunks) }));
        req.on("error", reject);
        if (body) req.end(body);
      });

    it("negotiates h2 with ALPN and gets a GET answered", async () => {
      expect(session.alpnProtocol).toBe("h2");
      expect(session.encrypted).toBe(true);
      const r = await request({ ":path": "/hello" });
      expect(r).toEqual({ status: 200, body: Buffer.from(HELLO) });
    });

    it("POST 1 MiB", async () => {
      const r = await request({ ":method": "POST", ":path": "/sha" }, BODY_1M);
      expect(JSON.parse(r.body.toString()) as ShaReply).toMatchObject({
        scheme: "https",
        sha256: sha256(BODY_1M),
      });
    });
  });

  describe("connectH2 https:// → createH2Server", () => {
    const clients: H2Client[] = [];
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    });

    it("with rejectUnauthorized: false: GET, POST 1 MiB, trailers and 100 concurrent requests", async () => {
      const client = await connectH2(`https://${HOST}:${our.port}`, { tls: { rejectUnauthorized: false } });
      clients.push(client);
      const hello = await client.request({ path: "/hello" });
      expect([hello.status, Buffer.from(hello.body).toString()]).toEqual([200, HELLO]);
      const posted = await client.request({ method: "POST", path: "/sha", body: BODY_1M });
      expect(JSON.parse(Buffer.from(posted.body).toString()) as ShaReply).toMatchObject({
        scheme: "https",
        authority: `${HOST}:${our.port}`,
        length: MiB,
        sha256: sha256(BODY_1M),
      });
      const trailed = await client.request({ path: "/trailers" });
      expect(trailed.trailers).toEqual([
        ["x-body-sha256", sha256(new Uint8Array(0))],
        ["x-trailer", "done"],
      ]);
      const many = await Promise.all(
        Array.from({ length: 100 }, () => client.request({ path: "/barrier/proto-tls/100" })),
      );
      expect(many.every((r) => r.status === 200)).toBe(true);
      expect(our.barriers.get("proto-tls")).toEqual({ arrived: 100, releasedBy: "count" });
    });

    it("verifies the certificate when given it as the CA (subjectAltName IP 127.0.0.1)", async () => {
      const client = await connectH2(`https://${HOST}:${our.port}`, { tls: { ca: pem!.cert } });
      clients.push(client);
      const hello = await client.request({ path: "/hello" });
      expect(Buffer.from(hello.body).toString()).toBe(HELLO);
    });

    it("refuses the self-signed certificate by default (NODE_SOCKET_ERROR)", async () => {
      await expect(connectH2(`https://${HOST}:${our.port}`)).rejects.toMatchObject({
        code: "NODE_SOCKET_ERROR",
      });
    });
  });
});
