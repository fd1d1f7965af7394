import { describe, expect, it } from "vitest";
import { findPeer, type PeerName } from "./peers";

const ALL: PeerName[] = ["chromium", "tshark", "capinfos", "nghttp", "nghttpd", "h2load", "curl"];

describe("findPeer", () => {
  it.each(ALL)("reports %s as found with a version, or missing with a reason", (name) => {
    const peer = findPeer(name);
    if (peer.available) {
      expect(peer.path).toMatch(/^\//);
      expect(peer.version).toBeTruthy();
    } else {
      console.warn(`[peer] ${name}: ${peer.reason}`);
      expect(peer.reason).toContain(name);
    }
  });

  it.runIf(process.env.PROTO_REQUIRE_PEERS === "1")(
    "finds every peer under PROTO_REQUIRE_PEERS=1 (CI)",
    () => {
      const missing = ALL.filter((n) => !findPeer(n).available).map((n) => findPeer(n).reason);
      expect(missing).toEqual([]);
    },
  );
});
