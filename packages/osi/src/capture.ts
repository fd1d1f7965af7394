/**
 * Capture files of either format, told apart by their first four octets: a pcap magic number
 * (draft-ietf-opsawg-pcap §4: 0xA1B2C3D4 or 0xA1B23C4D, in either byte order) or the palindromic pcapng
 * Section Header Block type 0x0A0D0D0A (draft-ietf-opsawg-pcapng §4.1).
 */
import { OsiError } from "./errors";
import { type PcapFile, pcapMagic, readPcap } from "./pcap";
import { PcapngBlockType, type PcapngFile, readPcapng } from "./pcapng";

/** The format a buffer's magic number announces, or `undefined` when it is neither. */
export function detectCaptureFormat(bytes: Uint8Array): "pcap" | "pcapng" | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  if (view.getUint32(0, true) === PcapngBlockType.SECTION_HEADER) return "pcapng";
  return pcapMagic(bytes) === undefined ? undefined : "pcap";
}

/**
 * Reads a pcap or pcapng file, detected by its magic number. Throws OSI_TRUNCATED (layer "capture") for
 * fewer than 4 octets, OSI_BAD_CAPTURE (layer "capture") for an unknown magic, and otherwise whatever
 * {@link readPcap} or {@link readPcapng} throws.
 */
export function readCapture(bytes: Uint8Array): PcapFile | PcapngFile {
  if (bytes.length < 4) {
    throw new OsiError("OSI_TRUNCATED", "fewer than 4 octets: no magic number", {
      layer: "capture",
      offset: 0,
    });
  }
  switch (detectCaptureFormat(bytes)) {
    case "pcapng":
      return readPcapng(bytes);
    case "pcap":
      return readPcap(bytes);
    default:
      throw new OsiError("OSI_BAD_CAPTURE", "neither a pcap nor a pcapng magic number", {
        layer: "capture",
        offset: 0,
      });
  }
}
