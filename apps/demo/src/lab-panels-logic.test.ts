/**
 * The DOM-free logic behind the Layers and QUIC panels, in Node: the exchanges each stack builds decode
 * back with @proto/osi (checksums, payload, capture), and the RFC 9001 A.2 dissection finds the RFC's
 * values. The browser tests (apps/integration-tests/src/lab-layers.test.ts, lab-quic.test.ts) check the
 * same bytes as the page shows them.
 */
import { applicationData, decapsulate, readPcap } from "@proto/osi";
import { describe, expect, it } from "vitest";
import { buildExchange } from "../web/src/panels/layers/exchange";
import { dissect, toHex } from "../web/src/panels/quic/dissect";

const MESSAGE = "hello 你好";
const bytes = new TextEncoder().encode(MESSAGE);

describe("Layers panel exchanges", () => {
  it.each([
    ["ws", 4, "tcp", 18],
    ["ws", 6, "tcp", 18],
    ["h2", 6, "tcp", 18],
    ["h2", 4, "tcp", 18],
    ["h3", 4, "udp", 2],
    ["h3", 6, "udp", 2],
  ] as const)("%s over IPv%i decodes back from its bytes", async (stack, ip, transport, count) => {
    const x = await buildExchange(stack, ip, MESSAGE);
    const map = decapsulate(x.frame);
    expect(map.layers.map((l) => l.layer)).toEqual(["ethernet", `ipv${ip}`, transport, "application"]);
    for (const layer of map.layers)
      if (layer.checksumValid !== undefined) expect(layer.checksumValid).toBe(true);
    expect(applicationData(map)).toEqual(x.app.payload);
    // The parts cover the payload exactly, in order.
    expect(x.app.parts[0]!.start).toBe(0);
    expect(x.app.parts[x.app.parts.length - 1]!.end).toBe(x.app.payload.length);
    for (let i = 1; i < x.app.parts.length; i++) expect(x.app.parts[i]!.start).toBe(x.app.parts[i - 1]!.end);
    const pcap = readPcap(x.pcap);
    expect(pcap.records).toHaveLength(count);
    expect(x.packets.filter((p) => p.shown)).toHaveLength(1);
    expect(
      pcap.records.some((r) => r.data.length === x.frame.length && toHex(r.data) === toHex(x.frame)),
    ).toBe(true);
  });

  it("carries the message: unmasked WebSocket payload, HTTP/2 DATA, decrypted HTTP/3 DATA", async () => {
    const ws = (await buildExchange("ws", 4, MESSAGE)).app.payload;
    const key = ws.subarray(2, 6);
    expect(new TextDecoder().decode(ws.subarray(6).map((b, i) => b ^ key[i % 4]!))).toBe(MESSAGE);
    const h2 = (await buildExchange("h2", 6, MESSAGE)).app.payload;
    expect(toHex(h2.subarray(h2.length - bytes.length))).toBe(toHex(bytes));
    const h3 = (await buildExchange("h3", 4, MESSAGE)).app;
    expect(toHex(h3.payload)).not.toContain(toHex(bytes));
    expect(toHex(h3.inner!.bytes)).toBe(
      `0b00${(bytes.length + 2).toString(16).padStart(2, "0")}00${toHex(Uint8Array.of(bytes.length))}${toHex(bytes)}`,
    );
  });
});

describe("QUIC panel dissection of RFC 9001 A.2", () => {
  it("finds the RFC's keys, mask, packet number, frames and transport parameters", async () => {
    const d = await dissect();
    expect(toHex(d.initialSecret)).toBe("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44");
    expect(toHex(d.clientSecret)).toBe("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea");
    expect(toHex(d.key)).toBe("1f369613dd76d5467730efcbe3b1a22d");
    expect(toHex(d.iv)).toBe("fa044b2f42a3fd3b46fb255c");
    expect(toHex(d.hp)).toBe("9f50449e04a0e810283a1e9933adedd2");
    expect(toHex(d.sample)).toBe("d1b1c98dd7689fb8ec11d242b123dc9b");
    expect(toHex(d.mask)).toBe("437b9aec36");
    expect(d.packetNumber).toBe(2);
    expect(toHex(d.aad)).toBe("c300000001088394c8f03e5157080000449e00000002");
    expect(d.lengthField).toMatchObject({ prefix: 1, length: 2, value: 1182 });
    expect(d.frames.map((f) => [f.type, f.end - f.start])).toEqual([
      ["crypto", 245],
      ["padding", 917],
    ]);
    expect(d.frames[0]!.length!.value).toBe(241);
    const params = Object.fromEntries(d.clientHello.transportParameters.map((p) => [p.name, p.value]));
    expect(params).toMatchObject({
      initial_max_data: "4611686018427387903",
      max_idle_timeout: "30000",
      initial_source_connection_id: "8394c8f03e515708",
    });
  });
});
