import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OsiError } from "./errors";
import {
  layerOf,
  OSI_LAYERS,
  osiToTcpIp,
  PROTOCOL_ALIASES,
  PROTOCOLS,
  type ProtocolPlacement,
  TCP_IP_LAYERS,
  tcpIpToOsi,
} from "./models";

const asList = (layers: number | number[]): number[] => (Array.isArray(layers) ? layers : [layers]);
const mappedTcpIp = (p: ProtocolPlacement): number[] =>
  [...new Set(asList(p.osi).map(osiToTcpIp))].sort((a, b) => a - b);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof OsiError ? err.code : `not an OsiError: ${String(err)}`;
  }
  return undefined;
}

describe("OSI_LAYERS", () => {
  it("has seven layers numbered 7 down to 1, as the notes' table", () => {
    expect(OSI_LAYERS.map((l) => l.number)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(OSI_LAYERS.map((l) => l.name)).toEqual([
      "Application",
      "Presentation",
      "Session",
      "Transport",
      "Network",
      "Data Link",
      "Physical",
    ]);
  });

  it("uses the notes' Chinese names exactly", () => {
    expect(OSI_LAYERS.map((l) => l.nameZh)).toEqual([
      "应用层",
      "表示层",
      "会话层",
      "传输层",
      "网络层",
      "数据链路层",
      "物理层",
    ]);
  });

  it("names the PDUs", () => {
    expect(Object.fromEntries(OSI_LAYERS.map((l) => [l.number, l.pdu]))).toEqual({
      7: "Data",
      6: "Data",
      5: "Data",
      4: "Segment (TCP) / Datagram (UDP)",
      3: "Packet",
      2: "Frame",
      1: "Bit",
    });
  });

  it("gives every layer a one-sentence role in English and Chinese", () => {
    for (const l of [...OSI_LAYERS, ...TCP_IP_LAYERS]) {
      expect(l.role).toMatch(/^[A-Z][^.]*\.$/);
      expect(l.roleZh).toMatch(/^[^。]+。$/);
    }
  });

  it("is frozen", () => {
    expect(Object.isFrozen(OSI_LAYERS)).toBe(true);
    expect(Object.isFrozen(OSI_LAYERS[0]?.examples)).toBe(true);
    expect(Object.isFrozen(PROTOCOLS.tcp)).toBe(true);
  });
});

describe("TCP_IP_LAYERS", () => {
  it("has four layers numbered 4 down to 1 with the notes' Chinese names", () => {
    expect(TCP_IP_LAYERS.map((l) => [l.number, l.name, l.nameZh])).toEqual([
      [4, "Application", "应用层"],
      [3, "Transport", "传输层"],
      [2, "Internet", "互联网层"],
      [1, "Network Access", "网络接口层"],
    ]);
  });

  it("covers every OSI layer exactly once", () => {
    expect(TCP_IP_LAYERS.map((l) => l.osiLayers)).toEqual([[5, 6, 7], [4], [3], [1, 2]]);
    expect(TCP_IP_LAYERS.flatMap((l) => l.osiLayers).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("osiToTcpIp / tcpIpToOsi", () => {
  it.each([
    [7, 4],
    [6, 4],
    [5, 4],
    [4, 3],
    [3, 2],
    [2, 1],
    [1, 1],
  ])("OSI %i → TCP/IP %i", (osi, tcpIp) => {
    expect(osiToTcpIp(osi)).toBe(tcpIp);
    expect(tcpIpToOsi(tcpIp)).toContain(osi);
  });

  it("are inverse: each OSI layer is in the list of the TCP/IP layer it maps to", () => {
    for (let tcpIp = 1; tcpIp <= 4; tcpIp++) {
      for (const osi of tcpIpToOsi(tcpIp)) expect(osiToTcpIp(osi)).toBe(tcpIp);
    }
  });

  it("returns a copy the caller may change", () => {
    tcpIpToOsi(4).push(99);
    expect(tcpIpToOsi(4)).toEqual([5, 6, 7]);
  });

  it.each([0, 8, -1, 2.5, Number.NaN])("rejects OSI layer %s with OSI_INVALID_FIELD", (n) => {
    expect(codeOf(() => osiToTcpIp(n))).toBe("OSI_INVALID_FIELD");
  });

  it.each([0, 5, 1.5])("rejects TCP/IP layer %s with OSI_INVALID_FIELD", (n) => {
    expect(codeOf(() => tcpIpToOsi(n))).toBe("OSI_INVALID_FIELD");
  });
});

describe("PROTOCOLS", () => {
  const required = [
    ...["http", "https", "http2", "http3", "websocket", "dns", "ftp", "pop3", "smtp", "ssh", "dhcp"],
    ...["tls", "socket", "quic", "tcp", "udp", "ip", "ipv6", "icmp", "ethernet", "wifi", "arp", "ppp", "mac"],
  ];

  it.each(required)("covers %s", (key) => {
    expect(PROTOCOLS[key]?.protocol).toBe(key);
  });

  it("uses valid, ascending layer numbers", () => {
    for (const p of Object.values(PROTOCOLS)) {
      const osi = asList(p.osi);
      const tcpIp = asList(p.tcpIp);
      for (const n of osi) expect(n >= 1 && n <= 7 && Number.isInteger(n)).toBe(true);
      for (const n of tcpIp) expect(n >= 1 && n <= 4 && Number.isInteger(n)).toBe(true);
      expect([...osi].sort()).toEqual(osi);
      expect(new Set(osi).size).toBe(osi.length);
      if (Array.isArray(p.osi)) expect(p.osi.length).toBeGreaterThan(1);
      if (Array.isArray(p.tcpIp)) expect(p.tcpIp.length).toBeGreaterThan(1);
    }
  });

  it("has a note on every multi-layer entry, every disagreement and every non-protocol", () => {
    for (const p of Object.values(PROTOCOLS)) {
      if (Array.isArray(p.osi) || Array.isArray(p.tcpIp) || p.modelsDisagree || p.kind) {
        expect(p.note, p.protocol).toMatch(/\w{3,}/);
      }
    }
  });

  it("maps OSI placements onto TCP/IP placements, except where modelsDisagree says otherwise", () => {
    for (const p of Object.values(PROTOCOLS)) {
      const expected = mappedTcpIp(p);
      if (p.modelsDisagree) expect(asList(p.tcpIp), p.protocol).not.toEqual(expected);
      else expect(asList(p.tcpIp), p.protocol).toEqual(expected);
    }
  });

  it("records the cases the brief calls out", () => {
    expect(PROTOCOLS.tls).toMatchObject({ osi: [5, 6], tcpIp: 4 });
    expect(PROTOCOLS.quic).toMatchObject({ osi: [4, 5, 6], tcpIp: [3, 4] });
    expect(PROTOCOLS.arp).toMatchObject({ osi: [2, 3], tcpIp: 1, modelsDisagree: true });
    expect(PROTOCOLS.icmp).toMatchObject({ osi: 3, tcpIp: 2 });
    expect(PROTOCOLS.ethernet).toMatchObject({ osi: [1, 2], tcpIp: 1 });
    expect(PROTOCOLS.wifi).toMatchObject({ osi: [1, 2], tcpIp: 1, name: "IEEE 802.11 (Wi-Fi)" });
    expect(PROTOCOLS.socket).toMatchObject({ osi: 5, tcpIp: 4, kind: "api" });
    expect(PROTOCOLS.socket?.note).toMatch(/not a protocol/i);
    expect(PROTOCOLS.http3?.note).toMatch(/QUIC/);
    expect(PROTOCOLS.http3?.osi).toBe(7);
  });

  it("lists each protocol among the examples of exactly the layers it occupies", () => {
    for (const p of Object.values(PROTOCOLS)) {
      const osiWith = OSI_LAYERS.filter((l) => l.examples.includes(p.protocol)).map((l) => l.number);
      const tcpIpWith = TCP_IP_LAYERS.filter((l) => l.examples.includes(p.protocol)).map((l) => l.number);
      expect(osiWith.sort(), p.protocol).toEqual(asList(p.osi));
      expect(tcpIpWith.sort(), p.protocol).toEqual(asList(p.tcpIp));
    }
  });
});

describe("layerOf", () => {
  it("resolves every layer example", () => {
    for (const l of [...OSI_LAYERS, ...TCP_IP_LAYERS]) {
      for (const key of l.examples) expect(layerOf(key).protocol).toBe(key);
    }
  });

  it.each([
    ["HTTP", "http"],
    ["http/1.1", "http"],
    ["HTTP2", "http2"],
    ["h2", "http2"],
    ["http3", "http3"],
    ["H3", "http3"],
    ["ws", "websocket"],
    ["WebSocket", "websocket"],
    ["wifi", "wifi"],
    ["Wi-Fi", "wifi"],
    ["802.11", "wifi"],
    ["IPv4", "ip"],
    ["ip", "ip"],
    ["SSL", "tls"],
    ["socket", "socket"],
    ["Sockets", "socket"],
    ["  TCP ", "tcp"],
    ["IEEE  802.3", "ethernet"],
  ])("%j → %s", (name, key) => {
    expect(layerOf(name).protocol).toBe(key);
  });

  it("resolves every alias to an existing entry", () => {
    for (const [alias, key] of Object.entries(PROTOCOL_ALIASES)) {
      expect(PROTOCOLS[key], alias).toBeDefined();
      expect(PROTOCOLS[alias], `${alias} shadows an entry`).toBeUndefined();
    }
  });

  it.each(["gopher", "", "constructor", "__proto__", "toString", "hasOwnProperty"])(
    "throws OSI_UNKNOWN_PROTOCOL for %j",
    (name) => {
      expect(codeOf(() => layerOf(name))).toBe("OSI_UNKNOWN_PROTOCOL");
    },
  );

  it("returns a placement or throws OSI_UNKNOWN_PROTOCOL for any string", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const code = codeOf(() => layerOf(name));
        expect(code === undefined || code === "OSI_UNKNOWN_PROTOCOL").toBe(true);
      }),
    );
  });
});
