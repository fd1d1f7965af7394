/**
 * The terminal tour as CI runs it: `pnpm demo -- --tour` (main.ts --tour through tsx) must exit 0 by
 * itself and print the absolute paths of its captures; then Wireshark's tshark reads each pcap with
 * checksum validation and TCP analysis on and finds no error-level (nor warning-level) expert info, no
 * malformed packet, no bad checksum, and dissects the recorded exchanges as WebSocket and HTTP/2.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decapsulate, readPcap } from "@proto/osi";
import { beforeAll, describe, expect, it } from "vitest";
import { usePeer } from "./peers";
import { type RunResult, run } from "./processes";

const tshark = usePeer("tshark");
const demo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "demo");

const CHECKS = [
  "-o",
  "ip.check_checksum:TRUE",
  "-o",
  "tcp.check_checksum:TRUE",
  "-o",
  "tcp.analyze_sequence_numbers:TRUE",
];

describe("pnpm demo -- --tour", () => {
  let tour: RunResult;
  let pcaps: string[] = [];

  beforeAll(async () => {
    // What `pnpm demo -- --tour` runs: tsx with the source condition on main.ts, from apps/demo.
    tour = await run(
      process.execPath,
      ["--import", "tsx", "--conditions=@proto/source", join(demo, "src", "main.ts"), "--tour"],
      90_000,
      { cwd: demo, env: { ...process.env, NO_COLOR: "1" } },
    );
    pcaps = [...tour.stdout.matchAll(/packets \([^)]*\): (\S+\.pcap)$/gm)].map((m) => m[1]!);
  }, 120_000);

  it("exits 0 by itself, after every section, printing the captures' absolute paths", () => {
    expect(tour.signal, tour.stderr).toBeNull();
    expect(tour.code, tour.stderr).toBe(0);
    for (const title of [
      "1. The OSI model",
      "6. WebSocket, for real",
      "7. HTTP/2",
      "8. HPACK",
      "9. Page loads",
    ]) {
      expect(tour.stdout).toContain(title);
    }
    expect(tour.stdout).toContain("Tour complete.");
    expect(pcaps.map((p) => p.split("/").at(-1))).toEqual([
      "http-over-tcp-ipv4.pcap",
      "websocket-over-tcp-ipv4.pcap",
      "h2c-over-tcp-ipv4.pcap",
    ]);
    for (const path of pcaps) {
      expect(isAbsolute(path)).toBe(true);
      expect(existsSync(path)).toBe(true);
    }
  });

  describe.skipIf(!tshark.available)(
    `tshark reads the tour's captures (${tshark.version ?? "absent"})`,
    () => {
      /** The server's port: where the first packet (the SYN) goes. */
      const serverPort = (path: string) => {
        const syn = decapsulate(readPcap(new Uint8Array(readFileSync(path))).records[0]!.data);
        const tcp = syn.layers.find((l) => l.layer === "tcp");
        return Number(tcp?.fields.destinationPort);
      };
      const decodeAs = (path: string) =>
        path.endsWith("h2c-over-tcp-ipv4.pcap")
          ? ["-d", `tcp.port==${serverPort(path)},http2`]
          : path.endsWith("websocket-over-tcp-ipv4.pcap")
            ? ["-d", `tcp.port==${serverPort(path)},http`]
            : [];
      const tsharkRun = async (path: string, args: string[]) => {
        const result = await run(tshark.path!, ["-n", "-r", path, ...CHECKS, ...decodeAs(path), ...args]);
        if (result.code !== 0) throw new Error(`tshark exited ${result.code}: ${result.stderr}`);
        return result.stdout.split("\n").filter((l) => l.length > 0);
      };
      /** The values of `field` in frames matching `filter`, one line per frame. */
      const fields = (path: string, filter: string, field = "frame.number") =>
        tsharkRun(path, ["-Y", filter, "-T", "fields", "-e", field]);

      it("finds no error-level expert info, no malformed packet and no bad checksum in any capture", async () => {
        expect(pcaps).toHaveLength(3);
        for (const path of pcaps) {
          const records = readPcap(new Uint8Array(readFileSync(path))).records.length;
          expect(await fields(path, "frame")).toHaveLength(records);
          expect(await tsharkRun(path, ["-q", "-z", "expert,error"])).not.toContainEqual(
            expect.stringMatching(/Errors \(\d+\)/),
          );
          expect(await fields(path, "_ws.expert.severity >= 8388608 || _ws.malformed")).toEqual([]); // error
          expect(await fields(path, "_ws.expert.severity >= 6291456")).toEqual([]); // nor a warning
          expect(await fields(path, "ip.checksum.status == 0 || tcp.checksum.status == 0")).toEqual([]);
          // Validation really ran: every TCP checksum was checked and found good.
          expect(await fields(path, "tcp.checksum.status == 1")).toHaveLength(records);
          expect(await fields(path, "tcp.analysis.flags && !tcp.analysis.window_update")).toEqual([]);
        }
      });

      it("dissects the WebSocket capture: the upgrade, then text, binary, ping, pong and Close 1000", async () => {
        const path = pcaps.find((p) => p.endsWith("websocket-over-tcp-ipv4.pcap"))!;
        expect(await fields(path, "http.response.code == 101")).toHaveLength(1);
        const opcodes = (await fields(path, "websocket", "websocket.opcode")).flatMap((l) => l.split(","));
        expect(opcodes.length).toBeGreaterThan(0);
        for (const opcode of ["1", "2", "8", "9", "10"]) expect(opcodes).toContain(opcode);
        expect(await fields(path, "websocket.mask == 1")).toHaveLength(4); // every client frame
        expect(await fields(path, "websocket.payload.close.status_code == 1000")).toHaveLength(2);
      });

      it("dissects the h2c capture: preface, SETTINGS, HEADERS, DATA, WINDOW_UPDATE and GOAWAY", async () => {
        const path = pcaps.find((p) => p.endsWith("h2c-over-tcp-ipv4.pcap"))!;
        expect(await fields(path, "http2.magic")).toHaveLength(1);
        const types = new Set(
          (await fields(path, "http2", "http2.type")).flatMap((l) => l.split(",")).map(Number),
        );
        for (const type of [0, 1, 4, 7, 8]) expect(types).toContain(type); // DATA HEADERS SETTINGS GOAWAY WINDOW_UPDATE
        // Wireshark's own HPACK decoder reads both requests, the second through the dynamic table.
        const paths = (await fields(path, "http2.headers.path", "http2.headers.path")).flatMap((l) =>
          l.split(","),
        );
        expect(paths).toEqual(["/", "/app.js"]);
      });
    },
  );
});
