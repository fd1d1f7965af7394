/**
 * @proto/hpack: RFC 7541 HPACK header compression for HTTP/2.
 * @packageDocumentation
 */
export {
  DECODER_DEFAULTS,
  describeBlock,
  HpackDecoder,
  type HpackDecoderOptions,
  type Representation,
  type RepresentationKind,
} from "./decoder";
export { type DynamicTableView, entrySize } from "./dynamic-table";
export { HpackEncoder, type HpackEncoderOptions } from "./encoder";
export { COMPRESSION_ERROR, HpackError, type HpackErrorCode } from "./errors";
export { huffmanDecode, huffmanEncode, huffmanEncodedLength } from "./huffman";
export { decodeInteger, encodeInteger, MAX_INTEGER } from "./integer";
export { STATIC_TABLE } from "./static-table";
