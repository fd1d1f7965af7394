/**
 * HTTP/2 registries with the RFC's names (RFC 9113 §11, §6, §7; RFC 9218; RFC 8336; RFC 8441), each with a
 * name lookup that falls back to `UNKNOWN_0x..`.
 */

/** RFC 9113 §3.4: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n". */
export const CONNECTION_PREFACE: Uint8Array = Uint8Array.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", (c) =>
  c.charCodeAt(0),
);

/** Frame types (RFC 9113 §6, §11.2; ORIGIN RFC 8336; PRIORITY_UPDATE RFC 9218). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;

/** Frame flags (RFC 9113 §6). ACK and END_STREAM share bit 0x1. */
export const Flags = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** Error codes (RFC 9113 §7). */
export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  SETTINGS_TIMEOUT: 0x4,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
  CONNECT_ERROR: 0xa,
  ENHANCE_YOUR_CALM: 0xb,
  INADEQUATE_SECURITY: 0xc,
  HTTP_1_1_REQUIRED: 0xd,
} as const;

/** SETTINGS parameters (RFC 9113 §6.5.2; ENABLE_CONNECT_PROTOCOL RFC 8441; NO_RFC7540_PRIORITIES RFC 9218). */
export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
  NO_RFC7540_PRIORITIES: 0x9,
} as const;

function lookup(table: Record<string, number>, skip: string[] = []): (value: number) => string {
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(table))
    if (!skip.includes(name) && !names.has(value)) names.set(value, name);
  return (value) => names.get(value) ?? `UNKNOWN_0x${value.toString(16).padStart(2, "0")}`;
}

export const frameTypeName: (type: number) => string = lookup(FrameType);
export const errorCodeName: (code: number) => string = lookup(ErrorCode);
export const settingName: (id: number) => string = lookup(SettingId);

/** RFC 9113 §4.2, §6.5.2: the default and the largest allowed SETTINGS_MAX_FRAME_SIZE. */
export const DEFAULT_MAX_FRAME_SIZE = 16_384;
export const MAX_ALLOWED_FRAME_SIZE = 16_777_215;
/** RFC 9113 §6.9.1: the largest flow-control window. */
export const MAX_WINDOW_SIZE = 0x7fff_ffff;
