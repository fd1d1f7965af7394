/**
 * Real-peer check (shared/CONVENTIONS.md §9): the files writePcap / writePcapng produce must read back in
 * Wireshark's own tools with the right packet count, lengths and timestamps. Skips, with a printed
 * reason, when capinfos or tshark is not installed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CaptureRecord } from "./capture-record";
import { writePcap } from "./pcap";
import { writePcapng } from "./pcapng";

function found(tool: string): boolean {
  const result = spawnSync(tool, ["--version"], { encoding: "utf8" });
  if (result.error !== undefined || result.status !== 0) {
    console.warn(
      `skipping ${tool} checks: ${tool} was not found on PATH (install Wireshark's command-line tools)`,
    );
    return false;
  }
  return true;
}
const hasCapinfos = found("capinfos");
const hasTshark = found("tshark");

const dir = mkdtempSync(join(tmpdir(), "proto-osi-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: "utf8", env: { ...process.env, TZ: "UTC", LC_ALL: "C" } });
  if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** `capinfos -T -M file` prints a header row and a value row, tab-separated. */
function capinfos(file: string): Record<string, string> {
  const [header = "", values = ""] = run("capinfos", ["-T", "-M", file]).trimEnd().split("\n");
  const names = header.split("\t");
  const cells = values.split("\t");
  return Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ""]));
}

function tsharkFields(file: string, fields: string[]): string[][] {
  const args = ["-r", file, "-T", "fields", ...fields.flatMap((f) => ["-e", f])];
  return run("tshark", args)
    .trimEnd()
    .split("\n")
    .map((line) => line.split("\t"));
}

/** An epoch timestamp as tshark prints frame.time_epoch: seconds and 9 fraction digits. */
const epoch = (ns: bigint): string =>
  `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}`;

// Ethernet-sized frames (Ethernet II header + payload) with known times and truncation.
const frame = (length: number, fill: number) => new Uint8Array(length).fill(fill);
const records: CaptureRecord[] = [
  { timestampNs: 1_700_000_000_000_000_001n, data: frame(60, 1) },
  { timestampNs: 1_700_000_000_250_000_000n, data: frame(100, 2), originalLength: 1514 },
  { timestampNs: 1_700_000_001_999_999_999n, data: frame(42, 3), interfaceId: 1 },
];
const lengths = records.map((r) => [String(r.originalLength ?? r.data.length), String(r.data.length)]);

describe("pcap files in Wireshark's tools", () => {
  const nano = join(dir, "nano.pcap");
  const micro = join(dir, "micro.pcap");
  writeFileSync(nano, writePcap(records, { precision: "nano" }));
  writeFileSync(micro, writePcap(records));

  it.skipIf(!hasCapinfos)("capinfos reads the count, type, encapsulation and sizes", () => {
    const info = capinfos(nano);
    expect(info["Number of packets"]).toBe("3");
    expect(info["File type"]).toBe("nsecpcap"); // Wireshark's name for the a1b23c4d magic
    expect(info["File encapsulation"]).toBe("ether");
    expect(info["File time precision"]).toBe("nanoseconds");
    expect(info["Packet size limit"]).toBe("262144");
    expect(info["Data size (bytes)"]).toBe(String(60 + 1514 + 42));
    expect(info["Start time"]).toBe("2023-11-14 22:13:20.000000001");
    expect(info["End time"]).toBe("2023-11-14 22:13:21.999999999");
    expect(capinfos(micro)).toMatchObject({ "File type": "pcap", "File time precision": "microseconds" });
  });

  it.skipIf(!hasTshark)("tshark reads every frame's lengths and time", () => {
    const fields = ["frame.len", "frame.cap_len", "frame.time_epoch"];
    expect(tsharkFields(nano, fields)).toEqual(records.map((r, i) => [...lengths[i]!, epoch(r.timestampNs)]));
    // Microsecond files hold the time truncated toward zero.
    expect(tsharkFields(micro, fields).map((row) => row[2])).toEqual(
      records.map((r) => epoch(r.timestampNs - (r.timestampNs % 1000n))),
    );
  });
});

describe("pcapng files in Wireshark's tools", () => {
  const file = join(dir, "two-interfaces.pcapng");
  writeFileSync(
    file,
    writePcapng(records, {
      interfaces: [
        { linkType: 1, snapLength: 65535, name: "eth0", tsresol: 9 },
        { linkType: 1, snapLength: 0, name: "lo", tsresol: 6 },
      ],
      comment: "written by @proto/osi tests",
    }),
  );

  it.skipIf(!hasCapinfos)("capinfos reads the count, type, application and comment", () => {
    const info = capinfos(file);
    expect(info["Number of packets"]).toBe("3");
    expect(info["File type"]).toBe("pcapng");
    expect(info["File encapsulation"]).toBe("ether");
    expect(info["Data size (bytes)"]).toBe(String(60 + 1514 + 42));
    expect(info["Capture application"]).toBe("@proto/osi");
    expect(info["Capture comment"]).toBe("written by @proto/osi tests");
    expect(info["Start time"]).toMatch(/^2023-11-14 22:13:20\.0+1$/);
  });

  it.skipIf(!hasTshark)("tshark reads every frame's interface, lengths and time", () => {
    const rows = tsharkFields(file, [
      "frame.interface_id",
      "frame.interface_name",
      "frame.len",
      "frame.cap_len",
      "frame.time_epoch",
    ]);
    expect(rows).toEqual([
      ["0", "eth0", ...lengths[0]!, epoch(records[0]!.timestampNs)],
      ["0", "eth0", ...lengths[1]!, epoch(records[1]!.timestampNs)],
      // Interface 1 counts microseconds: the time is truncated to 1_700_000_001.999999 s.
      ["1", "lo", ...lengths[2]!, epoch(1_700_000_001_999_999_000n)],
    ]);
  });
});
