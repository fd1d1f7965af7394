/**
 * The IPv6 header, RFC 8200 §3, and its extension header chain, RFC 8200 §4:
 * ```
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Traffic Class |           Flow Label                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Source Address (128 bits)                     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |               Destination Address (128 bits)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *   Hop-by-Hop (0), Routing (43), Destination Options (60), RFC 8200 §4.3, §4.4, §4.6:
 *   |  Next Header  |  Hdr Ext Len  |  data ... ((Hdr Ext Len + 1) × 8 - 2 bytes)
 *   Fragment (44), RFC 8200 §4.5, always 8 bytes:
 *   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|  Identification (32) |
 * ```
 * The chain is followed through these four types only; any other Next Header value (TCP, UDP, ICMPv6,
 * No Next Header, but also AH or ESP) is the upper-layer protocol reported as `nextHeader`.
 *
 * Errors: an extension header running past Payload Length is OSI_BAD_LENGTH (the length field and the
 * chain disagree); a Hop-by-Hop header not first, or Hop-by-Hop / Destination Options data that is not a
 * sequence of RFC 8200 §4.2 options exactly filling it, is OSI_BAD_OPTION (OSI_INVALID_FIELD on encode).
 * Routing and Fragment data are opaque. Jumbograms (RFC 2675, Payload Length 0) are not supported.
 */
import { formatIPv6, parseIPv6 } from "./address";
import { OsiError } from "./errors";
import { checkUint } from "./fields";
import { IpProtocol } from "./registries";

export interface IPv6ExtensionHeader {
  /** The header's own type: 0 Hop-by-Hop, 43 Routing, 44 Fragment, 60 Destination Options. */
  type: number;
  /**
   * The header's bytes after its first two (Next Header, Hdr Ext Len), so 8n + 6 bytes; for Fragment the
   * 6 bytes after Next Header and Reserved (the Reserved octet is written as zero and ignored on reading).
   * Hop-by-Hop and Destination Options data must be well-formed RFC 8200 §4.2 options (Pad1/PadN included).
   */
  data: Uint8Array;
}

export interface IPv6Header {
  /** 0-255 (DSCP << 2 | ECN, RFC 2474 / RFC 3168). Default 0. */
  trafficClass?: number;
  /** 0-0xfffff. Default 0. */
  flowLabel?: number;
  /** Default 64. */
  hopLimit?: number;
  /** The upper-layer protocol after the extension chain, e.g. 6 (TCP). */
  nextHeader: number;
  source: string;
  destination: string;
  /** In wire order; [] when none. */
  extensionHeaders?: IPv6ExtensionHeader[];
  /** Extension headers plus payload; computed when absent, an explicit value is written as given. */
  payloadLength?: number;
}

export interface DecodedIPv6 {
  /** Every field filled in; payloadLength as on the wire. */
  header: Required<IPv6Header>;
  /** 40 plus the extension headers. */
  headerLength: number;
  /** A view of the upper-layer payload, bounded by Payload Length. */
  payload: Uint8Array;
}

const LAYER = "ipv6";
const EXTENSION_TYPES: ReadonlySet<number> = new Set([
  IpProtocol.HOPOPT,
  IpProtocol.IPv6_ROUTE,
  IpProtocol.IPv6_FRAG,
  IpProtocol.IPv6_OPTS,
]);

function invalid(message: string): OsiError {
  return new OsiError("OSI_INVALID_FIELD", message, { layer: LAYER });
}

/** Hop-by-Hop and Destination Options headers carry TLV-encoded options (RFC 8200 §4.2). */
function hasOptions(type: number): boolean {
  return type === IpProtocol.HOPOPT || type === IpProtocol.IPv6_OPTS;
}

/**
 * Checks that `data` is a sequence of RFC 8200 §4.2 options exactly filling it: Pad1 (type 0) is one
 * octet; every other option is type, Opt Data Len, data. Returns what is wrong, or undefined.
 */
function optionsProblem(data: Uint8Array): string | undefined {
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) {
      pos += 1;
      continue;
    }
    if (pos + 2 > data.length || pos + 2 + data[pos + 1]! > data.length) {
      return `option type ${data[pos]} overruns its extension header`;
    }
    pos += 2 + data[pos + 1]!;
  }
  return undefined;
}

/** Writes the fixed header and the extension chain, and copies `payload` after them. */
export function encodeIPv6(header: IPv6Header, payload: Uint8Array): Uint8Array {
  const trafficClass = header.trafficClass ?? 0;
  const flowLabel = header.flowLabel ?? 0;
  const hopLimit = header.hopLimit ?? 64;
  const extensions = header.extensionHeaders ?? [];
  checkUint(trafficClass, 0xff, "trafficClass", LAYER);
  checkUint(flowLabel, 0xfffff, "flowLabel", LAYER);
  checkUint(hopLimit, 0xff, "hopLimit", LAYER);
  checkUint(header.nextHeader, 0xff, "nextHeader", LAYER);
  const last = extensions[extensions.length - 1];
  const endsNonFirstFragment = last?.type === IpProtocol.IPv6_FRAG && fragmentOffsetOf(last.data) !== 0;
  // After a non-first fragment's Fragment header, nextHeader may name any header of the original packet.
  if (EXTENSION_TYPES.has(header.nextHeader) && !endsNonFirstFragment) {
    throw invalid(`nextHeader ${header.nextHeader} is an extension header type; list it in extensionHeaders`);
  }
  if (header.payloadLength !== undefined) checkUint(header.payloadLength, 0xffff, "payloadLength", LAYER);
  let extensionLength = 0;
  extensions.forEach((extension, index) => {
    if (!EXTENSION_TYPES.has(extension.type))
      throw invalid(`extension header type ${extension.type} unknown`);
    // RFC 8200 §4.1: the Hop-by-Hop Options header "is restricted to appear immediately after an IPv6 header".
    if (extension.type === IpProtocol.HOPOPT && index > 0)
      throw invalid("Hop-by-Hop Options must come first");
    const length = 2 + extension.data.length;
    if (extension.type === IpProtocol.IPv6_FRAG ? length !== 8 : length % 8 !== 0 || length > 2048) {
      throw invalid(
        `extension header ${extension.type} of ${length} bytes is not a multiple of 8 (max 2048)`,
      );
    }
    const problem = hasOptions(extension.type) ? optionsProblem(extension.data) : undefined;
    if (problem !== undefined) throw invalid(problem);
    // RFC 8200 §4.5: after the Fragment header of a non-first fragment comes fragment data, not headers.
    if (
      extension.type === IpProtocol.IPv6_FRAG &&
      fragmentOffsetOf(extension.data) !== 0 &&
      index < extensions.length - 1
    ) {
      throw invalid("no extension header can follow the Fragment header of a non-first fragment");
    }
    extensionLength += length;
  });
  const computedLength = extensionLength + payload.length;
  // RFC 8200 §3: Payload Length is a 16-bit unsigned integer (jumbograms, RFC 2675, are not supported).
  if (computedLength > 0xffff) throw invalid(`payload of ${computedLength} bytes exceeds Payload Length`);
  const out = new Uint8Array(40 + computedLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, (6 << 28) | (trafficClass << 20) | flowLabel);
  view.setUint16(4, header.payloadLength ?? computedLength);
  out[6] = extensions[0]?.type ?? header.nextHeader;
  out[7] = hopLimit;
  out.set(parseIPv6(header.source), 8);
  out.set(parseIPv6(header.destination), 24);
  let pos = 40;
  extensions.forEach((extension, index) => {
    out[pos] = extensions[index + 1]?.type ?? header.nextHeader;
    // RFC 8200 §4.3: "Hdr Ext Len: Length of the Hop-by-Hop Options header in 8-octet units, not
    // including the first 8 octets." The Fragment header's second octet is Reserved (zero).
    out[pos + 1] = extension.type === IpProtocol.IPv6_FRAG ? 0 : (extension.data.length + 2) / 8 - 1;
    out.set(extension.data, pos + 2);
    pos += 2 + extension.data.length;
  });
  out.set(payload, pos);
  return out;
}

/**
 * The Destination Address of the upper-layer pseudo-header, RFC 8200 §8.1: "If the IPv6 packet contains a
 * Routing header, the Destination Address used in the pseudo-header is that of the final destination. At
 * the originating node, that address will be in the last element of the Routing header; at the
 * recipient(s), that address will be in the Destination Address field of the IPv6 header."
 *
 * So `destination`, unless a Routing header still has Segments Left; then its last element: Address[n] of
 * Type 0 (RFC 5095) and Type 2 (RFC 6275 §6.4), Segment List[0] of Type 4 (SRH, RFC 8754 §2), or the
 * last address of Type 3 (RPL, RFC 6554 §3) after the destination's first CmprE octets. Other Routing
 * Types carry no address this package reads. Routing data: Type, Segments Left, 4 octets, addresses.
 * @internal used by encapsulate/decapsulate.
 */
export function pseudoHeaderDestination(
  header: Pick<IPv6Header, "destination" | "extensionHeaders">,
): string {
  let destination = header.destination;
  for (const { type, data } of header.extensionHeaders ?? []) {
    if (type !== IpProtocol.IPv6_ROUTE || data.length < 6 || data[1] === 0) continue;
    const routingType = data[0];
    if ((routingType === 0 || routingType === 2) && data.length >= 22) {
      destination = formatIPv6(data, data.length - 16);
    } else if (routingType === 4 && data.length >= 22) {
      destination = formatIPv6(data, 6);
    } else if (routingType === 3) {
      const cmprE = data[2]! & 0x0f;
      const pad = data[3]! >>> 4;
      const last = data.length - pad - (16 - cmprE);
      if (last >= 6) {
        const address = parseIPv6(header.destination);
        address.set(data.subarray(last, last + 16 - cmprE), cmprE);
        destination = formatIPv6(address);
      }
    }
  }
  return destination;
}

/** Reads the IPv6 header at `offset` and follows its extension header chain. */
export function decodeIPv6(bytes: Uint8Array, offset = 0): DecodedIPv6 {
  const fail = (code: "OSI_TRUNCATED" | "OSI_BAD_VERSION", message: string) =>
    new OsiError(code, message, { layer: LAYER, offset });
  const available = bytes.length - offset;
  if (!Number.isInteger(offset) || offset < 0 || available < 1) throw fail("OSI_TRUNCATED", "no IPv6 header");
  const version = bytes[offset]! >>> 4;
  if (version !== 6) throw fail("OSI_BAD_VERSION", `IP version ${version} in an IPv6 header`);
  if (available < 40) throw fail("OSI_TRUNCATED", `IPv6 header needs 40 bytes, ${available} left`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, available);
  const first = view.getUint32(0);
  const payloadLength = view.getUint16(4);
  if (payloadLength > available - 40) {
    throw fail(
      "OSI_TRUNCATED",
      `Payload Length ${payloadLength} exceeds the ${available - 40} bytes present`,
    );
  }
  const end = 40 + payloadLength;
  const extensionHeaders: IPv6ExtensionHeader[] = [];
  let nextHeader = bytes[offset + 6]!;
  let pos = 40;
  while (EXTENSION_TYPES.has(nextHeader)) {
    const badHeader = (message: string) =>
      new OsiError("OSI_BAD_OPTION", message, { layer: LAYER, offset: offset + pos });
    if (nextHeader === IpProtocol.HOPOPT && pos !== 40) {
      // RFC 8200 §4.1: Hop-by-Hop Options is "restricted to appear immediately after an IPv6 header".
      throw badHeader("Hop-by-Hop Options header after another extension header");
    }
    // Every extension header is a multiple of 8 bytes, at least 8 (RFC 8200 §4); one that runs past
    // Payload Length means the length field and the chain disagree.
    const length =
      nextHeader === IpProtocol.IPv6_FRAG || pos + 2 > end ? 8 : (view.getUint8(pos + 1) + 1) * 8;
    if (pos + length > end) {
      throw new OsiError(
        "OSI_BAD_LENGTH",
        `extension header ${nextHeader} of ${length} bytes runs past Payload Length ${payloadLength}`,
        { layer: LAYER, offset: offset + pos },
      );
    }
    const data = bytes.slice(offset + pos + 2, offset + pos + length);
    const problem = hasOptions(nextHeader) ? optionsProblem(data) : undefined;
    if (problem !== undefined) throw badHeader(problem);
    extensionHeaders.push({ type: nextHeader, data });
    const isFragment = nextHeader === IpProtocol.IPv6_FRAG;
    nextHeader = view.getUint8(pos);
    pos += length;
    // RFC 8200 §4.5: in a fragment with a non-zero Fragment Offset, what follows the Fragment header is
    // fragment data; its Next Header names the first header of the original packet's fragmentable part.
    if (isFragment && fragmentOffsetOf(data) !== 0) break;
  }
  return {
    header: {
      trafficClass: (first >>> 20) & 0xff,
      flowLabel: first & 0xfffff,
      hopLimit: bytes[offset + 7]!,
      nextHeader,
      source: formatIPv6(bytes, offset + 8),
      destination: formatIPv6(bytes, offset + 24),
      extensionHeaders,
      payloadLength,
    },
    headerLength: pos,
    payload: bytes.subarray(offset + pos, offset + end),
  };
}

/** Fragment Offset (8-octet units) from a Fragment header's data (the 6 bytes after Next Header, Reserved). */
function fragmentOffsetOf(data: Uint8Array): number {
  return ((data[0]! << 8) | data[1]!) >>> 3;
}
