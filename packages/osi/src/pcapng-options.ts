/**
 * pcapng options (draft-ietf-opsawg-pcapng §3.5) and the timestamp resolution they set (if_tsresol, §4.2).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Option Code              |         Option Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                       Option Value                            /
 * /              variable length, padded to 32 bits               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                 . . . other options . . .                     /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Option Code == opt_endofopt  |  Option Length == 0          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
import { OsiError } from "./errors";

/** The option codes this package reads or writes (§3.5 common options, §4.1 SHB and §4.2 IDB options). */
export const PcapngOption = {
  /** Ends the option list; "MUST NOT be repeated". */
  ENDOFOPT: 0,
  /** opt_comment: UTF-8 text (called shb_comment on a Section Header Block). */
  COMMENT: 1,
  /** shb_userappl: the application that wrote the section. */
  SHB_USERAPPL: 4,
  /** if_name: the capture device's name. */
  IF_NAME: 2,
  /** if_tsresol: 1 octet, the timestamp resolution. */
  IF_TSRESOL: 9,
  /** if_tsoffset: signed 64-bit seconds added to every timestamp of the interface. */
  IF_TSOFFSET: 14,
} as const;

const LAYER = "pcapng";
const NS_PER_SECOND = 1_000_000_000n;

/** Rounds a length up to the 32-bit boundary blocks and option values are padded to (§3.1, §3.5). */
export const pad4 = (n: number): number => (n + 3) & ~3;

function unitsPerSecond(tsresol: number): bigint {
  const exponent = BigInt(tsresol & 0x7f);
  // §4.2 if_tsresol: MSB 0 → "a negative power of 10", MSB 1 → "a negative power of 2".
  return tsresol & 0x80 ? 1n << exponent : 10n ** exponent;
}

/**
 * Converts a pcapng timestamp (units since the epoch, §4.3) to nanoseconds for an if_tsresol byte (§4.2;
 * 6, the default, is microseconds), rounding up to the first whole nanosecond inside the unit. With that
 * rounding, and {@link nsToPcapngTimestamp} truncating, units → ns → units is exact for every resolution
 * down to 1 ns, and ns → units → ns is exact for every finer one.
 */
export function pcapngTimestampToNs(units: bigint, tsresol = 6): bigint {
  const perSecond = unitsPerSecond(tsresol);
  return (units * NS_PER_SECOND + perSecond - 1n) / perSecond;
}

/** Converts nanoseconds to pcapng timestamp units for an if_tsresol byte, truncating toward zero. */
export function nsToPcapngTimestamp(ns: bigint, tsresol = 6): bigint {
  return (ns * unitsPerSecond(tsresol)) / NS_PER_SECOND;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes one little-endian option: code, length, value and zero padding ("The alignment octets ...
 * MUST be filled with zeroes", §3.6.2). Strings are UTF-8. Throws OSI_INVALID_FIELD for a value longer
 * than 65535 octets or a string containing U+0000 (readers "MUST treat a zero-value octet as a string
 * terminator", §3.5, so it could not be read back).
 */
export function encodePcapngOption(code: number, value: Uint8Array | string): Uint8Array {
  if (typeof value === "string" && value.includes("\0")) {
    throw new OsiError("OSI_INVALID_FIELD", `option ${code}: string contains U+0000`, { layer: LAYER });
  }
  const bytes = typeof value === "string" ? encoder.encode(value) : value;
  if (bytes.length > 0xffff) {
    throw new OsiError("OSI_INVALID_FIELD", `option ${code}: value longer than 65535 octets`, {
      layer: LAYER,
    });
  }
  const out = new Uint8Array(4 + pad4(bytes.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, bytes.length, true);
  out.set(bytes, 4);
  return out;
}

/** Concatenates encoded options and the opt_endofopt terminator; no options → no terminator either. */
export function encodePcapngOptions(options: readonly Uint8Array[]): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(options.reduce((n, o) => n + o.length, 4)); // + opt_endofopt (0, 0)
  let at = 0;
  for (const o of options) {
    out.set(o, at);
    at += o.length;
  }
  return out;
}

/**
 * Decodes the options between `start` and `end` of `bytes` (a block's option area), stopping at
 * opt_endofopt or when fewer than 4 octets remain. Values are views into `bytes`. Throws OSI_BAD_CAPTURE
 * (offset of the option) when a value overruns `end`.
 */
export function decodePcapngOptions(
  bytes: Uint8Array,
  start: number,
  end: number,
  littleEndian: boolean,
): { code: number; value: Uint8Array }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const options: { code: number; value: Uint8Array }[] = [];
  let at = start;
  while (end - at >= 4) {
    const code = view.getUint16(at, littleEndian);
    const length = view.getUint16(at + 2, littleEndian);
    if (code === PcapngOption.ENDOFOPT) break;
    if (length > end - at - 4) {
      throw new OsiError("OSI_BAD_CAPTURE", `option ${code} overruns its block`, {
        layer: LAYER,
        offset: at,
      });
    }
    options.push({ code, value: bytes.subarray(at + 4, at + 4 + length) });
    at += 4 + pad4(length);
  }
  return options;
}

/** §3.5: string values are UTF-8, "not necessarily zero-terminated"; a zero octet ends them. */
export function decodePcapngString(value: Uint8Array): string {
  const nul = value.indexOf(0);
  return decoder.decode(nul === -1 ? value : value.subarray(0, nul));
}
