/**
 * One place that finds the real peers the integration tests drive: Chromium, tshark, nghttp, nghttpd,
 * h2load and curl. A missing peer makes its tests skip with a printed reason, never pass silently; with
 * PROTO_REQUIRE_PEERS=1 (set by .ci/run after it installs them) a missing peer fails instead.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export type PeerName = "chromium" | "tshark" | "capinfos" | "nghttp" | "nghttpd" | "h2load" | "curl";

export interface Peer {
  name: PeerName;
  /** Absolute path of the executable, when found. */
  path: string | undefined;
  /** First line of its version output, when found. */
  version: string | undefined;
  available: boolean;
  /** Why it is unavailable (printed when tests skip). */
  reason: string | undefined;
}

/** Where each peer comes from, for the skip message. */
const SOURCES: Record<PeerName, { debian: string; fixedPath?: string; versionArgs: string[] }> = {
  chromium: { debian: "chromium", fixedPath: "/usr/bin/chromium", versionArgs: ["--version"] },
  tshark: { debian: "tshark", versionArgs: ["--version"] },
  capinfos: { debian: "tshark (wireshark-common)", versionArgs: ["--version"] },
  nghttp: { debian: "nghttp2-client", versionArgs: ["--version"] },
  nghttpd: { debian: "nghttp2-server", versionArgs: ["--version"] },
  h2load: { debian: "nghttp2-client", versionArgs: ["--version"] },
  curl: { debian: "curl", versionArgs: ["--version"] },
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

const cache = new Map<PeerName, Peer>();

/** Finds a peer once per process. */
export function findPeer(name: PeerName): Peer {
  const cached = cache.get(name);
  if (cached) return cached;
  const source = SOURCES[name];
  const path = source.fixedPath && isExecutable(source.fixedPath) ? source.fixedPath : which(name);
  let peer: Peer;
  if (!path) {
    peer = {
      name,
      path,
      version: undefined,
      available: false,
      reason: `${name} not found on PATH (Debian package: ${source.debian}; .ci/run installs it)`,
    };
  } else {
    const run = spawnSync(path, source.versionArgs, { encoding: "utf8", timeout: 20_000 });
    const firstLine = `${run.stdout ?? ""}${run.stderr ?? ""}`.split("\n").find((l) => l.trim() !== "");
    peer =
      run.error || run.status !== 0
        ? {
            name,
            path,
            version: undefined,
            available: false,
            reason: `${path} ${source.versionArgs.join(" ")} failed: ${run.error?.message ?? `exit ${run.status}`}`,
          }
        : { name, path, version: firstLine?.trim(), available: true, reason: undefined };
  }
  cache.set(name, peer);
  return peer;
}

/**
 * For `describe.skipIf(!usePeer("tshark").available)`: returns the peer, printing why its tests skip when
 * it is missing, or throwing when PROTO_REQUIRE_PEERS=1 says every peer must be there.
 */
export function usePeer(name: PeerName): Peer {
  const peer = findPeer(name);
  if (!peer.available) {
    if (process.env.PROTO_REQUIRE_PEERS === "1") {
      throw new Error(`PROTO_REQUIRE_PEERS=1 but ${peer.reason}`);
    }
    console.warn(`[skip] real-peer tests for ${name}: ${peer.reason}`);
  }
  return peer;
}
