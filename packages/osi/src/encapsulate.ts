/**
 * Encapsulation, as a map a person can read: `encapsulate` wraps an application message in transport,
 * network and link headers (each filling in what the layer below must say about the layer above:
 * EtherType, IP protocol, lengths, checksums); `decapsulate` peels the same layers off captured bytes.
 * Both return the same map: for each layer its offset, header length, PDU length and decoded fields.
 *
 * The map of `encapsulate` is made by decapsulating the bytes it produced, so it always describes the
 * wire, never the intent.
 */

import { OsiError } from "./errors";
import { decodeEthernet, type EthernetHeader, encodeEthernet } from "./ethernet";
import { decodeIPv4, encodeIPv4, type IPv4Header } from "./ipv4";
import { decodeIPv6, encodeIPv6, type IPv6Header, pseudoHeaderDestination } from "./ipv6";
import type { PseudoHeader } from "./pseudo-header";
import { EtherType, etherTypeName, IpProtocol, ipProtocolName, LinkType } from "./registries";
import { decodeTcp, encodeTcp, type TcpHeader } from "./tcp";
import { decodeUdp, encodeUdp, type UdpHeader } from "./udp";

/** One layer to add. Fields the next layer implies (EtherType, IP protocol, lengths) may be left out. */
export type LayerSpec =
  | ({ layer: "ethernet" } & Omit<EthernetHeader, "etherType"> & { etherType?: number })
  | ({ layer: "ipv4" } & Omit<IPv4Header, "protocol"> & { protocol?: number })
  | ({ layer: "ipv6" } & Omit<IPv6Header, "nextHeader"> & { nextHeader?: number })
  | ({ layer: "tcp" } & TcpHeader)
  | ({ layer: "udp" } & UdpHeader);

export type LayerKind = "ethernet" | "ipv4" | "ipv6" | "tcp" | "udp" | "application";

/** Where one layer sits in the bytes, and what its header says. */
export interface LayerMapEntry {
  layer: LayerKind;
  /** Display name: "Ethernet II", "IPv4", "IPv6", "TCP", "UDP", "Application data". */
  name: string;
  /** OSI layer number (7 application ... 2 data link). */
  osi: number;
  /** TCP/IP model layer number (4 application ... 1 network access). */
  tcpIp: number;
  /** PDU name at this layer: frame, packet, segment, datagram, message. */
  pdu: string;
  /** Offset of this layer's header in the bytes. */
  offset: number;
  /** Length of this layer's header (0 for application data). */
  headerLength: number;
  /** Length of this layer's whole PDU: its header and everything it carries. */
  length: number;
  /** The decoded header fields (for application data: nothing). */
  fields: Record<string, unknown>;
  /** For IPv4, TCP and UDP: whether the checksum verifies (`undefined`: not present or not checkable). */
  checksumValid?: boolean | undefined;
  /** Why decoding stopped here, for an unknown EtherType/protocol or a non-first fragment. */
  note?: string;
}

export interface LayerMap {
  bytes: Uint8Array;
  /** Outermost first; the last entry is the application data (possibly empty). */
  layers: LayerMapEntry[];
}

export interface DecapsulateOptions {
  /** What the bytes start with (default "ethernet"). "ip" means raw IPv4 or IPv6, told apart by version. */
  link?: "ethernet" | "ip";
  /** Throw OSI_BAD_CHECKSUM on a checksum mismatch instead of reporting `checksumValid: false`. */
  strict?: boolean;
}

const PLACE: Record<LayerKind, { name: string; osi: number; tcpIp: number; pdu: string }> = {
  ethernet: { name: "Ethernet II", osi: 2, tcpIp: 1, pdu: "frame" },
  ipv4: { name: "IPv4", osi: 3, tcpIp: 2, pdu: "packet" },
  ipv6: { name: "IPv6", osi: 3, tcpIp: 2, pdu: "packet" },
  tcp: { name: "TCP", osi: 4, tcpIp: 3, pdu: "segment" },
  udp: { name: "UDP", osi: 4, tcpIp: 3, pdu: "datagram" },
  application: { name: "Application data", osi: 7, tcpIp: 4, pdu: "message" },
};

/** Maps a pcap link type to the `link` option of `decapsulate`. */
export function linkOfLinkType(linkType: number): "ethernet" | "ip" {
  if (linkType === LinkType.ETHERNET) return "ethernet";
  if (linkType === LinkType.RAW || linkType === LinkType.IPV4 || linkType === LinkType.IPV6) return "ip";
  throw new OsiError("OSI_UNSUPPORTED", `no decoder for link type ${linkType}`, { layer: "pcap" });
}

function entry(
  layer: LayerKind,
  offset: number,
  headerLength: number,
  length: number,
  fields: Record<string, unknown>,
  extra: Partial<LayerMapEntry> = {},
): LayerMapEntry {
  return { layer, ...PLACE[layer], offset, headerLength, length, fields, ...extra };
}

/** Peels link, network and transport headers off `bytes` and maps where each one sits. */
export function decapsulate(bytes: Uint8Array, options: DecapsulateOptions = {}): LayerMap {
  const layers: LayerMapEntry[] = [];
  const strict = options.strict ?? false;
  let offset = 0;
  let end = bytes.length;
  let next: "ipv4" | "ipv6" | "ip" | number | undefined = options.link === "ip" ? "ip" : undefined;

  if (next === undefined) {
    const eth = decodeEthernet(bytes, 0);
    layers.push(entry("ethernet", 0, eth.headerLength, bytes.length, { ...eth.header }));
    offset = eth.headerLength;
    const type = eth.header.etherType;
    if (type === EtherType.IPv4) next = "ipv4";
    else if (type === EtherType.IPv6) next = "ipv6";
    else
      return finish(
        bytes,
        layers,
        offset,
        end,
        `EtherType 0x${type.toString(16).padStart(4, "0")} (${etherTypeName(type)}) is not decoded`,
      );
  }
  if (next === "ip") {
    if (offset >= bytes.length) throw new OsiError("OSI_TRUNCATED", "no IP header", { layer: "ip", offset });
    next = bytes[offset]! >> 4 === 6 ? "ipv6" : "ipv4";
  }

  let pseudo: PseudoHeader;
  let protocol: number;
  if (next === "ipv4") {
    const ip = decodeIPv4(bytes, offset, { strict });
    end = offset + ip.header.totalLength!;
    layers.push(
      entry(
        "ipv4",
        offset,
        ip.headerLength,
        end - offset,
        { ...ip.header },
        { checksumValid: ip.checksumValid },
      ),
    );
    offset += ip.headerLength;
    pseudo = { source: ip.header.source, destination: ip.header.destination };
    protocol = ip.header.protocol;
    if (ip.header.moreFragments || (ip.header.fragmentOffset ?? 0) > 0) {
      return finish(
        bytes,
        layers,
        offset,
        end,
        "IPv4 fragment: the transport header is only in the reassembled packet",
      );
    }
  } else {
    const ip = decodeIPv6(bytes, offset);
    end = offset + 40 + ip.header.payloadLength!;
    layers.push(entry("ipv6", offset, ip.headerLength, end - offset, { ...ip.header }));
    offset += ip.headerLength;
    // RFC 8200 §8.1: with a Routing header, the pseudo-header carries the final destination.
    pseudo = { source: ip.header.source, destination: pseudoHeaderDestination(ip.header) };
    protocol = ip.header.nextHeader;
    if (ip.header.extensionHeaders?.some((h) => h.type === IpProtocol.IPv6_FRAG)) {
      return finish(
        bytes,
        layers,
        offset,
        end,
        "IPv6 fragment: the transport header is only in the reassembled packet",
      );
    }
  }

  const segment = bytes.subarray(offset, end);
  if (protocol === IpProtocol.TCP) {
    const tcp = decodeTcp(segment, 0, { pseudo, strict });
    layers.push(
      entry(
        "tcp",
        offset,
        tcp.headerLength,
        segment.length,
        { ...tcp.header },
        { checksumValid: tcp.checksumValid },
      ),
    );
    offset += tcp.headerLength;
  } else if (protocol === IpProtocol.UDP) {
    const udp = decodeUdp(segment, 0, { pseudo, strict });
    layers.push(
      entry(
        "udp",
        offset,
        udp.headerLength,
        udp.header.length!,
        { ...udp.header },
        { checksumValid: udp.checksumValid },
      ),
    );
    offset += udp.headerLength;
    end = offset - udp.headerLength + udp.header.length!;
  } else {
    return finish(
      bytes,
      layers,
      offset,
      end,
      `IP protocol ${protocol} (${ipProtocolName(protocol)}) is not decoded`,
    );
  }
  return finish(bytes, layers, offset, end);
}

function finish(
  bytes: Uint8Array,
  layers: LayerMapEntry[],
  offset: number,
  end: number,
  note?: string,
): LayerMap {
  const extra = note === undefined ? {} : { note };
  layers.push(entry("application", offset, 0, end - offset, {}, extra));
  return { bytes, layers };
}

/** The payload the application layer entry points at. */
export function applicationData(map: LayerMap): Uint8Array {
  const app = map.layers[map.layers.length - 1]!;
  return map.bytes.subarray(app.offset, app.offset + app.length);
}

function ipOf(layers: LayerSpec[], index: number): PseudoHeader {
  const outer = layers[index - 1];
  if (outer?.layer !== "ipv4" && outer?.layer !== "ipv6") {
    throw new OsiError(
      "OSI_INVALID_FIELD",
      `${layers[index]!.layer} must be carried directly in ipv4 or ipv6`,
      {
        layer: layers[index]!.layer,
      },
    );
  }
  // RFC 8200 §8.1: with a Routing header, the pseudo-header carries the final destination.
  const destination = outer.layer === "ipv6" ? pseudoHeaderDestination(outer) : outer.destination;
  return { source: outer.source, destination };
}

/**
 * Wraps `payload` in `layers` (outermost first, e.g. ethernet, ipv4, tcp) and returns the bytes with the
 * map of every layer. Each header's implied fields are filled in from the layer it carries: the EtherType
 * from the IP version, the IP protocol from TCP/UDP, lengths from sizes, checksums over the right bytes.
 */
export function encapsulate(payload: Uint8Array, layers: LayerSpec[]): LayerMap {
  if (layers.length === 0)
    return { bytes: payload, layers: [entry("application", 0, 0, payload.length, {})] };
  const order: Record<LayerSpec["layer"], number> = { ethernet: 0, ipv4: 1, ipv6: 1, tcp: 2, udp: 2 };
  layers.forEach((spec, i) => {
    if (i > 0 && order[spec.layer] !== order[layers[i - 1]!.layer] + 1) {
      throw new OsiError("OSI_INVALID_FIELD", `${spec.layer} cannot be carried in ${layers[i - 1]!.layer}`, {
        layer: spec.layer,
      });
    }
  });
  let data = payload;
  for (let i = layers.length - 1; i >= 0; i--) {
    const spec = layers[i]!;
    const inner = layers[i + 1]?.layer;
    const { layer: _kind, ...header } = spec;
    switch (spec.layer) {
      case "tcp":
        data = encodeTcp(header as TcpHeader, data, { pseudo: ipOf(layers, i) });
        break;
      case "udp":
        data = encodeUdp(header as UdpHeader, data, { pseudo: ipOf(layers, i) });
        break;
      case "ipv4":
        data = encodeIPv4(
          { ...(header as Omit<IPv4Header, "protocol">), protocol: spec.protocol ?? protocolOf(inner) },
          data,
        );
        break;
      case "ipv6":
        data = encodeIPv6(
          { ...(header as Omit<IPv6Header, "nextHeader">), nextHeader: spec.nextHeader ?? protocolOf(inner) },
          data,
        );
        break;
      case "ethernet":
        data = encodeEthernet(
          {
            ...(header as Omit<EthernetHeader, "etherType">),
            etherType: spec.etherType ?? etherTypeOf(inner),
          },
          data,
        );
        break;
      default:
        return assertNever(spec);
    }
  }
  return decapsulate(data, { link: layers[0]!.layer === "ethernet" ? "ethernet" : "ip" });
}

function protocolOf(inner: LayerSpec["layer"] | undefined): number {
  if (inner === "tcp") return IpProtocol.TCP;
  if (inner === "udp") return IpProtocol.UDP;
  return IpProtocol.IPv6_NONXT;
}

function etherTypeOf(inner: LayerSpec["layer"] | undefined): number {
  if (inner === "ipv4") return EtherType.IPv4;
  if (inner === "ipv6") return EtherType.IPv6;
  throw new OsiError("OSI_INVALID_FIELD", "ethernet needs an etherType when it does not carry IP", {
    layer: "ethernet",
  });
}

function assertNever(value: never): never {
  throw new OsiError("OSI_INVALID_FIELD", `unknown layer ${JSON.stringify(value)}`);
}
