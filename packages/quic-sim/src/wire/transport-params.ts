/**
 * QUIC transport parameters (RFC 9000 §18): a sequence of (id, length, value), carried in the TLS
 * handshake. Values are checked against §18.2; a duplicate or invalid parameter is a
 * TRANSPORT_PARAMETER_ERROR. Unknown (and reserved, 31 * N + 27) identifiers are kept but not interpreted.
 */
import { QuicSimError, TRANSPORT_PARAMETER_ERROR } from "../errors";
import { readVarint, readVarintNumber, varintLength, writeVarint } from "./varint";

export interface PreferredAddress {
  ipv4: Uint8Array;
  ipv4Port: number;
  ipv6: Uint8Array;
  ipv6Port: number;
  connectionId: Uint8Array;
  resetToken: Uint8Array;
}

/**
 * An integer parameter: a number, or a bigint above 2^53-1 (varints go to 2^62-1; RFC 9001 A.2's client
 * sends initial_max_data = 2^62-1).
 */
export type VarintValue = number | bigint;

export interface TransportParameters {
  originalDestinationConnectionId?: Uint8Array;
  maxIdleTimeout?: VarintValue;
  statelessResetToken?: Uint8Array;
  maxUdpPayloadSize?: VarintValue;
  initialMaxData?: VarintValue;
  initialMaxStreamDataBidiLocal?: VarintValue;
  initialMaxStreamDataBidiRemote?: VarintValue;
  initialMaxStreamDataUni?: VarintValue;
  initialMaxStreamsBidi?: VarintValue;
  initialMaxStreamsUni?: VarintValue;
  ackDelayExponent?: VarintValue;
  maxAckDelay?: VarintValue;
  disableActiveMigration?: boolean;
  preferredAddress?: PreferredAddress;
  activeConnectionIdLimit?: VarintValue;
  initialSourceConnectionId?: Uint8Array;
  retrySourceConnectionId?: Uint8Array;
  /** Parameters this codec does not interpret, by identifier. */
  unknown?: Array<[number, Uint8Array]>;
}

type Kind = "int" | "bytes" | "token" | "flag" | "address";
const PARAMS: ReadonlyArray<[number, keyof TransportParameters, Kind]> = [
  [0x00, "originalDestinationConnectionId", "bytes"],
  [0x01, "maxIdleTimeout", "int"],
  [0x02, "statelessResetToken", "token"],
  [0x03, "maxUdpPayloadSize", "int"],
  [0x04, "initialMaxData", "int"],
  [0x05, "initialMaxStreamDataBidiLocal", "int"],
  [0x06, "initialMaxStreamDataBidiRemote", "int"],
  [0x07, "initialMaxStreamDataUni", "int"],
  [0x08, "initialMaxStreamsBidi", "int"],
  [0x09, "initialMaxStreamsUni", "int"],
  [0x0a, "ackDelayExponent", "int"],
  [0x0b, "maxAckDelay", "int"],
  [0x0c, "disableActiveMigration", "flag"],
  [0x0d, "preferredAddress", "address"],
  [0x0e, "activeConnectionIdLimit", "int"],
  [0x0f, "initialSourceConnectionId", "bytes"],
  [0x10, "retrySourceConnectionId", "bytes"],
];

function bad(message: string): QuicSimError {
  return new QuicSimError("QUIC_BAD_TRANSPORT_PARAMETERS", message, { wireCode: TRANSPORT_PARAMETER_ERROR });
}

/** §18.2's value rules. */
function check(key: keyof TransportParameters, value: VarintValue): void {
  if (key === "maxUdpPayloadSize" && value < 1200) throw bad("max_udp_payload_size below 1200 (§18.2)");
  if (key === "ackDelayExponent" && value > 20) throw bad("ack_delay_exponent above 20 (§18.2)");
  if (key === "maxAckDelay" && value >= 2 ** 14) throw bad("max_ack_delay of 2^14 or more (§18.2)");
  if (key === "activeConnectionIdLimit" && value < 2) throw bad("active_connection_id_limit below 2 (§18.2)");
  if ((key === "initialMaxStreamsBidi" || key === "initialMaxStreamsUni") && value > 2 ** 60) {
    throw bad(`${key} above 2^60 (§18.2)`);
  }
}

export function encodeTransportParameters(params: TransportParameters): Uint8Array {
  const parts: Uint8Array[] = [];
  const put = (id: number, value: Uint8Array) => {
    const head = new Uint8Array(varintLength(id) + varintLength(value.length));
    writeVarint(head, writeVarint(head, 0, id), value.length);
    parts.push(head, value);
  };
  for (const [id, key, kind] of PARAMS) {
    const value = params[key];
    if (value === undefined || value === false) continue;
    if (kind === "int") {
      check(key, value as VarintValue);
      const v = new Uint8Array(varintLength(value as VarintValue));
      writeVarint(v, 0, value as VarintValue);
      put(id, v);
    } else if (kind === "flag") put(id, new Uint8Array(0));
    else if (kind === "address") {
      const a = value as PreferredAddress;
      const v = new Uint8Array(4 + 2 + 16 + 2 + 1 + a.connectionId.length + 16);
      const view = new DataView(v.buffer);
      v.set(a.ipv4, 0);
      view.setUint16(4, a.ipv4Port);
      v.set(a.ipv6, 6);
      view.setUint16(22, a.ipv6Port);
      v[24] = a.connectionId.length;
      v.set(a.connectionId, 25);
      v.set(a.resetToken, 25 + a.connectionId.length);
      put(id, v);
    } else {
      const bytes = value as Uint8Array;
      if (kind === "token" && bytes.length !== 16) throw bad("stateless_reset_token must be 16 bytes");
      if (kind === "bytes" && bytes.length > 20) throw bad(`${key} longer than 20 bytes`);
      put(id, bytes);
    }
  }
  for (const [id, value] of params.unknown ?? []) put(id, value);
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function decodeTransportParameters(data: Uint8Array): TransportParameters {
  const out: TransportParameters = {};
  const record = out as Record<string, unknown>;
  const seen = new Set<number>();
  let at = 0;
  while (at < data.length) {
    const id = readVarintNumber(data, at, "parameter id");
    at += id.length;
    const len = readVarintNumber(data, at, "parameter length");
    at += len.length;
    if (at + len.value > data.length) throw bad("a parameter runs past the end");
    const value = data.subarray(at, at + len.value);
    at += len.value;
    // §7.4: "An endpoint MUST NOT send a parameter more than once in a given transport parameters
    // extension" — a TRANSPORT_PARAMETER_ERROR.
    if (seen.has(id.value)) throw bad(`transport parameter 0x${id.value.toString(16)} appears twice (§7.4)`);
    seen.add(id.value);
    const known = PARAMS.find(([pid]) => pid === id.value);
    if (!known) {
      out.unknown ??= [];
      out.unknown.push([id.value, value]);
      continue;
    }
    const [, key, kind] = known;
    if (kind === "int") {
      const v = readVarint(value, 0);
      if (v.length !== value.length) throw bad(`${key}: the value's length does not match its varint`);
      check(key, v.value);
      record[key] = v.value;
    } else if (kind === "flag") {
      if (value.length !== 0) throw bad("disable_active_migration carries no value");
      record[key] = true;
    } else if (kind === "token") {
      if (value.length !== 16) throw bad("stateless_reset_token must be 16 bytes");
      record[key] = value;
    } else if (kind === "address") {
      if (value.length < 41) throw bad("preferred_address too short");
      const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
      const cidLen = value[24]!;
      if (cidLen < 1 || cidLen > 20 || value.length !== 41 + cidLen) throw bad("preferred_address malformed");
      record[key] = {
        ipv4: value.subarray(0, 4),
        ipv4Port: view.getUint16(4),
        ipv6: value.subarray(6, 22),
        ipv6Port: view.getUint16(22),
        connectionId: value.subarray(25, 25 + cidLen),
        resetToken: value.subarray(25 + cidLen),
      };
    } else {
      if (value.length > 20) throw bad(`${key} longer than 20 bytes`);
      record[key] = value;
    }
  }
  return out;
}
