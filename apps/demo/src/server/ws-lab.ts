/** The WebSocket panel's server side (placeholder: filled in by its own change). */
import type { Server } from "node:http";
import type { LabModule } from "./lab-server";

export function webSocketLab(_http: Server): LabModule {
  return { close: async () => {} };
}
