/** Small view helpers shared by the QUIC panel's cards. */
import { h } from "../../dom";
import { t } from "./text";

/** A hex dump, `perLine` bytes a line with offsets; each byte a span with the class `classOf` gives it. */
export function hexGrid(bytes: Uint8Array, classOf: (i: number) => string, perLine = 16): HTMLElement {
  const lines: HTMLElement[] = [];
  for (let line = 0; line < bytes.length; line += perLine) {
    const cells: Node[] = [h("span", { class: "off" }, line.toString(16).padStart(4, "0"))];
    for (let i = line; i < Math.min(bytes.length, line + perLine); i++) {
      cells.push(document.createTextNode(" "));
      cells.push(h("span", { class: `qb ${classOf(i)}` }, bytes[i]!.toString(16).padStart(2, "0")));
    }
    lines.push(h("div", { class: "hex-line" }, ...cells));
  }
  return h("div", { class: "hex quic-hex" }, ...lines);
}

/** A legend entry: a swatch in class `cls` and its label. */
export function swatch(cls: string, label: string): HTMLElement {
  return h("span", {}, h("span", { class: `swatch ${cls}` }), label);
}

/** A section card with a numbered title and an optional explanation. */
export function card(
  id: string,
  title: string,
  help: string | null,
  ...children: Array<Node | null>
): HTMLElement {
  return h(
    "section",
    { class: "card", id },
    h("h3", {}, title),
    help ? h("p", { class: "muted help" }, help) : null,
    ...children,
  );
}

/** A value in monospace, with an id tests and readers can find. */
export function code(id: string | undefined, text: string): HTMLElement {
  return h("code", id ? { id, class: "val" } : { class: "val" }, text);
}

/** A two- or three-column table: [label, value] or [label, how, value]. */
export function kvTable(head: string[], rows: Array<Array<Node | string>>): HTMLElement {
  return h(
    "table",
    { class: "data kv" },
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...rows.map(([first, ...rest]) =>
        h("tr", {}, h("th", { scope: "row" }, first ?? ""), ...rest.map((c) => h("td", {}, c))),
      ),
    ),
  );
}

export const bytesText = (n: number) => t("bytes", { n });
