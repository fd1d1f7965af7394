/**
 * Ethernet II frames (IEEE 802.3 §3.2, "Type" interpretation of the Length/Type field) with IEEE 802.1Q
 * C-TAGs and IEEE 802.1ad S-TAGs, without preamble, padding or frame check sequence (what pcap captures):
 * ```
 *  +-------------+-------------+-- - - - - - - - - - - - --+-----------+--------- -
 *  | Destination |   Source    | TPID (2) | TCI (2) | ...  | EtherType |  Payload
 *  |  (6 bytes)  |  (6 bytes)  |  zero or more VLAN tags   | (2 bytes) |
 *  +-------------+-------------+-- - - - - - - - - - - - --+-----------+--------- -
 *
 *  TCI (IEEE 802.1Q §9.6):  | PCP (3 bits) | DEI (1 bit) | VID (12 bits) |
 * ```
 */
import { formatMac, parseMac } from "./address";
import { OsiError } from "./errors";
import { checkUint } from "./fields";
import { EtherType } from "./registries";

/** One IEEE 802.1Q / 802.1ad tag. */
export interface VlanTag {
  /** Tag Protocol Identifier: 0x8100 (802.1Q C-TAG, the default) or 0x88a8 (802.1ad S-TAG). */
  tpid?: number;
  /** Priority Code Point, 0-7 (IEEE 802.1Q §6.9.3). */
  pcp: number;
  /** Drop Eligible Indicator. */
  dei: boolean;
  /** VLAN Identifier, 0-4095 (0: priority tag only; 4095 reserved). */
  vid: number;
}

export interface EthernetHeader {
  /** "aa:bb:cc:dd:ee:ff" */
  destination: string;
  source: string;
  /** Tags outermost first; omitted when the frame carries none. */
  vlans?: VlanTag[];
  /** The EtherType of the payload (registries.ts `EtherType`). */
  etherType: number;
}

export interface DecodedEthernet {
  header: EthernetHeader;
  /** 14 plus 4 per VLAN tag. */
  headerLength: number;
  /** A view of the input from the end of the header to the end of the input. */
  payload: Uint8Array;
}

/** IEEE 802.3 §3.2.6: values of 1536 (0x0600) and above are EtherTypes; below 1501 they are lengths. */
const MIN_ETHER_TYPE = 0x0600;

const LAYER = "ethernet";

function invalid(message: string): OsiError {
  return new OsiError("OSI_INVALID_FIELD", message, { layer: "ethernet" });
}

function isTagTpid(value: number): boolean {
  return value === EtherType.VLAN || value === EtherType.QINQ;
}

/** Writes the header and copies `payload` after it. No FCS and no padding to the 60-byte minimum. */
export function encodeEthernet(header: EthernetHeader, payload: Uint8Array): Uint8Array {
  const vlans = header.vlans ?? [];
  checkUint(header.etherType, 0xffff, "etherType", LAYER);
  for (const tag of vlans) {
    const tpid = tag.tpid ?? EtherType.VLAN;
    if (!isTagTpid(tpid)) throw invalid(`VLAN TPID 0x${tpid.toString(16)} is neither 0x8100 nor 0x88a8`);
    checkUint(tag.pcp, 7, "VLAN pcp", LAYER);
    checkUint(tag.vid, 0xfff, "VLAN vid", LAYER);
  }
  const headerLength = 14 + 4 * vlans.length;
  const out = new Uint8Array(headerLength + payload.length);
  const view = new DataView(out.buffer);
  out.set(parseMac(header.destination), 0);
  out.set(parseMac(header.source), 6);
  let pos = 12;
  for (const tag of vlans) {
    view.setUint16(pos, tag.tpid ?? EtherType.VLAN);
    view.setUint16(pos + 2, (tag.pcp << 13) | (tag.dei ? 0x1000 : 0) | tag.vid);
    pos += 4;
  }
  view.setUint16(pos, header.etherType);
  out.set(payload, headerLength);
  return out;
}

/**
 * Reads the frame header at `offset`. TPIDs 0x8100 and 0x88a8 are read as stacked tags (any order, any
 * depth). A Length/Type value below 0x0600 is an IEEE 802.3 length field whose LLC payload this package
 * does not decode: OSI_UNSUPPORTED.
 */
export function decodeEthernet(bytes: Uint8Array, offset = 0): DecodedEthernet {
  const truncated = (need: number) =>
    new OsiError("OSI_TRUNCATED", `Ethernet header needs ${need} bytes, ${bytes.length - offset} left`, {
      layer: "ethernet",
      offset,
    });
  if (!Number.isInteger(offset) || offset < 0 || bytes.length - offset < 14) throw truncated(14);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vlans: VlanTag[] = [];
  let pos = offset + 12;
  let type = view.getUint16(pos);
  while (isTagTpid(type)) {
    if (bytes.length - pos < 6) throw truncated(pos + 6 - offset);
    const tci = view.getUint16(pos + 2);
    vlans.push({ tpid: type, pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff });
    pos += 4;
    type = view.getUint16(pos);
  }
  if (type < MIN_ETHER_TYPE) {
    throw new OsiError("OSI_UNSUPPORTED", `IEEE 802.3 length field ${type} (LLC frame) is not decoded`, {
      layer: "ethernet",
      offset,
    });
  }
  const header: EthernetHeader = {
    destination: formatMac(bytes, offset),
    source: formatMac(bytes, offset + 6),
    ...(vlans.length > 0 ? { vlans } : {}),
    etherType: type,
  };
  const headerLength = pos + 2 - offset;
  return { header, headerLength, payload: bytes.subarray(offset + headerLength) };
}
