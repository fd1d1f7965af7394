/** A TCP connection: a client and a server endpoint over a path. */
import type { Simulator } from "./core";
import type { Link } from "./network";
import { TcpEndpoint } from "./tcp";
import type { TcpOptions } from "./tcp-types";

export function tcpConnection(
  sim: Simulator,
  path: { toServer: Link; toClient: Link },
  options: TcpOptions = {},
): { client: TcpEndpoint; server: TcpEndpoint } {
  const pair = {} as { client: TcpEndpoint; server: TcpEndpoint };
  pair.client = new TcpEndpoint(sim, path.toServer, () => pair.server, options);
  pair.server = new TcpEndpoint(sim, path.toClient, () => pair.client, options);
  return pair;
}
