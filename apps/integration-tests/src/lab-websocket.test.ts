/**
 * The lab's WebSocket panel in Debian's Chromium: the page's own WebSocket connects to the lab's /ws,
 * text and binary messages echo, the frames decoded from the tapped wire bytes show client frames masked
 * and server frames not, the Accept steps agree with an independent SHA-1 (node:crypto), the misbehaving
 * client draws 1002 and 1007, an oversized message 1009, and closes carry the chosen code.
 * Screenshot: reports/screenshots/websocket.png.
 */
import { createHash } from "node:crypto";
import { connectWebSocket } from "@proto/node";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** The decoded frame rows, as the page shows them. */
async function frameRows(page: Page) {
  return page.$$eval("#ws-frames tbody tr", (rows) =>
    rows.map((tr) => {
      const el = tr as HTMLElement;
      const cells = [...el.querySelectorAll("td")].map((td) => td.textContent ?? "");
      return {
        dir: el.dataset.dir,
        opcode: Number(el.dataset.opcode),
        fin: el.dataset.fin,
        mask: el.dataset.mask,
        length: Number(el.dataset.length),
        lengthCell: cells[7] ?? "",
        key: cells[8] ?? "",
        payload: cells[9] ?? "",
        header: cells[10] ?? "",
      };
    }),
  );
}

describe.skipIf(!browserPeer.available)("the WebSocket panel in Chromium", () => {
  let lab: OpenLab;
  let page: Page;

  beforeAll(async () => {
    lab = await openLab(browserPeer);
    page = lab.page;
    await lab.openPanel("websocket");
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  const waitOpen = () => page.waitForSelector('#ws-status[data-state="open"]', { timeout: 15_000 });

  it("connects and computes Sec-WebSocket-Accept step by step, matching the server's", async () => {
    await waitOpen();
    await page.waitForSelector("#ws-accept[data-match]");
    const request = (await page.textContent("#ws-request")) ?? "";
    const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const expected = createHash("sha1").update(`${key}${GUID}`).digest("base64");
    expect(await page.getAttribute("#ws-accept", "data-match")).toBe("true");
    expect(await page.textContent("#ws-accept-computed")).toBe(expected);
    expect(await page.getAttribute("#ws-accept", "data-server")).toBe(expected);
    const response = (await page.textContent("#ws-response")) ?? "";
    expect(response).toMatch(/^HTTP\/1\.1 101 /);
    expect(response).toContain(`Sec-WebSocket-Accept: ${expected}`);
    const sha1Hex = createHash("sha1")
      .update(`${key}${GUID}`)
      .digest("hex")
      .replace(/(..)(?!$)/g, "$1 ");
    expect(await page.textContent("#ws-accept")).toContain(sha1Hex);
  });

  it("echoes a text message; its frames show the client's masked and the server's unmasked", async () => {
    const text = `echo ${Date.now()} ✓ 你好`;
    await page.fill("#ws-text", text);
    await page.click("#ws-send-text");
    const echoed = await page.waitForSelector(`#ws-messages li[data-dir="received"][data-text="${text}"]`);
    expect(await echoed.getAttribute("data-match")).toBe("true");
    await page.waitForFunction(
      (t) =>
        [...document.querySelectorAll("#ws-frames tbody tr")].filter((tr) => tr.textContent?.includes(t))
          .length >= 2,
      text,
    );
    const rows = (await frameRows(page)).filter((r) => r.payload.includes(text));
    const client = rows.find((r) => r.dir === "in")!;
    const server = rows.find((r) => r.dir === "out")!;
    const size = new TextEncoder().encode(text).length;
    expect(client).toMatchObject({ opcode: 1, fin: "1", mask: "1", length: size });
    expect(client.key).toMatch(/^[0-9a-f]{2}( [0-9a-f]{2}){3}$/);
    // The header bytes end with the masking key; MASK bit and 7-bit length in the second byte.
    expect(client.header.trim()).toBe(`81 ${(0x80 | size).toString(16)} ${client.key}`);
    expect(server).toMatchObject({ opcode: 1, fin: "1", mask: "0", length: size, key: "—" });
    expect(server.header.trim()).toBe(`81 ${size.toString(16).padStart(2, "0")}`);
  });

  it("echoes binary messages, with the 16-bit and 64-bit length forms", async () => {
    for (const [size, form, second] of [
      [3000, "16-bit", "fe"],
      [65_536, "64-bit", "ff"],
    ] as const) {
      await page.fill("#ws-binary-size", String(size));
      await page.click("#ws-send-binary");
      const echoed = await page.waitForSelector(`#ws-messages li[data-dir="received"][data-size="${size}"]`);
      expect(await echoed.getAttribute("data-match")).toBe("true");
      await page.waitForSelector(`#ws-frames tr[data-dir="out"][data-length="${size}"]`);
      const rows = (await frameRows(page)).filter((r) => r.length === size && r.opcode === 2);
      expect(rows.map((r) => [r.dir, r.mask])).toEqual([
        ["in", "1"],
        ["out", "0"],
      ]);
      for (const r of rows) expect(r.lengthCell).toContain(form);
      expect(rows[0]!.header.split(" ").slice(0, 2)).toEqual(["82", second]);
    }
  });

  it("gets a fragmented echo: FIN = 0, a Ping between fragments, continuation frames", async () => {
    const before = (await frameRows(page)).length;
    const text = `fragments ${Date.now()}`;
    await page.fill("#ws-text", text);
    await page.fill("#ws-pieces", "3");
    await page.click("#ws-send-fragmented");
    const echoed = await page.waitForSelector(`#ws-messages li[data-dir="received"][data-text="${text}"]`);
    expect(await echoed.getAttribute("data-match")).toBe("true");
    // Wait for the last fragment (FIN = 1 continuation) among the rows added since.
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll("#ws-frames tbody tr")]
          .slice(n)
          .some((tr) => tr.matches('[data-dir="out"][data-opcode="0"][data-fin="1"]')),
      before,
    );
    // A heartbeat Ping (empty) may fall in between: keep the echo's frames and the Ping sent with them.
    const out = (await frameRows(page))
      .slice(before)
      .filter((r) => r.dir === "out" && (r.opcode !== 9 || r.payload.includes("between fragments")));
    expect(out.map((r) => [r.opcode, r.fin])).toEqual([
      [1, "0"],
      [9, "1"],
      [0, "0"],
      [0, "1"],
    ]);
    expect(out.filter((r) => r.opcode !== 9).reduce((n, r) => n + r.length, 0)).toBe(text.length);
  });

  it("shows a server ping and the browser's automatic pong on the heartbeat timeline", async () => {
    const pongs = Number((await page.getAttribute("#ws-timeline", "data-pongs")) ?? 0);
    await page.click("#ws-server-ping");
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>("#ws-timeline")?.dataset.pongs) > n,
      pongs,
    );
    expect(await page.textContent("#ws-rtt")).toMatch(/ping → pong: \d+\.\d ms/);
    expect(await page.$$("#ws-timeline polygon.ws-ping")).not.toHaveLength(0);
    // The server's own heartbeat (an empty Ping every 5 s) and the browser's Pong to it.
    await page.waitForFunction(
      () =>
        ["ping", "pong"].every((kind) =>
          [...document.querySelectorAll(`#ws-timeline polygon.ws-${kind} title`)].some((t) =>
            t.textContent?.endsWith("“”"),
          ),
        ),
      undefined,
      { timeout: 12_000 },
    );
  });

  for (const [kind, code] of [
    ["unmasked-frame", 1002],
    ["invalid-utf8", 1007],
    ["reserved-opcode", 1002],
  ] as const) {
    it(`the misbehaving client's ${kind} frame draws ${code}`, async () => {
      await page.selectOption("#ws-misbehave-kind", kind);
      await page.click("#ws-misbehave-run");
      await page.waitForSelector(`#ws-misbehave-result[data-state="done"][data-kind="${kind}"]`);
      expect(await page.getAttribute("#ws-misbehave-result", "data-code")).toBe(String(code));
      const shown = (await page.textContent("#ws-misbehave-result .ws-close-line")) ?? "";
      expect(shown).toContain(`${code} ${code === 1007 ? "INVALID_FRAME_PAYLOAD_DATA" : "PROTOCOL_ERROR"}`);
      // The server's reply decoded in the page: a Close frame (opcode 8) carrying that code.
      const close = await page.textContent('#ws-misbehave-result tr[data-opcode="8"]');
      expect(close).toContain(String(code));
    });
  }

  it("looks right (screenshot) with no console errors so far", async () => {
    await lab.shot("websocket");
    expect(lab.errors).toEqual([]);
  });

  it("closes an oversized message with 1009 and reconnects", async () => {
    await page.click("#ws-send-oversized");
    await page.waitForSelector('#ws-close-browser-info[data-code="1009"]');
    await page.waitForSelector('#ws-close-server-info[data-code="1009"]');
    expect(await page.getAttribute("#ws-status", "data-state")).toBe("closed");
    await page.click("#ws-reconnect");
    await waitOpen();
  });

  it("closes with the chosen code from the browser, and from the server", async () => {
    await page.selectOption("#ws-close-code", "1001");
    await page.click("#ws-close-browser");
    expect(await page.textContent("#ws-note")).toMatch(/1000 or 3000-4999/);
    expect(await page.getAttribute("#ws-status", "data-state")).toBe("open");

    await page.selectOption("#ws-close-code", "4000");
    await page.fill("#ws-close-reason", "chosen by the test");
    await page.click("#ws-close-browser");
    await page.waitForSelector('#ws-close-browser-info[data-code="4000"]');
    await page.waitForSelector('#ws-close-server-info[data-code="4000"]');
    expect(await page.textContent("#ws-close-server-info")).toContain("chosen by the test");
    const closeFrames = (await frameRows(page)).filter((r) => r.opcode === 8);
    expect(closeFrames.map((r) => [r.dir, r.payload.slice(0, 4)])).toEqual([
      ["in", "4000"],
      ["out", "4000"],
    ]);

    await page.click("#ws-reconnect");
    await waitOpen();
    await page.selectOption("#ws-close-code", "1008");
    await page.click("#ws-close-server");
    await page.waitForSelector('#ws-close-browser-info[data-code="1008"]');
    expect(await page.textContent("#ws-close-browser-info")).toContain("POLICY_VIOLATION");
    await page.click("#ws-reconnect");
    await waitOpen();
  });

  it("switches its labels to Chinese and back", async () => {
    const heading = "#panel-websocket .ws-frames h3";
    const english = await page.textContent(heading);
    await page.click("#lang");
    expect(await page.textContent(heading)).toMatch(/[\u4e00-\u9fff]/);
    expect(await page.textContent("#ws-status")).toContain("状态");
    expect(await page.textContent("#ws-rtt")).toMatch(/[\u4e00-\u9fff]/);
    await lab.shot("websocket-zh");
    await page.click("#lang");
    expect(await page.textContent(heading)).toBe(english);
    expect(lab.errors).toEqual([]);
  });

  it("serves /ws to a plain @proto/node client too", async () => {
    const client = await connectWebSocket(new URL("ws", lab.lab.url).href, { compression: false });
    const echoed = new Promise((resolve) => client.once("message", (data) => resolve(data)));
    client.send("from node");
    expect(await echoed).toBe("from node");
    const closed = new Promise<number>((resolve) => client.once("close", (code) => resolve(code)));
    client.close(1000);
    expect(await closed).toBe(1000);
  });
});
