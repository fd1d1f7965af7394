/**
 * The Protocol Lab in Debian's Chromium: every panel loads from its tab with no console error, the
 * language switch changes the labels, the tabs work from the keyboard, and each panel is saved as a
 * screenshot (reports/screenshots/panel-<id>.png).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");
const PANELS = ["layers", "websocket", "http2", "compare", "quic"];

describe.skipIf(!browserPeer.available)("Protocol Lab in Chromium", () => {
  let lab: OpenLab;

  beforeAll(async () => {
    lab = await openLab(browserPeer);
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  it("serves its favicon and the page title", async () => {
    const icon = await fetch(new URL("favicon.svg", lab.lab.url));
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect(await lab.page.title()).toBe("@proto Protocol Lab");
  });

  for (const id of PANELS) {
    it(`opens the ${id} panel from its tab with no console errors`, async () => {
      await lab.openPanel(id);
      expect(await lab.page.getAttribute(`#tab-${id}`, "aria-selected")).toBe("true");
      expect(await lab.page.isVisible(`#panel-${id}`)).toBe(true);
      expect(lab.page.url()).toContain(`#${id}`);
      await lab.shot(`panel-${id}`);
      expect(lab.errors).toEqual([]);
    });
  }

  it("moves between tabs with the arrow keys", async () => {
    await lab.openPanel("layers");
    await lab.page.focus("#tab-layers");
    await lab.page.keyboard.press("ArrowRight");
    expect(await lab.page.evaluate(() => document.activeElement?.id)).toBe("tab-websocket");
    expect(await lab.page.getAttribute("#tab-websocket", "aria-selected")).toBe("true");
    await lab.page.keyboard.press("End");
    expect(await lab.page.getAttribute("#tab-quic", "aria-selected")).toBe("true");
  });

  it("switches the labels to Chinese and back", async () => {
    const english = await lab.page.textContent("#tab-layers");
    await lab.page.click("#lang");
    expect(await lab.page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    const chinese = await lab.page.textContent("#tab-layers");
    expect(chinese).not.toBe(english);
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    expect(await lab.page.textContent("#lab-title")).toBe("协议实验室");
    await lab.shot("lang-zh");
    await lab.page.click("#lang");
    expect(await lab.page.textContent("#tab-layers")).toBe(english);
    expect(lab.errors).toEqual([]);
  });
});
