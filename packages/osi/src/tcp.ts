/**
 * The TCP header, RFC 9293 §3.1, with the options of RFC 9293 §3.2 (EOL, NOP, MSS), RFC 7323 (Window
 * Scale, Timestamps) and RFC 2018 (SACK-Permitted, SACK):
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Checksum            |         Urgent Pointer        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           [Options]                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Options round-trip like IPv4's: every option is listed in order, EOL included, zero padding after an
 * EOL reads as further EOLs, and the trailing EOLs that `encodeTcp`'s zero padding regenerates are
 * dropped, so `encodeTcp(decodeTcp(x).header, payload)` reproduces `x`.
 */
import { ipVersionOf } from "./address";
import { onesComplementSum } from "./checksum";
import { OsiError } from "./errors";
import { checkUint } from "./fields";
import { type PseudoHeader, pseudoHeaderSum } from "./pseudo-header";
import { IpProtocol } from "./registries";

export type TcpOption =
  | { kind: "eol" }
  | { kind: "nop" }
  | { kind: "mss"; value: number }
  | { kind: "window-scale"; shift: number }
  | { kind: "sack-permitted" }
  | { kind: "sack"; blocks: { left: number; right: number }[] }
  | { kind: "timestamps"; value: number; echoReply: number }
  | { kind: "unknown"; type: number; data: Uint8Array };

export interface TcpFlags {
  cwr?: boolean;
  ece?: boolean;
  urg?: boolean;
  ack?: boolean;
  psh?: boolean;
  rst?: boolean;
  syn?: boolean;
  fin?: boolean;
}

export interface TcpHeader {
  sourcePort: number;
  destinationPort: number;
  sequenceNumber: number;
  /** Default 0. */
  acknowledgmentNumber?: number;
  flags: TcpFlags;
  /** Default 65535. */
  window?: number;
  /** Default 0. */
  urgentPointer?: number;
  options?: TcpOption[];
  /** Computed when a pseudo-header is given; an explicit value is written as given. */
  checksum?: number;
  /** The 4 reserved bits (RFC 9293 §3.1: "Must be zero in generated segments"). Default 0. */
  reserved?: number;
}

export interface DecodedTcp {
  /** Every field filled in: flags with all eight booleans, options [] when none, checksum as on the wire. */
  header: Required<Omit<TcpHeader, "flags">> & { flags: Required<TcpFlags> };
  /** Data Offset × 4. */
  headerLength: number;
  /** A view of the data, to the end of the input. */
  payload: Uint8Array;
  /** `undefined` when no pseudo-header was given. */
  checksumValid: boolean | undefined;
}

const LAYER = "tcp";
/** Flag names from the low bit (FIN) to the high bit (CWR). */
const FLAG_ORDER = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr"] as const;
/** Option kinds (IANA "TCP Option Kind Numbers") and the fixed lengths RFC 9293, 7323 and 2018 give them. */
const Kind = { EOL: 0, NOP: 1, MSS: 2, WS: 3, SACK_PERMITTED: 4, SACK: 5, TIMESTAMPS: 8 } as const;
const KNOWN_KINDS: ReadonlySet<number> = new Set(Object.values(Kind));

function invalid(message: string): OsiError {
  return new OsiError("OSI_INVALID_FIELD", message, { layer: LAYER });
}

/** "SYN,ACK": the set flags, upper case, from the low bit to the high bit; "" when none is set. */
export function tcpFlagsToString(flags: TcpFlags): string {
  return FLAG_ORDER.filter((name) => flags[name])
    .map((name) => name.toUpperCase())
    .join(",");
}

function optionBytes(option: TcpOption): number[] {
  switch (option.kind) {
    case "eol":
      return [Kind.EOL];
    case "nop":
      return [Kind.NOP];
    case "mss":
      checkUint(option.value, 0xffff, "MSS", LAYER);
      return [Kind.MSS, 4, option.value >>> 8, option.value & 0xff];
    case "window-scale":
      checkUint(option.shift, 0xff, "window scale shift", LAYER);
      return [Kind.WS, 3, option.shift];
    case "sack-permitted":
      return [Kind.SACK_PERMITTED, 2];
    case "sack": {
      // RFC 2018 §3: "Length: Variable", 8 × n + 2 for n blocks; an option without blocks says nothing.
      if (option.blocks.length === 0) throw invalid("a SACK option needs at least one block");
      const out: number[] = [Kind.SACK, 2 + 8 * option.blocks.length];
      for (const { left, right } of option.blocks) {
        checkUint(left, 0xffffffff, "SACK left edge", LAYER);
        checkUint(right, 0xffffffff, "SACK right edge", LAYER);
        out.push(...uint32(left), ...uint32(right));
      }
      return out;
    }
    case "timestamps":
      checkUint(option.value, 0xffffffff, "TSval", LAYER);
      checkUint(option.echoReply, 0xffffffff, "TSecr", LAYER);
      return [Kind.TIMESTAMPS, 10, ...uint32(option.value), ...uint32(option.echoReply)];
    case "unknown":
      checkUint(option.type, 0xff, "option kind", LAYER);
      if (KNOWN_KINDS.has(option.type))
        throw invalid(`option kind ${option.type} has its own TcpOption form`);
      return [option.type, 2 + option.data.length, ...option.data];
    default: {
      const never: never = option;
      throw invalid(`unknown TCP option ${JSON.stringify(never)}`);
    }
  }
}

function uint32(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function encodeOptions(options: TcpOption[]): Uint8Array {
  const raw = options.flatMap(optionBytes);
  const padded = (raw.length + 3) & ~3;
  // RFC 9293 §3.1: Data Offset is 4 bits, so at most 60 header bytes, 40 of them options.
  if (padded > 40) throw invalid(`options take ${padded} bytes, more than 40`);
  const out = new Uint8Array(padded); // zero padding = EOL followed by zeros
  out.set(raw);
  return out;
}

/**
 * Writes the TCP header and copies `payload` after it. With `pseudo` the checksum is computed over the
 * pseudo-header, header and data (RFC 9293 §3.1); without it, `header.checksum ?? 0`.
 * An explicit `header.checksum` always wins.
 */
export function encodeTcp(
  header: TcpHeader,
  payload: Uint8Array,
  options: { pseudo?: PseudoHeader } = {},
): Uint8Array {
  const acknowledgmentNumber = header.acknowledgmentNumber ?? 0;
  const window = header.window ?? 65535;
  const urgentPointer = header.urgentPointer ?? 0;
  const reserved = header.reserved ?? 0;
  checkUint(header.sourcePort, 0xffff, "sourcePort", LAYER);
  checkUint(header.destinationPort, 0xffff, "destinationPort", LAYER);
  checkUint(header.sequenceNumber, 0xffffffff, "sequenceNumber", LAYER);
  checkUint(acknowledgmentNumber, 0xffffffff, "acknowledgmentNumber", LAYER);
  checkUint(window, 0xffff, "window", LAYER);
  checkUint(urgentPointer, 0xffff, "urgentPointer", LAYER);
  checkUint(reserved, 0xf, "reserved", LAYER);
  if (header.checksum !== undefined) checkUint(header.checksum, 0xffff, "checksum", LAYER);
  const optionArea = encodeOptions(header.options ?? []);
  const headerLength = 20 + optionArea.length;
  const out = new Uint8Array(headerLength + payload.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, header.sourcePort);
  view.setUint16(2, header.destinationPort);
  view.setUint32(4, header.sequenceNumber);
  view.setUint32(8, acknowledgmentNumber);
  out[12] = ((headerLength >>> 2) << 4) | reserved;
  let flagBits = 0;
  FLAG_ORDER.forEach((name, bit) => {
    if (header.flags[name]) flagBits |= 1 << bit;
  });
  out[13] = flagBits;
  view.setUint16(14, window);
  view.setUint16(18, urgentPointer);
  out.set(optionArea, 20);
  out.set(payload, headerLength);
  let checksum = header.checksum ?? 0;
  if (header.checksum === undefined && options.pseudo !== undefined) {
    // RFC 9293 §3.1: "The checksum field is the 16-bit ones' complement of the ones' complement sum of
    // all 16-bit words in the header and text", the pseudo-header included.
    const initial = pseudoHeaderSum(options.pseudo, IpProtocol.TCP, out.length);
    checksum = ~onesComplementSum(out, initial) & 0xffff;
  }
  view.setUint16(16, checksum);
  return out;
}

function decodeOptions(bytes: Uint8Array, start: number, end: number, offset: number): TcpOption[] {
  const options: TcpOption[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  while (pos < end) {
    const kind = bytes[pos]!;
    if (kind === Kind.EOL || kind === Kind.NOP) {
      options.push({ kind: kind === Kind.EOL ? "eol" : "nop" });
      pos += 1;
      continue;
    }
    const length = pos + 1 < end ? bytes[pos + 1]! : 0;
    const bad = (why: string) =>
      new OsiError("OSI_BAD_OPTION", `option kind ${kind} at byte ${pos - offset}: ${why}`, {
        layer: LAYER,
        offset,
      });
    // RFC 9293 §3.2: the option-length "counts the two octets of option-kind and option-length".
    if (length < 2 || pos + length > end) throw bad(`length ${length} overruns the header`);
    const wrongLength = (expected: number) => {
      if (length !== expected) throw bad(`length ${length}, expected ${expected}`);
    };
    switch (kind) {
      case Kind.MSS:
        wrongLength(4);
        options.push({ kind: "mss", value: view.getUint16(pos + 2) });
        break;
      case Kind.WS:
        wrongLength(3);
        options.push({ kind: "window-scale", shift: bytes[pos + 2]! });
        break;
      case Kind.SACK_PERMITTED:
        wrongLength(2);
        options.push({ kind: "sack-permitted" });
        break;
      case Kind.SACK: {
        if (length < 10 || (length - 2) % 8 !== 0) throw bad(`length ${length} is not 8 × n + 2 with n ≥ 1`);
        const blocks: { left: number; right: number }[] = [];
        for (let p = pos + 2; p < pos + length; p += 8) {
          blocks.push({ left: view.getUint32(p), right: view.getUint32(p + 4) });
        }
        options.push({ kind: "sack", blocks });
        break;
      }
      case Kind.TIMESTAMPS:
        wrongLength(10);
        options.push({
          kind: "timestamps",
          value: view.getUint32(pos + 2),
          echoReply: view.getUint32(pos + 6),
        });
        break;
      default:
        options.push({ kind: "unknown", type: kind, data: bytes.slice(pos + 2, pos + length) });
    }
    pos += length;
  }
  // Drop the trailing EOLs that encodeTcp's zero padding regenerates (see the file comment).
  const areaLength = end - start;
  let used = areaLength;
  while (
    options.length > 0 &&
    options[options.length - 1]!.kind === "eol" &&
    ((used + 2) & ~3) === areaLength
  ) {
    options.pop();
    used -= 1;
  }
  return options;
}

/**
 * Reads the TCP header at `offset`; the segment runs to the end of `bytes`. With `pseudo` the checksum is
 * verified over the pseudo-header and the whole segment; `strict` turns a mismatch into OSI_BAD_CHECKSUM.
 */
export function decodeTcp(
  bytes: Uint8Array,
  offset = 0,
  options: { pseudo?: PseudoHeader; strict?: boolean } = {},
): DecodedTcp {
  const available = bytes.length - offset;
  const fail = (code: "OSI_TRUNCATED" | "OSI_BAD_HEADER_LENGTH" | "OSI_BAD_CHECKSUM", message: string) =>
    new OsiError(code, message, { layer: LAYER, offset });
  if (!Number.isInteger(offset) || offset < 0 || available < 20) {
    throw fail("OSI_TRUNCATED", `TCP header needs 20 bytes, ${Math.max(0, available)} left`);
  }
  const headerLength = (bytes[offset + 12]! >>> 4) * 4;
  // RFC 9293 §3.1: Data Offset is "the number of 32-bit words in the TCP header"; the fixed part is 5.
  if (headerLength < 20) throw fail("OSI_BAD_HEADER_LENGTH", `Data Offset ${headerLength / 4} is below 5`);
  if (headerLength > available) {
    throw fail("OSI_TRUNCATED", `TCP header needs ${headerLength} bytes, ${available} left`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, headerLength);
  const decodedOptions = decodeOptions(bytes, offset + 20, offset + headerLength, offset);
  let checksumValid: boolean | undefined;
  if (options.pseudo !== undefined) {
    // RFC 9293 §3.1: the IPv4 pseudo-header's TCP Length is 16 bits; a longer segment is not one.
    if (available > 0xffff && ipVersionOf(options.pseudo.source) === 4) {
      throw new OsiError("OSI_BAD_LENGTH", `a ${available}-byte segment cannot travel over IPv4`, {
        layer: LAYER,
        offset,
      });
    }
    const initial = pseudoHeaderSum(options.pseudo, IpProtocol.TCP, available);
    checksumValid = onesComplementSum(bytes.subarray(offset), initial) === 0xffff;
    if (!checksumValid && options.strict) throw fail("OSI_BAD_CHECKSUM", "TCP checksum mismatch");
  }
  const flagBits = bytes[offset + 13]!;
  const flags = {} as Required<TcpFlags>;
  FLAG_ORDER.forEach((name, bit) => {
    flags[name] = (flagBits & (1 << bit)) !== 0;
  });
  return {
    header: {
      sourcePort: view.getUint16(0),
      destinationPort: view.getUint16(2),
      sequenceNumber: view.getUint32(4),
      acknowledgmentNumber: view.getUint32(8),
      flags,
      window: view.getUint16(14),
      urgentPointer: view.getUint16(18),
      options: decodedOptions,
      checksum: view.getUint16(16),
      reserved: bytes[offset + 12]! & 0x0f,
    },
    headerLength,
    payload: bytes.subarray(offset + headerLength),
    checksumValid,
  };
}
