/**
 * The Layers panel in Debian's Chromium: for each stack (WebSocket/TCP/IPv4, HTTP/2/TCP/IPv6,
 * HTTP/3/QUIC/UDP) stepping adds one header at a time, the coloured hex read back from the DOM decodes to
 * what each layer must say (version nibble, EtherType, lengths, checksums, the message itself), the
 * capture downloads as a pcap that @proto/osi and tshark read, and the panel follows the language switch.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applicationData, decapsulate, readPcap } from "@proto/osi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");
const tshark = usePeer("tshark");
const dir = mkdtempSync(join(tmpdir(), "proto-lab-layers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Colour = "app" | "transport" | "network" | "link" | "trailer";

const STACKS = [
  { id: "ws", ip: 4, etherType: 0x0800, transport: "tcp", protocol: 6, port: 80 },
  { id: "h2", ip: 6, etherType: 0x86dd, transport: "tcp", protocol: 6, port: 80 },
  { id: "h3", ip: 4, etherType: 0x0800, transport: "udp", protocol: 17, port: 443 },
] as const;

const MESSAGE = "Layer by layer ✓ 分层";
const messageBytes = new TextEncoder().encode(MESSAGE);

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

describe.skipIf(!browserPeer.available)("Layers panel in Chromium", () => {
  let lab: OpenLab;

  beforeAll(async () => {
    lab = await openLab(browserPeer);
    await lab.openPanel("layers");
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  const idle = () =>
    lab.page.waitForFunction(() => document.getElementById("panel-layers")?.dataset.busy === undefined);

  /** The bytes of the hex view with the layer of each, as the DOM shows them. */
  async function readHex(selector = "#layers-hex") {
    const cells = await lab.page.$$eval(`${selector} span.lb`, (spans) =>
      spans.map((s) => [(s as HTMLElement).dataset.layer ?? "", s.textContent ?? ""] as const),
    );
    const bytes = Uint8Array.from(cells, ([, text]) => Number.parseInt(text, 16));
    const count: Record<Colour, number> = { app: 0, transport: 0, network: 0, link: 0, trailer: 0 };
    for (const [layer] of cells) count[layer as Colour]++;
    return { bytes, count, layers: cells.map(([layer]) => layer) };
  }

  /** Clicks Previous or Next until the hex shows `step` (a disabled button is never clicked). */
  async function toStep(step: number) {
    for (;;) {
      const now = Number(await lab.page.getAttribute("#layers-hex", "data-step"));
      if (now === step) return;
      await lab.page.click(now > step ? "#layers-prev" : "#layers-next");
      await lab.page.waitForSelector(`#layers-hex[data-step="${now > step ? now - 1 : now + 1}"]`);
    }
  }

  async function chooseStack(id: string) {
    await lab.page.selectOption("#layers-stack", id);
    await idle();
    await lab.page.waitForSelector(`#layers-hex[data-stack="${id}"]`);
  }

  it("starts ready with both models side by side", async () => {
    const rows = await lab.page.$$eval("#panel-layers table.models tbody tr", (trs) => trs.length);
    expect(rows).toBe(7);
    // TCP/IP's application layer spans OSI 5-7 and its network access layer OSI 1-2.
    const spans = await lab.page.$$eval("#panel-layers table.models td.tcpip.num[rowspan]", (tds) =>
      tds.filter((_, i) => i % 2 === 0).map((td) => td.getAttribute("rowspan")),
    );
    expect(spans).toEqual(["3", "1", "1", "2"]);
    expect(lab.errors).toEqual([]);
  });

  for (const stack of STACKS) {
    it(`${stack.id}: each step adds one header, and the bytes decode back`, async () => {
      await chooseStack(stack.id);
      await lab.page.fill("#layers-message", MESSAGE);
      await idle();

      // Step 1: the application message alone.
      await toStep(0);
      const app = await readHex();
      expect(app.count).toEqual({ app: app.bytes.length, transport: 0, network: 0, link: 0, trailer: 0 });
      if (stack.id === "ws") {
        // A masked text frame: FIN + TEXT, MASK bit, 7-bit length, key, payload XOR key.
        expect(app.bytes[0]).toBe(0x81);
        expect(app.bytes[1]! & 0x80).toBe(0x80);
        expect(app.bytes[1]! & 0x7f).toBe(messageBytes.length);
        const key = app.bytes.subarray(2, 6);
        const unmasked = app.bytes.subarray(6).map((b, i) => b ^ key[i % 4]!);
        expect(new TextDecoder().decode(unmasked)).toBe(MESSAGE);
      } else if (stack.id === "h2") {
        // HEADERS (type 1) on stream 1, then DATA (type 0) carrying the message with END_STREAM.
        expect(app.bytes[3]).toBe(0x01);
        const headersLength = (app.bytes[0]! << 16) | (app.bytes[1]! << 8) | app.bytes[2]!;
        const data = app.bytes.subarray(9 + headersLength);
        expect(data[3]).toBe(0x00);
        expect(data[4]).toBe(0x01);
        expect((data[0]! << 16) | (data[1]! << 8) | data[2]!).toBe(messageBytes.length);
        expect(equal(data.subarray(9), messageBytes)).toBe(true);
      } else {
        // A QUIC short header (form 0, fixed bit 1), encrypted: the message is not in the clear...
        expect(app.bytes[0]! & 0xc0).toBe(0x40);
        expect(Buffer.from(app.bytes).includes(Buffer.from(messageBytes))).toBe(false);
        // ...but the decrypted payload is STREAM (0x0b) → HTTP/3 DATA (0x00, length) → the message.
        const inner = await readHex("#layers-inner-hex");
        expect(inner.bytes[0]).toBe(0x0b);
        const tail = inner.bytes.subarray(inner.bytes.length - messageBytes.length);
        expect(equal(tail, messageBytes)).toBe(true);
        expect(inner.bytes[inner.bytes.length - messageBytes.length - 2]).toBe(0x00);
        expect(inner.bytes[inner.bytes.length - messageBytes.length - 1]).toBe(messageBytes.length);
      }
      expect(await lab.page.$$eval("#layers-diagram .d-row", (r) => r.length)).toBe(1);

      // Step 2: + the transport header.
      await toStep(1);
      const seg = await readHex();
      const view = new DataView(seg.bytes.buffer);
      expect(view.getUint16(0)).toBe(51514);
      expect(view.getUint16(2)).toBe(stack.port);
      const transportLength = stack.transport === "tcp" ? (seg.bytes[12]! >> 4) * 4 : 8;
      if (stack.transport === "udp") expect(view.getUint16(4)).toBe(seg.bytes.length);
      expect(seg.count).toEqual({
        app: app.bytes.length,
        transport: transportLength,
        network: 0,
        link: 0,
        trailer: 0,
      });
      expect(equal(seg.bytes.subarray(transportLength), app.bytes)).toBe(true);
      expect(seg.layers.slice(0, transportLength).every((l) => l === "transport")).toBe(true);

      // Step 3: + the network header.
      await toStep(2);
      const packet = await readHex();
      expect(packet.bytes[0]! >> 4).toBe(stack.ip);
      const networkLength = stack.ip === 4 ? (packet.bytes[0]! & 0x0f) * 4 : 40;
      const pview = new DataView(packet.bytes.buffer);
      if (stack.ip === 4) {
        expect(pview.getUint16(2)).toBe(packet.bytes.length);
        expect(packet.bytes[9]).toBe(stack.protocol);
      } else {
        expect(pview.getUint16(4)).toBe(packet.bytes.length - 40);
        expect(packet.bytes[6]).toBe(stack.protocol);
      }
      expect(packet.count.network).toBe(networkLength);
      expect(packet.count.transport).toBe(transportLength);
      expect(packet.count.link).toBe(0);
      expect(equal(packet.bytes.subarray(networkLength), seg.bytes)).toBe(true);

      // Step 4: + the link header, only now.
      await toStep(3);
      const frame = await readHex();
      expect(frame.count).toEqual({
        app: app.bytes.length,
        transport: transportLength,
        network: networkLength,
        link: 14,
        trailer: 0,
      });
      expect((frame.bytes[12]! << 8) | frame.bytes[13]!).toBe(stack.etherType);
      expect(frame.bytes[14]! >> 4).toBe(stack.ip);
      const map = decapsulate(frame.bytes);
      expect(map.layers.map((l) => l.layer)).toEqual([
        "ethernet",
        stack.ip === 4 ? "ipv4" : "ipv6",
        stack.transport,
        "application",
      ]);
      for (const layer of map.layers)
        if (layer.checksumValid !== undefined) expect(layer.checksumValid).toBe(true);
      expect(equal(applicationData(map), app.bytes)).toBe(true);
      expect(await lab.page.$$eval("#layers-diagram .d-row", (r) => r.length)).toBe(4);
      expect(await lab.page.$$eval("#layers-fields table[data-layer]", (t) => t.length)).toBe(4);
      expect(lab.errors).toEqual([]);
    });
  }

  it("steps from the keyboard", async () => {
    await chooseStack("ws");
    await toStep(0);
    await lab.page.focus("#layers-next");
    await lab.page.keyboard.press("Enter");
    await lab.page.waitForSelector('#layers-hex[data-step="1"]');
    await lab.page.keyboard.press("Space");
    await lab.page.waitForSelector('#layers-hex[data-step="2"]');
    await lab.page.focus("#layers-all");
    await lab.page.keyboard.press("Enter");
    await lab.page.waitForSelector('#layers-hex[data-step="3"]');
    expect(await lab.page.getAttribute("#layers-next", "aria-disabled")).toBe("true");
  });

  for (const stack of STACKS) {
    it(`${stack.id}: downloads the exchange as a pcap that tshark reads`, async () => {
      await chooseStack(stack.id);
      await toStep(3);
      const shown = (await readHex()).bytes;
      const [download] = await Promise.all([
        lab.page.waitForEvent("download"),
        lab.page.click("#layers-download"),
      ]);
      const file = join(dir, download.suggestedFilename());
      await download.saveAs(file);
      expect(download.suggestedFilename()).toBe(`layers-${stack.id}-ipv${stack.ip}.pcap`);
      const bytes = new Uint8Array(readFileSync(file));
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)).toBe(0xa1b2c3d4);
      const pcap = readPcap(bytes);
      expect(pcap.linkType).toBe(1);
      const rows = await lab.page.$$eval("#layers-packets tbody tr", (trs) => trs.length);
      expect(pcap.records.length).toBe(rows);
      expect(pcap.records.length).toBe(stack.transport === "tcp" ? 18 : 2);
      // The dissected frame is one packet of the capture.
      expect(pcap.records.some((r) => equal(r.data, shown))).toBe(true);

      if (!tshark.available) return;
      const run = (args: string[]) => {
        const r = spawnSync(
          tshark.path!,
          [
            "-n",
            "-r",
            file,
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
            "-d",
            "udp.port==443,quic",
            ...args,
          ],
          { encoding: "utf8", timeout: 60_000 },
        );
        if (r.status !== 0) throw new Error(`tshark exited ${r.status}: ${r.stderr}`);
        return r.stdout.split("\n").filter((l) => l.length > 0);
      };
      expect(run([])).toHaveLength(pcap.records.length);
      // No malformed packet, no warning or error (expert info severity >= PI_WARN).
      expect(run(["-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000"])).toEqual([]);
      const app = { ws: "websocket", h2: "http2", h3: "quic" }[stack.id];
      const carrying = run(["-Y", app, "-T", "fields", "-e", "frame.number"]);
      expect(carrying.length).toBeGreaterThanOrEqual(stack.id === "ws" ? 4 : 2);
      if (stack.id === "h2") {
        const types = run(["-Y", "http2.type == 1", "-T", "fields", "-e", "http2.header.value"]).join(",");
        expect(types).toContain("/echo");
      }
      writeFileSync(join(dir, "last.pcap"), bytes);
    });
  }

  it("follows the language switch", async () => {
    await chooseStack("h3");
    await toStep(3);
    const english = await lab.page.textContent("#layers-step");
    await lab.page.click("#lang");
    const chinese = await lab.page.textContent("#layers-step");
    expect(chinese).not.toBe(english);
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(await lab.page.textContent("#layers-fields caption")).toMatch(/字节/);
    expect(await lab.page.textContent("#panel-layers table.models thead")).toMatch(/模型/);
    expect(await lab.page.textContent("#layers-download")).toMatch(/下载/);
    await lab.page.click("#lang");
    expect(await lab.page.textContent("#layers-step")).toBe(english);
    await chooseStack("ws");
    await toStep(3);
    await lab.shot("layers");
    expect(lab.errors).toEqual([]);
  });
});
