/**
 * @proto/quic-sim: a deterministic network simulator for HTTP/1.1, HTTP/2 over TCP and HTTP/3 over QUIC,
 * and QUIC v1 wire codecs with Initial packet protection.
 * @packageDocumentation
 */
export { QuicSimError, type QuicSimErrorCode } from "./errors";
export { Channel, type Piece } from "./sim/channel";
export { Rng, Simulator, type Timer } from "./sim/core";
export {
  type Direction,
  type DropReason,
  Link,
  type LinkStats,
  type LossModel,
  type LossSpec,
  makeLossModel,
  makePath,
  type NetworkSpec,
  type Path,
  type SimPacket,
} from "./sim/network";
export {
  type PageLoadOptions,
  type PageLoadResult,
  type ResourceResult,
  simulatePageLoad,
} from "./sim/page-load";
export { presets } from "./sim/presets";
export { Qlog, type QlogEvent } from "./sim/qlog";
export {
  QuicEndpoint,
  type QuicOptions,
  type QuicPacket,
  type QuicStats,
  quicConnection,
  type SimFrame,
} from "./sim/quic";
export { ByteRanges } from "./sim/ranges";
export {
  kGranularity,
  kInitialRtt,
  kLossReductionFactor,
  kPacketThreshold,
  kPersistentCongestionThreshold,
  kTimeThreshold,
  PN_SPACES,
  type PnSpace,
  Recovery,
  type RecoveryHooks,
  type SentPacket,
} from "./sim/recovery";
export { TcpEndpoint, type TcpOptions, type TcpSegment, type TcpStats } from "./sim/tcp";
export { tcpConnection } from "./sim/tcp-connection";
export { RttEstimator } from "./sim/tcp-rtt";
export {
  CERTIFICATE_FLIGHT,
  type Resumption,
  TlsDriver,
  type TlsPlan,
  type TlsVersion,
  tlsPlan,
} from "./sim/tls";
export { simulateTransfer, type TransferOptions, type TransferResult } from "./sim/transfer";
export {
  chacha20,
  chacha20Block,
  chacha20Poly1305Open,
  chacha20Poly1305Seal,
  poly1305,
} from "./wire/chacha20-poly1305";
export {
  type AckRange,
  decodeFrames,
  encodeFrame,
  encodeFrames,
  FrameCode,
  isAckEliciting,
  type QuicFrame,
} from "./wire/frames";
export { hkdfExpand, hkdfExpandLabel, hkdfExtract, hkdfLabel, hmacSha256 } from "./wire/hkdf";
export {
  encodeLongHeader,
  encodeShortHeader,
  type LongHeader,
  type LongHeaderInit,
  LongPacketType,
  type LongPacketTypeName,
  parseLongHeader,
  parseShortHeader,
  QUIC_V1,
  readPacketNumber,
  type ShortHeader,
  writePacketNumber,
} from "./wire/packet";
export { decodePacketNumber, encodePacketNumber, packetNumberLength } from "./wire/packet-number";
export {
  type AeadName,
  deriveInitialKeys,
  derivePacketKeys,
  headerProtectionMask,
  INITIAL_SALT_V1,
  nextKeyUpdateSecret,
  open,
  type PacketKeys,
  packetNonce,
  protectPacket,
  RETRY_KEY_V1,
  RETRY_NONCE_V1,
  retryIntegrityTag,
  seal,
  unprotectPacket,
} from "./wire/protection";
export {
  decodeTransportParameters,
  encodeTransportParameters,
  type PreferredAddress,
  type TransportParameters,
  type VarintValue,
} from "./wire/transport-params";
export {
  encodeVarint,
  MAX_VARINT,
  readVarint,
  readVarintNumber,
  varintLength,
  writeVarint,
} from "./wire/varint";
