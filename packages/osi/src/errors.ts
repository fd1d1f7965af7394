/**
 * Stable string codes of every error @proto/osi raises. Never renumber or reuse one; the README lists them.
 *
 * Running out of input inside a header is `OSI_TRUNCATED` (a header decoder cannot "wait for more":
 * a captured packet is all there is).
 */
export type OsiErrorCode =
  /** Fewer bytes than the header, or a length field inside it, says there are. */
  | "OSI_TRUNCATED"
  /** An IP version nibble that is not 4 (IPv4 decoder) or 6 (IPv6 decoder). */
  | "OSI_BAD_VERSION"
  /** A header-length field below its minimum (IPv4 IHL < 5, TCP data offset < 5) or past the data. */
  | "OSI_BAD_HEADER_LENGTH"
  /** A total/payload/datagram length field inconsistent with the header or the bytes present. */
  | "OSI_BAD_LENGTH"
  /** A malformed option or extension header (TLV length < 2, overrunning its header, wrong fixed length). */
  | "OSI_BAD_OPTION"
  /** A checksum mismatch, raised only when the caller asked for `strict` verification. */
  | "OSI_BAD_CHECKSUM"
  /** A MAC, IPv4 or IPv6 address that does not parse. */
  | "OSI_BAD_ADDRESS"
  /** A value given to an encoder that does not fit its field (port > 65535, TTL > 255, ...). */
  | "OSI_INVALID_FIELD"
  /** `layerOf` was asked about a protocol it does not know. */
  | "OSI_UNKNOWN_PROTOCOL"
  /** A pcap/pcapng file with a bad magic number, block length or record header. */
  | "OSI_BAD_CAPTURE"
  /** Well-formed input this package does not handle (e.g. a pcap link type with no decoder). */
  | "OSI_UNSUPPORTED";

/**
 * The one error class of @proto/osi (shared/CONVENTIONS.md §5): a stable `code` to branch on, the layer
 * whose header was at fault and the byte offset where it starts. `wireCode` is always `undefined`: OSI
 * header errors are not reported to a peer.
 */
export class OsiError extends Error {
  override readonly name = "OsiError";
  readonly code: OsiErrorCode;
  readonly wireCode: number | undefined;
  /** The layer whose header was at fault: "ethernet", "ipv4", "ipv6", "tcp", "udp", "pcap", ... */
  readonly layer: string | undefined;
  /** Byte offset (in the input given to the decoder) where the faulty header starts. */
  readonly offset: number | undefined;

  constructor(
    code: OsiErrorCode,
    message: string,
    options: { layer?: string; offset?: number; wireCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.wireCode = options.wireCode;
    this.layer = options.layer;
    this.offset = options.offset;
  }
}
