/**
 * The Protocol Lab's "HTTP/1.1 vs 2 vs 3" panel in Debian's Chromium: @proto/quic-sim runs in a Web
 * Worker and the panel draws its charts (Chart.js canvases with painted pixels), its summary table agrees
 * with the handshake round trips the simulator models (TLS 1.2 / 1.3 / 0-RTT over TCP and QUIC), loss
 * changes the numbers and the head-of-line highlight follows the table, the seed sweep moves its progress
 * bar and ends in a chart, Cancel stops it, and each run's qlog downloads as qlog JSON.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenLab, openLab } from "./lab-harness";
import { usePeer } from "./peers";

const browserPeer = usePeer("chromium");
const PROTOS = ["h1", "h2", "h3"] as const;
type Proto = (typeof PROTOS)[number];

describe.skipIf(!browserPeer.available)("Protocol Lab: the HTTP/1.1 vs 2 vs 3 simulator panel", () => {
  let lab: OpenLab;

  beforeAll(async () => {
    lab = await openLab(browserPeer);
    await lab.openPanel("compare");
  }, 120_000);
  afterAll(async () => {
    await lab?.close();
  });

  /** Size of a canvas, its painted (non-transparent) pixels, and those of exactly one colour. */
  const pixels = (id: string, rgb: [number, number, number] = [0, 0, 0]) =>
    lab.page.evaluate(
      ([id, rgb]) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement;
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        let colour = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0) painted++;
          if (data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2] && data[i + 3] === 255)
            colour++;
        }
        return { width: canvas.width, height: canvas.height, painted, colour };
      },
      [id, rgb] as const,
    );

  /** The summary table's raw value of `metric` per protocol. */
  const table = async (metric: string): Promise<Record<Proto, number>> => {
    const out = {} as Record<Proto, number>;
    for (const p of PROTOS) {
      const raw = await lab.page.getAttribute(
        `#cmp-summary td[data-proto="${p}"][data-metric="${metric}"]`,
        "data-value",
      );
      out[p] = Number(raw);
    }
    return out;
  };

  /** Clicks Run and waits until the panel shows the new run. */
  const run = async () => {
    const before = Number(await lab.page.getAttribute("#panel-compare", "data-runs"));
    await lab.page.click("#cmp-run");
    await lab.page.waitForSelector(`#panel-compare[data-runs="${before + 1}"]`);
  };

  const svgText = (p: Proto) => lab.page.textContent(`#cmp-seq-${p} svg`);

  it("the simulator panel draws its charts", async () => {
    for (const p of PROTOS) {
      const id = `cmp-waterfall-${p}`;
      await lab.page.waitForFunction((id) => {
        const c = document.getElementById(id) as HTMLCanvasElement | null;
        return !!c && c.width > 0 && c.height > 0;
      }, id);
      const px = await pixels(id);
      expect(px.width).toBeGreaterThan(200);
      expect(px.height).toBeGreaterThan(150);
      expect(px.painted, `${id} has painted pixels`).toBeGreaterThan(2000);
      // Bars, not just axes: the receiving (sky blue) and delayed-by-loss (amber) segments.
      const bars =
        (await pixels(id, [0x38, 0xbd, 0xf8])).colour + (await pixels(id, [0xf5, 0x9e, 0x0b])).colour;
      expect(bars, `${id} bar pixels`).toBeGreaterThan(1000);
      expect(await lab.page.getAttribute(`#${id}`, "aria-label")).toMatch(/10 resources/);
      // The handshake diagram: lifelines and at least the flights before the first response.
      const flights = Number(await lab.page.getAttribute(`#cmp-seq-${p} svg`, "data-flights"));
      expect(flights).toBeGreaterThanOrEqual(p === "h3" ? 3 : 4);
    }
    expect(await svgText("h2")).toContain("SYN-ACK");
    expect(await svgText("h3")).toContain("Initial: ClientHello");
    expect(await svgText("h3")).not.toContain("SYN");
    expect(lab.errors).toEqual([]);
  });

  it("counts the round trips each handshake needs, as the simulator models them", async () => {
    // A long RTT makes serialisation negligible: the first request leaves after whole round trips.
    await lab.page.fill("#cmp-rtt", "200");
    await lab.page.selectOption("#cmp-tls", "1.2");
    await run();
    let rtts = await table("roundTrips");
    let sent = await table("requestSentUs");
    expect(Math.round(rtts.h1)).toBe(3);
    expect(Math.round(rtts.h2)).toBe(3);
    expect(Math.round(rtts.h3)).toBe(1);
    expect(Math.round(sent.h2 / 200_000)).toBe(3);
    expect(sent.h3).toBeLessThan(sent.h2);
    expect(await svgText("h2")).toContain("ServerHelloDone");
    expect(await lab.page.textContent('.cmp-rtt[data-protocol="h2"]')).toMatch(/after 3\.\d RTT/);

    await lab.page.selectOption("#cmp-tls", "1.3");
    await run();
    rtts = await table("roundTrips");
    expect(Math.round(rtts.h2)).toBe(2);
    expect(Math.round(rtts.h3)).toBe(1);
    expect(await svgText("h2")).not.toContain("ServerHelloDone");

    await lab.page.selectOption("#cmp-resumption", "0rtt");
    await run();
    rtts = await table("roundTrips");
    sent = await table("requestSentUs");
    expect(Math.round(rtts.h2)).toBe(1);
    expect(sent.h3).toBe(0);
    expect(await svgText("h3")).toContain("0-RTT");
    expect(await svgText("h2")).toContain("early data");

    // UDP blocked: HTTP/3 races TCP and falls back to HTTP/2.
    await lab.page.selectOption("#cmp-resumption", "none");
    await lab.page.check("#cmp-udp");
    await run();
    sent = await table("requestSentUs");
    expect(
      await lab.page.textContent('#cmp-summary td[data-proto="h3"][data-metric="protocolUsed"]'),
    ).toMatch(/fell back/);
    expect(sent.h3).toBeGreaterThan(sent.h2);
    const h3 = (await svgText("h3")) ?? "";
    expect(h3).toContain("blocked by a middlebox");
    expect(h3).toContain("start TCP");
    expect(h3).toContain("SYN");
    await lab.page.uncheck("#cmp-udp");
    expect(lab.errors).toEqual([]);
  });

  it("changes the numbers under 2% loss and highlights head-of-line blocking", async () => {
    await lab.page.selectOption("#cmp-preset", "default");
    await run();
    const clean = await table("completeUs");
    // Without random loss only HTTP/1.1's competing connections lose packets (the 25-packet queue).
    const queueDrops = await table("packetsLost");
    expect([queueDrops.h2, queueDrops.h3]).toEqual([0, 0]);
    await lab.page.fill("#cmp-loss", "2");
    await lab.page.selectOption("#cmp-direction", "toClient");
    let lost = { h1: 0, h2: 0, h3: 0 };
    let hol = { h1: 0, h2: 0, h3: 0 };
    // Find a seed where HTTP/2 shows head-of-line blocking (most do at 2% loss).
    for (let seed = 1; seed <= 10; seed++) {
      await lab.page.fill("#cmp-seed", String(seed));
      await run();
      lost = await table("packetsLost");
      hol = await table("holBlocked");
      if (hol.h2 > 0) break;
    }
    expect(lost.h2 + lost.h3).toBeGreaterThan(0);
    const lossy = await table("completeUs");
    expect(lossy).not.toEqual(clean);
    expect(hol.h2).toBeGreaterThan(0);
    // QUIC streams do not wait for each other's losses.
    expect(hol.h3).toBe(0);
    // The waterfall paints red (#dc2626) where the table counts head-of-line blocked resources; a chart
    // without any has only its legend's swatch in that red.
    const red = {} as Record<Proto, number>;
    for (const p of PROTOS) red[p] = (await pixels(`cmp-waterfall-${p}`, [0xdc, 0x26, 0x26])).colour;
    const swatch = red.h3;
    expect(swatch).toBeGreaterThan(0);
    expect(swatch).toBeLessThan(300);
    for (const p of PROTOS) {
      if (hol[p] > 0) expect(red[p], `${p} red pixels`).toBeGreaterThan(swatch + 20 * hol[p]);
      else expect(red[p], `${p} red pixels`).toBe(swatch);
    }
    await lab.shot("compare-loss");
    expect(lab.errors).toEqual([]);
  });

  it("runs a distribution over many seeds with a moving progress bar, and can cancel it", async () => {
    await lab.page.evaluate(() => {
      const progress = document.getElementById("cmp-progress")!;
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver((records) => {
        for (const r of records) seen.push(Number(r.oldValue), Number(progress.getAttribute("value")));
      }).observe(progress, { attributes: true, attributeFilter: ["value"], attributeOldValue: true });
    });
    await lab.page.selectOption("#cmp-seeds", "50");
    await lab.page.click("#cmp-sweep");
    await lab.page.waitForSelector('#cmp-dist-table tr[data-proto="h3"][data-seeds="50"]');
    const seen = await lab.page.evaluate(
      () => (window as unknown as { progressSeen: number[] }).progressSeen,
    );
    expect(seen.some((v) => v > 0 && v < 50)).toBe(true);
    expect(Math.max(...seen)).toBe(50);
    expect(await lab.page.getAttribute("#cmp-progress", "value")).toBe("50");
    expect((await pixels("cmp-hist")).painted).toBeGreaterThan(2000);
    expect((await pixels("cmp-share")).painted).toBeGreaterThan(2000);
    // Histogram bars in the protocols' colours; simulated (teal) and formula (grey) shares side by side.
    for (const rgb of [
      [0xd9, 0x77, 0x06],
      [0x25, 0x63, 0xeb],
      [0x16, 0xa3, 0x4a],
    ] as Array<[number, number, number]>)
      expect((await pixels("cmp-hist", rgb)).colour).toBeGreaterThan(200);
    expect((await pixels("cmp-share", [0x0f, 0x76, 0x6e])).colour).toBeGreaterThan(1000);
    expect((await pixels("cmp-share", [0x94, 0xa3, 0xb8])).colour).toBeGreaterThan(1000);
    expect(await lab.page.getAttribute("#cmp-hist", "aria-label")).toMatch(
      /HTTP\/2: median [\d.]+ ms over 50 seeds/,
    );
    for (const p of PROTOS) {
      const median = await lab.page.textContent(
        `#cmp-dist-table tr[data-proto="${p}"] td[data-stat="median"]`,
      );
      expect(Number.parseFloat(median ?? "")).toBeGreaterThan(0);
    }
    expect(await lab.page.textContent(".cmp-formula")).toMatch(/1-\(1-p\)\^\(N·M\) = 0\.\d+/);

    // A longer sweep, cancelled once it has started.
    await lab.page.fill("#cmp-count", "60");
    await lab.page.selectOption("#cmp-seeds", "200");
    await lab.page.click("#cmp-sweep");
    await lab.page.waitForFunction(
      () => Number(document.getElementById("cmp-progress")?.getAttribute("value")) > 0,
    );
    await lab.page.click("#cmp-cancel");
    await lab.page.waitForFunction(
      () => document.getElementById("cmp-sweep-status")?.textContent === "Cancelled.",
    );
    expect(await lab.page.isEnabled("#cmp-sweep")).toBe(true);
    expect(await lab.page.isDisabled("#cmp-cancel")).toBe(true);
    await lab.page.fill("#cmp-count", "10");
    expect(lab.errors).toEqual([]);
  });

  it("downloads the qlog of the last run", async () => {
    for (const p of ["h2", "h3"] as const) {
      const [download] = await Promise.all([
        lab.page.waitForEvent("download"),
        lab.page.click(`#cmp-qlog-${p}`),
      ]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^${p}-seed\\d+\\.qlog$`));
      const qlog = JSON.parse(readFileSync((await download.path())!, "utf8"));
      expect(qlog.qlog_version).toBe("0.3");
      const events = qlog.traces[0].events as Array<{
        name: string;
        data: { header: { packet_type: string } };
      }>;
      expect(events.length).toBeGreaterThan(20);
      const first = events.find((e) => e.name === "transport:packet_sent");
      expect(first?.data.header.packet_type).toBe(p === "h3" ? "initial" : "SYN");
    }
    expect(lab.errors).toEqual([]);
  });

  it("switches its labels to Chinese and back, and is saved as a screenshot", async () => {
    const english = await lab.page.textContent("#cmp-run");
    await lab.page.click("#lang");
    expect(await lab.page.textContent("#cmp-run")).toBe("运行");
    expect(await lab.page.textContent("#cmp-summary th[scope=row]")).toMatch(/[\u4e00-\u9fff]/);
    expect(await lab.page.textContent("#cmp-seq-h2 svg")).toContain("客户端");
    expect(await lab.page.getAttribute("#cmp-waterfall-h2", "aria-label")).toMatch(/瀑布图/);
    await lab.shot("compare-zh");
    await lab.page.click("#lang");
    expect(await lab.page.textContent("#cmp-run")).toBe(english);
    await run();
    await lab.shot("compare");
    expect(lab.errors).toEqual([]);
  });
});
