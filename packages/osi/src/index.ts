/**
 * @proto/osi: the OSI and TCP/IP models as data, Ethernet/IPv4/IPv6/TCP/UDP header codecs, the Internet
 * checksum, encapsulation maps, synthetic TCP conversations and pcap/pcapng files.
 * @packageDocumentation
 */
export { OsiError, type OsiErrorCode } from "./errors";
export { EtherType, etherTypeName, IpProtocol, ipProtocolName, LinkType, linkTypeName } from "./registries";
