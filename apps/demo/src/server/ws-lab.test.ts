/**
 * The WebSocket lab module on a bare http.Server (no web build needed): the /ws echo, the wire tap, the
 * fragmented echo, the limit, and every misbehaving-client kind against the real server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connectWebSocket, type WebSocketConnection } from "@proto/node";
import { type Frame, FrameDecoder, Opcode } from "@proto/ws-frame";
import { computeAccept, getHeader, parseRequestHead, parseResponseHead } from "@proto/ws-handshake";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LabModule } from "./lab-server";
import { LAB_MAX_MESSAGE, webSocketLab } from "./ws-lab";
import { badFrame, isMisbehaviourKind, MISBEHAVIOURS, type MisbehaveResult } from "./ws-lab-misbehave";
import { TAP_BACKLOG_LIMIT, type TapMessage, WireTap } from "./ws-lab-tap";

let http: Server;
let lab: LabModule;
let base = "";

async function call<T>(path: string, body?: unknown): Promise<T> {
  const handler = lab.api?.[path] ?? lab.get?.[path];
  if (!handler) throw new Error(`no handler ${path}`);
  return (await handler(body, new URL(path, base), undefined as never)) as T;
}

beforeAll(async () => {
  http = createServer((_req, res) => res.end());
  lab = webSocketLab(http);
  http.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    lab.upgrade?.[path]?.(req, socket, head);
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await lab.close();
  http.closeAllConnections();
  await new Promise<void>((ok) => http.close(() => ok()));
});

function nextMessage(c: WebSocketConnection): Promise<{ data: string | Uint8Array; isBinary: boolean }> {
  return new Promise((ok) => c.once("message", (data, isBinary) => ok({ data, isBinary })));
}
function closed(c: WebSocketConnection): Promise<{ code: number; reason: string }> {
  return new Promise((ok) => c.once("close", (code, reason) => ok({ code, reason })));
}

/** Opens a tap and a /ws connection using it; collects the tap's messages. */
async function tapped() {
  const id = `t${Math.random().toString(36).slice(2, 12)}`;
  const tap = await connectWebSocket(`${base}/ws-tap?id=${id}`, { compression: false });
  const messages: TapMessage[] = [];
  tap.on("message", (data) => messages.push(JSON.parse(String(data)) as TapMessage));
  const ws = await connectWebSocket(`${base}/ws?tap=${id}`, { compression: false });
  const bytes = (dir: "in" | "out") =>
    Buffer.concat(
      messages.flatMap((m) => (m.type === "bytes" && m.dir === dir ? [Buffer.from(m.b64, "base64")] : [])),
    );
  return { id, tap, ws, messages, bytes };
}

function serverFrames(out: Uint8Array): Frame[] {
  const head = parseResponseHead(out);
  if (!head) throw new Error("no response head on the tap");
  return new FrameDecoder({ role: "client" }).push(out.subarray(head.bytesConsumed));
}

describe("/ws echo and its tap", () => {
  it("echoes text and binary, and the tap carries the real handshake and frames", async () => {
    const { ws, tap, messages, bytes } = await tapped();
    const text = nextMessage(ws);
    ws.send("héllo lab");
    expect(await text).toEqual({ data: "héllo lab", isBinary: false });
    const payload = new Uint8Array([0, 1, 2, 250, 251, 252]);
    const binary = nextMessage(ws);
    ws.send(payload);
    const echoed = await binary;
    expect(echoed.isBinary).toBe(true);
    expect([...(echoed.data as Uint8Array)]).toEqual([...payload]);
    await new Promise((r) => setTimeout(r, 50));

    const request = messages.find((m) => m.type === "request");
    if (request?.type !== "request") throw new Error("no request on the tap");
    const parsedRequest = parseRequestHead(Buffer.from(request.b64, "base64"));
    const key = getHeader(parsedRequest!.head.headers, "sec-websocket-key")!;
    const out = bytes("out");
    const response = parseResponseHead(out)!;
    expect(response.head.status).toBe(101);
    expect(getHeader(response.head.headers, "sec-websocket-accept")).toBe(computeAccept(key));

    // Client frames are masked on the wire: decoded as the server would.
    const inbound = new FrameDecoder({ role: "server" }).push(bytes("in"));
    expect(inbound.map((f) => [f.opcode, f.masked])).toEqual([
      [Opcode.TEXT, true],
      [Opcode.BINARY, true],
    ]);
    expect(new TextDecoder().decode(inbound[0]!.payload)).toBe("héllo lab");
    const outbound = serverFrames(out);
    expect(outbound.map((f) => [f.opcode, f.masked])).toEqual([
      [Opcode.TEXT, false],
      [Opcode.BINARY, false],
    ]);
    const tapClosed = closed(tap);
    const wsClosed = closed(ws);
    ws.close(4001, "done");
    // The server echoes the code (§5.5.1); the reason it received is what the tap reports.
    expect((await wsClosed).code).toBe(4001);
    await tapClosed;
    expect(messages.at(-1)).toMatchObject({ type: "closed", code: 4001, reason: "done" });
  });

  it("echoes the next message in fragments with a Ping between them", async () => {
    const { id, ws, bytes, tap } = await tapped();
    expect(await call("/api/ws/fragment", { id, pieces: 4 })).toEqual({ armed: 4 });
    const message = nextMessage(ws);
    ws.send("fragmented echo: ünïcödé");
    expect((await message).data).toBe("fragmented echo: ünïcödé");
    await new Promise((r) => setTimeout(r, 50));
    const frames = serverFrames(bytes("out"));
    expect(frames.map((f) => [f.fin, f.opcode])).toEqual([
      [false, Opcode.TEXT],
      [true, Opcode.PING],
      [false, Opcode.CONTINUATION],
      [false, Opcode.CONTINUATION],
      [true, Opcode.CONTINUATION],
    ]);
    const wsClosed = closed(ws);
    ws.close();
    await wsClosed;
    await closed(tap);
  });

  it("closes a message over the lab limit with 1009, and closes with a code the server is asked for", async () => {
    const big = await connectWebSocket(`${base}/ws`, { compression: false });
    const bigClosed = closed(big);
    big.send(new Uint8Array(LAB_MAX_MESSAGE + 1));
    expect((await bigClosed).code).toBe(1009);

    const { id, ws } = await tapped();
    const wsClosed = closed(ws);
    await call("/api/ws/close", { id, code: 1001, reason: "lab says bye" });
    expect(await wsClosed).toEqual({ code: 1001, reason: "lab says bye" });
    await expect(call("/api/ws/close", { id, code: 1005 })).rejects.toThrow(/no open/);
    // On an open connection, codes a Close frame may not carry are refused (RFC 6455 §7.4).
    const open = await tapped();
    for (const code of [1005, 1006, 1015, 999]) {
      await expect(call("/api/ws/close", { id: open.id, code })).rejects.toThrow(/may not be sent/);
    }
    expect(open.ws.state).toBe("open");
    open.ws.close();
  });

  it("sends a server ping on request; the client's automatic pong is on the tap", async () => {
    const { id, ws, bytes } = await tapped();
    const pong = new Promise<void>((ok) => ws.once("ping", () => ok()));
    const { sent } = await call<{ sent: string }>("/api/ws/ping", { id });
    await pong;
    await new Promise((r) => setTimeout(r, 50));
    const pongs = new FrameDecoder({ role: "server" })
      .push(bytes("in"))
      .filter((f) => f.opcode === Opcode.PONG);
    expect(pongs.map((f) => new TextDecoder().decode(f.payload))).toEqual([sent]);
    ws.close();
  });
});

describe("the misbehaving client", () => {
  const kinds = Object.keys(MISBEHAVIOURS).filter(isMisbehaviourKind);
  it.each(kinds)("%s gets the close code its rule calls for", async (kind) => {
    const result = await call<MisbehaveResult>("/api/ws/misbehave", { kind });
    expect(result.closeCode).toBe(MISBEHAVIOURS[kind].expected);
    expect(result.serverEnded).toBe(true);
    expect(result.closeReason.length).toBeGreaterThan(0);
    const sent = Buffer.from(result.badFrame, "base64");
    expect(sent[0]).toBe(badFrame(kind, new Uint8Array(4))[0]);
    const response = parseResponseHead(Buffer.from(result.response, "base64"));
    expect(response?.head.status).toBe(101);
  });

  it("refuses unknown kinds", async () => {
    await expect(call("/api/ws/misbehave", { kind: "constructor" })).rejects.toThrow(/unknown/);
  });
});

describe("the wire tap's bound", () => {
  it("drops a tap whose page fell behind, and only the tap", () => {
    const fake = { state: "open", close: vi.fn(), send: vi.fn(), bufferedAmount: 0 };
    const tap = new WireTap(fake as unknown as WebSocketConnection);
    tap.closed(1000, "first"); // sends one message, then closes the tap
    expect(fake.send).toHaveBeenCalledTimes(1);
    expect(fake.close).toHaveBeenCalledWith(1000, "connection closed");

    const slow = { state: "open", close: vi.fn(), send: vi.fn(), bufferedAmount: TAP_BACKLOG_LIMIT + 1 };
    const behind = new WireTap(slow as unknown as WebSocketConnection);
    behind.closed(1000, "x");
    expect(slow.send).not.toHaveBeenCalled();
    expect(slow.close).toHaveBeenCalledWith(1013, "tap fell behind and was dropped");
    expect(behind.active).toBe(false);
  });
});
