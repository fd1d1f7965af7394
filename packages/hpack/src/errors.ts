/**
 * Stable codes of every error @proto/hpack raises. Every decoding error is a connection error of type
 * COMPRESSION_ERROR (RFC 9113 §4.3): the decoder's state can no longer be trusted.
 */
export type HpackErrorCode =
  /** Index 0, or an index past the static and dynamic tables (RFC 7541 §2.3.3, §6.1). */
  | "HPACK_INDEX_OUT_OF_RANGE"
  /** A dynamic table size update above the SETTINGS_HEADER_TABLE_SIZE limit (§6.3, §4.2). */
  | "HPACK_TABLE_SIZE_UPDATE_TOO_LARGE"
  /** A dynamic table size update after a field representation in the block (§4.2). */
  | "HPACK_TABLE_SIZE_UPDATE_AFTER_FIELD"
  /** The limit dropped below the table size and the next block did not start with an update (§4.2). */
  | "HPACK_MISSING_TABLE_SIZE_UPDATE"
  /** An integer too large, or encoded in too many bytes (§5.1; §5.1 asks decoders to bound it). */
  | "HPACK_INTEGER_OVERFLOW"
  /** Huffman padding longer than 7 bits or not the most significant bits of EOS (§5.2). */
  | "HPACK_HUFFMAN_PADDING"
  /** The EOS symbol inside a Huffman-encoded string (§5.2). */
  | "HPACK_HUFFMAN_EOS"
  /** The block ends inside a representation. */
  | "HPACK_TRUNCATED"
  /** A name or value longer than `maxStringLength`. */
  | "HPACK_STRING_TOO_LONG"
  /** The decoded header list is larger than `maxHeaderListSize` (name + value + 32 per field, RFC 9113 §6.5.2). */
  | "HPACK_HEADER_LIST_TOO_LARGE"
  /** More fields than `maxFields`. */
  | "HPACK_TOO_MANY_FIELDS"
  /** Local misuse: a string with a character above U+00FF, a bad option. Thrown to the caller. */
  | "HPACK_INVALID_ARGUMENT";

/** HTTP/2 COMPRESSION_ERROR (RFC 9113 §7). */
export const COMPRESSION_ERROR = 0x9;

/**
 * The one error class of @proto/hpack: a stable `code` and `errorCode`, the HTTP/2 error code the
 * connection must send (COMPRESSION_ERROR; `undefined` for local misuse). `wireCode` is the same value.
 */
export class HpackError extends Error {
  override readonly name = "HpackError";
  readonly code: HpackErrorCode;
  readonly errorCode: number | undefined;
  get wireCode(): number | undefined {
    return this.errorCode;
  }

  constructor(code: HpackErrorCode, message: string) {
    super(message);
    this.code = code;
    this.errorCode = code === "HPACK_INVALID_ARGUMENT" ? undefined : COMPRESSION_ERROR;
  }
}
