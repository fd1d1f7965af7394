/** `pnpm demo`: the terminal tour, and the capture written to apps/demo/out/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runTour } from "./tour";

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const tour = runTour({ color });
console.log("@proto Protocol Lab: terminal tour (the web lab arrives with its own issue)\n");
console.log(tour.text);

const dir = resolve(import.meta.dirname, "..", "out");
mkdirSync(dir, { recursive: true });
const path = join(dir, "http-over-tcp-ipv4.pcap");
writeFileSync(path, tour.pcap);
console.log(`\n  ${tour.packets} packets written to ${path}`);
console.log(`  Open it in Wireshark, or: tshark -r ${path}`);
