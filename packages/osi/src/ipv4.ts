/**
 * The IPv4 header, RFC 791 §3.1, with the Type of Service octet read as DSCP (RFC 2474 §3) and ECN
 * (RFC 3168 §5):
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |    DSCP   |ECN|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Flags: bit 0 reserved (must be zero), bit 1 DF (Don't Fragment), bit 2 MF (More Fragments)
 * ```
 *
 * Options round-trip byte for byte: `decodeIPv4` lists every option in the options area in order, EOL
 * (type 0) included, and reads the zero padding after an EOL as further EOLs (RFC 791: "The padding is
 * zero", the same byte as EOL; non-zero bytes after an EOL are parsed as options too, so a malformed
 * one is OSI_BAD_OPTION). It then drops the trailing EOLs that `encodeIPv4`'s zero padding to a
 * 4-byte multiple regenerates, keeping just enough for the header length to survive. So
 * `encodeIPv4(decodeIPv4(x).header, payload)` reproduces `x` for every header that decodes.
 */
import { formatIPv4, parseIPv4 } from "./address";
import { internetChecksum } from "./checksum";
import { OsiError } from "./errors";
import { checkUint } from "./fields";

/**
 * An RFC 791 §3.1 option. Types 0 (End of Option List) and 1 (No Operation) are single octets without
 * data; every other type is type, length (of the whole option), data.
 */
export type IPv4Option = { type: number; data?: Uint8Array };

export interface IPv4Header {
  /** Differentiated Services Code Point, 0-63 (RFC 2474 §3). Default 0. */
  dscp?: number;
  /** Explicit Congestion Notification, 0-3 (RFC 3168 §5). Default 0. */
  ecn?: number;
  identification?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** The reserved flag bit (RFC 791: "must be zero"), kept so that any captured header round-trips. */
  reservedFlag?: boolean;
  /** In 8-byte units, 0-8191. */
  fragmentOffset?: number;
  /** Default 64. */
  ttl?: number;
  /** The payload's protocol (registries.ts `IpProtocol`). */
  protocol: number;
  /** Dotted quad. */
  source: string;
  destination: string;
  options?: IPv4Option[];
  /** Computed when absent; an explicit value is written as given (to build bad packets). */
  checksum?: number;
  /** Header plus payload length; computed when absent, an explicit value is written as given. */
  totalLength?: number;
}

export interface DecodedIPv4 {
  /** Every field filled in: checksum and totalLength as on the wire, options [] when none. */
  header: Required<IPv4Header>;
  /** IHL × 4. */
  headerLength: number;
  /** A view of the payload, bounded by Total Length (trailing link-layer padding excluded). */
  payload: Uint8Array;
  checksumValid: boolean;
}

const LAYER = "ipv4";
/** RFC 791 §3.1: IHL is 4 bits, so the header is at most 60 bytes, 40 of them options. */
const MAX_OPTIONS_LENGTH = 40;

function invalid(message: string): OsiError {
  return new OsiError("OSI_INVALID_FIELD", message, { layer: LAYER });
}

function isSingleOctet(type: number): boolean {
  return type === 0 || type === 1;
}

function encodeOptions(options: IPv4Option[]): Uint8Array {
  let length = 0;
  for (const option of options) {
    checkUint(option.type, 0xff, "option type", LAYER);
    const dataLength = option.data?.length ?? 0;
    if (isSingleOctet(option.type)) {
      if (dataLength > 0) throw invalid(`option type ${option.type} is a single octet and carries no data`);
      length += 1;
    } else {
      length += 2 + dataLength;
    }
  }
  const padded = (length + 3) & ~3;
  if (padded > MAX_OPTIONS_LENGTH) throw invalid(`options take ${padded} bytes, more than 40`);
  const out = new Uint8Array(padded); // zero padding = EOL followed by zeros
  let pos = 0;
  for (const option of options) {
    out[pos++] = option.type;
    if (isSingleOctet(option.type)) continue;
    const data = option.data ?? new Uint8Array(0);
    out[pos++] = 2 + data.length;
    out.set(data, pos);
    pos += data.length;
  }
  return out;
}

/** Writes an IPv4 header (and copies `payload` after it), validating every field's range. */
export function encodeIPv4(header: IPv4Header, payload: Uint8Array): Uint8Array {
  const dscp = header.dscp ?? 0;
  const ecn = header.ecn ?? 0;
  const identification = header.identification ?? 0;
  const fragmentOffset = header.fragmentOffset ?? 0;
  const ttl = header.ttl ?? 64;
  checkUint(dscp, 63, "dscp", LAYER);
  checkUint(ecn, 3, "ecn", LAYER);
  checkUint(identification, 0xffff, "identification", LAYER);
  checkUint(fragmentOffset, 0x1fff, "fragmentOffset", LAYER);
  checkUint(ttl, 0xff, "ttl", LAYER);
  checkUint(header.protocol, 0xff, "protocol", LAYER);
  if (header.checksum !== undefined) checkUint(header.checksum, 0xffff, "checksum", LAYER);
  if (header.totalLength !== undefined) checkUint(header.totalLength, 0xffff, "totalLength", LAYER);
  const options = encodeOptions(header.options ?? []);
  const headerLength = 20 + options.length;
  const totalLength = header.totalLength ?? headerLength + payload.length;
  if (headerLength + payload.length > 0xffff) {
    throw invalid(`datagram of ${headerLength + payload.length} bytes exceeds Total Length's 65535`);
  }
  const out = new Uint8Array(headerLength + payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x40 | (headerLength >>> 2);
  out[1] = (dscp << 2) | ecn;
  view.setUint16(2, totalLength);
  view.setUint16(4, identification);
  view.setUint16(
    6,
    (header.reservedFlag ? 0x8000 : 0) |
      (header.dontFragment ? 0x4000 : 0) |
      (header.moreFragments ? 0x2000 : 0) |
      fragmentOffset,
  );
  out[8] = ttl;
  out[9] = header.protocol;
  out.set(parseIPv4(header.source), 12);
  out.set(parseIPv4(header.destination), 16);
  out.set(options, 20);
  // RFC 791 §3.1: "For purposes of computing the checksum, the value of the checksum field is zero."
  view.setUint16(10, header.checksum ?? internetChecksum(out.subarray(0, headerLength)));
  out.set(payload, headerLength);
  return out;
}

function decodeOptions(bytes: Uint8Array, start: number, end: number, offset: number): IPv4Option[] {
  const options: IPv4Option[] = [];
  let pos = start;
  while (pos < end) {
    const type = bytes[pos]!;
    if (isSingleOctet(type)) {
      options.push({ type });
      pos += 1;
      continue;
    }
    // RFC 791 §3.1: "The option-length octet counts the option-type octet and the option-length octet
    // as well as the option-data octets."
    const length = pos + 1 < end ? bytes[pos + 1]! : 0;
    if (length < 2 || pos + length > end) {
      throw new OsiError(
        "OSI_BAD_OPTION",
        `option type ${type} has length ${length} at byte ${pos - offset}`,
        {
          layer: LAYER,
          offset,
        },
      );
    }
    options.push({ type, data: bytes.slice(pos + 2, pos + length) });
    pos += length;
  }
  // Drop the trailing EOLs that encodeIPv4's zero padding regenerates (see the file comment).
  const areaLength = end - start;
  let used = areaLength;
  while (options.length > 0 && options[options.length - 1]!.type === 0 && ((used + 2) & ~3) === areaLength) {
    options.pop();
    used -= 1;
  }
  return options;
}

/**
 * Reads the IPv4 header at `offset`. A checksum mismatch gives `checksumValid: false`, or throws
 * OSI_BAD_CHECKSUM when `strict`. Option data are copies; the payload is a view of `bytes`.
 */
export function decodeIPv4(bytes: Uint8Array, offset = 0, options: { strict?: boolean } = {}): DecodedIPv4 {
  const fail = (
    code: "OSI_TRUNCATED" | "OSI_BAD_VERSION" | "OSI_BAD_HEADER_LENGTH" | "OSI_BAD_LENGTH",
    m: string,
  ) => new OsiError(code, m, { layer: LAYER, offset });
  const available = bytes.length - offset;
  if (!Number.isInteger(offset) || offset < 0 || available < 1) throw fail("OSI_TRUNCATED", "no IPv4 header");
  const version = bytes[offset]! >>> 4;
  if (version !== 4) throw fail("OSI_BAD_VERSION", `IP version ${version} in an IPv4 header`);
  const headerLength = (bytes[offset]! & 0x0f) * 4;
  // RFC 791 §3.1: "the minimum value for a correct header is 5."
  if (headerLength < 20) throw fail("OSI_BAD_HEADER_LENGTH", `IHL ${headerLength / 4} is below 5`);
  if (available < headerLength) {
    throw fail("OSI_TRUNCATED", `IPv4 header needs ${headerLength} bytes, ${available} left`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, headerLength);
  const totalLength = view.getUint16(2);
  if (totalLength < headerLength) {
    throw fail(
      "OSI_BAD_LENGTH",
      `Total Length ${totalLength} is shorter than the ${headerLength}-byte header`,
    );
  }
  if (totalLength > available) {
    throw fail("OSI_TRUNCATED", `Total Length ${totalLength} exceeds the ${available} bytes present`);
  }
  const decodedOptions = decodeOptions(bytes, offset + 20, offset + headerLength, offset);
  const checksumValid = internetChecksum(bytes.subarray(offset, offset + headerLength)) === 0;
  if (!checksumValid && options.strict) {
    throw new OsiError("OSI_BAD_CHECKSUM", "IPv4 header checksum mismatch", { layer: LAYER, offset });
  }
  const flags = view.getUint16(6);
  return {
    header: {
      dscp: bytes[offset + 1]! >>> 2,
      ecn: bytes[offset + 1]! & 0x03,
      identification: view.getUint16(4),
      dontFragment: (flags & 0x4000) !== 0,
      moreFragments: (flags & 0x2000) !== 0,
      reservedFlag: (flags & 0x8000) !== 0,
      fragmentOffset: flags & 0x1fff,
      ttl: bytes[offset + 8]!,
      protocol: bytes[offset + 9]!,
      source: formatIPv4(bytes, offset + 12),
      destination: formatIPv4(bytes, offset + 16),
      options: decodedOptions,
      checksum: view.getUint16(10),
      totalLength,
    },
    headerLength,
    payload: bytes.subarray(offset + headerLength, offset + totalLength),
    checksumValid,
  };
}
