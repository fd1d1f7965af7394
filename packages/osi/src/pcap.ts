/**
 * Classic libpcap capture files: draft-ietf-opsawg-pcap ("PCAP Capture File Format").
 *
 * A file is a 24-octet File Header followed by zero or more Packet Records (§3). Every multi-octet number
 * is stored in the byte order of the machine that wrote the file; the magic number tells which (§4).
 *
 * ```
 *                         File Header (§4, Figure 1)
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Magic Number                         |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Major Version        |         Minor Version         |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Reserved1                           |  8
 * |                           Reserved2                           | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            SnapLen                            | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *                        Packet Record (§5, Figure 2)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Timestamp (Seconds)                      |  0
 * |            Timestamp (Microseconds or nanoseconds)            |  4
 * |                    Captured Packet Length                     |  8
 * |                    Original Packet Length                     | 12
 * /                          Packet Data                          / 16
 * +---------------------------------------------------------------+
 * ```
 */
import { type CaptureRecord, measureRecord } from "./capture-record";
import { OsiError } from "./errors";
import { checkUint, UINT32_MAX } from "./fields";
import { LinkType } from "./registries";

export type { CaptureRecord } from "./capture-record";

/** §4: magic number of files whose timestamps are seconds + microseconds. */
export const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
/** §4: magic number of files whose timestamps are seconds + nanoseconds. */
export const PCAP_MAGIC_NANO = 0xa1b23c4d;
/** §4: "The File Header length is 24 octets." */
export const PCAP_FILE_HEADER_LENGTH = 24;
/** §5: "The Packet Header length is 16 octets." */
export const PCAP_RECORD_HEADER_LENGTH = 16;
/** Default SnapLen written by {@link writePcap} (libpcap's and tcpdump's default, 256 KiB). */
export const PCAP_DEFAULT_SNAPLEN = 262_144;
/**
 * Slack for {@link readPcap}: a record may claim more captured octets than the header's SnapLen (some old
 * writers stored a wrong SnapLen, and libpcap tolerates it), but never more than
 * `max(SnapLen, PCAP_MAX_CAPLEN)`. Larger values are taken as a corrupt header (OSI_BAD_CAPTURE) rather than
 * believed; the limit stops garbage from being read as one giant record.
 */
export const PCAP_MAX_CAPLEN = 262_144;
/** Alexey Kuznetzov's "modified pcap" (longer record headers): recognised only to be refused clearly. */
const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

const LAYER = "pcap";
const NS_PER_SECOND = 1_000_000_000n;

/** Options of {@link writePcap}. */
export interface PcapWriteOptions {
  /** LINKTYPE_ value of every record (16 bits, §4); default {@link LinkType.ETHERNET}. */
  linkType?: number;
  /** Maximum octets stored per packet (§4: "MUST NOT be zero"); longer data is truncated. Default 262144. */
  snapLength?: number;
  /** Timestamp precision: "micro" (magic a1b2c3d4, the default) or "nano" (magic a1b23c4d). */
  precision?: "micro" | "nano";
}

/** A parsed pcap file. */
export interface PcapFile {
  format: "pcap";
  /** Byte order the file was written in (told by the magic number, §4). */
  byteOrder: "little" | "big";
  precision: "micro" | "nano";
  versionMajor: number;
  versionMinor: number;
  snapLength: number;
  /** LINKTYPE_ value: the low 16 bits of the link-type field (the upper bits carry FCS information). */
  linkType: number;
  /** Packet records; `data` are views into the input. `interfaceId` is not set (pcap has one link). */
  records: CaptureRecord[];
}

/** Classifies the first four octets of a buffer as a pcap magic number, or `undefined`. */
export function pcapMagic(
  bytes: Uint8Array,
): { byteOrder: "little" | "big"; precision: "micro" | "nano" } | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const byteOrder of ["little", "big"] as const) {
    const magic = view.getUint32(0, byteOrder === "little");
    if (magic === PCAP_MAGIC_MICRO) return { byteOrder, precision: "micro" };
    if (magic === PCAP_MAGIC_NANO) return { byteOrder, precision: "nano" };
  }
  return undefined;
}

/**
 * Writes a little-endian pcap 2.4 file (§4, §5). Data longer than `snapLength` is truncated (the record
 * keeps its `originalLength`); with microsecond precision the nanosecond timestamp is truncated toward zero.
 * Throws OSI_INVALID_FIELD for an option or record that does not fit the format (negative timestamp,
 * seconds past 2^32 - 1, `originalLength` shorter than `data`, ...).
 */
export function writePcap(records: Iterable<CaptureRecord>, options: PcapWriteOptions = {}): Uint8Array {
  const linkType = checkUint(options.linkType ?? LinkType.ETHERNET, 0xffff, "linkType", LAYER);
  const snapLength = checkUint(options.snapLength ?? PCAP_DEFAULT_SNAPLEN, UINT32_MAX, "snapLength", LAYER);
  // §4: SnapLen "MUST NOT be zero".
  if (snapLength === 0)
    throw new OsiError("OSI_INVALID_FIELD", "snapLength MUST NOT be zero", { layer: LAYER });
  const precision = options.precision ?? "micro";
  if (precision !== "micro" && precision !== "nano") {
    throw new OsiError("OSI_INVALID_FIELD", `precision must be "micro" or "nano"`, { layer: LAYER });
  }

  const list = Array.from(records);
  const sizes = list.map((record, i) => {
    const size = measureRecord(record, i, snapLength, LAYER);
    if (record.timestampNs / NS_PER_SECOND > BigInt(UINT32_MAX)) {
      throw new OsiError("OSI_INVALID_FIELD", `record ${i}: timestamp seconds do not fit 32 bits`, {
        layer: LAYER,
      });
    }
    return size;
  });
  const total = sizes.reduce((sum, s) => sum + PCAP_RECORD_HEADER_LENGTH + s.capturedLength, 0);
  const out = new Uint8Array(PCAP_FILE_HEADER_LENGTH + total);
  const view = new DataView(out.buffer);

  view.setUint32(0, precision === "nano" ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, true);
  view.setUint16(4, 2, true); // Major Version: "The value for the current version of the format is 2."
  view.setUint16(6, 4, true); // Minor Version 4
  // Reserved1 and Reserved2 "SHOULD be filled with 0 by pcap file writers" (left zero).
  view.setUint32(16, snapLength, true);
  view.setUint32(20, linkType, true); // FCS bits zero: "MUST be set to zero by pcap writers"

  let offset = PCAP_FILE_HEADER_LENGTH;
  list.forEach((record, i) => {
    const { capturedLength, originalLength } = sizes[i]!;
    const seconds = record.timestampNs / NS_PER_SECOND;
    const fraction = record.timestampNs % NS_PER_SECOND;
    view.setUint32(offset, Number(seconds), true);
    view.setUint32(offset + 4, Number(precision === "nano" ? fraction : fraction / 1000n), true);
    view.setUint32(offset + 8, capturedLength, true);
    view.setUint32(offset + 12, originalLength, true);
    out.set(record.data.subarray(0, capturedLength), offset + PCAP_RECORD_HEADER_LENGTH);
    offset += PCAP_RECORD_HEADER_LENGTH + capturedLength;
  });
  return out;
}

/**
 * Reads a pcap file in either byte order and either precision (the four magics of §4). Record data are
 * `subarray` views of `bytes` (nothing is copied).
 *
 * Throws OsiError with layer "pcap" and the offset of the faulty header: OSI_BAD_CAPTURE for an unknown
 * magic or a captured length beyond `max(SnapLen, PCAP_MAX_CAPLEN)`, OSI_TRUNCATED when the file header, a
 * record header or a record's data runs past the end, OSI_UNSUPPORTED for a major version other than 2
 * or the "modified pcap" magic 0xA1B2CD34. A microsecond/nanosecond field of 1 s or more (written by some
 * buggy tools) is added as is rather than rejected.
 */
export function readPcap(bytes: Uint8Array): PcapFile {
  const magic = pcapMagic(bytes);
  if (magic === undefined) {
    if (bytes.length < 4) {
      throw new OsiError("OSI_TRUNCATED", "fewer than 4 octets: no magic number", {
        layer: LAYER,
        offset: 0,
      });
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
    if (view.getUint32(0, true) === PCAP_MAGIC_MODIFIED || view.getUint32(0, false) === PCAP_MAGIC_MODIFIED) {
      throw new OsiError("OSI_UNSUPPORTED", "modified (Kuznetzov) pcap is not supported", {
        layer: LAYER,
        offset: 0,
      });
    }
    throw new OsiError("OSI_BAD_CAPTURE", "not a pcap file: unknown magic number", {
      layer: LAYER,
      offset: 0,
    });
  }
  if (bytes.length < PCAP_FILE_HEADER_LENGTH) {
    throw new OsiError("OSI_TRUNCATED", `file header needs 24 octets, got ${bytes.length}`, {
      layer: LAYER,
      offset: 0,
    });
  }
  const le = magic.byteOrder === "little";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const versionMajor = view.getUint16(4, le);
  const versionMinor = view.getUint16(6, le);
  if (versionMajor !== 2) {
    throw new OsiError("OSI_UNSUPPORTED", `pcap major version ${versionMajor} (only 2 is defined)`, {
      layer: LAYER,
      offset: 4,
    });
  }
  const snapLength = view.getUint32(16, le);
  // §4: LinkType is the low 16 bits; the FCS bits and the zero bits "MUST be ignored by pcap readers".
  const linkType = view.getUint32(20, le) & 0xffff;
  const maxCaptured = Math.max(snapLength, PCAP_MAX_CAPLEN);
  const toNs = magic.precision === "nano" ? 1n : 1000n;

  const records: CaptureRecord[] = [];
  let offset = PCAP_FILE_HEADER_LENGTH;
  while (offset < bytes.length) {
    if (bytes.length - offset < PCAP_RECORD_HEADER_LENGTH) {
      throw new OsiError("OSI_TRUNCATED", "record header runs past the end of the file", {
        layer: LAYER,
        offset,
      });
    }
    const seconds = view.getUint32(offset, le);
    const fraction = view.getUint32(offset + 4, le);
    const capturedLength = view.getUint32(offset + 8, le);
    const originalLength = view.getUint32(offset + 12, le);
    if (capturedLength > maxCaptured) {
      throw new OsiError(
        "OSI_BAD_CAPTURE",
        `captured length ${capturedLength} exceeds SnapLen ${snapLength} beyond the ${PCAP_MAX_CAPLEN}-octet slack`,
        { layer: LAYER, offset },
      );
    }
    const start = offset + PCAP_RECORD_HEADER_LENGTH;
    if (capturedLength > bytes.length - start) {
      throw new OsiError(
        "OSI_TRUNCATED",
        `record data (${capturedLength} octets) runs past the end of the file`,
        { layer: LAYER, offset },
      );
    }
    records.push({
      // A fraction >= 1 s (seen from buggy writers) is kept as is rather than rejected.
      timestampNs: BigInt(seconds) * NS_PER_SECOND + BigInt(fraction) * toNs,
      data: bytes.subarray(start, start + capturedLength),
      originalLength,
    });
    offset = start + capturedLength;
  }
  return {
    format: "pcap",
    byteOrder: magic.byteOrder,
    precision: magic.precision,
    versionMajor,
    versionMinor,
    snapLength,
    linkType,
    records,
  };
}
