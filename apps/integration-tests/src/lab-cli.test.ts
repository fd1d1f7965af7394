/**
 * `pnpm demo` as people run it: main.ts through tsx with the source condition. It serves the lab on
 * 127.0.0.1 at the chosen port, prints the URL, answers the page and the `/ws` echo, and exits 0 on
 * Ctrl-C (SIGINT) after closing its connections. A bad option exits 1 with a message.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { connectWebSocket } from "@proto/node";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./processes";

const demo = join(import.meta.dirname, "..", "..", "demo");

function start(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@proto/source", join(demo, "src", "main.ts"), ...args],
    { cwd: demo, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  child.stderr!.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("pnpm demo", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("serves the lab on 127.0.0.1:--port, echoes on /ws, and stops cleanly on Ctrl-C", async () => {
    const port = await freePort();
    // dist/ is built by the @proto/demo#build task before these tests (turbo.json); --no-build builds
    // it anyway when it is missing.
    const lab = start(["--", "--port", String(port), "--no-build"]);
    children.push(lab.child);
    const url = `http://127.0.0.1:${port}/`;
    await waitFor(() => lab.output().includes(url), 60_000);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Protocol Lab");
    const icon = await fetch(`${url}favicon.svg`);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");

    const ws = await connectWebSocket(`ws://127.0.0.1:${port}/ws`, { compression: false });
    const echoed = new Promise<unknown>((resolve) => ws.once("message", (data) => resolve(data)));
    ws.send("hello lab");
    expect(await echoed).toBe("hello lab");
    const closed = new Promise<number>((resolve) => ws.once("close", (code: number) => resolve(code)));

    lab.child.kill("SIGINT");
    expect(await lab.exited).toBe(0);
    expect(lab.output()).toContain("stopping the lab");
    // The lab closed our WebSocket (1001 going away), and the port is free again.
    expect(await closed).toBe(1001);
    await expect(fetch(url)).rejects.toThrow();
  }, 90_000);

  it("refuses a bad option with exit 1 and a message", async () => {
    const bad = start(["--port", "99999"]);
    children.push(bad.child);
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain("--port: not a port: 99999");
  }, 60_000);
});
