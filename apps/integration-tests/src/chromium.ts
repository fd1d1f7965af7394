/**
 * Test helper: Debian's Chromium through playwright-core, headless with the project's flags and a fresh
 * profile directory, opened on a page; `close()` shuts it down and removes the profile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface OpenChromium {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Launches Chromium at `executablePath`, opens `url`, and logs the browser's user agent under `version`. */
export async function openChromium(
  executablePath: string,
  url: string,
  version?: string,
): Promise<OpenChromium> {
  const profile = mkdtempSync(join(tmpdir(), "proto-chromium-"));
  const close = async (context?: BrowserContext) => {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      timeout: 60_000,
      args: CHROMIUM_ARGS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(60_000);
    await page.goto(url);
    console.log(`[chromium] ${version ?? ""}: ${await page.evaluate(() => navigator.userAgent)}`);
    const opened = context;
    return { context: opened, page, close: () => close(opened) };
  } catch (error) {
    await close(context);
    throw error;
  }
}
