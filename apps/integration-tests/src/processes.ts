/**
 * Child processes and ports for the tests: run a command asynchronously (tests often host a server on
 * this same event loop, where spawnSync would deadlock it), and find a free port.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout as bytes (for binary bodies). */
  stdoutBytes: Buffer;
  stderr: string;
  /** Milliseconds the process ran. */
  ms: number;
}

/** Runs a command to completion, killing it (SIGKILL) after `timeoutMs`; never rejects for an exit code. */
export function run(
  file: string,
  args: string[],
  timeoutMs = 60_000,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(file, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({
        code,
        signal,
        stdout: stdoutBytes.toString("utf8"),
        stdoutBytes,
        stderr: Buffer.concat(err).toString("utf8"),
        ms: Date.now() - started,
      });
    });
  });
}

/** A port nothing listens on right now (bound to 0 and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
