/**
 * The pseudo-headers that TCP and UDP checksums cover besides their own bytes, chosen by address family.
 *
 * IPv4, RFC 9293 §3.1 (TCP) and RFC 768 (UDP), 12 octets:
 * ```
 *  +--------+--------+--------+--------+
 *  |           Source Address          |
 *  +--------+--------+--------+--------+
 *  |         Destination Address       |
 *  +--------+--------+--------+--------+
 *  |  zero  |  PTCL  |    TCP Length   |
 *  +--------+--------+--------+--------+
 * ```
 * IPv6, RFC 8200 §8.1, 40 octets: Source Address (16), Destination Address (16), Upper-Layer Packet
 * Length (32 bits), zero (24 bits), Next Header (8 bits).
 */
import { ipVersionOf, parseIPv4, parseIPv6 } from "./address";
import { onesComplementSum } from "./checksum";
import { OsiError } from "./errors";

/** The network-layer addresses a TCP or UDP checksum is bound to. */
export interface PseudoHeader {
  source: string;
  destination: string;
}

/**
 * The folded (not complemented) one's complement sum of the IPv4 or IPv6 pseudo-header for an
 * upper-layer packet of `length` bytes carried as `protocol`; pass it as `initial` to
 * `onesComplementSum`/`internetChecksum`. Both addresses must be of the same family (OSI_BAD_ADDRESS).
 */
export function pseudoHeaderSum(
  { source, destination }: PseudoHeader,
  protocol: number,
  length: number,
): number {
  const version = ipVersionOf(source);
  if (ipVersionOf(destination) !== version) {
    throw new OsiError(
      "OSI_BAD_ADDRESS",
      `pseudo-header mixes address families: ${source} → ${destination}`,
      {
        layer: "pseudo-header",
      },
    );
  }
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 0xff) {
    throw new OsiError("OSI_INVALID_FIELD", `protocol ${protocol} is not 0-255`, { layer: "pseudo-header" });
  }
  // RFC 9293 §3.1: "The TCP Length is the TCP header length plus the data length in octets", 16 bits;
  // RFC 8200 §8.1: the Upper-Layer Packet Length is 32 bits.
  const maxLength = version === 4 ? 0xffff : 0xffffffff;
  if (!Number.isInteger(length) || length < 0 || length > maxLength) {
    throw new OsiError("OSI_INVALID_FIELD", `upper-layer length ${length} does not fit IPv${version}`, {
      layer: "pseudo-header",
    });
  }
  let header: Uint8Array;
  if (version === 4) {
    header = new Uint8Array(12);
    header.set(parseIPv4(source), 0);
    header.set(parseIPv4(destination), 4);
    header[9] = protocol;
    header[10] = length >>> 8;
    header[11] = length & 0xff;
  } else {
    header = new Uint8Array(40);
    header.set(parseIPv6(source), 0);
    header.set(parseIPv6(destination), 16);
    new DataView(header.buffer).setUint32(32, length);
    header[39] = protocol;
  }
  return onesComplementSum(header);
}
