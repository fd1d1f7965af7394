/**
 * Protocol number registries, as data with the registries' own names (CONVENTIONS.md §3).
 * Each has a name lookup that falls back to `UNKNOWN_0x..`.
 */

/** IEEE 802 EtherType values (IANA "IEEE 802 Numbers"). */
export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  /** IEEE 802.1Q customer VLAN tag (C-TAG). */
  VLAN: 0x8100,
  IPv6: 0x86dd,
  /** IEEE 802.1ad service VLAN tag (S-TAG, "QinQ"). */
  QINQ: 0x88a8,
} as const;

/** IP protocol numbers (IANA "Assigned Internet Protocol Numbers"); also IPv6 Next Header values. */
export const IpProtocol = {
  HOPOPT: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  IPv6_ROUTE: 43,
  IPv6_FRAG: 44,
  ESP: 50,
  AH: 51,
  IPv6_ICMP: 58,
  IPv6_NONXT: 59,
  IPv6_OPTS: 60,
} as const;

/** pcap/pcapng LINKTYPE_ values (tcpdump.org link-layer header types). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** Raw IPv4 or IPv6, no link header (LINKTYPE_RAW). */
  RAW: 101,
  IPV4: 228,
  IPV6: 229,
} as const;

function lookup(table: Record<string, number>): (value: number) => string {
  const names = new Map<number, string>();
  for (const [name, value] of Object.entries(table)) if (!names.has(value)) names.set(value, name);
  return (value) => names.get(value) ?? `UNKNOWN_0x${value.toString(16).padStart(2, "0")}`;
}

export const etherTypeName: (value: number) => string = lookup(EtherType);
export const ipProtocolName: (value: number) => string = lookup(IpProtocol);
export const linkTypeName: (value: number) => string = lookup(LinkType);
