/** Every string the Layers panel shows, in English and Chinese. */
import { strings } from "../../i18n";

type Table = Record<string, readonly [en: string, zh: string]>;

const UI = {
  title: ["Layers", "分层模型"],
  intro: [
    "Two models of the same network. Type a message, pick a protocol stack, and step through how each layer wraps what the layer above handed it: real bytes from the @proto packages, decoded back from the wire.",
    "同一张网络的两种模型。输入一条消息、选一个协议栈，然后一步步看每一层如何把上层交下来的数据再包上一层：这些都是 @proto 各个包生成的真实字节，并从线路上的字节重新解码。",
  ],
  modelsTitle: ["OSI and TCP/IP, side by side", "OSI 与 TCP/IP 模型对照"],
  modelsHelp: [
    "Each TCP/IP layer spans the OSI layers on its rows. Rows marked ● hold a protocol of the chosen stack.",
    "TCP/IP 的每一层横跨同一行里的 OSI 层。标有 ● 的行含有所选协议栈中的协议。",
  ],
  osi: ["OSI model", "OSI 模型"],
  tcpip: ["TCP/IP model", "TCP/IP 模型"],
  colNumber: ["#", "层号"],
  colLayer: ["Layer", "层"],
  colPdu: ["PDU", "数据单元"],
  colExamples: ["Examples", "协议举例"],
  colCovers: ["Covers OSI", "对应 OSI 层"],
  inStack: ["in the chosen stack", "属于所选协议栈"],
  buildTitle: ["Encapsulation, one header at a time", "封装：每次加一层首部"],
  message: ["Message", "消息"],
  messageDefault: ["Hello, layers! 你好", "Hello, layers! 你好"],
  stack: ["Stack", "协议栈"],
  stackWs: ["WebSocket over TCP / IPv4 / Ethernet", "WebSocket，经 TCP / IPv4 / 以太网"],
  stackH2: ["HTTP/2 over TCP / IPv6 / Ethernet", "HTTP/2，经 TCP / IPv6 / 以太网"],
  stackH3: ["HTTP/3 over QUIC / UDP / Ethernet", "HTTP/3，经 QUIC / UDP / 以太网"],
  network: ["Network layer", "网络层"],
  ipv4: ["IPv4", "IPv4"],
  ipv6: ["IPv6", "IPv6"],
  previous: ["Previous", "上一步"],
  next: ["Next", "下一步"],
  all: ["All", "全部"],
  stepOf: ["Step {n} of {total}: {what}", "第 {n} 步，共 {total} 步：{what}"],
  stepApp: ["the application message ({bytes} bytes)", "应用层消息（{bytes} 字节）"],
  stepAdd: [
    "+ {name} header ({header} bytes) → {pdu} of {bytes} bytes",
    "+ {name} 首部（{header} 字节）→ {bytes} 字节的{pdu}",
  ],
  diagram: ["Encapsulation diagram", "封装示意图"],
  hexTitle: ["The bytes, coloured by layer ({bytes} bytes)", "按层着色的字节（共 {bytes} 字节）"],
  hexLabel: ["Hex dump of the current PDU", "当前数据单元的十六进制转储"],
  legendApp: ["application", "应用层"],
  legendTransport: ["transport", "传输层"],
  legendNetwork: ["network", "网络层"],
  legendLink: ["link", "链路层"],
  legendHeaderPart: ["darker: a header inside the application data", "颜色较深：应用数据内部的首部"],
  noTrailer: [
    "No trailer: the Ethernet FCS (4 bytes) is added and checked by the network card and never reaches a capture.",
    "没有尾部：以太网的帧校验序列（FCS，4 字节）由网卡添加和校验，不会出现在抓包里。",
  ],
  fieldsTitle: ["Header fields, decoded from the bytes", "从字节中解码出的首部字段"],
  field: ["Field", "字段"],
  value: ["Value", "值"],
  valid: ["valid", "正确"],
  invalid: ["INVALID", "错误"],
  insideTitle: [
    "Inside the encryption: the packet's payload after AEAD decryption",
    "加密层之内：AEAD 解密后的 QUIC 包载荷",
  ],
  insideHelp: [
    "On the wire these bytes are ciphertext. Decrypting them with the packet's keys gives a STREAM frame carrying the HTTP/3 DATA frame with your message.",
    "在线路上这些字节是密文。用该包的密钥解密后，可以看到一个 STREAM 帧，里面是装着你的消息的 HTTP/3 DATA 帧。",
  ],
  h3Note: [
    "Simplified: a real request opens stream 0 with a HEADERS frame (QPACK) before the DATA frame, and the 1-RTT keys come from a TLS 1.3 handshake; here they are derived from fixed demo secrets.",
    "这里做了简化：真实请求会先在 0 号流上发送 HEADERS 帧（QPACK 编码），再发 DATA 帧；1-RTT 密钥本应来自 TLS 1.3 握手，这里由固定的演示密钥推导。",
  ],
  h2Note: [
    "Cleartext HTTP/2 (h2c, prior knowledge) on port 80, so the frames stay readable; browsers speak HTTP/2 only inside TLS.",
    "这里用明文 HTTP/2（h2c，预先知道对方支持）走 80 端口，帧才看得见；浏览器只在 TLS 之内使用 HTTP/2。",
  ],
  wsNote: [
    "The frame follows the HTTP/1.1 Upgrade handshake on the same TCP connection (see the capture).",
    "这个帧跟在同一条 TCP 连接上的 HTTP/1.1 Upgrade 握手之后（见抓包）。",
  ],
  captureTitle: ["The whole exchange as a capture", "整个交换过程的抓包"],
  captureHelp: [
    "{count} packets. Open the file in Wireshark or tshark.",
    "共 {count} 个包，可以用 Wireshark 或 tshark 打开。",
  ],
  download: ["Download .pcap", "下载 .pcap 文件"],
  colFrom: ["Direction", "方向"],
  colTcp: ["TCP", "TCP"],
  colLength: ["Payload", "载荷"],
  colWhat: ["Carries", "内容"],
  client: ["client", "客户端"],
  server: ["server", "服务器"],
  shownPacket: ["(dissected above)", "（即上方解析的包）"],
  bytes: ["{n} bytes", "{n} 字节"],
  building: ["Building…", "正在生成…"],
  failed: ["Could not build the exchange: {error}", "无法生成交换过程：{error}"],
} as const satisfies Table;

/** Labels of the runs of bytes inside the application payload. */
const PARTS = {
  wsHeader: [
    "WebSocket frame header (FIN, opcode, MASK, length)",
    "WebSocket 帧首部（FIN、操作码、MASK、长度）",
  ],
  wsMaskKey: ["masking key", "掩码密钥"],
  wsPayload: ["masked payload", "掩码后的载荷"],
  h2FrameHeader: ["HTTP/2 {type} frame header (9 bytes)", "HTTP/2 {type} 帧首部（9 字节）"],
  h2Hpack: ["HPACK header block", "HPACK 首部块"],
  h2Data: ["DATA payload", "DATA 载荷"],
  quicFirstByte: ["QUIC first byte (partly header-protected)", "QUIC 首字节（部分位受首部保护）"],
  quicDcid: ["Destination Connection ID", "目的连接 ID"],
  quicPn: ["packet number (header-protected)", "包号（受首部保护）"],
  quicCiphertext: ["encrypted frames", "加密后的帧"],
  quicTag: ["AEAD tag (16 bytes)", "AEAD 认证标签（16 字节）"],
  quicStreamHeader: ["STREAM frame header (type, stream ID, length)", "STREAM 帧首部（类型、流 ID、长度）"],
  h3FrameHeader: ["HTTP/3 DATA frame header (type, length)", "HTTP/3 DATA 帧首部（类型、长度）"],
  h3Data: ["your message", "你的消息"],
} as const satisfies Table;

/** Labels of decoded fields. */
const FIELDS = {
  layerApp: ["Application data", "应用数据"],
  wsFin: ["FIN (last fragment)", "FIN（最后一个分片）"],
  wsRsv: ["RSV1-3", "RSV1-3"],
  wsOpcode: ["Opcode", "操作码"],
  wsMask: ["MASK bit", "MASK 位"],
  wsLength: ["Payload length", "载荷长度"],
  wsMaskingKey: ["Masking key", "掩码密钥"],
  wsUnmasked: ["Payload, unmasked", "去掩码后的载荷"],
  h2Frame: ["Frame type", "帧类型"],
  h2Flags: ["Flags", "标志位"],
  h2Stream: ["Stream ID", "流 ID"],
  h2Field: ["Header field (HPACK-decoded)", "首部字段（HPACK 解码）"],
  h2HpackSize: ["HPACK block size (bytes)", "HPACK 首部块大小（字节）"],
  h2DataText: ["Data", "数据"],
  quicForm: ["Header form (0 = short)", "首部格式（0 = 短首部）"],
  quicFixed: ["Fixed bit", "固定位"],
  quicFirstProtected: ["First byte, protected → unprotected", "首字节：受保护 → 去除保护后"],
  quicKeyPhase: ["Key phase", "密钥阶段"],
  quicDcidField: ["Destination Connection ID", "目的连接 ID"],
  quicPnField: ["Packet number, protected → decoded", "包号：受保护 → 解码后"],
  quicCipherLength: ["Encrypted frames (bytes)", "加密帧长度（字节）"],
  quicTagField: ["AEAD tag", "AEAD 认证标签"],
  quicStreamType: ["STREAM frame type", "STREAM 帧类型"],
  quicStreamId: ["Stream ID", "流 ID"],
  quicStreamLength: ["Stream data length", "流数据长度"],
  h3Type: ["HTTP/3 frame type", "HTTP/3 帧类型"],
  h3Length: ["HTTP/3 frame length", "HTTP/3 帧长度"],
  h3Text: ["Data", "数据"],
  ethDst: ["Destination MAC", "目的 MAC 地址"],
  ethSrc: ["Source MAC", "源 MAC 地址"],
  ethType: ["EtherType", "以太网类型（EtherType）"],
  ipVersion: ["Version", "版本"],
  ipIhl: ["Header length", "首部长度"],
  ipDscp: ["DSCP / ECN", "DSCP / ECN"],
  ipTotal: ["Total length", "总长度"],
  ipId: ["Identification", "标识"],
  ipFlags: ["Flags", "标志位"],
  ipFrag: ["Fragment offset", "片偏移"],
  ipTtl: ["TTL (time to live)", "TTL（生存时间）"],
  ipProto: ["Protocol", "协议"],
  ipChecksum: ["Header checksum", "首部校验和"],
  ipSrc: ["Source address", "源地址"],
  ipDst: ["Destination address", "目的地址"],
  ip6Class: ["Traffic class", "流量类别"],
  ip6Flow: ["Flow label", "流标签"],
  ip6Payload: ["Payload length", "载荷长度"],
  ip6Next: ["Next header", "下一个首部"],
  ip6Hop: ["Hop limit", "跳数限制"],
  srcPort: ["Source port", "源端口"],
  dstPort: ["Destination port", "目的端口"],
  tcpSeq: ["Sequence number", "序号"],
  tcpAck: ["Acknowledgment number", "确认号"],
  tcpOffset: ["Header length (data offset)", "首部长度（数据偏移）"],
  tcpFlags: ["Flags", "标志位"],
  tcpWindow: ["Window", "窗口"],
  checksum: ["Checksum (over the pseudo-header)", "校验和（含伪首部）"],
  tcpUrgent: ["Urgent pointer", "紧急指针"],
  tcpOptions: ["Options", "选项"],
  udpLength: ["Length", "长度"],
} as const satisfies Table;

/** What each message of the exchange is. */
const MESSAGES = {
  msgWsUpgrade: ["HTTP/1.1 GET with Upgrade: websocket", "带 Upgrade: websocket 的 HTTP/1.1 GET 请求"],
  msgWs101: ["101 Switching Protocols", "101 Switching Protocols（切换协议）"],
  msgWsText: ["masked text frame (your message)", "掩码后的文本帧（你的消息）"],
  msgWsEcho: ["text frame echoing it, unmasked", "原样回显的文本帧（服务器不加掩码）"],
  msgWsClose: ["Close frame 1000", "关闭帧 1000"],
  msgWsCloseReply: ["Close frame reply", "回应的关闭帧"],
  msgH2Preface: ["connection preface + SETTINGS", "连接前言 + SETTINGS"],
  msgH2Settings: ["SETTINGS + SETTINGS ACK", "SETTINGS + SETTINGS 确认"],
  msgH2SettingsAck: ["SETTINGS ACK", "SETTINGS 确认"],
  msgH2Request: ["HEADERS + DATA (your message)", "HEADERS + DATA（你的消息）"],
  msgH2Response: ["HEADERS :status 200 + DATA", "HEADERS :status 200 + DATA"],
  msgH2Goaway: ["GOAWAY (NO_ERROR)", "GOAWAY（NO_ERROR）"],
  msgH3Request: ["QUIC 1-RTT packet: STREAM 0, HTTP/3 DATA", "QUIC 1-RTT 包：0 号流，HTTP/3 DATA"],
  msgH3Response: ["QUIC 1-RTT packet: ACK + STREAM 0 reply", "QUIC 1-RTT 包：ACK + 0 号流上的回复"],
} as const satisfies Table;

/** PDU names: @proto/osi's English names, translated. */
const PDUS = {
  Data: ["Data", "数据"],
  "Data (message)": ["Data (message)", "数据（报文）"],
  Segment: ["Segment", "段"],
  "Segment (TCP) / Datagram (UDP)": ["Segment (TCP) / Datagram (UDP)", "段（TCP）/ 数据报（UDP）"],
  Packet: ["Packet", "分组（包）"],
  Frame: ["Frame", "帧"],
  Bit: ["Bit", "比特"],
  message: ["message", "报文"],
  segment: ["segment", "段"],
  datagram: ["datagram", "数据报"],
  packet: ["packet", "分组"],
  frame: ["frame", "帧"],
} as const satisfies Table;

export type UiKey = keyof typeof UI;
export type PartKey = keyof typeof PARTS;
export type FieldKey = keyof typeof FIELDS;
export type MsgKey = keyof typeof MESSAGES;

export const t = strings<UiKey>(UI);
export const tPart = strings<PartKey>(PARTS);
export const tField = strings<FieldKey>(FIELDS);
export const tMsg = strings<MsgKey>(MESSAGES);
const tPduTable = strings<keyof typeof PDUS>(PDUS);

/** A PDU name in the current language (the English name when there is no translation). */
export function tPdu(name: string): string {
  return Object.hasOwn(PDUS, name) ? tPduTable(name as keyof typeof PDUS) : name;
}
