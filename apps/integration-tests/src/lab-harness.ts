/**
 * Test helper for the Protocol Lab: builds the web app once per test file into a temporary directory,
 * starts the lab server on 127.0.0.1 (a free port), opens Debian's Chromium on it, and records every
 * console error and page error. `shot(name)` saves a screenshot to reports/screenshots/ (a CI artifact).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildWeb } from "@proto/demo/build";
import { type LabServer, startLabServer } from "@proto/demo/server";
import type { Page } from "playwright-core";
import { type OpenChromium, openChromium } from "./chromium";
import type { Peer } from "./peers";

export const SCREENSHOTS = resolve(import.meta.dirname, "..", "reports", "screenshots");

export interface OpenLab {
  lab: LabServer;
  browser: OpenChromium;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  /** Opens a panel by clicking its tab and waits until it reports ready. */
  openPanel(id: string): Promise<void>;
  /** Saves a full-page screenshot of the current view as reports/screenshots/<name>.png. */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openLab(browserPeer: Peer): Promise<OpenLab> {
  const dist = mkdtempSync(join(tmpdir(), "proto-lab-dist-"));
  let lab: LabServer | undefined;
  let browser: OpenChromium | undefined;
  try {
    await buildWeb({ outDir: dist, quiet: true });
    lab = await startLabServer({ distDir: dist });
    browser = await openChromium(browserPeer.path!, "about:blank", browserPeer.version);
    const page = browser.page;
    const errors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(lab.url);
    const started = lab;
    const opened = browser;
    return {
      lab: started,
      browser: opened,
      page,
      errors,
      async openPanel(id) {
        await page.click(`#tab-${id}`);
        await page.waitForSelector(`#panel-${id}[data-ready="true"]`, { timeout: 60_000 });
      },
      async shot(name) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        const path = join(SCREENSHOTS, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async close() {
        await opened.close();
        await started.close();
        rmSync(dist, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await lab?.close();
    rmSync(dist, { recursive: true, force: true });
    throw error;
  }
}
