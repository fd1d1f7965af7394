/**
 * The terminal tour: the same scenarios as the browser lab, headless. The OSI and TCP/IP models and one
 * request encapsulated layer by layer; then real WebSocket and h2c exchanges over loopback through
 * @proto/node, recorded by a relay and decoded frame by frame; HPACK sizes; a simulator table; and the
 * recorded exchanges written as pcap files (through @proto/osi's TCP conversation builder) that
 * Wireshark and tshark open.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CaptureFile, captureFile } from "./tour-capture";
import { type DecodedH2Frame, h2Section, runH2Exchange } from "./tour-h2";
import { conversationSection, encapsulationSection, modelsSection } from "./tour-models";
import { type HpackSizes, hpackSection } from "./tour-protocols";
import { type SimRow, simulatorSection } from "./tour-sim";
import { type DecodedWsFrame, runWebSocketExchange, webSocketSection } from "./tour-websocket";

export interface TourOptions {
  /** Bold section titles (ANSI). */
  color?: boolean;
  /** Where the pcap files go; they are not written without it. */
  outDir?: string;
  /** Called with every line as it is produced (the CLI prints them as the tour goes). */
  onLine?: (line: string) => void;
  /** Bound on every network step, in ms (default 10 s). */
  timeoutMs?: number;
}

export interface WrittenCapture extends CaptureFile {
  /** Absolute path, when `outDir` was given. */
  path: string | undefined;
}

export interface TourResult {
  /** Everything the tour printed. */
  text: string;
  /** The synthetic HTTP/1.1 capture, then the WebSocket and h2c exchanges. */
  captures: WrittenCapture[];
  webSocketFrames: DecodedWsFrame[];
  h2Frames: DecodedH2Frame[];
  hpack: HpackSizes;
  simulator: SimRow[];
}

/** Runs a network section; a failure names the section (the process then exits 1, see main.ts). */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`tour: ${what} failed: ${message.replace(/^tour: /, "")}`, { cause: error });
  }
}

export async function runTour(options: TourOptions = {}): Promise<TourResult> {
  const out: string[] = [];
  const say = (s = "") => {
    out.push(s);
    options.onLine?.(s);
  };
  const bold = (s: string) => (options.color ? `\x1b[1m${s}\x1b[0m` : s);
  const timeoutMs = options.timeoutMs ?? 10_000;

  modelsSection(say, bold);
  say();
  say(bold("4. One HTTP request, encapsulated layer by layer"));
  encapsulationSection(say, options);
  say();
  say(bold("5. The whole TCP conversation of that request, as a capture (synthetic)"));
  const http = conversationSection(say);
  say();

  say(bold("6. WebSocket, for real: @proto/node server and client over 127.0.0.1"));
  const ws = await step("the WebSocket exchange", () => runWebSocketExchange(timeoutMs));
  const webSocketFrames = webSocketSection(say, ws);
  say();
  say(bold("7. HTTP/2 (h2c, prior knowledge), for real: createH2Server and connectH2 over 127.0.0.1"));
  const h2 = await step("the HTTP/2 exchange", () => runH2Exchange(timeoutMs));
  const h2Frames = h2Section(say, h2);
  say();
  say(bold("8. HPACK: a repeated request shrinks to about a byte per field"));
  const hpack = hpackSection(say);
  say();
  say(bold("9. Page loads in the simulator (@proto/quic-sim): HTTP/1.1, HTTP/2, HTTP/3"));
  const simulator = simulatorSection(say);
  say();

  say(bold("10. Captures"));
  const files = [
    http,
    captureFile("websocket-over-tcp-ipv4.pcap", ws),
    captureFile("h2c-over-tcp-ipv4.pcap", h2),
  ];
  const dir = options.outDir === undefined ? undefined : resolve(options.outDir);
  if (dir) mkdirSync(dir, { recursive: true });
  const captures = files.map((file): WrittenCapture => {
    const path = dir ? join(dir, file.name) : undefined;
    if (path) writeFileSync(path, file.pcap);
    return { ...file, path };
  });
  for (const c of captures) {
    const what = c === captures[0] ? "synthetic HTTP/1.1" : `recorded, server port ${c.serverPort}`;
    say(
      `  ${String(c.packets.length).padStart(3)} packets (${what}): ${c.path ?? `${c.name} (not written)`}`,
    );
  }
  if (dir) {
    say();
    say("  Open them in Wireshark, or for example:");
    const [, wsFile, h2File] = captures;
    say(`    tshark -r ${wsFile!.path} -d tcp.port==${wsFile!.serverPort},http -Y websocket`);
    say(`    tshark -r ${h2File!.path} -d tcp.port==${h2File!.serverPort},http2 -Y http2`);
  }
  return { text: out.join("\n"), captures, webSocketFrames, h2Frames, hpack, simulator };
}
