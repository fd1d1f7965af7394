/**
 * The UDP header, RFC 768, with its checksum over the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1)
 * pseudo-header:
 * ```
 *    0      7 8     15 16    23 24    31
 *   +--------+--------+--------+--------+
 *   |     Source      |   Destination   |
 *   |      Port       |      Port       |
 *   +--------+--------+--------+--------+
 *   |     Length      |    Checksum     |
 *   +--------+--------+--------+--------+
 *   |          data octets ...
 * ```
 */
import { ipVersionOf } from "./address";
import { internetChecksum, onesComplementSum } from "./checksum";
import { OsiError } from "./errors";
import { checkUint } from "./fields";
import { type PseudoHeader, pseudoHeaderSum } from "./pseudo-header";
import { IpProtocol } from "./registries";

export interface UdpHeader {
  sourcePort: number;
  destinationPort: number;
  /** Header plus data; computed when absent, an explicit value is written as given. */
  length?: number;
  /** Computed when a pseudo-header is given; an explicit value is written as given. */
  checksum?: number;
}

export interface DecodedUdp {
  /** Every field as on the wire. */
  header: Required<UdpHeader>;
  headerLength: 8;
  /** A view of the data, bounded by the Length field. */
  payload: Uint8Array;
  /**
   * `undefined` when no pseudo-header was given, or for IPv4 when the checksum is 0 ("no checksum",
   * RFC 768); `false` for a zero checksum over IPv6 (RFC 8200 §8.1: such packets "MUST be discarded").
   */
  checksumValid: boolean | undefined;
}

const LAYER = "udp";

/**
 * Writes the UDP header and copies `payload` after it. With `pseudo`, the checksum is computed over the
 * pseudo-header, header and data; RFC 768: "If the computed checksum is zero, it is transmitted as all
 * ones". Without it, `header.checksum ?? 0` (0: no checksum, IPv4 only). `header.checksum` always wins.
 */
export function encodeUdp(
  header: UdpHeader,
  payload: Uint8Array,
  options: { pseudo?: PseudoHeader } = {},
): Uint8Array {
  checkUint(header.sourcePort, 0xffff, "sourcePort", LAYER);
  checkUint(header.destinationPort, 0xffff, "destinationPort", LAYER);
  if (header.length !== undefined) checkUint(header.length, 0xffff, "length", LAYER);
  if (header.checksum !== undefined) checkUint(header.checksum, 0xffff, "checksum", LAYER);
  checkUint(8 + payload.length, 0xffff, "datagram length", LAYER);
  const out = new Uint8Array(8 + payload.length);
  const view = new DataView(out.buffer);
  const length = header.length ?? out.length;
  view.setUint16(0, header.sourcePort);
  view.setUint16(2, header.destinationPort);
  view.setUint16(4, length);
  out.set(payload, 8);
  let checksum = header.checksum ?? 0;
  if (header.checksum === undefined && options.pseudo !== undefined) {
    // The pseudo-header carries the UDP Length field (RFC 768; RFC 8200 §8.1 "the length derived from
    // the upper-layer header"); the sum covers the bytes actually written.
    checksum = internetChecksum(out, pseudoHeaderSum(options.pseudo, IpProtocol.UDP, length)) || 0xffff;
  }
  view.setUint16(6, checksum);
  return out;
}

/**
 * Reads the UDP header at `offset`. With `pseudo` the checksum is verified; `strict` turns a `false`
 * `checksumValid` into OSI_BAD_CHECKSUM.
 */
export function decodeUdp(
  bytes: Uint8Array,
  offset = 0,
  options: { pseudo?: PseudoHeader; strict?: boolean } = {},
): DecodedUdp {
  const available = bytes.length - offset;
  if (!Number.isInteger(offset) || offset < 0 || available < 8) {
    throw new OsiError("OSI_TRUNCATED", `UDP header needs 8 bytes, ${Math.max(0, available)} left`, {
      layer: LAYER,
      offset,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  const length = view.getUint16(4);
  // RFC 768: "Length is the length in octets of this user datagram including this header and the data.
  // (This means the minimum value of the length is eight.)"
  if (length < 8) {
    throw new OsiError("OSI_BAD_LENGTH", `UDP Length ${length} is below 8`, { layer: LAYER, offset });
  }
  if (length > available) {
    throw new OsiError("OSI_TRUNCATED", `UDP Length ${length} exceeds the ${available} bytes present`, {
      layer: LAYER,
      offset,
    });
  }
  const checksum = view.getUint16(6);
  const datagram = bytes.subarray(offset, offset + length);
  let checksumValid: boolean | undefined;
  if (options.pseudo !== undefined) {
    const version = ipVersionOf(options.pseudo.source);
    const initial = pseudoHeaderSum(options.pseudo, IpProtocol.UDP, length);
    if (checksum !== 0) checksumValid = onesComplementSum(datagram, initial) === 0xffff;
    // RFC 8200 §8.1: "IPv6 receivers MUST discard UDP packets containing a zero checksum".
    else if (version === 6) checksumValid = false;
  }
  if (checksumValid === false && options.strict) {
    throw new OsiError("OSI_BAD_CHECKSUM", "UDP checksum mismatch", { layer: LAYER, offset });
  }
  return {
    header: { sourcePort: view.getUint16(0), destinationPort: view.getUint16(2), length, checksum },
    headerLength: 8,
    payload: datagram.subarray(8),
    checksumValid,
  };
}
