/**
 * SETTINGS (RFC 9113 §6.5): the parameters each endpoint announces, their defaults and ranges, and their
 * conversion to and from the frame's [identifier, value] pairs.
 */
import { checkSetting, SettingId } from "@proto/h2-frame";
import { invalidArgument } from "./errors";

export interface Http2Settings {
  /** §6.5.2 SETTINGS_HEADER_TABLE_SIZE: the HPACK table our decoder keeps (default 4096). */
  headerTableSize: number;
  /** §6.5.2 SETTINGS_ENABLE_PUSH: whether the server may push (client only; default true on a client). */
  enablePush: boolean;
  /** §6.5.2 SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may open at once (ours: default 100). */
  maxConcurrentStreams: number;
  /** §6.5.2 SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window (default 65535). */
  initialWindowSize: number;
  /** §6.5.2 SETTINGS_MAX_FRAME_SIZE: the largest frame payload we accept (default 16384). */
  maxFrameSize: number;
  /** §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE: the largest field section we accept (ours: default 64 KiB). */
  maxHeaderListSize: number;
  /** RFC 8441 §3 SETTINGS_ENABLE_CONNECT_PROTOCOL: extended CONNECT allowed (default false). */
  enableConnectProtocol: boolean;
}

/** The protocol's initial values (§6.5.2): what a peer's settings are until its SETTINGS arrives. */
export const PROTOCOL_DEFAULTS: Readonly<Http2Settings> = {
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: Number.POSITIVE_INFINITY,
  initialWindowSize: 65_535,
  maxFrameSize: 16_384,
  maxHeaderListSize: Number.POSITIVE_INFINITY,
  enableConnectProtocol: false,
};

/** What this session announces unless told otherwise. */
export const LOCAL_DEFAULTS: Readonly<Http2Settings> = {
  ...PROTOCOL_DEFAULTS,
  maxConcurrentStreams: 100,
  maxHeaderListSize: 64 * 1024,
};

const IDS: ReadonlyArray<[keyof Http2Settings, number]> = [
  ["headerTableSize", SettingId.HEADER_TABLE_SIZE],
  ["enablePush", SettingId.ENABLE_PUSH],
  ["maxConcurrentStreams", SettingId.MAX_CONCURRENT_STREAMS],
  ["initialWindowSize", SettingId.INITIAL_WINDOW_SIZE],
  ["maxFrameSize", SettingId.MAX_FRAME_SIZE],
  ["maxHeaderListSize", SettingId.MAX_HEADER_LIST_SIZE],
  ["enableConnectProtocol", SettingId.ENABLE_CONNECT_PROTOCOL],
];

const UINT32 = 0xffff_ffff;

/** Checks caller-given settings and returns them as frame pairs (only those given). */
export function toPairs(settings: Partial<Http2Settings>): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const [key, id] of IDS) {
    const value = settings[key];
    if (value === undefined) continue;
    let n: number;
    if (typeof value === "boolean") n = value ? 1 : 0;
    else if (value === Number.POSITIVE_INFINITY)
      continue; // unlimited: not announced
    else n = value;
    if (!Number.isInteger(n) || n < 0 || n > UINT32)
      throw invalidArgument(`${key} ${String(value)} is not 0-2^32-1`);
    try {
      checkSetting(id, n);
    } catch (error) {
      throw invalidArgument(`${key}: ${(error as Error).message}`);
    }
    pairs.push([id, n]);
  }
  return pairs;
}

/** Applies received pairs onto `into`; unknown identifiers are ignored (§6.5.2). Returns what changed. */
export function applyPairs(
  into: Http2Settings,
  pairs: ReadonlyArray<[number, number]>,
): Partial<Http2Settings> {
  const changed: Partial<Http2Settings> = {};
  for (const [id, value] of pairs) {
    const key = IDS.find(([, i]) => i === id)?.[0];
    if (key === undefined) continue;
    const typed = key === "enablePush" || key === "enableConnectProtocol" ? value === 1 : value;
    (into as unknown as Record<string, unknown>)[key] = typed;
    (changed as Record<string, unknown>)[key] = typed;
  }
  return changed;
}
