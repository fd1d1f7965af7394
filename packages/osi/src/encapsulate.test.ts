import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { internetChecksum } from "./checksum";
import { applicationData, decapsulate, encapsulate, type LayerSpec, linkOfLinkType } from "./encapsulate";
import { OsiError } from "./errors";
import { encodeIPv6, type IPv6ExtensionHeader } from "./ipv6";
import { EtherType, IpProtocol, LinkType } from "./registries";
import { encodeTcp } from "./tcp";
import { hex } from "./test-utils";
import { encodeUdp } from "./udp";

const text = (s: string) => new TextEncoder().encode(s);

const eth: LayerSpec = { layer: "ethernet", source: "02:00:00:00:00:01", destination: "02:00:00:00:00:02" };
const ip4: LayerSpec = { layer: "ipv4", source: "192.0.2.1", destination: "198.51.100.2", identification: 1 };
const ip6: LayerSpec = { layer: "ipv6", source: "2001:db8::1", destination: "2001:db8::2" };
const tcp: LayerSpec = {
  layer: "tcp",
  sourcePort: 1234,
  destinationPort: 80,
  sequenceNumber: 100,
  acknowledgmentNumber: 200,
  flags: { ack: true, psh: true },
};
const udp: LayerSpec = { layer: "udp", sourcePort: 5353, destinationPort: 5353 };

describe("encapsulate", () => {
  it("maps every layer of Ethernet/IPv4/TCP with offsets, lengths and model positions", () => {
    const payload = text("GET / HTTP/1.1\r\n\r\n");
    const map = encapsulate(payload, [eth, ip4, tcp]);
    expect(map.bytes.length).toBe(14 + 20 + 20 + payload.length);
    expect(map.layers.map((l) => [l.layer, l.offset, l.headerLength, l.length, l.osi, l.tcpIp])).toEqual([
      ["ethernet", 0, 14, 72, 2, 1],
      ["ipv4", 14, 20, 58, 3, 2],
      ["tcp", 34, 20, 38, 4, 3],
      ["application", 54, 0, 18, 7, 4],
    ]);
    // The link layer says what it carries; the network layer says what it carries.
    expect(map.layers[0]!.fields.etherType).toBe(EtherType.IPv4);
    expect(map.layers[1]!.fields.protocol).toBe(IpProtocol.TCP);
    expect(map.layers[1]!.fields.totalLength).toBe(58);
    expect(map.layers[1]!.checksumValid).toBe(true);
    expect(map.layers[2]!.checksumValid).toBe(true);
    expect(applicationData(map)).toEqual(payload);
    // The IPv4 header checksum verifies by summing to zero (RFC 1071 §1).
    expect(internetChecksum(map.bytes.subarray(14, 34))).toBe(0);
  });

  it("fills IPv6 next header and UDP length/checksum", () => {
    const map = encapsulate(text("hi"), [eth, ip6, udp]);
    expect(map.layers.map((l) => l.layer)).toEqual(["ethernet", "ipv6", "udp", "application"]);
    expect(map.layers[0]!.fields.etherType).toBe(EtherType.IPv6);
    expect(map.layers[1]!.fields.nextHeader).toBe(IpProtocol.UDP);
    expect(map.layers[2]!.fields.length).toBe(10);
    expect(map.layers[2]!.checksumValid).toBe(true);
  });

  it("builds raw IP packets when there is no link layer", () => {
    const map = encapsulate(text("x"), [ip4, udp]);
    expect(map.layers[0]!.layer).toBe("ipv4");
    expect(decapsulate(map.bytes, { link: "ip" }).layers).toEqual(map.layers);
    expect(decapsulate(encapsulate(text("x"), [ip6, tcp]).bytes, { link: "ip" }).layers[0]!.layer).toBe(
      "ipv6",
    );
  });

  it("refuses layers in an impossible order", () => {
    expect(() => encapsulate(text("x"), [eth, tcp])).toThrow(OsiError);
    expect(() => encapsulate(text("x"), [ip4, eth])).toThrow(OsiError);
    expect(() => encapsulate(text("x"), [tcp, ip4])).toThrow(OsiError);
    try {
      encapsulate(text("x"), [udp]);
      expect.unreachable();
    } catch (e) {
      expect((e as OsiError).code).toBe("OSI_INVALID_FIELD");
    }
  });

  it("returns the bare message when there are no layers", () => {
    const map = encapsulate(text("abc"), []);
    expect(map.layers).toEqual([expect.objectContaining({ layer: "application", offset: 0, length: 3 })]);
  });

  it("round-trips arbitrary payloads and ports through decapsulate", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1400 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 65535 }),
        (payload, v6, useUdp, port) => {
          const transport: LayerSpec = useUdp ? { ...udp, sourcePort: port } : { ...tcp, sourcePort: port };
          const map = encapsulate(payload, [eth, v6 ? ip6 : ip4, transport]);
          const again = decapsulate(map.bytes);
          expect(again.layers).toEqual(map.layers);
          expect(applicationData(again)).toEqual(payload);
          expect(again.layers[2]!.fields.sourcePort).toBe(port);
          for (const l of again.layers) expect(l.checksumValid ?? true).toBe(true);
        },
      ),
    );
  });
});

describe("decapsulate", () => {
  it("decodes a hand-assembled Ethernet/IPv4/UDP frame (RFC 768, RFC 791 layouts)", () => {
    // 02:..:02 <- 02:..:01, IPv4 10.0.0.1 -> 10.0.0.2 UDP 1000 -> 2000 "hi"
    const frame = hex(`
      020000000002 020000000001 0800
      4500 001e 0000 0000 4011 66cd 0a000001 0a000002
      03e8 07d0 000a 0000 6869`);
    const map = decapsulate(frame);
    expect(map.layers.map((l) => l.layer)).toEqual(["ethernet", "ipv4", "udp", "application"]);
    expect(map.layers[1]!.checksumValid).toBe(true);
    expect(map.layers[2]!.checksumValid).toBeUndefined(); // UDP checksum 0 over IPv4: none computed
    expect(applicationData(map)).toEqual(text("hi"));
  });

  it("reports a wrong checksum instead of hiding it, and throws under strict", () => {
    const map = encapsulate(text("payload"), [eth, ip4, tcp]);
    const bad = map.bytes.slice();
    bad[bad.length - 1]! ^= 0xff; // corrupt the payload: TCP checksum no longer matches
    const report = decapsulate(bad);
    expect(report.layers[1]!.checksumValid).toBe(true);
    expect(report.layers[2]!.checksumValid).toBe(false);
    expect(() => decapsulate(bad, { strict: true })).toThrow(
      expect.objectContaining({ code: "OSI_BAD_CHECKSUM" }),
    );
  });

  it("ignores Ethernet padding after the IP packet", () => {
    const map = encapsulate(text("a"), [eth, ip4, udp]);
    const padded = new Uint8Array(60);
    padded.set(map.bytes);
    const again = decapsulate(padded);
    expect(applicationData(again)).toEqual(text("a"));
    expect(again.layers[2]!.checksumValid).toBe(true);
  });

  it("stops with a note at an EtherType or protocol it does not decode", () => {
    const arp = encapsulate(new Uint8Array(28), [{ ...eth, etherType: EtherType.ARP } as LayerSpec]);
    expect(arp.layers[1]).toMatchObject({ layer: "application", offset: 14, length: 28 });
    expect(arp.layers[1]!.note).toMatch(/ARP/);
    const icmp = encapsulate(new Uint8Array(8), [eth, { ...ip4, protocol: IpProtocol.ICMP } as LayerSpec]);
    expect(icmp.layers.map((l) => l.layer)).toEqual(["ethernet", "ipv4", "application"]);
    expect(icmp.layers[2]!.note).toMatch(/ICMP/);
  });

  it("does not read a transport header out of a non-first IPv4 fragment", () => {
    const frag = encapsulate(new Uint8Array(16), [
      eth,
      { ...ip4, protocol: IpProtocol.UDP, fragmentOffset: 100 } as LayerSpec,
    ]);
    expect(frag.layers.map((l) => l.layer)).toEqual(["ethernet", "ipv4", "application"]);
    expect(frag.layers[2]!.note).toMatch(/fragment/);
  });

  it("maps pcap link types to decoders", () => {
    expect(linkOfLinkType(LinkType.ETHERNET)).toBe("ethernet");
    expect(linkOfLinkType(LinkType.RAW)).toBe("ip");
    expect(() => linkOfLinkType(147)).toThrow(expect.objectContaining({ code: "OSI_UNSUPPORTED" }));
  });

  it("turns arbitrary bytes into a map or an OsiError, never another exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, raw) => {
        try {
          const map = decapsulate(bytes, { link: raw ? "ip" : "ethernet" });
          const last = map.layers[map.layers.length - 1]!;
          expect(last.offset + last.length).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          if (!(e instanceof OsiError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("turns mutated real frames into a map or an OsiError", () => {
    const base = encapsulate(text("GET / HTTP/1.1\r\n\r\n"), [eth, ip4, tcp]).bytes;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(base.length),
        (i, v, cut) => {
          const bytes = base.slice(0, Math.max(cut, 1));
          if (i < bytes.length) bytes[i] = v;
          try {
            decapsulate(bytes);
          } catch (e) {
            if (!(e instanceof OsiError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("IPv6 Routing header and the upper-layer pseudo-header (RFC 8200 §8.1)", () => {
  // RFC 8200 §8.1: "If the IPv6 packet contains a Routing header, the Destination Address used in the
  // pseudo-header is that of the final destination. At the originating node, that address will be in the
  // last element of the Routing header; at the recipient(s), that address will be in the Destination
  // Address field of the IPv6 header."
  const source = "2001:db8::1";
  const destination = "2001:db8::2"; // the next hop, while Segments Left > 0
  const routing = (data: string): IPv6ExtensionHeader => ({ type: IpProtocol.IPv6_ROUTE, data: hex(data) });
  const cases: [string, IPv6ExtensionHeader, string][] = [
    [
      "Type 0, two addresses: the last one (RFC 5095 layout)",
      routing("00 02 00000000 20010db8000000000000000000000005 20010db8000000000000000000000099"),
      "2001:db8::99",
    ],
    [
      "Type 2: the Home Address (RFC 6275 §6.4)",
      routing("02 01 00000000 20010db8000000000000000000000099"),
      "2001:db8::99",
    ],
    [
      "Type 3 RPL, CmprI 15, CmprE 14, Pad 5: the last address after the destination's 14 octets (RFC 6554 §3)",
      routing("03 02 fe 50 0000 05 0099 0000000000"),
      "2001:db8::99",
    ],
    [
      "Type 4 SRH: Segment List[0] (RFC 8754 §2)",
      routing("04 01 01 00 0000 20010db8000000000000000000000099 20010db8000000000000000000000002"),
      "2001:db8::99",
    ],
    [
      "Segments Left 0: the packet is at its final destination",
      routing("00 00 00000000 20010db8000000000000000000000005"),
      destination,
    ],
  ];

  it.each(cases)("UDP: %s", (_name, header, final) => {
    const data = text("routed");
    const datagram = encodeUdp({ sourcePort: 1000, destinationPort: 2000 }, data, {
      pseudo: { source, destination: final },
    });
    const expected = encodeIPv6(
      { source, destination, nextHeader: IpProtocol.UDP, extensionHeaders: [header] },
      datagram,
    );
    expect(decapsulate(expected, { link: "ip" }).layers[1]!.checksumValid).toBe(true);
    const built = encapsulate(data, [
      { layer: "ipv6", source, destination, extensionHeaders: [header] },
      { layer: "udp", sourcePort: 1000, destinationPort: 2000 },
    ]);
    expect(built.bytes).toEqual(expected);
    expect(built.layers[1]!.checksumValid).toBe(true);
  });

  it.each(cases)("TCP: %s", (_name, header, final) => {
    const tcpHeader = { sourcePort: 1000, destinationPort: 80, sequenceNumber: 1, flags: { syn: true } };
    const segment = encodeTcp(tcpHeader, new Uint8Array(0), { pseudo: { source, destination: final } });
    const expected = encodeIPv6(
      { source, destination, nextHeader: IpProtocol.TCP, extensionHeaders: [header] },
      segment,
    );
    expect(decapsulate(expected, { link: "ip" }).layers[1]!.checksumValid).toBe(true);
    const built = encapsulate(new Uint8Array(0), [
      { layer: "ipv6", source, destination, extensionHeaders: [header] },
      { layer: "tcp", ...tcpHeader },
    ]);
    expect(built.bytes).toEqual(expected);
  });
});
