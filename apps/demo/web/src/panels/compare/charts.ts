/** Chart.js, with only the pieces the compare panel draws (bar charts), and the panel's colours. */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { h } from "../../dom";
import type { Proto } from "./types";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || "system-ui, sans-serif";
Chart.defaults.color = "#334155";

export { Chart };

export const PROTO_NAME: Record<Proto, string> = { h1: "HTTP/1.1", h2: "HTTP/2", h3: "HTTP/3" };
export const PROTO_COLOR: Record<Proto, string> = { h1: "#d97706", h2: "#2563eb", h3: "#16a34a" };

export const WATERFALL_COLOR = {
  handshake: "#a78bfa",
  waiting: "#cbd5e1",
  receiving: "#38bdf8",
  delayed: "#f59e0b",
  blocked: "#dc2626",
} as const;

/** A canvas in a sized box: Chart.js fills its parent, so the box sets the chart's height. */
export function chartBox(id: string, height: number): { box: HTMLDivElement; canvas: HTMLCanvasElement } {
  const canvas = h("canvas", { id, role: "img" });
  const box = h("div", { class: "cmp-chart", style: `height:${height}px` }, canvas);
  return { box, canvas };
}

export const ms = (us: number, digits = 1) => (us / 1000).toFixed(digits);
