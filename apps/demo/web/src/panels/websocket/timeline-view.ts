/**
 * The heartbeat on a time line: the server's Pings above the axis, the browser's automatic Pongs below,
 * at the times the tap saw them on the wire, with the round trip of the last pair.
 */
import { Opcode } from "@proto/ws-frame";
import { h, hex, replace } from "../../dom";
import { bindText, onLanguageChange } from "../../i18n";
import { t } from "./strings";
import type { WireFrame } from "./wire";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 1000;
const HEIGHT = 96;
const WINDOW_MS = 60_000;

interface Beat {
  t: number;
  kind: "ping" | "pong";
  payload: string;
}

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: Array<SVGElement | string>
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

export interface TimelineView {
  root: HTMLElement;
  add(frames: WireFrame[]): void;
  reset(): void;
}

export function timelineView(heartbeatMs: number): TimelineView {
  const beats: Beat[] = [];
  let lastRtt: number | undefined;
  const chart = h("div", { class: "ws-timeline", id: "ws-timeline", role: "img" });
  const summary = h("p", { class: "ws-small", id: "ws-rtt" });

  const text = (bytes: Uint8Array) => {
    const s = new TextDecoder().decode(bytes);
    return /^[\x20-\x7e]*$/.test(s) ? s : hex(bytes, 16);
  };

  function render(): void {
    const pings = beats.filter((b) => b.kind === "ping").length;
    const pongs = beats.length - pings;
    chart.dataset.pings = String(pings);
    chart.dataset.pongs = String(pongs);
    const end = Math.max(WINDOW_MS, beats.at(-1)?.t ?? 0);
    const start = end - WINDOW_MS;
    const x = (ms: number) => ((ms - start) / WINDOW_MS) * (WIDTH - 20) + 10;
    const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: "100%", "aria-hidden": "true" });
    root.append(svg("line", { x1: 10, x2: WIDTH - 10, y1: 44, y2: 44, class: "ws-axis" }));
    for (let s = Math.ceil(start / 10_000) * 10; s * 1000 <= end; s += 10) {
      root.append(
        svg("line", { x1: x(s * 1000), x2: x(s * 1000), y1: 40, y2: 48, class: "ws-axis" }),
        svg("text", { x: x(s * 1000), y: HEIGHT - 4, "text-anchor": "middle", class: "ws-tick" }, `${s} s`),
      );
    }
    for (const beat of beats) {
      if (beat.t < start) continue;
      const cx = x(beat.t);
      const points =
        beat.kind === "ping" ? `${cx - 7},14 ${cx + 7},14 ${cx},36` : `${cx - 7},74 ${cx + 7},74 ${cx},52`;
      root.append(
        svg(
          "polygon",
          { points, class: `ws-${beat.kind}` },
          svg("title", {}, `${beat.kind} ${beat.t.toFixed(1)} ms “${beat.payload}”`),
        ),
      );
    }
    replace(chart, root);
    chart.setAttribute("aria-label", t("timelineLabel", { pings, pongs, s: Math.round(WINDOW_MS / 1000) }));
    replace(
      summary,
      lastRtt === undefined
        ? t("noPings", { hb: heartbeatMs / 1000 })
        : t("lastRtt", { ms: lastRtt.toFixed(1) }),
    );
  }

  const root = h(
    "div",
    { class: "card" },
    bindText(h("h3"), () => t("heartbeat")),
    bindText(h("p", { class: "muted ws-small" }), () => t("heartbeatNote")),
    chart,
    summary,
  );
  // The computed texts (label, summary) follow the language too.
  onLanguageChange(render);

  return {
    root,
    add(frames) {
      let changed = false;
      for (const frame of frames) {
        if (frame.opcode !== Opcode.PING && frame.opcode !== Opcode.PONG) continue;
        const kind = frame.opcode === Opcode.PING ? "ping" : "pong";
        const payload = text(frame.payload);
        beats.push({ t: frame.t, kind, payload });
        if (kind === "pong") {
          for (let i = beats.length - 1; i >= 0; i--) {
            const ping = beats[i]!;
            if (ping.kind !== "ping" || ping.payload !== payload || ping.t > frame.t) continue;
            lastRtt = frame.t - ping.t;
            break;
          }
        }
        changed = true;
      }
      if (beats.length > 500) beats.splice(0, beats.length - 500);
      if (changed) render();
    },
    reset() {
      beats.length = 0;
      lastRtt = undefined;
      render();
    },
  };
}
