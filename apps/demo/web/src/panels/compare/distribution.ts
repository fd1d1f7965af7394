/**
 * The distribution over many seeds: a sweep in the worker with a progress bar and a Cancel button, then a
 * histogram of page load times per protocol and the share of resources delayed by loss, set against
 * 1-(1-p)^M (a stream pays for its own packets) and 1-(1-p)^(N·M) (one TCP connection pays for all).
 */
import type { ChartConfiguration } from "chart.js";
import { h, replace } from "../../dom";
import { bindText } from "../../i18n";
import { Chart, chartBox, PROTO_COLOR, PROTO_NAME } from "./charts";
import { CancelledError, type SimRunner } from "./runner";
import { t } from "./strings";
import { PROTOCOLS, type Proto, type Scenario, type SweepResults } from "./types";

const SEED_CHOICES = [50, 100, 200];
const SIMULATED_COLOR = "#0f766e";
const FORMULA_COLOR = "#94a3b8";

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The analytic share of resources delayed by loss, when loss is random towards the client. */
export function formulaShare(
  scenario: Scenario,
): { p: number; m: number; nm: number; own: number; all: number } | undefined {
  const loss = scenario.network.loss;
  if (loss?.model !== "bernoulli" || loss.direction === "toServer" || !(loss.p > 0)) return undefined;
  const m = Math.max(1, Math.ceil(scenario.resourceSize / 1400));
  const nm = m * scenario.resourceCount;
  return { p: loss.p, m, nm, own: 1 - (1 - loss.p) ** m, all: 1 - (1 - loss.p) ** nm };
}

function histogram(results: SweepResults): { labels: string[]; counts: Record<Proto, number[]> } {
  const all = PROTOCOLS.flatMap((p) => results[p].loadMs);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const bins = Math.max(1, Math.min(24, Math.ceil(Math.sqrt(all.length / 3)) + 4));
  const width = Math.max((hi - lo) / bins, 0.001);
  const labels = Array.from({ length: bins }, (_, i) => (lo + width * (i + 0.5)).toFixed(0));
  const counts = {} as Record<Proto, number[]>;
  for (const p of PROTOCOLS) {
    counts[p] = new Array(bins).fill(0);
    for (const v of results[p].loadMs) counts[p][Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  }
  return { labels, counts };
}

export class Distribution {
  readonly element: HTMLElement;
  private readonly seeds = h("select", { id: "cmp-seeds" });
  private readonly runButton = h("button", { type: "button", class: "btn", id: "cmp-sweep" });
  private readonly cancelButton = h("button", {
    type: "button",
    class: "btn secondary",
    id: "cmp-cancel",
    disabled: true,
  });
  private readonly progress = h("progress", { id: "cmp-progress", max: 100, value: 0 });
  private readonly status = h("span", { class: "muted", id: "cmp-sweep-status", "aria-live": "polite" });
  private readonly table = h("table", { class: "data", id: "cmp-dist-table" });
  private readonly formula = h("p", { class: "muted cmp-formula" });
  private readonly hist = chartBox("cmp-hist", 300);
  private readonly share = chartBox("cmp-share", 300);
  private histChart: Chart<"bar", number[], string> | undefined;
  private shareChart: Chart<"bar", number[], string> | undefined;
  private statusText: () => string = () => "";
  private last: { results: SweepResults; scenario: Scenario } | undefined;

  constructor(
    private readonly runner: SimRunner,
    private readonly scenario: () => Scenario,
  ) {
    for (const n of SEED_CHOICES) this.seeds.append(h("option", { value: n }, String(n)));
    this.seeds.value = "100";
    bindText(this.runButton, () => t("runSweep"));
    bindText(this.cancelButton, () => t("cancel"));
    bindText(this.progress, () => t("progressLabel"), "aria-label");
    this.runButton.addEventListener("click", () => void this.start());
    this.cancelButton.addEventListener("click", () => this.runner.cancelSweep());
    this.element = h(
      "div",
      {},
      bindText(h("h3"), () => t("distribution")),
      bindText(h("p", { class: "intro" }), () => t("distIntro")),
      h(
        "div",
        { class: "row cmp-sweep-row" },
        h(
          "label",
          {},
          bindText(h("span"), () => t("seeds")),
          this.seeds,
        ),
        this.runButton,
        this.cancelButton,
        this.progress,
        this.status,
      ),
      h(
        "div",
        { class: "grid2 cmp-dist-charts", hidden: true },
        h(
          "div",
          {},
          bindText(h("h4"), () => t("histTitle")),
          this.hist.box,
        ),
        h(
          "div",
          {},
          bindText(h("h4"), () => t("shareTitle")),
          this.share.box,
        ),
      ),
      this.formula,
      this.table,
    );
  }

  private setStatus(text: () => string): void {
    this.statusText = text;
    this.status.textContent = text();
  }

  async start(): Promise<void> {
    if (this.runner.sweeping) return;
    const scenario = this.scenario();
    const seeds = Number(this.seeds.value);
    this.progress.max = seeds;
    this.progress.value = 0;
    this.runButton.disabled = true;
    this.cancelButton.disabled = false;
    this.setStatus(() => t("progress", { done: 0, total: seeds }));
    try {
      const { results, ms } = await this.runner.sweep(scenario, seeds, (done, total) => {
        this.progress.value = done;
        this.setStatus(() => t("progress", { done, total }));
      });
      this.last = { results, scenario };
      this.setStatus(() => t("sweepDone", { n: seeds, ms: ms.toFixed(0) }));
      this.render();
    } catch (error) {
      this.progress.value = 0;
      if (error instanceof CancelledError) this.setStatus(() => t("cancelled"));
      else {
        const message = error instanceof Error ? error.message : String(error);
        this.setStatus(() => t("failed", { error: message }));
      }
    } finally {
      this.runButton.disabled = false;
      this.cancelButton.disabled = true;
    }
  }

  render(): void {
    this.status.textContent = this.statusText();
    const last = this.last;
    if (!last) return;
    const { results, scenario } = last;
    // Shown from the first sweep on (Chart.js measures its box when it first draws).
    this.element.querySelector<HTMLElement>(".cmp-dist-charts")!.hidden = false;
    const { labels, counts } = histogram(results);
    const histData = {
      labels,
      datasets: PROTOCOLS.map((p) => ({
        label: PROTO_NAME[p],
        data: counts[p],
        backgroundColor: PROTO_COLOR[p],
      })),
    };
    const f = formulaShare(scenario);
    const simulated = PROTOCOLS.map((p) => results[p].delayed / Math.max(1, results[p].resources));
    const formula = PROTOCOLS.map((p) => (f ? (p === "h2" ? f.all : f.own) : 0));
    const shareData = {
      labels: PROTOCOLS.map((p) => PROTO_NAME[p]),
      datasets: [
        { label: t("simulated"), data: simulated, backgroundColor: SIMULATED_COLOR },
        ...(f ? [{ label: t("formula"), data: formula, backgroundColor: FORMULA_COLOR }] : []),
      ],
    };
    this.hist.canvas.setAttribute(
      "aria-label",
      PROTOCOLS.map((p) =>
        t("histLabel", {
          p: PROTO_NAME[p],
          n: results[p].loadMs.length,
          median: quantile(
            [...results[p].loadMs].sort((a, b) => a - b),
            0.5,
          ).toFixed(1),
        }),
      ).join("; "),
    );
    this.share.canvas.setAttribute(
      "aria-label",
      PROTOCOLS.map((p, i) =>
        t("shareLabel", {
          p: PROTO_NAME[p],
          sim: simulated[i]!.toFixed(3),
          formula: f ? formula[i]!.toFixed(3) : "—",
        }),
      ).join("; "),
    );
    this.histChart = this.draw(this.histChart, this.hist.canvas, histData, t("histX"), t("histY"));
    this.shareChart = this.draw(this.shareChart, this.share.canvas, shareData, "", "", 1);
    this.formula.textContent = f
      ? t("formulaText", {
          p: f.p,
          m: f.m,
          nm: f.nm,
          own: f.own.toFixed(3),
          all: f.all.toFixed(3),
        })
      : t("noFormula");
    this.renderTable(results);
  }

  private draw(
    chart: Chart<"bar", number[], string> | undefined,
    canvas: HTMLCanvasElement,
    data: ChartConfiguration<"bar", number[], string>["data"],
    xTitle: string,
    yTitle: string,
    yMax?: number,
  ): Chart<"bar", number[], string> {
    const scales = {
      x: { title: { display: xTitle !== "", text: xTitle } },
      y: {
        beginAtZero: true,
        ...(yMax ? { max: yMax } : {}),
        title: { display: yTitle !== "", text: yTitle },
      },
    };
    if (chart) {
      chart.data = data;
      chart.options.scales = scales;
      chart.update();
      return chart;
    }
    return new Chart<"bar", number[], string>(canvas, {
      type: "bar",
      data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales,
        plugins: { legend: { position: "top", labels: { boxWidth: 12 } } },
      },
    });
  }

  private renderTable(results: SweepResults): void {
    const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
    const head = h(
      "tr",
      {},
      ...[
        t("protocol"),
        t("median"),
        t("p95"),
        t("mean"),
        t("delayedShare"),
        t("holShare"),
        t("fallbacks"),
      ].map((text, i) => h("th", { scope: "col", class: i ? "num" : "" }, text)),
    );
    const rows = PROTOCOLS.map((p) => {
      const r = results[p];
      const sorted = [...r.loadMs].sort((a, b) => a - b);
      const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
      return h(
        "tr",
        { "data-proto": p, "data-seeds": r.loadMs.length },
        h("th", { scope: "row" }, PROTO_NAME[p]),
        h("td", { class: "num", "data-stat": "median" }, `${quantile(sorted, 0.5).toFixed(1)} ms`),
        h("td", { class: "num", "data-stat": "p95" }, `${quantile(sorted, 0.95).toFixed(1)} ms`),
        h("td", { class: "num", "data-stat": "mean" }, `${mean.toFixed(1)} ms`),
        h("td", { class: "num", "data-stat": "delayed" }, pct(r.delayed, r.resources)),
        h("td", { class: "num", "data-stat": "hol" }, pct(r.holBlocked, r.resources)),
        h("td", { class: "num", "data-stat": "fallbacks" }, String(r.fallbacks)),
      );
    });
    replace(this.table, h("thead", {}, head), h("tbody", {}, ...rows));
  }
}
