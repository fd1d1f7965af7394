/**
 * Reads the TLS 1.3 ClientHello (RFC 8446 §4.1.2) a client Initial carries in its CRYPTO frame, with the
 * byte span of every part, and decodes the QUIC transport parameters extension (RFC 9001 §8.2, RFC 9000
 * §18) one parameter at a time with @proto/quic-sim.
 */
import { decodeTransportParameters, readVarint } from "@proto/quic-sim";

/** A run of bytes of the ClientHello: `kind` picks its colour. */
export interface Span {
  kind: "hs" | "version" | "random" | "session" | "suites" | "compression" | "extlen" | "ext" | "tp";
  start: number;
  end: number;
}

export interface Extension {
  type: number;
  name: string;
  start: number;
  length: number;
  /** A short reading of the contents, in protocol notation, for the extensions shown that way. */
  summary: string;
}

export interface TransportParameter {
  id: number;
  name: string;
  length: number;
  value: string;
  raw: Uint8Array;
  /** Set when @proto/quic-sim's decoder refused the value: its error code. */
  refused?: string;
}

export interface ClientHello {
  handshakeType: number;
  length: number;
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compression: number[];
  extensions: Extension[];
  transportParameters: TransportParameter[];
  spans: Span[];
}

/** IANA TLS ExtensionType names (RFC 8446 §4.2, RFC 9001 §8.2, RFC 8449, RFC 6066, RFC 7301). */
const EXTENSIONS: Record<number, string> = {
  0: "server_name",
  5: "status_request",
  10: "supported_groups",
  13: "signature_algorithms",
  16: "application_layer_protocol_negotiation",
  28: "record_size_limit",
  41: "pre_shared_key",
  42: "early_data",
  43: "supported_versions",
  44: "cookie",
  45: "psk_key_exchange_modes",
  51: "key_share",
  57: "quic_transport_parameters",
  65281: "renegotiation_info",
};

export const CIPHER_SUITES: Record<number, string> = {
  4865: "TLS_AES_128_GCM_SHA256",
  4866: "TLS_AES_256_GCM_SHA384",
  4867: "TLS_CHACHA20_POLY1305_SHA256",
};

const GROUPS: Record<number, string> = { 23: "secp256r1", 24: "secp384r1", 29: "x25519" };

/** RFC 9000 §18.2 names, by identifier. */
const PARAMETERS: Record<number, string> = {
  0: "original_destination_connection_id",
  1: "max_idle_timeout",
  2: "stateless_reset_token",
  3: "max_udp_payload_size",
  4: "initial_max_data",
  5: "initial_max_stream_data_bidi_local",
  6: "initial_max_stream_data_bidi_remote",
  7: "initial_max_stream_data_uni",
  8: "initial_max_streams_bidi",
  9: "initial_max_streams_uni",
  10: "ack_delay_exponent",
  11: "max_ack_delay",
  12: "disable_active_migration",
  13: "preferred_address",
  14: "active_connection_id_limit",
  15: "initial_source_connection_id",
  16: "retry_source_connection_id",
};

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

function summary(type: number, data: Uint8Array): string {
  switch (type) {
    case 0: // server_name: list length, name type 0, name length, name
      return latin1(data.subarray(5, 5 + u16(data, 3)));
    case 10: {
      const groups: string[] = [];
      for (let i = 2; i + 1 < 2 + u16(data, 0); i += 2)
        groups.push(GROUPS[u16(data, i)] ?? `0x${u16(data, i).toString(16)}`);
      return groups.join(", ");
    }
    case 16: {
      const names: string[] = [];
      for (let i = 2; i < data.length; i += 1 + data[i]!)
        names.push(latin1(data.subarray(i + 1, i + 1 + data[i]!)));
      return names.map((n) => `"${n}"`).join(", ");
    }
    case 43: {
      const versions: string[] = [];
      for (let i = 1; i < 1 + data[0]!; i += 2)
        versions.push(u16(data, i) === 0x0304 ? "TLS 1.3" : `0x${u16(data, i).toString(16)}`);
      return versions.join(", ");
    }
    case 51:
      return `${GROUPS[u16(data, 2)] ?? u16(data, 2)}: ${hex(data.subarray(6, 14))}…`;
    case 28:
      return String(u16(data, 0));
    case 13: {
      const schemes: string[] = [];
      for (let i = 2; i + 1 < 2 + u16(data, 0); i += 2)
        schemes.push(u16(data, i).toString(16).padStart(4, "0"));
      return schemes.join(" ");
    }
    case 45:
      return data[1] === 1 ? "psk_dhe_ke" : `0x${data[1]?.toString(16)}`;
    case 5:
      return data[0] === 1 ? "ocsp" : "";
    default:
      return "";
  }
}

/** Decodes each parameter alone, so one value the decoder refuses does not hide the others. */
function transportParameters(data: Uint8Array): TransportParameter[] {
  const out: TransportParameter[] = [];
  for (let at = 0; at < data.length; ) {
    const start = at;
    const id = readVarint(data, at);
    at += id.length;
    const len = readVarint(data, at);
    at += len.length;
    const value = data.subarray(at, at + Number(len.value));
    at += Number(len.value);
    const idNumber = Number(id.value);
    const param: TransportParameter = {
      id: idNumber,
      name: PARAMETERS[idNumber] ?? `unknown_0x${idNumber.toString(16)}`,
      length: value.length,
      value: "",
      raw: data.subarray(start, at),
    };
    try {
      const decoded = decodeTransportParameters(data.subarray(start, at)) as Record<string, unknown>;
      const [entry] = Object.entries(decoded).filter(([k]) => k !== "unknown");
      const v = entry?.[1];
      param.value =
        v instanceof Uint8Array ? hex(v) : v === true ? "true" : v === undefined ? hex(value) : String(v);
    } catch (error) {
      // Read the varint directly (a BigInt past 2^53) and say that the package refused it.
      param.refused = (error as { code?: string }).code ?? String(error);
      param.value = String(readVarint(value, 0).value);
    }
    out.push(param);
  }
  return out;
}

/** Parses `bytes` (the CRYPTO frame's data) as a ClientHello. */
export function parseClientHello(bytes: Uint8Array): ClientHello {
  const spans: Span[] = [];
  const span = (kind: Span["kind"], start: number, end: number) => {
    spans.push({ kind, start, end });
    return end;
  };
  const handshakeType = bytes[0]!;
  const length = (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  let at = span("hs", 0, 4);
  const legacyVersion = u16(bytes, at);
  at = span("version", at, at + 2);
  const random = bytes.subarray(at, at + 32);
  at = span("random", at, at + 32);
  const sessionId = bytes.subarray(at + 1, at + 1 + bytes[at]!);
  at = span("session", at, at + 1 + bytes[at]!);
  const suitesLength = u16(bytes, at);
  const cipherSuites: number[] = [];
  for (let i = at + 2; i < at + 2 + suitesLength; i += 2) cipherSuites.push(u16(bytes, i));
  at = span("suites", at, at + 2 + suitesLength);
  const compression = Array.from(bytes.subarray(at + 1, at + 1 + bytes[at]!));
  at = span("compression", at, at + 1 + bytes[at]!);
  const extensionsEnd = at + 2 + u16(bytes, at);
  at = span("extlen", at, at + 2);
  const extensions: Extension[] = [];
  let transport: TransportParameter[] = [];
  while (at + 4 <= extensionsEnd) {
    const type = u16(bytes, at);
    const len = u16(bytes, at + 2);
    const data = bytes.subarray(at + 4, at + 4 + len);
    extensions.push({
      type,
      name: EXTENSIONS[type] ?? `unknown_${type}`,
      start: at,
      length: len,
      summary: summary(type, data),
    });
    if (type === 57) transport = transportParameters(data);
    at = span(type === 57 ? "tp" : "ext", at, at + 4 + len);
  }
  return {
    handshakeType,
    length,
    legacyVersion,
    random,
    sessionId,
    cipherSuites,
    compression,
    extensions,
    transportParameters: transport,
    spans,
  };
}
