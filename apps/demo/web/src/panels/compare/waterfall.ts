/**
 * One waterfall per protocol: a horizontal floating-bar chart (Chart.js, indexAxis "y") with a bar per
 * resource from the start of the page load, split into waiting, receiving (orange when it waited for a
 * retransmission) and head-of-line blocked time (red), under a first row for the connection and TLS.
 */
import type { PageLoadResult } from "@proto/quic-sim";
import type { ChartConfiguration, ChartDataset, TooltipItem } from "chart.js";
import { h } from "../../dom";
import { bindText } from "../../i18n";
import { Chart, chartBox, PROTO_COLOR, PROTO_NAME, WATERFALL_COLOR } from "./charts";
import { type Key, t } from "./strings";
import { PROTOCOLS, type Proto, type RunResults } from "./types";

type Span = [number, number] | null;
type Series = { key: Key; color: keyof typeof WATERFALL_COLOR; data: Span[] };

const f1 = (v: number) => v.toFixed(1);

/** The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k) at or above `v`: a common axis end. */
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(v));
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((s) => s * mag >= v * 0.999) ?? 10;
  return step * mag;
}

/** The bars of one page load, in ms. */
export function waterfallSeries(r: PageLoadResult): Series[] {
  const req = r.requestSentUs / 1000;
  const pageEnd = r.completeUs / 1000;
  const rows = r.resources.map((x) => {
    const end = x.completeUs >= 0 ? x.completeUs / 1000 : pageEnd;
    const arrived = end - x.blockedUs / 1000;
    const first = x.firstByteUs >= 0 ? x.firstByteUs / 1000 : end;
    return { x, end, arrived, first };
  });
  const head: Span[] = [r.requestSentUs >= 0 ? [0, req] : null];
  const none: Span[] = [null];
  return [
    { key: "wHandshake", color: "handshake", data: [...head, ...rows.map(() => null)] },
    {
      key: "wWaiting",
      color: "waiting",
      data: [...none, ...rows.map(({ first }): Span => (req >= 0 && first > req ? [req, first] : null))],
    },
    {
      key: "wReceiving",
      color: "receiving",
      data: [
        ...none,
        ...rows.map(({ x, first, arrived }): Span => (x.delayedByLoss ? null : [first, arrived])),
      ],
    },
    {
      key: "wDelayed",
      color: "delayed",
      data: [
        ...none,
        ...rows.map(({ x, first, arrived }): Span => (x.delayedByLoss ? [first, arrived] : null)),
      ],
    },
    {
      key: "wBlocked",
      color: "blocked",
      data: [...none, ...rows.map(({ x, end, arrived }): Span => (x.blockedUs > 0 ? [arrived, end] : null))],
    },
  ];
}

export class Waterfalls {
  readonly element: HTMLElement;
  private readonly charts = new Map<Proto, Chart<"bar", Span[], string>>();
  private readonly boxes = new Map<Proto, { box: HTMLDivElement; canvas: HTMLCanvasElement }>();
  private last: RunResults | undefined;

  constructor() {
    const columns = PROTOCOLS.map((p) => {
      const chart = chartBox(`cmp-waterfall-${p}`, 240);
      chart.canvas.dataset.protocol = p;
      this.boxes.set(p, chart);
      return h(
        "div",
        { class: "cmp-col" },
        h("h4", {}, h("span", { class: "swatch", style: `background:${PROTO_COLOR[p]}` }), PROTO_NAME[p]),
        chart.box,
      );
    });
    this.element = h(
      "div",
      {},
      bindText(h("h3"), () => t("waterfall")),
      bindText(h("p", { class: "intro" }), () => t("waterfallIntro")),
      h("div", { class: "cmp-grid3" }, ...columns),
    );
  }

  show(results: RunResults): void {
    this.last = results;
    this.render();
  }

  render(): void {
    const results = this.last;
    if (!results) return;
    const xMax = niceCeil(Math.max(...PROTOCOLS.map((p) => results[p].completeUs / 1000)));
    for (const p of PROTOCOLS) {
      const r = results[p];
      const rows = r.resources.length + 1;
      const rowPx = Math.max(7, Math.min(22, 420 / rows));
      const { box, canvas } = this.boxes.get(p)!;
      box.style.height = `${Math.round(90 + rows * rowPx)}px`;
      const labels = [t("rowHandshake"), ...r.resources.map((_, i) => `#${i + 1}`)];
      const datasets: ChartDataset<"bar", Span[]>[] = waterfallSeries(r).map((s) => ({
        label: t(s.key),
        data: s.data,
        backgroundColor: WATERFALL_COLOR[s.color],
        borderWidth: 0,
      }));
      canvas.setAttribute(
        "aria-label",
        t("waterfallLabel", {
          p: PROTO_NAME[p],
          n: r.resources.length,
          ms: f1(r.completeUs / 1000),
          hol: r.resources.filter((x) => x.blockedUs > 0).length,
        }),
      );
      const existing = this.charts.get(p);
      if (existing) {
        existing.data = { labels, datasets };
        existing.options.scales!.x!.max = xMax;
        (existing.options.scales!.x as { title: { text: string } }).title.text = t("axisMs");
        existing.update();
        existing.resize();
        continue;
      }
      this.charts.set(p, new Chart(canvas, this.config(labels, datasets, xMax)));
    }
  }

  private config(
    labels: string[],
    datasets: ChartDataset<"bar", Span[]>[],
    xMax: number,
  ): ChartConfiguration<"bar", Span[], string> {
    return {
      type: "bar",
      data: { labels, datasets },
      options: {
        indexAxis: "y",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        datasets: { bar: { grouped: false, barPercentage: 0.85, categoryPercentage: 1 } },
        scales: {
          x: { type: "linear", min: 0, max: xMax, title: { display: true, text: t("axisMs") } },
          y: { type: "category", ticks: { autoSkip: true, font: { size: 11 } } },
        },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 12, font: { size: 11 } } },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<"bar">) => {
                const span = item.raw as Span;
                if (!span) return "";
                return t("tipRange", { what: item.dataset.label ?? "", from: f1(span[0]), to: f1(span[1]) });
              },
            },
          },
        },
      },
    };
  }
}
