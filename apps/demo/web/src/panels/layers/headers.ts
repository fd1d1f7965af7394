/**
 * The header fields of one decapsulated layer as table rows: what `@proto/osi` `decapsulate` read from
 * the bytes (the IP version nibble is read straight from the first byte, as a receiver does).
 */
import {
  etherTypeName,
  ipProtocolName,
  type LayerMap,
  type LayerMapEntry,
  type TcpFlags,
  type TcpOption,
  tcpFlagsToString,
} from "@proto/osi";
import type { Row } from "./apps";

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, "0")}`;

function tcpOption(o: TcpOption): string {
  switch (o.kind) {
    case "eol":
      return "EOL";
    case "nop":
      return "NOP";
    case "mss":
      return `MSS ${o.value}`;
    case "window-scale":
      return `WS ×${2 ** o.shift}`;
    case "sack-permitted":
      return "SACK_PERM";
    case "sack":
      return `SACK ${o.blocks.map((b) => `${b.left}-${b.right}`).join(" ")}`;
    case "timestamps":
      return `TSval ${o.value} TSecr ${o.echoReply}`;
    case "unknown":
      return `kind ${o.type}`;
    default:
      return "?";
  }
}

/** Rows for a link, network or transport layer entry of `map`. */
export function headerRows(map: LayerMap, entry: LayerMapEntry): Row[] {
  const f = entry.fields as Record<string, unknown>;
  const num = (key: string) => Number(f[key]);
  const str = (key: string) => String(f[key]);
  const checksum = (key: string): Row => {
    const row: Row = { key: "checksum", value: hex(num(key), 4) };
    if (entry.checksumValid !== undefined) row.ok = entry.checksumValid;
    return row;
  };
  switch (entry.layer) {
    case "ethernet":
      return [
        { key: "ethDst", value: str("destination") },
        { key: "ethSrc", value: str("source") },
        { key: "ethType", value: `${hex(num("etherType"), 4)} (${etherTypeName(num("etherType"))})` },
      ];
    case "ipv4": {
      const flags = [f.dontFragment ? "DF" : "", f.moreFragments ? "MF" : ""].filter(Boolean).join(" ");
      const row = checksum("checksum");
      row.key = "ipChecksum";
      return [
        { key: "ipVersion", value: String(map.bytes[entry.offset]! >> 4) },
        { key: "ipIhl", value: `${map.bytes[entry.offset]! & 0x0f} × 4`, bytes: entry.headerLength },
        { key: "ipDscp", value: `${num("dscp")} / ${num("ecn")}` },
        { key: "ipTotal", value: String(num("totalLength")) },
        { key: "ipId", value: hex(num("identification"), 4) },
        { key: "ipFlags", value: flags || "0" },
        { key: "ipFrag", value: String(num("fragmentOffset")) },
        { key: "ipTtl", value: String(num("ttl")) },
        { key: "ipProto", value: `${num("protocol")} (${ipProtocolName(num("protocol"))})` },
        row,
        { key: "ipSrc", value: str("source") },
        { key: "ipDst", value: str("destination") },
      ];
    }
    case "ipv6":
      return [
        { key: "ipVersion", value: String(map.bytes[entry.offset]! >> 4) },
        { key: "ip6Class", value: hex(num("trafficClass"), 2) },
        { key: "ip6Flow", value: hex(num("flowLabel"), 5) },
        { key: "ip6Payload", value: String(num("payloadLength")) },
        { key: "ip6Next", value: `${num("nextHeader")} (${ipProtocolName(num("nextHeader"))})` },
        { key: "ip6Hop", value: String(num("hopLimit")) },
        { key: "ipSrc", value: str("source") },
        { key: "ipDst", value: str("destination") },
      ];
    case "tcp": {
      const options = (f.options as TcpOption[]).map(tcpOption).join(", ");
      return [
        { key: "srcPort", value: str("sourcePort") },
        { key: "dstPort", value: str("destinationPort") },
        { key: "tcpSeq", value: str("sequenceNumber") },
        { key: "tcpAck", value: str("acknowledgmentNumber") },
        { key: "tcpOffset", value: `${map.bytes[entry.offset + 12]! >> 4} × 4`, bytes: entry.headerLength },
        { key: "tcpFlags", value: tcpFlagsToString(f.flags as TcpFlags) },
        { key: "tcpWindow", value: str("window") },
        checksum("checksum"),
        { key: "tcpUrgent", value: str("urgentPointer") },
        { key: "tcpOptions", value: options || "—" },
      ];
    }
    case "udp":
      return [
        { key: "srcPort", value: str("sourcePort") },
        { key: "dstPort", value: str("destinationPort") },
        { key: "udpLength", value: str("length") },
        checksum("checksum"),
      ];
    default:
      return [];
  }
}
