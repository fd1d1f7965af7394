/**
 * The tour's HTTP/2 section: a real h2c exchange (prior knowledge, RFC 9113 §3.3) over loopback through
 * @proto/node's createH2Server and connectH2, recorded by the relay, then every frame of both directions
 * decoded with @proto/h2-frame and every header block with @proto/hpack.
 */

import {
  CONNECTION_PREFACE,
  errorCodeName,
  type Frame,
  FrameDecoder,
  FrameType,
  frameTypeName,
  isFrameType,
  settingName,
} from "@proto/h2-frame";
import { HpackDecoder } from "@proto/hpack";
import { connectH2, createH2Server } from "@proto/node";
import { n, nsToMs, preview, type Say, within } from "./tour-format";
import { BROWSER_FIELDS } from "./tour-protocols";
import { type RelayCapture, startRelay } from "./tour-relay";

/** One frame as read back from the capture ("PREFACE" for the client's connection preface). */
export interface DecodedH2Frame {
  from: "client" | "server";
  type: string;
  streamId: number;
  length: number;
  flags: string[];
  /** HEADERS: the header block's size and its fields. */
  blockSize?: number;
  fields?: Array<[string, string]>;
}

const PAGE = "<!doctype html><title>@proto tour</title><script src=/app.js></script><p>Hello over h2c.</p>\n";
/** Large enough for several DATA frames and for the client to return window (WINDOW_UPDATE) mid-way. */
export const H2_BODY_BYTES = 96 * 1024;

function appJs(): string {
  let out = "";
  for (let i = 0; out.length < H2_BODY_BYTES; i++) out += `console.log("line ${i} of the tour's app.js");\n`;
  return out.slice(0, H2_BODY_BYTES);
}

/** Runs the exchange: GET / and GET /app.js (same headers: HPACK shrinks the second), then GOAWAY. */
export async function runH2Exchange(timeoutMs: number): Promise<RelayCapture> {
  const body = appJs();
  const server = createH2Server({ host: "127.0.0.1", port: 0, closeTimeout: timeoutMs }, (req, res) => {
    if (req.path === "/app.js") {
      res.respond(200, { "content-type": "text/javascript", "content-length": String(body.length) });
      res.end(body);
    } else {
      res.respond(200, { "content-type": "text/html; charset=utf-8" });
      res.end(PAGE);
    }
  });
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  let capture: RelayCapture | undefined;
  /** Closes everything this exchange opened; bounded, like every step. */
  const cleanup = async () => {
    await Promise.all([within(server.close(), timeoutMs, "closing the HTTP/2 server"), relay?.close()]);
  };
  try {
    const { port } = await within(server.listen(), timeoutMs, "starting the HTTP/2 server");
    relay = await within(startRelay(port), timeoutMs, "starting the relay");
    const client = await within(
      connectH2(`http://127.0.0.1:${relay.port}`, { connectTimeout: timeoutMs }),
      timeoutMs,
      "the HTTP/2 connection preface and SETTINGS",
    );
    const page = await within(client.request({ path: "/", headers: BROWSER_FIELDS }), timeoutMs, "GET /");
    const js = await within(
      client.request({ path: "/app.js", headers: BROWSER_FIELDS }),
      timeoutMs,
      "GET /app.js",
    );
    if (page.status !== 200 || js.body.length !== H2_BODY_BYTES) {
      throw new Error(
        `tour: unexpected HTTP/2 answers: ${page.status}, ${js.status} with ${js.body.length} bytes`,
      );
    }
    await within(client.close(), timeoutMs, "the client's GOAWAY and TCP teardown");
    capture = relay.captures[0];
    if (!capture) throw new Error("tour: the relay saw no HTTP/2 connection");
    await within(capture.closed, timeoutMs, "the HTTP/2 connection's TCP teardown");
  } catch (error) {
    // A failing cleanup must not hide the first error.
    await cleanup().catch(() => {});
    throw error;
  }
  await cleanup();
  return capture;
}

function flagNames(f: Frame): string[] {
  const out: string[] = [];
  if ("endStream" in f && f.endStream) out.push("END_STREAM");
  if ("endHeaders" in f && f.endHeaders) out.push("END_HEADERS");
  if ("ack" in f && f.ack) out.push("ACK");
  if ("padLength" in f && f.padLength !== undefined) out.push("PADDED");
  if ("priority" in f && f.priority && f.type === FrameType.HEADERS) out.push("PRIORITY");
  return out;
}

/** What a frame says, in a few words. */
function detail(f: Frame, decoded: DecodedH2Frame): string {
  if (isFrameType(f, FrameType.SETTINGS)) {
    return f.settings.map(([id, v]) => `${settingName(id)}=${n(v)}`).join(", ") || "(none)";
  }
  if (isFrameType(f, FrameType.WINDOW_UPDATE)) return `increment ${n(f.windowSizeIncrement)}`;
  if (isFrameType(f, FrameType.GOAWAY)) {
    return `last stream ${f.lastStreamId}, ${errorCodeName(f.errorCode)}`;
  }
  if (isFrameType(f, FrameType.RST_STREAM)) return errorCodeName(f.errorCode);
  if (isFrameType(f, FrameType.PING)) return preview(f.data);
  if (isFrameType(f, FrameType.DATA)) return preview(f.data, { max: 24 });
  if (decoded.blockSize !== undefined) {
    return `${decoded.blockSize}-byte HPACK block → ${decoded.fields?.length ?? 0} fields`;
  }
  return "";
}

/** Prints the recorded exchange; returns the frames it found. */
export function h2Section(say: Say, capture: RelayCapture): DecodedH2Frame[] {
  say(
    `  client 127.0.0.1:${capture.clientPort} → relay 127.0.0.1:${capture.serverPort} → @proto/node createH2Server (h2c) 127.0.0.1:${capture.upstreamPort}`,
  );
  say(`  ${capture.chunks.length} chunks recorded; every frame of both directions, decoded again:`);
  say();
  const sides = {
    client: { preface: 0, decoder: new FrameDecoder(), hpack: new HpackDecoder(), block: [] as number[] },
    server: {
      preface: CONNECTION_PREFACE.length,
      decoder: new FrameDecoder(),
      hpack: new HpackDecoder(),
      block: [] as number[],
    },
  };
  const frames: DecodedH2Frame[] = [];
  for (const chunk of capture.chunks) {
    const side = sides[chunk.from];
    const arrow = chunk.from === "client" ? "client → server" : "server → client";
    const t = `+${nsToMs(chunk.atNs - capture.openedAtNs).padStart(7)} ms`;
    let bytes = chunk.data;
    if (side.preface < CONNECTION_PREFACE.length) {
      // RFC 9113 §3.4: the client's first 24 bytes are the fixed preface, not a frame.
      const take = Math.min(CONNECTION_PREFACE.length - side.preface, bytes.length);
      side.preface += take;
      bytes = bytes.subarray(take);
      if (side.preface === CONNECTION_PREFACE.length) {
        frames.push({
          from: chunk.from,
          type: "PREFACE",
          streamId: 0,
          length: CONNECTION_PREFACE.length,
          flags: [],
        });
        say(`    ${t}  ${arrow}  PREFACE        ${preview(CONNECTION_PREFACE)}`);
      }
    }
    for (const f of side.decoder.push(bytes)) {
      const payloadLength = frameLength(f);
      const decoded: DecodedH2Frame = {
        from: chunk.from,
        type: frameTypeName(f.type),
        streamId: f.streamId,
        length: payloadLength,
        flags: flagNames(f),
      };
      if (isFrameType(f, FrameType.HEADERS) || isFrameType(f, FrameType.CONTINUATION)) {
        side.block.push(...f.headerBlock);
        if (f.endHeaders) {
          const block = Uint8Array.from(side.block);
          side.block = [];
          decoded.blockSize = block.length;
          decoded.fields = side.hpack.decode(block);
        }
      }
      frames.push(decoded);
      const flags = decoded.flags.length ? ` [${decoded.flags.join("|")}]` : "";
      say(
        `    ${t}  ${arrow}  ${decoded.type.padEnd(13)}  stream ${decoded.streamId}  len ${String(payloadLength).padStart(5)}${flags}  ${detail(f, decoded)}`,
      );
      for (const [name, value] of decoded.fields ?? []) say(`${" ".repeat(20)}${name}: ${value}`);
    }
  }
  const blocks = frames.filter((f) => f.from === "client" && f.blockSize !== undefined);
  if (blocks.length >= 2) {
    say();
    say(
      `  The two requests carry the same ${blocks[0]!.fields?.length} fields; their HPACK blocks: ${blocks[0]!.blockSize} bytes, then ${blocks[1]!.blockSize} bytes (the second mostly indexes the dynamic table).`,
    );
  }
  return frames;
}

/** A frame's payload length as it was on the wire (from the decoded fields). */
function frameLength(f: Frame): number {
  if (isFrameType(f, FrameType.DATA))
    return f.data.length + (f.padLength === undefined ? 0 : f.padLength + 1);
  if (isFrameType(f, FrameType.HEADERS)) {
    return f.headerBlock.length + (f.padLength === undefined ? 0 : f.padLength + 1) + (f.priority ? 5 : 0);
  }
  if (isFrameType(f, FrameType.CONTINUATION)) return f.headerBlock.length;
  if (isFrameType(f, FrameType.SETTINGS)) return f.settings.length * 6;
  if (isFrameType(f, FrameType.WINDOW_UPDATE) || isFrameType(f, FrameType.RST_STREAM)) return 4;
  if (isFrameType(f, FrameType.PING)) return 8;
  if (isFrameType(f, FrameType.GOAWAY)) return 8 + f.debugData.length;
  return "payload" in f ? f.payload.length : 0;
}
