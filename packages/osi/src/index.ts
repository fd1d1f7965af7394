/**
 * @proto/osi: the OSI and TCP/IP models as data, Ethernet/IPv4/IPv6/TCP/UDP header codecs, the Internet
 * checksum, encapsulation maps, synthetic TCP conversations and pcap/pcapng files.
 * @packageDocumentation
 */
export { formatIPv4, formatIPv6, formatMac, ipVersionOf, parseIPv4, parseIPv6, parseMac } from "./address";
export { detectCaptureFormat, readCapture } from "./capture";
export type { CaptureRecord } from "./capture-record";
export { internetChecksum, onesComplementSum, updateChecksum } from "./checksum";
export {
  applicationData,
  type DecapsulateOptions,
  decapsulate,
  encapsulate,
  type LayerKind,
  type LayerMap,
  type LayerMapEntry,
  type LayerSpec,
  linkOfLinkType,
} from "./encapsulate";
export { OsiError, type OsiErrorCode } from "./errors";
export {
  type DecodedEthernet,
  decodeEthernet,
  type EthernetHeader,
  encodeEthernet,
  type VlanTag,
} from "./ethernet";
export { type DecodedIPv4, decodeIPv4, encodeIPv4, type IPv4Header, type IPv4Option } from "./ipv4";
export { type DecodedIPv6, decodeIPv6, encodeIPv6, type IPv6ExtensionHeader, type IPv6Header } from "./ipv6";
export {
  layerOf,
  OSI_LAYERS,
  type OsiLayer,
  osiToTcpIp,
  PROTOCOL_ALIASES,
  PROTOCOLS,
  type ProtocolPlacement,
  TCP_IP_LAYERS,
  type TcpIpLayer,
  tcpIpToOsi,
} from "./models";
export {
  PCAP_DEFAULT_SNAPLEN,
  type PcapFile,
  type PcapWriteOptions,
  readPcap,
  writePcap,
} from "./pcap";
export {
  type PcapngFile,
  type PcapngInterface,
  type PcapngWriteOptions,
  readPcapng,
  writePcapng,
} from "./pcapng";
export { type PseudoHeader, pseudoHeaderSum } from "./pseudo-header";
export { EtherType, etherTypeName, IpProtocol, ipProtocolName, LinkType, linkTypeName } from "./registries";
export {
  type DecodedTcp,
  decodeTcp,
  encodeTcp,
  type TcpFlags,
  type TcpHeader,
  type TcpOption,
  tcpFlagsToString,
} from "./tcp";
export {
  buildTcpConversation,
  type ConversationMessage,
  type ConversationPacket,
  type Side,
  type TcpConversation,
  type TcpConversationOptions,
  type TcpEndpoint,
} from "./tcp-conversation";
export { type DecodedUdp, decodeUdp, encodeUdp, type UdpHeader } from "./udp";
