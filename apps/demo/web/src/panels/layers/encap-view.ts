/**
 * One step of the encapsulation: the stacked diagram (one row per PDU so far), the bytes coloured by
 * layer, and the header fields decoded from them.
 */
import type { LayerKind, LayerMapEntry } from "@proto/osi";
import { h, replace } from "../../dom";
import type { Part, Row } from "./apps";
import type { Exchange } from "./exchange";
import { headerRows } from "./headers";
import { t, tField, tPart, tPdu } from "./text";

export type Colour = "app" | "transport" | "network" | "link" | "trailer";

export const STEP_COUNT = 4;

export function colourOf(kind: LayerKind): Colour {
  if (kind === "ethernet") return "link";
  if (kind === "ipv4" || kind === "ipv6") return "network";
  if (kind === "tcp" || kind === "udp") return "transport";
  return "app";
}

/** The layers of the map innermost first: step k shows the first k + 1 of them. */
export function innermostFirst(x: Exchange): LayerMapEntry[] {
  return [...x.map.layers].reverse();
}

/** The PDU at step `step`: the outermost layer's header and everything it carries. */
export function pduAt(x: Exchange, step: number): { entry: LayerMapEntry; bytes: Uint8Array } {
  const entry = innermostFirst(x)[step]!;
  return { entry, bytes: x.map.bytes.subarray(entry.offset, entry.offset + entry.length) };
}

const LEGEND = {
  app: "legendApp",
  transport: "legendTransport",
  network: "legendNetwork",
  link: "legendLink",
} as const;

const APP_NAMES = { ws: "WebSocket", h2: "HTTP/2", h3: "HTTP/3 · QUIC" } as const;

function layerName(x: Exchange, entry: LayerMapEntry): string {
  return entry.layer === "application" ? APP_NAMES[x.stack.id] : entry.name;
}

export function stepText(x: Exchange, step: number): string {
  const { entry } = pduAt(x, step);
  const what =
    step === 0
      ? t("stepApp", { bytes: entry.length })
      : t("stepAdd", {
          name: entry.name,
          header: entry.headerLength,
          pdu: tPdu(entry.pdu),
          bytes: entry.length,
        });
  return t("stepOf", { n: step + 1, total: STEP_COUNT, what });
}

/** Rows of the classic diagram: the message on top, each row below wrapped in one more header. */
export function renderDiagram(root: HTMLElement, x: Exchange, step: number): void {
  const layers = innermostFirst(x);
  const app = layers[0]!;
  const rows: HTMLElement[] = [];
  for (let s = 0; s <= step; s++) {
    const outer = layers[s]!;
    const cells: HTMLElement[] = [h("div", { class: "d-label" }, tPdu(outer.pdu))];
    // Columns: link, network, transport, application (grid columns 2-5).
    for (let j = s; j >= 1; j--) {
      const entry = layers[j]!;
      const colour = colourOf(entry.layer);
      cells.push(
        h(
          "div",
          { class: `d-cell l-${colour}`, style: `grid-column: ${5 - j}` },
          h("span", { class: "d-name" }, layerName(x, entry)),
          h("span", { class: "d-size" }, t("bytes", { n: entry.headerLength })),
        ),
      );
    }
    cells.push(
      h(
        "div",
        { class: `d-cell l-app${s > 0 ? " d-payload" : ""}`, style: "grid-column: 5" },
        h("span", { class: "d-name" }, layerName(x, app)),
        h("span", { class: "d-size" }, t("bytes", { n: app.length })),
      ),
    );
    rows.push(h("div", { class: "d-row", "data-step": s }, ...cells));
  }
  replace(root, ...rows);
}

interface ByteStyle {
  colour: Colour;
  header: boolean;
}

/** A hex dump, 16 bytes a line, each byte a span carrying its layer (`data-layer`) and colour. */
export function hexDump(bytes: Uint8Array, styleOf: (i: number) => ByteStyle): HTMLElement {
  const lines: HTMLElement[] = [];
  for (let line = 0; line < bytes.length; line += 16) {
    const spans: Node[] = [h("span", { class: "off" }, line.toString(16).padStart(4, "0"))];
    for (let i = line; i < Math.min(bytes.length, line + 16); i++) {
      const style = styleOf(i);
      spans.push(document.createTextNode(" "));
      spans.push(
        h(
          "span",
          { class: `lb l-${style.colour}${style.header ? "" : " soft"}`, "data-layer": style.colour },
          bytes[i]!.toString(16).padStart(2, "0"),
        ),
      );
    }
    lines.push(h("div", { class: "hex-line" }, ...spans));
  }
  return h("div", { class: "hex layers-hex" }, ...lines);
}

function partAt(parts: Part[], i: number): Part | undefined {
  return parts.find((p) => i >= p.start && i < p.end);
}

/** The bytes of the PDU at `step`, coloured by the layer each belongs to. */
export function renderHex(root: HTMLElement, x: Exchange, step: number): void {
  const { entry, bytes } = pduAt(x, step);
  const layers = x.map.layers;
  const app = layers[layers.length - 1]!;
  const network = layers.find((l) => l.layer === "ipv4" || l.layer === "ipv6");
  const styleOf = (i: number): ByteStyle => {
    const at = entry.offset + i;
    if (network && at >= network.offset + network.length) return { colour: "trailer", header: true };
    if (at >= app.offset) {
      const part = partAt(x.app.parts, at - app.offset);
      return { colour: "app", header: part?.header ?? false };
    }
    const owner = [...layers].reverse().find((l) => at >= l.offset)!;
    return { colour: colourOf(owner.layer), header: true };
  };
  const dump = hexDump(bytes, styleOf);
  dump.id = "layers-hex";
  dump.dataset.stack = x.stack.id;
  dump.dataset.step = String(step);
  dump.setAttribute("role", "group");
  dump.setAttribute("aria-label", t("hexLabel"));
  const present = new Set(
    innermostFirst(x)
      .slice(0, step + 1)
      .map((l) => colourOf(l.layer)),
  );
  const legend = h(
    "div",
    { class: "legend" },
    ...(Object.keys(LEGEND) as Array<keyof typeof LEGEND>)
      .filter((c) => present.has(c))
      .map((c) => h("span", {}, h("span", { class: `swatch l-${c}` }), t(LEGEND[c]))),
    h("span", {}, h("span", { class: "swatch l-app" }), t("legendHeaderPart")),
  );
  const parts = h(
    "ul",
    { class: "parts" },
    ...x.app.parts.map((p) =>
      h(
        "li",
        {},
        h("span", { class: `swatch l-app${p.header ? "" : " soft"}` }),
        `${tPart(p.key, p.args)} · ${t("bytes", { n: p.end - p.start })}`,
      ),
    ),
  );
  replace(
    root,
    h("h4", {}, t("hexTitle", { bytes: bytes.length })),
    dump,
    legend,
    parts,
    step === STEP_COUNT - 1 ? h("p", { class: "muted small" }, t("noTrailer")) : null,
  );
}

function rowsTable(title: string, rows: Row[]): HTMLElement {
  return h(
    "table",
    { class: "data fields" },
    h("caption", {}, title),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("field")), h("th", { scope: "col" }, t("value")))),
    h(
      "tbody",
      {},
      ...rows.map((r) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, tField(r.key)),
          h(
            "td",
            { class: "mono" },
            r.value,
            r.bytes === undefined ? null : ` = ${t("bytes", { n: r.bytes })}`,
            r.ok === undefined
              ? null
              : h("span", { class: r.ok ? "ok" : "bad" }, r.ok ? ` ✓ ${t("valid")}` : ` ✗ ${t("invalid")}`),
          ),
        ),
      ),
    ),
  );
}

/** The decoded header fields of every layer present at `step`, outermost first. */
export function renderFields(root: HTMLElement, x: Exchange, step: number): void {
  const tables = innermostFirst(x)
    .slice(0, step + 1)
    .reverse()
    .map((entry) => {
      const colour = colourOf(entry.layer);
      const title = `${layerName(x, entry)} · ${t("bytes", { n: entry.layer === "application" ? entry.length : entry.headerLength })}`;
      const rows = entry.layer === "application" ? x.app.fields : headerRows(x.map, entry);
      const table = rowsTable(title, rows);
      table.classList.add(`edge-${colour}`);
      table.dataset.layer = colour;
      return table;
    });
  replace(root, h("h4", {}, t("fieldsTitle")), ...tables);
}

/** HTTP/3: the decrypted payload of the QUIC packet, coloured by part. */
export function renderInner(root: HTMLElement, x: Exchange): void {
  const inner = x.app.inner;
  root.hidden = inner === undefined;
  if (!inner) {
    replace(root);
    return;
  }
  const dump = hexDump(inner.bytes, (i) => ({
    colour: "app",
    header: partAt(inner.parts, i)?.header ?? false,
  }));
  dump.id = "layers-inner-hex";
  replace(
    root,
    h("h3", {}, t("insideTitle")),
    h("p", { class: "muted" }, t("insideHelp")),
    h(
      "div",
      { class: "grid2" },
      h(
        "div",
        {},
        dump,
        h(
          "ul",
          { class: "parts" },
          ...inner.parts.map((p) =>
            h(
              "li",
              {},
              h("span", { class: `swatch l-app${p.header ? "" : " soft"}` }),
              `${tPart(p.key, p.args)} · ${t("bytes", { n: p.end - p.start })}`,
            ),
          ),
        ),
      ),
      rowsTable("STREAM · HTTP/3", inner.fields),
    ),
  );
}
