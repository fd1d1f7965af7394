/**
 * `pnpm demo`: builds the web lab and serves it on 127.0.0.1 until Ctrl-C.
 * `pnpm demo -- --tour`: the same scenarios in the terminal, then exit.
 *
 * Options: `--port N` (default: a free port), `--no-build` (serve dist/ as it is), `--tour`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildWeb } from "./build";
import { DEFAULT_DIST, startLabServer } from "./server/lab-server";
import { runTerminalTour } from "./tour-cli";

interface Args {
  tour: boolean;
  port: number;
  build: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { tour: false, port: 0, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") continue;
    if (a === "--tour") args.tour = true;
    else if (a === "--no-build") args.build = false;
    else if (a === "--port" || a.startsWith("--port=")) {
      const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port: not a port: ${value}`);
      args.port = port;
    } else if (a === "--help" || a === "-h") {
      console.log("usage: pnpm demo [-- --port N] [-- --no-build] [-- --tour]");
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.tour) {
    await runTerminalTour();
    return;
  }
  if (args.build || !existsSync(join(DEFAULT_DIST, "index.html"))) await buildWeb();
  const lab = await startLabServer({ port: args.port });
  console.log(`\n  @proto Protocol Lab: ${lab.url}\n  (Ctrl-C stops it)\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log("\nstopping the lab…");
    lab.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
