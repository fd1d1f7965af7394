/**
 * One captured packet, shared by the pcap (draft-ietf-opsawg-pcap §5) and pcapng
 * (draft-ietf-opsawg-pcapng §4.3, §4.4) readers and writers.
 */
import { OsiError } from "./errors";
import { checkUint, UINT32_MAX } from "./fields";

/** A captured packet as the capture files store it. */
export interface CaptureRecord {
  /** Capture time in nanoseconds since the Unix epoch (1970-01-01T00:00:00Z). */
  timestampNs: bigint;
  /** The captured bytes, starting with the link-layer header. Readers return views into their input. */
  data: Uint8Array;
  /** The packet's length on the wire; defaults to `data.length`. Larger when the capture was truncated. */
  originalLength?: number;
  /** pcapng only: the index of the interface (Interface Description Block) it was captured on; default 0. */
  interfaceId?: number;
}

/**
 * Validates one record for writing and returns its captured length (after `snapLength` truncation; 0 means
 * no limit) and original length.
 * @internal shared by the capture writers.
 */
export function measureRecord(
  record: CaptureRecord,
  index: number,
  snapLength: number,
  layer: string,
): { capturedLength: number; originalLength: number } {
  if (!(record.data instanceof Uint8Array)) {
    throw new OsiError("OSI_INVALID_FIELD", `record ${index}: data must be a Uint8Array`, { layer });
  }
  if (typeof record.timestampNs !== "bigint" || record.timestampNs < 0n) {
    throw new OsiError(
      "OSI_INVALID_FIELD",
      `record ${index}: timestampNs must be a bigint >= 0 (capture formats count from the Unix epoch)`,
      { layer },
    );
  }
  const originalLength = checkUint(
    record.originalLength ?? record.data.length,
    UINT32_MAX,
    `record ${index}: originalLength`,
    layer,
  );
  if (originalLength < record.data.length) {
    throw new OsiError(
      "OSI_INVALID_FIELD",
      `record ${index}: originalLength ${originalLength} is shorter than the ${record.data.length} captured bytes`,
      { layer },
    );
  }
  const limit = snapLength === 0 ? record.data.length : snapLength;
  return { capturedLength: Math.min(record.data.length, limit), originalLength };
}
