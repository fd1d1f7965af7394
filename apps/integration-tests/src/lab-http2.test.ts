/**
 * The Protocol Lab's HTTP/2 & HPACK panel. From Node: `/api/h2/request` runs a real h2c exchange between
 * @proto/node's client and server and returns every frame of it. In Chromium: the HPACK playground shows
 * the repeated request smaller than the first (an indexed field costs one byte), follows edits to the
 * header list, and the h2c button produces the frame log; saved as reports/screenshots/http2.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LabServer, startLabServer } from "@proto/demo/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");

/** The parts of the API's answer these tests read. */
interface Entry {
  from: "client" | "server";
  typeName: string;
  flagNames: string[];
  streamId: number;
  length: number;
  summary: { kind: string; blockBytes?: number; increment?: number; errorName?: string; valid?: boolean };
}
interface Exchange {
  responses: Array<{ status: number; bodyBytes: number }>;
  bytes: { client: number; server: number };
  frames: Entry[];
}

describe("POST /api/h2/request", () => {
  let lab: LabServer;
  let dist: string;
  const post = (body: unknown) =>
    fetch(new URL("api/h2/request", lab.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    // The API needs no web build: a stand-in index.html lets the lab server start.
    dist = mkdtempSync(join(tmpdir(), "proto-lab-h2-"));
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>lab</title>");
    lab = await startLabServer({ distDir: dist });
  });
  afterAll(async () => {
    await lab?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("runs a real h2c exchange and returns its frames, preface first", async () => {
    const res = await post({ path: "/lab/data.json", bodySize: 150_000, requests: 2, window: "rfc" });
    expect(res.status).toBe(200);
    const { frames, responses, bytes } = (await res.json()) as Exchange;
    expect(responses).toEqual([
      { status: 200, bodyBytes: 150_000, headers: expect.anything() },
      { status: 200, bodyBytes: 150_000, headers: expect.anything() },
    ]);
    expect(frames[0]).toMatchObject({
      from: "client",
      typeName: "PREFACE",
      length: 24,
      summary: { valid: true },
    });
    const of = (from: string, type: string) => frames.filter((f) => f.from === from && f.typeName === type);
    for (const side of ["client", "server"]) {
      expect(of(side, "SETTINGS").filter((f) => !f.flagNames.includes("ACK"))).toHaveLength(1);
      expect(of(side, "SETTINGS").filter((f) => f.flagNames.includes("ACK"))).toHaveLength(1);
      expect(of(side, "HEADERS").map((f) => f.streamId)).toEqual([1, 3]);
    }
    const data = of("server", "DATA");
    expect(data.reduce((n, f) => n + f.length, 0)).toBe(300_000);
    expect(data.at(-1)!.flagNames).toContain("END_STREAM");
    // Flow control with the RFC's 65,535-byte windows: the server sends no more than that on stream 1
    // before the client's first WINDOW_UPDATE for it.
    const firstUpdate = frames.findIndex((f) => f.typeName === "WINDOW_UPDATE" && f.streamId === 1);
    expect(firstUpdate).toBeGreaterThan(0);
    const before = frames
      .slice(0, firstUpdate)
      .filter((f) => f.typeName === "DATA" && f.streamId === 1)
      .reduce((n, f) => n + f.length, 0);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(65_535);
    expect(of("client", "WINDOW_UPDATE").every((f) => (f.summary.increment ?? 0) > 0)).toBe(true);
    const goaway = of("client", "GOAWAY");
    expect(goaway).toHaveLength(1);
    expect(goaway[0]!.summary.errorName).toBe("NO_ERROR");
    expect(frames.indexOf(goaway[0]!)).toBeGreaterThan(frames.indexOf(data.at(-1)!));
    // HPACK on the wire: the repeated request's header block is smaller.
    const [a, b] = of("client", "HEADERS").map((f) => f.summary.blockBytes!);
    expect(b).toBeLessThan(a!);
    // Every byte the relay carried is accounted for: 9-byte headers plus payloads (and the preface).
    const total = (side: string) =>
      frames
        .filter((f) => f.from === side)
        .reduce((n, f) => n + f.length + (f.typeName === "PREFACE" ? 0 : 9), 0);
    expect(total("client")).toBe(bytes.client);
    expect(total("server")).toBe(bytes.server);
  });

  it("answers 500 with a reason for bad options", async () => {
    const res = await post({ path: "no slash" });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/path/);
  });
});

describe.skipIf(!browserPeer.available)("the HTTP/2 & HPACK panel in Chromium", () => {
  let lab: OpenLab;
  const size = async (id: string) => Number(await lab.page.getAttribute(id, "data-bytes"));
  const fieldRows = () =>
    lab.page.$$eval("#hpack-fields tbody tr", (rows) =>
      rows.map((r) => ({
        name: (r as HTMLElement).dataset.name,
        first: Number((r as HTMLElement).dataset.firstBytes),
        repeat: Number((r as HTMLElement).dataset.repeatBytes),
        kind: (r as HTMLElement).dataset.repeatKind,
      })),
    );

  beforeAll(async () => {
    lab = await openLab(browserPeer);
    await lab.openPanel("http2");
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  it("shows the repeated request smaller than the first, an indexed field costing one byte", async () => {
    const first = await size("#hpack-first-size");
    const repeat = await size("#hpack-repeat-size");
    expect(first).toBeGreaterThan(100);
    expect(repeat).toBeLessThan(first);
    expect(await lab.page.textContent("#hpack-repeat-size")).toContain(String(repeat));
    // The sizes are the bytes the panel shows in hex.
    const hexBytes = async (id: string) => (await lab.page.textContent(`${id} .hp-hex`))!.trim().split(/\s+/);
    expect(await hexBytes("#hpack-first")).toHaveLength(first);
    expect(await hexBytes("#hpack-repeat")).toHaveLength(repeat);
    const rows = await fieldRows();
    expect(rows.reduce((n, r) => n + r.repeat, 0)).toBe(repeat);
    const ua = rows.find((r) => r.name === "user-agent")!;
    expect(ua.first).toBeGreaterThan(20);
    expect(ua).toMatchObject({ kind: "indexed", repeat: 1 });
    for (const r of rows.filter((x) => x.kind === "indexed")) expect(r.repeat).toBe(1);
    const dynamic = await lab.page.$$eval("#hpack-dyn-first tbody tr", (trs) =>
      trs.map((tr) => tr.textContent),
    );
    expect(dynamic.some((text) => text?.includes("user-agent"))).toBe(true);
    expect(lab.errors).toEqual([]);
  });

  it("follows edits to the header list and the options", async () => {
    const before = await size("#hpack-first-size");
    const text = await lab.page.inputValue("#hpack-input");
    await lab.page.fill("#hpack-input", `${text}\nx-request-trace: 7d1f0c2a-9b3e-4c55-a0f1-demo-trace`);
    const after = await size("#hpack-first-size");
    expect(after).toBeGreaterThan(before);
    const added = (await fieldRows()).find((r) => r.name === "x-request-trace")!;
    expect(added.first).toBeGreaterThan(10);
    expect(added).toMatchObject({ kind: "indexed", repeat: 1 });
    const dynamic = await lab.page.textContent("#hpack-dyn-first");
    expect(dynamic).toContain("x-request-trace");
    // Without Huffman coding the strings go out raw: the first block grows.
    await lab.page.selectOption("#hpack-huffman", "never");
    expect(await size("#hpack-first-size")).toBeGreaterThan(after);
    // A dynamic table of 0 bytes indexes nothing: the repeat is no smaller than the first.
    await lab.page.fill("#hpack-table-size", "0");
    expect(await size("#hpack-repeat-size")).toBe(await size("#hpack-first-size"));
    expect(await lab.page.$$("#hpack-dyn-repeat tbody tr td[colspan]")).toHaveLength(1);
    await lab.page.click("#hpack-reset");
    expect(await size("#hpack-first-size")).toBe(before);
    expect(lab.errors).toEqual([]);
  });

  it("switches its text to Chinese and back", async () => {
    const english = await lab.page.textContent("#hpack-verdict");
    await lab.page.click("#lang");
    const chinese = await lab.page.textContent("#hpack-verdict");
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(await lab.page.textContent("#panel-http2 h2")).toMatch(/[\u4e00-\u9fff]/);
    expect(await lab.page.textContent("label[for=hpack-input]")).toMatch(/[\u4e00-\u9fff]/);
    await lab.page.click("#lang");
    expect(await lab.page.textContent("#hpack-verdict")).toBe(english);
  });

  it("runs the h2c exchange and shows its frame log", async () => {
    await lab.page.selectOption("#h2-requests", "2");
    await lab.page.click("#h2-run");
    await lab.page.waitForSelector("#h2-frame-log tbody tr");
    const rows = await lab.page.$$eval("#h2-frame-log tbody tr", (trs) =>
      trs.map((tr) => ({
        type: (tr as HTMLElement).dataset.type,
        from: (tr as HTMLElement).dataset.from,
        flags: (tr as HTMLElement).dataset.flags ?? "",
      })),
    );
    expect(rows[0]).toEqual({ type: "PREFACE", from: "client", flags: "" });
    const has = (type: string, from?: string, ack?: boolean) =>
      rows.some(
        (r) =>
          r.type === type &&
          (from === undefined || r.from === from) &&
          (ack === undefined || r.flags.split(" ").includes("ACK") === ack),
      );
    for (const side of ["client", "server"]) {
      expect(has("SETTINGS", side, false)).toBe(true);
      expect(has("SETTINGS", side, true)).toBe(true);
      expect(has("HEADERS", side)).toBe(true);
    }
    expect(has("DATA", "server")).toBe(true);
    expect(has("WINDOW_UPDATE", "client")).toBe(true);
    expect(has("GOAWAY", "client")).toBe(true);
    const sizes = (await lab.page.getAttribute("#h2-wire-headers", "data-sizes"))!.split(",").map(Number);
    expect(sizes).toHaveLength(2);
    expect(sizes[1]).toBeLessThan(sizes[0]!);
    await lab.shot("http2");
    expect(lab.errors).toEqual([]);
  });
});
