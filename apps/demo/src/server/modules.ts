/** The lab's server-side features. Each panel that needs the server adds its module here. */
import type { Server } from "node:http";
import type { LabModule } from "./lab-server";

export function labModules(_http: Server): LabModule[] {
  return [];
}
