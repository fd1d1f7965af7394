/**
 * The OSI reference model (ISO/IEC 7498-1) and the TCP/IP model (RFC 1122 §1.3.1) as data, with where
 * common protocols sit in each. Layer names and the Chinese names follow shared/notes/network-notes.zh.md;
 * the TCP/IP layers use the notes' four-layer form, whose bottom layer ("network access", 网络接口层) is
 * RFC 1122's link layer.
 */
import { OsiError } from "./errors";

/** One OSI layer. */
export interface OsiLayer {
  number: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  name: string;
  nameZh: string;
  /** Protocol data unit at this layer. */
  pdu: string;
  role: string;
  roleZh: string;
  /** Keys of {@link PROTOCOLS} placed (at least partly) at this layer. */
  examples: string[];
}

/** One TCP/IP layer. */
export interface TcpIpLayer {
  number: 1 | 2 | 3 | 4;
  name: "Network Access" | "Internet" | "Transport" | "Application";
  nameZh: "网络接口层" | "互联网层" | "传输层" | "应用层";
  pdu: string;
  role: string;
  roleZh: string;
  /** Keys of {@link PROTOCOLS} placed (at least partly) at this layer. */
  examples: string[];
  /** The OSI layers this layer covers. */
  osiLayers: number[];
}

/** Where a protocol sits in both models. Multi-layer placements are ascending arrays. */
export interface ProtocolPlacement {
  /** Canonical key in {@link PROTOCOLS}. */
  protocol: string;
  /** Display name. */
  name: string;
  osi: number | number[];
  tcpIp: number | number[];
  /** Set where the placement spans layers, the models disagree, or the entry needs a caveat. */
  note?: string;
  /**
   * Set when `tcpIp` is not what mapping `osi` through {@link osiToTcpIp} gives: the two models' own
   * literature places the protocol differently (explained in `note`).
   */
  modelsDisagree?: true;
  /** What the entry is when it is not a wire protocol: a programming interface or a sublayer. */
  kind?: "api" | "sublayer";
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const APP = ["http", "https", "http2", "http3", "websocket", "dns", "ftp", "smtp", "pop3", "ssh", "dhcp"];

/** The seven OSI layers, top (7, Application) to bottom (1, Physical), as in the notes' table. */
export const OSI_LAYERS: readonly OsiLayer[] = deepFreeze([
  {
    number: 7,
    name: "Application",
    nameZh: "应用层",
    pdu: "Data",
    role: "Offers network services to applications directly, such as fetching web pages, resolving names, transferring files and exchanging e-mail.",
    roleZh: "直接为应用程序提供网络服务，例如获取网页、解析域名、传输文件和收发电子邮件。",
    examples: [...APP],
  },
  {
    number: 6,
    name: "Presentation",
    nameZh: "表示层",
    pdu: "Data",
    role: "Converts data between the application's form and a common wire form, covering character encoding, serialization, compression and encryption.",
    roleZh: "在应用使用的格式与网络上传输的通用格式之间转换数据，涉及字符编码、序列化、压缩和加密。",
    examples: ["tls", "quic"],
  },
  {
    number: 5,
    name: "Session",
    nameZh: "会话层",
    pdu: "Data",
    role: "Sets up, maintains and tears down the dialogue between two applications and decides whether it runs simplex, half-duplex or full-duplex.",
    roleZh: "负责建立、维持和结束两个应用之间的对话，并确定通信采用单工、半双工还是全双工。",
    examples: ["socket", "tls", "quic"],
  },
  {
    number: 4,
    name: "Transport",
    nameZh: "传输层",
    pdu: "Segment (TCP) / Datagram (UDP)",
    role: "Moves data end to end between processes on two hosts, told apart by port numbers, optionally with reliable ordered delivery and flow and congestion control.",
    roleZh:
      "在两台主机的进程之间端到端地传送数据，用端口号区分进程，并可提供可靠有序的交付以及流量和拥塞控制。",
    examples: ["tcp", "udp", "quic"],
  },
  {
    number: 3,
    name: "Network",
    nameZh: "网络层",
    pdu: "Packet",
    role: "Carries packets from the source host to the destination host across interconnected networks, using logical (IP) addresses and routing.",
    roleZh: "依靠逻辑地址（IP地址）和路由选择，把数据包从源主机经由多个互联的网络送到目的主机。",
    examples: ["ip", "ipv6", "icmp", "icmpv6", "arp"],
  },
  {
    number: 2,
    name: "Data Link",
    nameZh: "数据链路层",
    pdu: "Frame",
    role: "Delivers frames between neighbouring nodes on one local network, addressing them by MAC address and detecting transmission errors.",
    roleZh: "在同一个局域网内的相邻节点之间传递帧，按MAC地址寻址并检查传输中出现的差错。",
    examples: ["ethernet", "wifi", "ppp", "arp", "mac"],
  },
  {
    number: 1,
    name: "Physical",
    nameZh: "物理层",
    pdu: "Bit",
    role: "Turns bits into electrical, optical or radio signals on a medium and back, fixing connectors, voltages, timing and line coding.",
    roleZh: "把比特变成电、光或无线电信号在传输介质上收发，并规定接口、电压、时序和线路编码。",
    examples: ["ethernet", "wifi"],
  },
]);

/** The four TCP/IP layers, top (4, Application) to bottom (1, Network Access). */
export const TCP_IP_LAYERS: readonly TcpIpLayer[] = deepFreeze([
  {
    number: 4,
    name: "Application",
    nameZh: "应用层",
    pdu: "Data (message)",
    role: "Holds the protocols applications speak, with the OSI session and presentation duties (sessions, encoding, encryption) folded into them.",
    roleZh: "容纳应用程序直接使用的协议，并把OSI会话层和表示层的职责（会话管理、编码、加密）一并归入其中。",
    examples: [...APP, "tls", "socket", "quic"],
    osiLayers: [5, 6, 7],
  },
  {
    number: 3,
    name: "Transport",
    nameZh: "传输层",
    pdu: "Segment (TCP) / Datagram (UDP)",
    role: "Provides host-to-host communication between application processes, reliable and connection-oriented with TCP or best-effort with UDP.",
    roleZh: "为应用进程提供主机到主机的通信：TCP面向连接且可靠，UDP则尽力而为、不保证送达。",
    examples: ["tcp", "udp", "quic"],
    osiLayers: [4],
  },
  {
    number: 2,
    name: "Internet",
    nameZh: "互联网层",
    pdu: "Packet",
    role: "Addresses and routes datagrams hop by hop from source to destination across networks, with ICMP reporting errors.",
    roleZh: "为数据报编址并逐跳路由，使其跨越多个网络从源到达目的地，由ICMP报告传送中的错误。",
    examples: ["ip", "ipv6", "icmp", "icmpv6"],
    osiLayers: [3],
  },
  {
    number: 1,
    name: "Network Access",
    nameZh: "网络接口层",
    pdu: "Frame",
    role: "Puts packets onto the local medium as frames and takes them off again, covering both the OSI data link and physical layers.",
    roleZh: "把数据包封装成帧送上本地传输介质并从介质上接收，相当于OSI的数据链路层加物理层。",
    examples: ["ethernet", "wifi", "ppp", "arp", "mac"],
    osiLayers: [1, 2],
  },
]);

/** The TCP/IP layer that covers an OSI layer (7, 6, 5 → 4; 4 → 3; 3 → 2; 2, 1 → 1). */
export function osiToTcpIp(osiLayer: number): number {
  const layer = TCP_IP_LAYERS.find((l) => l.osiLayers.includes(osiLayer));
  if (layer === undefined) {
    throw new OsiError("OSI_INVALID_FIELD", `no OSI layer ${osiLayer} (layers are 1..7)`, {
      layer: "models",
    });
  }
  return layer.number;
}

/** The OSI layers a TCP/IP layer covers, ascending (4 → [5, 6, 7]; 3 → [4]; 2 → [3]; 1 → [1, 2]). */
export function tcpIpToOsi(tcpIpLayer: number): number[] {
  const layer = TCP_IP_LAYERS.find((l) => l.number === tcpIpLayer);
  if (layer === undefined) {
    throw new OsiError("OSI_INVALID_FIELD", `no TCP/IP layer ${tcpIpLayer} (layers are 1..4)`, {
      layer: "models",
    });
  }
  return [...layer.osiLayers];
}

type Entry = Omit<ProtocolPlacement, "protocol">;
const app = (name: string, note?: string): Entry => ({ name, osi: 7, tcpIp: 4, ...(note ? { note } : {}) });

const ENTRIES: Record<string, Entry> = {
  http: app("HTTP", "HTTP/1.x over TCP (port 80); its semantics (RFC 9110) are shared by HTTP/2 and HTTP/3."),
  https: app(
    "HTTPS",
    "Not a protocol of its own: HTTP carried inside a TLS connection (the https scheme, RFC 9110 §4.2.2, port 443). The encryption is TLS's work, see tls.",
  ),
  http2: app(
    "HTTP/2",
    "Binary frames and HPACK header compression multiplexed over one TCP connection (RFC 9113), usually inside TLS.",
  ),
  http3: app(
    "HTTP/3",
    "HTTP mapped onto QUIC streams (RFC 9114) instead of TCP; QUIC in turn runs over UDP.",
  ),
  websocket: app(
    "WebSocket",
    "Opens with an HTTP/1.1 Upgrade handshake (RFC 6455) or HTTP/2 extended CONNECT (RFC 8441); after that its frames travel over the TCP connection without HTTP.",
  ),
  dns: app(
    "DNS",
    "Mostly over UDP port 53, with TCP for large responses and zone transfers (RFC 1035, RFC 7766).",
  ),
  ftp: app("FTP", "A control connection (port 21) plus separate TCP data connections (RFC 959)."),
  smtp: app("SMTP", "Sends and relays e-mail over TCP (RFC 5321)."),
  pop3: app("POP3", "Retrieves e-mail from a mailbox over TCP (RFC 1939)."),
  ssh: app(
    "SSH",
    "RFC 4251 names its lowest part the 'transport layer protocol', but that is an encrypted channel over TCP: SSH is an application protocol in both models.",
  ),
  dhcp: app(
    "DHCP",
    "Hands out network-layer (IP) configuration, yet is an application protocol carried in UDP (ports 67/68, RFC 2131).",
  ),
  tls: {
    name: "TLS (formerly SSL)",
    osi: [5, 6],
    tcpIp: 4,
    note: "The notes put SSL/TLS in the presentation layer (encryption); its handshake also opens, resumes and closes secure sessions, so it is often placed across layers 5-6. The TCP/IP model has no such layers and counts it as part of the application layer, above TCP.",
  },
  socket: {
    name: "Socket API",
    osi: 5,
    tcpIp: 4,
    kind: "api",
    note: "Not a protocol: the programming interface (Berkeley/POSIX sockets) through which applications use TCP or UDP. The notes place it in the session layer; in the TCP/IP model the code calling it is application-layer code and the transport behind it lives in the operating system.",
  },
  quic: {
    name: "QUIC",
    osi: [4, 5, 6],
    tcpIp: [3, 4],
    note: "A transport protocol (RFC 9000: reliable ordered streams, flow and congestion control), so layer 4 / TCP/IP transport. It also multiplexes streams and migrates connections (session work) and embeds the TLS 1.3 handshake (presentation work). It runs inside UDP datagrams and is usually implemented in user space by the application, hence also the TCP/IP application layer.",
  },
  tcp: { name: "TCP", osi: 4, tcpIp: 3 },
  udp: { name: "UDP", osi: 4, tcpIp: 3 },
  ip: { name: "IPv4", osi: 3, tcpIp: 2, note: "The Internet Protocol version 4 (RFC 791)." },
  ipv6: { name: "IPv6", osi: 3, tcpIp: 2 },
  icmp: {
    name: "ICMP",
    osi: 3,
    tcpIp: 2,
    note: "A network-layer protocol whose messages nevertheless ride inside IP packets (protocol 1), like a transport payload; RFC 792 calls it an integral part of IP.",
  },
  icmpv6: {
    name: "ICMPv6",
    osi: 3,
    tcpIp: 2,
    note: "Carried in IPv6 packets (next header 58, RFC 4443); its Neighbor Discovery messages replace ARP.",
  },
  arp: {
    name: "ARP",
    osi: [2, 3],
    tcpIp: 1,
    modelsDisagree: true,
    note: "Maps network-layer (IP) addresses to link-layer (MAC) addresses and travels directly in link frames (EtherType 0x0806), so OSI accounts put it between layers 2 and 3; RFC 1122 §2.3.2 puts it in the TCP/IP link (network access) layer only.",
  },
  ethernet: {
    name: "Ethernet (IEEE 802.3)",
    osi: [1, 2],
    tcpIp: 1,
    note: "IEEE 802.3 specifies both the physical signalling (e.g. 1000BASE-T) and the MAC frame format.",
  },
  wifi: {
    name: "IEEE 802.11 (Wi-Fi)",
    osi: [1, 2],
    tcpIp: 1,
    note: "IEEE 802.11 specifies both the radio physical layers and the MAC frame format and access method.",
  },
  ppp: { name: "PPP", osi: 2, tcpIp: 1, note: "Frames packets over point-to-point links (RFC 1661)." },
  mac: {
    name: "MAC (Media Access Control)",
    osi: 2,
    tcpIp: 1,
    kind: "sublayer",
    note: "Not a protocol on its own: the lower sublayer of the IEEE 802 data link layer (below LLC), which also gives its name to 48-bit hardware addresses.",
  },
};

/** Every protocol placement, keyed by canonical lower-case key. */
export const PROTOCOLS: Readonly<Record<string, ProtocolPlacement>> = deepFreeze(
  Object.fromEntries(Object.entries(ENTRIES).map(([protocol, e]) => [protocol, { protocol, ...e }])),
);

/** Other spellings accepted by {@link layerOf} (lower case) → canonical key. */
export const PROTOCOL_ALIASES: Readonly<Record<string, string>> = deepFreeze({
  "http/1.1": "http",
  "http/1.0": "http",
  "http/1": "http",
  http1: "http",
  "http/2": "http2",
  h2: "http2",
  h2c: "http2",
  "http/3": "http3",
  h3: "http3",
  ws: "websocket",
  wss: "websocket",
  websockets: "websocket",
  ssl: "tls",
  "ssl/tls": "tls",
  "tls/ssl": "tls",
  sockets: "socket",
  "socket api": "socket",
  "berkeley sockets": "socket",
  ipv4: "ip",
  icmpv4: "icmp",
  icmp6: "icmpv6",
  "wi-fi": "wifi",
  "802.11": "wifi",
  "ieee 802.11": "wifi",
  wlan: "wifi",
  "802.3": "ethernet",
  "ieee 802.3": "ethernet",
  "media access control": "mac",
});

/**
 * Where a protocol sits in both models. Case-insensitive; accepts {@link PROTOCOL_ALIASES}. Throws
 * OSI_UNKNOWN_PROTOCOL for a name it does not know.
 */
export function layerOf(protocol: string): ProtocolPlacement {
  const key = String(protocol).trim().toLowerCase().replace(/\s+/g, " ");
  const canonical = Object.hasOwn(PROTOCOL_ALIASES, key) ? PROTOCOL_ALIASES[key]! : key;
  if (!Object.hasOwn(PROTOCOLS, canonical)) {
    throw new OsiError("OSI_UNKNOWN_PROTOCOL", `unknown protocol ${JSON.stringify(protocol)}`, {
      layer: "models",
    });
  }
  return PROTOCOLS[canonical]!;
}
