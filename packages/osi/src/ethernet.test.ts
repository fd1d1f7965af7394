import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMac } from "./address";
import { OsiError } from "./errors";
import { decodeEthernet, type EthernetHeader, encodeEthernet, type VlanTag } from "./ethernet";
import { expectCode, hex } from "./test-utils";

describe("Ethernet II", () => {
  it("decodes an untagged IPv4 frame", () => {
    const frame = hex("001b213a4f5e 000c29abcdef 0800 4500 0014");
    const { header, headerLength, payload } = decodeEthernet(frame);
    expect(header).toEqual({
      destination: "00:1b:21:3a:4f:5e",
      source: "00:0c:29:ab:cd:ef",
      etherType: 0x0800,
    });
    expect("vlans" in header).toBe(false);
    expect(headerLength).toBe(14);
    expect(payload).toEqual(hex("4500 0014"));
    expect(encodeEthernet(header, payload)).toEqual(frame);
  });

  it("decodes an IEEE 802.1Q-tagged frame: TCI a064 = PCP 5, DEI 0, VID 100", () => {
    const frame = hex("ffffffffffff 0200c0ffee01 8100 a064 0806 0001");
    const { header, headerLength, payload } = decodeEthernet(frame);
    expect(header).toEqual({
      destination: "ff:ff:ff:ff:ff:ff",
      source: "02:00:c0:ff:ee:01",
      vlans: [{ tpid: 0x8100, pcp: 5, dei: false, vid: 100 }],
      etherType: 0x0806,
    });
    expect(headerLength).toBe(18);
    expect(payload).toEqual(hex("0001"));
    expect(encodeEthernet({ ...header, vlans: [{ pcp: 5, dei: false, vid: 100 }] }, payload)).toEqual(frame);
  });

  it("decodes IEEE 802.1ad QinQ: S-TAG 88a8 (DEI, VID 4095) then C-TAG 8100, at an offset", () => {
    const frame = hex("eeee 010203040506 0a0b0c0d0e0f 88a8 1fff 8100 2001 86dd");
    const { header, headerLength, payload } = decodeEthernet(frame, 2);
    expect(header.vlans).toEqual([
      { tpid: 0x88a8, pcp: 0, dei: true, vid: 4095 },
      { tpid: 0x8100, pcp: 1, dei: false, vid: 1 },
    ]);
    expect(header.etherType).toBe(0x86dd);
    expect(headerLength).toBe(22);
    expect(payload.length).toBe(0);
  });

  it("returns the payload as a view of the input", () => {
    const frame = hex("001b213a4f5e 000c29abcdef 86dd 6000");
    const { payload } = decodeEthernet(frame);
    frame[15] = 0x99;
    expect(payload[1]).toBe(0x99);
  });

  it("rejects short input with OSI_TRUNCATED", () => {
    expectCode(() => decodeEthernet(hex("001b213a4f5e 000c29abcdef 08")), "OSI_TRUNCATED");
    expectCode(() => decodeEthernet(hex("001b213a4f5e 000c29abcdef 8100 a064 08")), "OSI_TRUNCATED");
    expectCode(() => decodeEthernet(hex("001b213a4f5e 000c29abcdef 8100 a064")), "OSI_TRUNCATED");
    expectCode(() => decodeEthernet(hex("001b213a4f5e 000c29abcdef 0800"), 1), "OSI_TRUNCATED");
    expectCode(() => decodeEthernet(hex("001b213a4f5e 000c29abcdef 0800"), -1), "OSI_TRUNCATED");
  });

  it("rejects an IEEE 802.3 length field (< 0x0600) with OSI_UNSUPPORTED", () => {
    expectCode(() => decodeEthernet(hex("0180c2000000 000c29abcdef 0026 4242 03")), "OSI_UNSUPPORTED");
    expectCode(() => decodeEthernet(hex("0180c2000000 000c29abcdef 8100 0001 05ff")), "OSI_UNSUPPORTED");
    expect(decodeEthernet(hex("0180c2000000 000c29abcdef 0600")).header.etherType).toBe(0x0600);
  });

  it("rejects out-of-range fields with OSI_INVALID_FIELD and bad MACs with OSI_BAD_ADDRESS", () => {
    const base: EthernetHeader = {
      destination: "ff:ff:ff:ff:ff:ff",
      source: "00:00:00:00:00:01",
      etherType: 0x0800,
    };
    const tag: VlanTag = { pcp: 0, dei: false, vid: 1 };
    const empty = new Uint8Array(0);
    expectCode(() => encodeEthernet({ ...base, etherType: 0x10000 }, empty), "OSI_INVALID_FIELD");
    expectCode(() => encodeEthernet({ ...base, etherType: -1 }, empty), "OSI_INVALID_FIELD");
    expectCode(() => encodeEthernet({ ...base, vlans: [{ ...tag, pcp: 8 }] }, empty), "OSI_INVALID_FIELD");
    expectCode(() => encodeEthernet({ ...base, vlans: [{ ...tag, vid: 4096 }] }, empty), "OSI_INVALID_FIELD");
    expectCode(() => encodeEthernet({ ...base, vlans: [{ ...tag, vid: 1.5 }] }, empty), "OSI_INVALID_FIELD");
    expectCode(
      () => encodeEthernet({ ...base, vlans: [{ ...tag, tpid: 0x9100 }] }, empty),
      "OSI_INVALID_FIELD",
    );
    expectCode(() => encodeEthernet({ ...base, source: "00:00:00:00:00" }, empty), "OSI_BAD_ADDRESS");
  });

  const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
  const vlan = fc.record({
    tpid: fc.constantFrom(undefined, 0x8100, 0x88a8),
    pcp: fc.integer({ min: 0, max: 7 }),
    dei: fc.boolean(),
    vid: fc.integer({ min: 0, max: 4095 }),
  });
  const etherType = fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== 0x8100 && t !== 0x88a8);

  it("round-trips: decode(encode(h, p)) is the normalized header and the payload", () => {
    fc.assert(
      fc.property(
        mac,
        mac,
        fc.array(vlan, { maxLength: 3 }),
        etherType,
        fc.uint8Array({ maxLength: 64 }),
        (d, s, v, t, p) => {
          const header: EthernetHeader = { destination: d, source: s, vlans: v, etherType: t };
          const decoded = decodeEthernet(encodeEthernet(header, p));
          const vlans = v.map((tag) => ({ ...tag, tpid: tag.tpid ?? 0x8100 }));
          expect(decoded.header).toEqual({
            destination: d,
            source: s,
            ...(v.length > 0 ? { vlans } : {}),
            etherType: t,
          });
          expect(decoded.headerLength).toBe(14 + 4 * v.length);
          expect(decoded.payload).toEqual(p);
        },
      ),
    );
  });

  it("arbitrary bytes decode or throw OsiError, never anything else", () => {
    const tagged = fc
      .tuple(
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.array(fc.constantFrom(0x81, 0x88, 0xa8, 0x00)),
        fc.uint8Array(),
      )
      .map(([a, b, c]) => Uint8Array.from([...a, ...b, ...c]));
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 40 }), tagged),
        fc.integer({ min: 0, max: 4 }),
        (bytes, offset) => {
          try {
            const { headerLength, payload } = decodeEthernet(bytes, offset);
            expect(offset + headerLength + payload.length).toBe(bytes.length);
          } catch (error) {
            if (!(error instanceof OsiError)) throw error;
          }
        },
      ),
    );
  });
});
