/** The lab's server-side features. Each panel that needs the server has its module here. */
import type { Server } from "node:http";
import { http2Lab } from "./h2-lab";
import type { LabModule } from "./lab-server";
import { webSocketLab } from "./ws-lab";

export function labModules(http: Server): LabModule[] {
  return [webSocketLab(http), http2Lab(http)];
}
