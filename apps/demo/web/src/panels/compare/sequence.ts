/**
 * The handshake of each protocol as an SVG sequence diagram: client and server lifelines, one arrow per
 * flight (dashed for acknowledgements only, cut short with ✕ when dropped), time running downwards on
 * an axis that stretches short gaps (so labels fit) and shortens long idle ones (marked ≈).
 */
import { h, replace } from "../../dom";
import { bindText } from "../../i18n";
import { PROTO_COLOR, PROTO_NAME } from "./charts";
import { type Flight, type SequenceData, sequenceOf } from "./flights";
import { type Key, t } from "./strings";
import { roundTrips } from "./summary";
import { PROTOCOLS, type Proto, type RunResults, type Scenario } from "./types";

const NS = "http://www.w3.org/2000/svg";
const W = 440;
const CLIENT_X = 96;
const SERVER_X = 392;
const TOP = 58;
const MIN_GAP = 16;
const MAX_GAP = 90;
const LINE = 12;
const DROP_Y = 22;

function svg(
  tag: string,
  attrs: Record<string, string | number>,
  ...children: Array<Node | string>
): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** A monotone time → y map: real time at a common scale, each step clamped to [MIN_GAP, MAX_GAP]. */
function timeAxis(times: number[], pxPerMs: number) {
  const sorted = [...new Set(times.map((x) => Math.round(x * 1000) / 1000))].sort((a, b) => a - b);
  const ys = new Map<number, number>();
  const breaks: Array<{ y: number; ms: number }> = [];
  let y = TOP;
  sorted.forEach((time, i) => {
    if (i > 0) {
      const dt = time - sorted[i - 1]!;
      const natural = dt * pxPerMs;
      const dy = Math.min(MAX_GAP, Math.max(MIN_GAP, natural));
      if (natural > MAX_GAP) breaks.push({ y: y + dy / 2, ms: dt });
      y += dy;
    }
    ys.set(time, y);
  });
  const at = (time: number) => ys.get(Math.round(time * 1000) / 1000) ?? TOP;
  return { at, bottom: y, breaks };
}

const textWidth = (s: string) => [...s].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 10.5 : 5.9), 0);

function labelLines(f: Flight): string[] {
  const lines = f.parts.map(({ key, n }) => `${t(key as Key)}${n > 1 ? ` ${t("times", { n })}` : ""}`);
  for (const d of f.drops) lines.push(`✕ ${t(`drop_${d.reason}` as Key, { n: d.n })}`);
  return lines;
}

/** One protocol's diagram. */
export function sequenceSvg(p: Proto, data: SequenceData, pxPerMs: number, caption: string): SVGElement {
  const { flights } = data;
  const times = flights.flatMap((f) => (f.recv === undefined ? [f.sent] : [f.sent, f.recv]));
  if (data.raceMs !== undefined) times.push(data.raceMs);
  const axis = timeAxis(times.length ? times : [0], pxPerMs);
  const height = axis.bottom + 34;
  const root = svg("svg", {
    viewBox: `0 0 ${W} ${height}`,
    class: "cmp-seq",
    role: "img",
    "aria-label": `${PROTO_NAME[p]}: ${caption}`,
    "data-protocol": p,
    "data-flights": flights.length,
  });
  root.append(svg("title", {}, `${PROTO_NAME[p]}: ${caption}`));
  const marker = (kind: string) =>
    svg(
      "marker",
      {
        id: `cmp-arrow-${p}-${kind}`,
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: "auto",
      },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: `cmp-seq-head-${kind}` }),
    );
  root.append(svg("defs", {}, marker("data"), marker("ack")));
  for (const [x, key] of [
    [CLIENT_X, "client"],
    [SERVER_X, "server"],
  ] as const) {
    root.append(
      svg("rect", { x: x - 44, y: 8, width: 88, height: 24, rx: 5, class: "cmp-seq-actor" }),
      svg("text", { x, y: 25, "text-anchor": "middle", class: "cmp-seq-actor-text" }, t(key)),
      svg("line", { x1: x, y1: 32, x2: x, y2: axis.bottom + 20, class: "cmp-seq-life" }),
    );
  }
  for (const b of axis.breaks) {
    root.append(
      svg("path", { d: `M4,${b.y - 3} l6,-4 l6,8 l6,-4`, class: "cmp-seq-break" }),
      svg("text", { x: 26, y: b.y + 3, class: "cmp-seq-tick" }, `≈ ${b.ms.toFixed(0)} ms`),
    );
  }
  if (data.raceMs !== undefined) {
    const y = axis.at(data.raceMs);
    root.append(
      svg("line", { x1: CLIENT_X, y1: y, x2: SERVER_X, y2: y, class: "cmp-seq-race" }),
      svg(
        "text",
        { x: (CLIENT_X + SERVER_X) / 2, y: y - 4, "text-anchor": "middle", class: "cmp-seq-race-text" },
        t("raceLine", { ms: data.raceMs.toFixed(0) }),
      ),
    );
  }
  let lastTick = Number.NEGATIVE_INFINITY;
  const placed: Array<{ x0: number; x1: number; y0: number; y1: number }> = [];
  for (const f of flights) {
    const toServer = f.dir === "toServer";
    const x1 = toServer ? CLIENT_X : SERVER_X;
    const y1 = axis.at(f.sent);
    const lost = f.recv === undefined;
    // Every packet dropped: the arrow stops halfway at a ✕.
    const x2 = lost ? (CLIENT_X + SERVER_X) / 2 : toServer ? SERVER_X : CLIENT_X;
    const y2 = lost ? y1 + DROP_Y : axis.at(f.recv!);
    if (y1 - lastTick >= LINE) {
      root.append(svg("text", { x: 4, y: y1 + 3, class: "cmp-seq-tick" }, `${f.sent.toFixed(1)} ms`));
      lastTick = y1;
    }
    const kind = lost ? "drop" : f.ackOnly ? "ack" : "data";
    root.append(
      svg("line", {
        x1,
        y1,
        x2,
        y2,
        class: `cmp-seq-arrow cmp-seq-${kind}`,
        ...(lost ? {} : { "marker-end": `url(#cmp-arrow-${p}-${kind})` }),
      }),
    );
    if (f.drops.length) {
      // Some (or all) of its packets were dropped: a ✕ on the arrow, the reasons in the label.
      const at = lost ? 1 : 0.75;
      const [xx, yy] = [x1 + (x2 - x1) * at, y1 + (y2 - y1) * at];
      root.append(svg("text", { x: xx, y: yy + 5, "text-anchor": "middle", class: "cmp-seq-x" }, "✕"));
    }
    if (f.ackOnly && !f.drops.length) continue;
    const lines = labelLines(f);
    const w = Math.max(...lines.map(textWidth));
    const hgt = lines.length * LINE;
    // Try along the arrow until the label overlaps no earlier one.
    let best: { x: number; y: number } | undefined;
    for (const frac of [0.5, 0.35, 0.65, 0.2, 0.8]) {
      const cx = x1 + (x2 - x1) * frac;
      const cy = y1 + (y2 - y1) * frac - 3;
      const box = { x0: cx - w / 2, x1: cx + w / 2, y0: cy - hgt, y1: cy };
      if (!placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) {
        best = { x: cx, y: cy };
        placed.push(box);
        break;
      }
    }
    best ??= { x: x1 + (x2 - x1) / 2, y: y1 + (y2 - y1) / 2 - 3 };
    const x = Math.min(W - w / 2 - 2, Math.max(w / 2 + 2, best.x));
    const text = svg("text", {
      x,
      y: best.y - hgt + LINE - 2,
      "text-anchor": "middle",
      class: "cmp-seq-label",
    });
    lines.forEach((line, i) => {
      text.append(svg("tspan", { x, dy: i === 0 ? 0 : LINE }, line));
    });
    root.append(text);
  }
  return root;
}

export class Sequences {
  readonly element: HTMLElement;
  private readonly columns = new Map<Proto, HTMLElement>();
  private last: { results: RunResults; scenario: Scenario } | undefined;

  constructor() {
    const grid = h("div", { class: "cmp-grid3" });
    for (const p of PROTOCOLS) {
      const column = h("figure", { class: "cmp-col cmp-seq-fig", id: `cmp-seq-${p}` });
      this.columns.set(p, column);
      grid.append(column);
    }
    const legend = h("p", { class: "legend muted" });
    bindText(legend, () => `${t("legendAck")} · ${t("legendDrop")}`);
    this.element = h(
      "div",
      {},
      bindText(h("h3"), () => t("sequence")),
      bindText(h("p", { class: "intro" }), () => t("sequenceIntro")),
      legend,
      grid,
    );
  }

  show(results: RunResults, scenario: Scenario): void {
    this.last = { results, scenario };
    this.render();
  }

  render(): void {
    const last = this.last;
    if (!last) return;
    const { results, scenario } = last;
    const data = new Map(PROTOCOLS.map((p) => [p, sequenceOf(results[p], p, scenario)] as const));
    const span = Math.max(
      ...[...data.values()].map((d) => d.endMs - (d.raceMs ?? 0) + scenario.network.rttMs * 0.25),
    );
    const pxPerMs = 360 / Math.max(1, span);
    for (const p of PROTOCOLS) {
      const r = results[p];
      const d = data.get(p)!;
      let caption = t("never");
      if (r.requestSentUs >= 0) {
        const { n, raced } = roundTrips(r, p, scenario);
        const ms = (r.requestSentUs / 1000).toFixed(1);
        caption = raced
          ? t("afterRace", { race: (d.raceMs ?? 0).toFixed(0), n, ms })
          : t("afterRtt", { n, ms });
      }
      replace(
        this.columns.get(p)!,
        h(
          "figcaption",
          {},
          h("span", { class: "swatch", style: `background:${PROTO_COLOR[p]}` }),
          h("strong", {}, PROTO_NAME[p]),
          " ",
          h("span", { class: "cmp-rtt", "data-protocol": p }, caption),
        ),
        sequenceSvg(p, d, pxPerMs, caption),
        d.more ? h("p", { class: "muted" }, t("moreFlights", { n: d.more })) : null,
      );
    }
  }
}
