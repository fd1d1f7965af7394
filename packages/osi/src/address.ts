/**
 * Text forms of link and network addresses: IEEE 802 MAC addresses, IPv4 dotted quads (RFC 791 §3.2,
 * RFC 6943 §3.1.1 for the strict form) and IPv6 addresses (RFC 4291 §2.2 to parse, RFC 5952 §4 to print).
 *
 * Every parser is strict and throws `OsiError("OSI_BAD_ADDRESS")` on anything it does not accept.
 */
import { OsiError } from "./errors";

function badAddress(message: string): OsiError {
  return new OsiError("OSI_BAD_ADDRESS", message, { layer: "address" });
}

function needBytes(bytes: Uint8Array, offset: number, count: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + count > bytes.length) {
    throw badAddress(`${what} needs ${count} bytes at offset ${offset}, ${bytes.length} bytes given`);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** `aa:bb:cc:dd:ee:ff` or `AA-BB-CC-DD-EE-FF` (IEEE 802 canonical form); one separator throughout. */
const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;

/** Parses a 48-bit MAC address written as six hex pairs separated by ':' or '-'. */
export function parseMac(s: string): Uint8Array {
  if (typeof s !== "string" || !MAC.test(s)) throw badAddress(`not a MAC address: ${JSON.stringify(s)}`);
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = Number.parseInt(s.slice(i * 3, i * 3 + 2), 16);
  return out;
}

/** Formats the 6 bytes at `offset` as a lowercase, colon-separated MAC address. */
export function formatMac(bytes: Uint8Array, offset = 0): string {
  needBytes(bytes, offset, 6, "a MAC address");
  let s = HEX[bytes[offset]!]!;
  for (let i = 1; i < 6; i++) s += `:${HEX[bytes[offset + i]!]!}`;
  return s;
}

/** One decimal octet, 0-255, without leading zeros (RFC 6943 §3.1.1: "01" is ambiguous, so rejected). */
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Parses a strict dotted-quad IPv4 address ("192.0.2.1"; no leading zeros, no shorthand forms). */
export function parseIPv4(s: string): Uint8Array {
  if (typeof s !== "string" || !IPV4.test(s)) throw badAddress(`not an IPv4 address: ${JSON.stringify(s)}`);
  return Uint8Array.from(s.split("."), Number);
}

/** Formats the 4 bytes at `offset` as a dotted quad. */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  needBytes(bytes, offset, 4, "an IPv4 address");
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

const GROUP = /^[0-9a-f]{1,4}$/i;

/** Parses `a:b:...` groups into 16-bit values; a dotted-quad last group counts as two (RFC 4291 §2.2 form 3). */
function parseGroups(part: string, allowIPv4Tail: boolean, original: string): number[] {
  if (part === "") return [];
  const groups: number[] = [];
  const texts = part.split(":");
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (allowIPv4Tail && i === texts.length - 1 && text.includes(".")) {
      if (!IPV4.test(text)) break;
      const v4 = parseIPv4(text);
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      return groups;
    }
    if (!GROUP.test(text)) throw badAddress(`not an IPv6 address: ${JSON.stringify(original)}`);
    groups.push(Number.parseInt(text, 16));
  }
  if (groups.length !== texts.length) throw badAddress(`not an IPv6 address: ${JSON.stringify(original)}`);
  return groups;
}

/**
 * Parses an IPv6 address in any RFC 4291 §2.2 text form: the full eight groups ("2001:db8:0:0:0:0:0:1"),
 * `::`-compressed ("2001:db8::1", "::"), and with an embedded IPv4 tail ("::ffff:192.0.2.1").
 * Zone identifiers ("%eth0", RFC 6874) and prefix lengths are not addresses and are rejected.
 */
export function parseIPv6(s: string): Uint8Array {
  if (typeof s !== "string" || s.length < 2 || s.length > 45) {
    throw badAddress(`not an IPv6 address: ${JSON.stringify(s)}`);
  }
  const halves = s.split("::");
  if (halves.length > 2) throw badAddress(`more than one "::" in ${JSON.stringify(s)}`);
  let groups: number[];
  if (halves.length === 1) {
    groups = parseGroups(s, true, s);
    // RFC 4291 §2.2: without "::" all eight 16-bit pieces are written.
    if (groups.length !== 8) throw badAddress(`not eight groups: ${JSON.stringify(s)}`);
  } else {
    const head = parseGroups(halves[0]!, false, s);
    const tail = parseGroups(halves[1]!, true, s);
    // RFC 4291 §2.2: "::" indicates one or more groups of 16 bits of zeros.
    if (head.length + tail.length > 7) throw badAddress(`"::" stands for no group in ${JSON.stringify(s)}`);
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >>> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  return out;
}

/**
 * Formats the 16 bytes at `offset` in the RFC 5952 §4 canonical text form: lowercase hex (§4.3), leading
 * zeros suppressed (§4.1), the longest run of two or more zero groups replaced by "::" (§4.2.1-§4.2.2),
 * the first such run on a tie (§4.2.3). The §5 mixed IPv4 notation is not used.
 */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  needBytes(bytes, offset, 16, "an IPv6 address");
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1; // §4.2.2: "The symbol '::' MUST NOT be used to shorten just one 16-bit 0 field."
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (g: number) => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(":");
  const head = groups.slice(0, bestStart).map(hex).join(":");
  const tail = groups
    .slice(bestStart + bestLength)
    .map(hex)
    .join(":");
  return `${head}::${tail}`;
}

/** 4 for a dotted-quad IPv4 address, 6 for an IPv6 address; throws OSI_BAD_ADDRESS for anything else. */
export function ipVersionOf(address: string): 4 | 6 {
  if (typeof address === "string") {
    if (IPV4.test(address)) return 4;
    if (address.includes(":")) {
      parseIPv6(address);
      return 6;
    }
  }
  throw badAddress(`not an IP address: ${JSON.stringify(address)}`);
}
