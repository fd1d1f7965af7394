import { protoProject } from "../../vitest.shared.ts";

// Real peers are slow to start (Chromium, tshark): give them room, and run files one at a time so two
// suites never fight over the same two cores while a peer is timing out.
export default protoProject("integration-tests", { testTimeout: 120_000 });
