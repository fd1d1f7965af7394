/**
 * pcapng capture files: draft-ietf-opsawg-pcapng ("PCAP Now Generic (pcapng) Capture File Format").
 *
 * A file is a list of blocks (§3.1); each Section Header Block (§4.1) starts a section with its own byte
 * order and its own interfaces (§4.2), to which packet blocks (§4.3, §4.4) refer by index.
 *
 * ```
 *  General block (§3.1)                      Option (§3.5)
 * +---------------------------------+       +----------------+----------------+
 * |           Block Type            |       |  Option Code   | Option Length  |
 * |       Block Total Length        |       +----------------+----------------+
 * /  Block Body, padded to 32 bits  /       / Option Value, padded to 32 bits /
 * |       Block Total Length        |       +---------------------------------+
 * +---------------------------------+
 *  SHB body (§4.1): Byte-Order Magic 0x1A2B3C4D | Major 1 | Minor 0 | Section Length (64) | Options
 *  IDB body (§4.2): LinkType (16) | Reserved (16) | SnapLen (32) | Options
 *  EPB body (§4.3): Interface ID | Timestamp (High) | Timestamp (Low) | Captured Len | Original Len |
 *                   Packet Data, padded to 32 bits | Options
 *  SPB body (§4.4): Original Packet Length | Packet Data, padded to 32 bits
 * ```
 */
import { type CaptureRecord, measureRecord } from "./capture-record";
import { OsiError } from "./errors";
import { checkUint, UINT32_MAX } from "./fields";
import {
  decodePcapngOptions,
  decodePcapngString,
  encodePcapngOption,
  encodePcapngOptions,
  nsToPcapngTimestamp,
  PcapngOption as Opt,
  pad4,
  pcapngTimestampToNs,
} from "./pcapng-options";
import { LinkType } from "./registries";

/** Block Type codes (§11.1 "Standardized Block Type Codes"). Unknown types are skipped on read. */
export const PcapngBlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  /** Appendix A: the obsolete Packet Block, read like an EPB with a 16-bit interface ID. */
  PACKET: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  NAME_RESOLUTION: 0x00000004,
  INTERFACE_STATISTICS: 0x00000005,
  ENHANCED_PACKET: 0x00000006,
} as const;

/** §4.1: the Byte-Order Magic, read in the section's byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const LAYER = "pcapng";
const NS_PER_SECOND = 1_000_000_000n;
const UINT64_MAX = (1n << 64n) - 1n;
/** Default SnapLen of the interface {@link writePcapng} describes when given none (dumpcap's default). */
export const PCAPNG_DEFAULT_SNAPLEN = 262_144;

/** One capture interface (an Interface Description Block, §4.2). */
export interface PcapngInterface {
  /** LINKTYPE_ value (16 bits). */
  linkType: number;
  /** Maximum octets stored per packet; 0 means no limit (§4.2). */
  snapLength: number;
  /** if_name. */
  name?: string;
  /** The raw if_tsresol byte; default 6 = microseconds. MSB clear: 10^-n s; MSB set: 2^-(n & 0x7f) s. */
  tsresol?: number;
}

/** Options of {@link writePcapng}. */
export interface PcapngWriteOptions {
  /** Interfaces, in Interface ID order; default one Ethernet interface with tsresol 9 (nanoseconds). */
  interfaces?: PcapngInterface[];
  /** shb_comment (opt_comment of the Section Header Block). */
  comment?: string;
  /** shb_userappl; default "@proto/osi". */
  application?: string;
}

/** A parsed pcapng file. */
export interface PcapngFile {
  format: "pcapng";
  /** Byte order of the first section. */
  byteOrder: "little" | "big";
  /** shb_comment of the first section. */
  comment?: string;
  /** shb_userappl of the first section. */
  application?: string;
  /** Interfaces of every section, in file order; record `interfaceId`s index this array. */
  interfaces: PcapngInterface[];
  /** Packets with timestamps in ns (SPBs carry none: 0n); `data` are views into the input. */
  records: CaptureRecord[];
}

interface BlockPlan {
  type: number;
  /** Body length, a multiple of 4. */
  body: number;
  fill(view: DataView, out: Uint8Array, bodyStart: number): void;
}

/**
 * Writes a little-endian pcapng file: one Section Header Block, one Interface Description Block per
 * interface and one Enhanced Packet Block per record (§3.4 Figure 5). `record.interfaceId` (default 0)
 * picks the interface whose if_tsresol scales the timestamp and whose SnapLen truncates the data.
 * Throws OSI_INVALID_FIELD for an unknown interfaceId or a value that does not fit its field.
 */
export function writePcapng(records: Iterable<CaptureRecord>, options: PcapngWriteOptions = {}): Uint8Array {
  const interfaces = options.interfaces ?? [
    { linkType: LinkType.ETHERNET, snapLength: PCAPNG_DEFAULT_SNAPLEN, tsresol: 9 },
  ];
  const plans: BlockPlan[] = [];

  const shbOptions: Uint8Array[] = [];
  if (options.comment !== undefined) shbOptions.push(encodePcapngOption(Opt.COMMENT, options.comment));
  shbOptions.push(encodePcapngOption(Opt.SHB_USERAPPL, options.application ?? "@proto/osi"));
  const shbOptionBytes = encodePcapngOptions(shbOptions);
  let sectionLength = 0;
  plans.push({
    type: PcapngBlockType.SECTION_HEADER,
    body: 16 + shbOptionBytes.length,
    fill(view, out, at) {
      view.setUint32(at, PCAPNG_BYTE_ORDER_MAGIC, true);
      view.setUint16(at + 4, 1, true); // Major Version 1
      view.setUint16(at + 6, 0, true); // Minor Version 0
      // Section Length: octets of the section "excluding the Section Header Block itself".
      view.setBigInt64(at + 8, BigInt(sectionLength), true);
      out.set(shbOptionBytes, at + 16);
    },
  });

  interfaces.forEach((iface, i) => {
    const linkType = checkUint(iface.linkType, 0xffff, `interfaces[${i}].linkType`, LAYER);
    const snapLength = checkUint(iface.snapLength, UINT32_MAX, `interfaces[${i}].snapLength`, LAYER);
    const idbOptions: Uint8Array[] = [];
    if (iface.name !== undefined) idbOptions.push(encodePcapngOption(Opt.IF_NAME, iface.name));
    if (iface.tsresol !== undefined) {
      const tsresol = checkUint(iface.tsresol, 0xff, `interfaces[${i}].tsresol`, LAYER);
      idbOptions.push(encodePcapngOption(Opt.IF_TSRESOL, Uint8Array.of(tsresol)));
    }
    const optionBytes = encodePcapngOptions(idbOptions);
    plans.push({
      type: PcapngBlockType.INTERFACE_DESCRIPTION,
      body: 8 + optionBytes.length,
      fill(view, out, at) {
        view.setUint16(at, linkType, true);
        view.setUint16(at + 2, 0, true); // Reserved: "MUST be filled with 0"
        view.setUint32(at + 4, snapLength, true);
        out.set(optionBytes, at + 8);
      },
    });
  });

  let index = 0;
  for (const record of records) {
    const i = index++;
    const id = checkUint(record.interfaceId ?? 0, UINT32_MAX, `record ${i}: interfaceId`, LAYER);
    const iface = interfaces[id];
    if (iface === undefined) {
      throw new OsiError(
        "OSI_INVALID_FIELD",
        `record ${i}: no interface ${id} (${interfaces.length} given)`,
        {
          layer: LAYER,
        },
      );
    }
    const { capturedLength, originalLength } = measureRecord(record, i, iface.snapLength, LAYER);
    const units = nsToPcapngTimestamp(record.timestampNs, iface.tsresol ?? 6);
    if (units > UINT64_MAX) {
      throw new OsiError("OSI_INVALID_FIELD", `record ${i}: timestamp does not fit 64 bits`, {
        layer: LAYER,
      });
    }
    plans.push({
      type: PcapngBlockType.ENHANCED_PACKET,
      body: 20 + pad4(capturedLength),
      fill(view, out, at) {
        view.setUint32(at, id, true);
        view.setUint32(at + 4, Number(units >> 32n), true); // Timestamp (High)
        view.setUint32(at + 8, Number(units & 0xffff_ffffn), true); // Timestamp (Low)
        view.setUint32(at + 12, capturedLength, true);
        view.setUint32(at + 16, originalLength, true);
        out.set(record.data.subarray(0, capturedLength), at + 20);
      },
    });
  }

  const total = plans.reduce((n, p) => n + 12 + p.body, 0);
  sectionLength = total - (12 + (plans[0]?.body ?? 0));
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const plan of plans) {
    const length = 12 + plan.body;
    view.setUint32(at, plan.type, true);
    view.setUint32(at + 4, length, true);
    plan.fill(view, out, at + 8);
    view.setUint32(at + length - 4, length, true);
    at += length;
  }
  return out;
}

interface SectionState {
  le: boolean;
  /** False for a major version other than 1: §3.4 "it MUST skip everything until the next" SHB. */
  readable: boolean;
  interfaces: { globalId: number; snapLength: number; tsresol: number; tsOffsetNs: bigint }[];
}

function bad(message: string, offset: number): OsiError {
  return new OsiError("OSI_BAD_CAPTURE", message, { layer: LAYER, offset });
}

/** §3.1 framing: checks both Block Total Length fields and returns the length. */
function blockLength(view: DataView, offset: number, le: boolean): number {
  const length = view.getUint32(offset + 4, le);
  // §3.1: "This value MUST be a multiple of 4"; a block without a body is 12 octets.
  if (length < 12 || length % 4 !== 0) throw bad(`block total length ${length} is invalid`, offset);
  if (length > view.byteLength - offset) {
    throw new OsiError("OSI_TRUNCATED", `block of ${length} octets runs past the end of the file`, {
      layer: LAYER,
      offset,
    });
  }
  if (view.getUint32(offset + length - 4, le) !== length) {
    throw bad("trailing Block Total Length differs from the leading one", offset);
  }
  return length;
}

/**
 * Reads a pcapng file: every section, in either byte order. Handles Section Header, Interface Description,
 * Enhanced Packet, Simple Packet and (obsolete) Packet Blocks and skips all other block types. Timestamps
 * are converted to ns with each interface's if_tsresol (powers of 10 and of 2) plus its if_tsoffset.
 * Interfaces of all sections are concatenated; record `interfaceId`s index that list.
 *
 * Throws OsiError with layer "pcapng" and the offset of the faulty block: OSI_TRUNCATED when a block runs
 * past the end, OSI_BAD_CAPTURE for a file not starting with an SHB, a bad byte-order magic, a bad or
 * mismatched Block Total Length, an overrunning option or packet, or a packet naming an unknown interface,
 * OSI_UNSUPPORTED when no section has major version 1.
 */
export function readPcapng(bytes: Uint8Array): PcapngFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) {
    throw new OsiError("OSI_TRUNCATED", "fewer than 4 octets", { layer: LAYER, offset: 0 });
  }
  // §3.4: "The file MUST begin with a Section Header Block."
  if (view.getUint32(0, true) !== PcapngBlockType.SECTION_HEADER) {
    throw bad("not a pcapng file: no Section Header Block at the start", 0);
  }
  const file: PcapngFile = { format: "pcapng", byteOrder: "little", interfaces: [], records: [] };
  let section: SectionState | undefined;
  let sawReadable = false;
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 12) {
      throw new OsiError("OSI_TRUNCATED", "block header runs past the end of the file", {
        layer: LAYER,
        offset,
      });
    }
    // The SHB type is palindromic (§4.1), so it is recognised before the byte order is known.
    if (view.getUint32(offset, true) === PcapngBlockType.SECTION_HEADER) {
      const magic = view.getUint32(offset + 8, true);
      if (magic !== PCAPNG_BYTE_ORDER_MAGIC && magic !== 0x4d3c2b1a) {
        throw bad("bad Byte-Order Magic in Section Header Block", offset);
      }
      const le = magic === PCAPNG_BYTE_ORDER_MAGIC;
      const length = blockLength(view, offset, le);
      if (length < 28) throw bad("Section Header Block shorter than 28 octets", offset);
      section = { le, readable: view.getUint16(offset + 12, le) === 1, interfaces: [] };
      if (section.readable && !sawReadable) {
        sawReadable = true;
        file.byteOrder = le ? "little" : "big";
        for (const { code, value } of decodePcapngOptions(bytes, offset + 24, offset + length - 4, le)) {
          if (code === Opt.COMMENT && file.comment === undefined) file.comment = decodePcapngString(value);
          if (code === Opt.SHB_USERAPPL && file.application === undefined) {
            file.application = decodePcapngString(value);
          }
        }
      }
      offset += length;
      continue;
    }
    const current = section!; // set: the first block is an SHB
    const le = current.le;
    const length = blockLength(view, offset, le);
    if (current.readable) readBlock(view, bytes, offset, length, current, file);
    offset += length;
  }
  if (!sawReadable) {
    throw new OsiError("OSI_UNSUPPORTED", "no section has pcapng major version 1", {
      layer: LAYER,
      offset: 0,
    });
  }
  return file;
}

function readBlock(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  length: number,
  section: SectionState,
  file: PcapngFile,
): void {
  const le = section.le;
  const type = view.getUint32(offset, le);
  const end = offset + length - 4; // start of the trailing Block Total Length
  switch (type) {
    case PcapngBlockType.INTERFACE_DESCRIPTION: {
      if (length < 20) throw bad("Interface Description Block shorter than 20 octets", offset);
      const iface: PcapngInterface = { linkType: view.getUint16(offset + 8, le), snapLength: 0 };
      iface.snapLength = view.getUint32(offset + 12, le);
      let tsOffsetNs = 0n;
      for (const { code, value } of decodePcapngOptions(bytes, offset + 16, end, le)) {
        if (code === Opt.IF_NAME && iface.name === undefined) iface.name = decodePcapngString(value);
        if (code === Opt.IF_TSRESOL) {
          if (value.length !== 1) throw bad("if_tsresol must be 1 octet", offset);
          iface.tsresol = value[0]!;
        }
        if (code === Opt.IF_TSOFFSET) {
          if (value.length !== 8) throw bad("if_tsoffset must be 8 octets", offset);
          const v = new DataView(value.buffer, value.byteOffset, 8);
          tsOffsetNs = v.getBigInt64(0, le) * NS_PER_SECOND;
        }
      }
      const globalId = file.interfaces.length;
      file.interfaces.push(iface);
      section.interfaces.push({
        globalId,
        snapLength: iface.snapLength,
        tsresol: iface.tsresol ?? 6,
        tsOffsetNs,
      });
      return;
    }
    case PcapngBlockType.ENHANCED_PACKET:
    case PcapngBlockType.PACKET: {
      if (length < 32) throw bad("packet block shorter than 32 octets", offset);
      const id =
        type === PcapngBlockType.PACKET ? view.getUint16(offset + 8, le) : view.getUint32(offset + 8, le);
      // §4.3: "The interface ID MUST be valid, which means that a matching interface description block MUST exist."
      const iface = section.interfaces[id];
      if (iface === undefined) throw bad(`packet names interface ${id}, which has no IDB`, offset);
      const units =
        (BigInt(view.getUint32(offset + 12, le)) << 32n) | BigInt(view.getUint32(offset + 16, le));
      const capturedLength = view.getUint32(offset + 20, le);
      if (capturedLength > end - (offset + 28)) throw bad("packet data overruns its block", offset);
      file.records.push({
        timestampNs: pcapngTimestampToNs(units, iface.tsresol) + iface.tsOffsetNs,
        data: bytes.subarray(offset + 28, offset + 28 + capturedLength),
        originalLength: view.getUint32(offset + 24, le),
        interfaceId: iface.globalId,
      });
      return;
    }
    case PcapngBlockType.SIMPLE_PACKET: {
      if (length < 16) throw bad("Simple Packet Block shorter than 16 octets", offset);
      // §4.4: SPBs belong to "the interface previously specified in the first Interface Description Block".
      const iface = section.interfaces[0];
      if (iface === undefined)
        throw bad("Simple Packet Block before any Interface Description Block", offset);
      const originalLength = view.getUint32(offset + 8, le);
      // §4.4: the data length is "the minimum value among the SnapLen ... and the Original Packet Length".
      const capturedLength =
        iface.snapLength === 0 ? originalLength : Math.min(originalLength, iface.snapLength);
      if (capturedLength > end - (offset + 12)) throw bad("packet data overruns its block", offset);
      file.records.push({
        timestampNs: 0n, // an SPB carries no timestamp
        data: bytes.subarray(offset + 12, offset + 12 + capturedLength),
        originalLength,
        interfaceId: iface.globalId,
      });
      return;
    }
    default:
      return; // §3.1: "A parser that does not understand them can simply ignore their content."
  }
}
