/** `pnpm demo -- --tour`: the terminal tour, and the captures written to apps/demo/out/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runTour } from "./tour";

export async function runTerminalTour(): Promise<void> {
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const tour = runTour({ color });
  console.log("@proto Protocol Lab: terminal tour\n");
  console.log(tour.text);

  const dir = resolve(import.meta.dirname, "..", "out");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "http-over-tcp-ipv4.pcap");
  writeFileSync(path, tour.pcap);
  console.log(`\n  ${tour.packets} packets written to ${path}`);
  console.log(`  Open it in Wireshark, or: tshark -r ${path}`);
}
