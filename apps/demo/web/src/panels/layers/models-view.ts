/**
 * The OSI and TCP/IP models side by side, from @proto/osi's data: each TCP/IP layer spans the rows of the
 * OSI layers it covers (`tcpIpToOsi`), and the layers holding a protocol of the chosen stack (`layerOf`)
 * are marked.
 */
import { layerOf, OSI_LAYERS, PROTOCOLS, TCP_IP_LAYERS, tcpIpToOsi } from "@proto/osi";
import { h, replace } from "../../dom";
import { getLang } from "../../i18n";
import type { StackSpec } from "./exchange";
import { t, tPdu } from "./text";

/** The layer colour of an OSI layer (the physical layer has none: nothing of it is in the bytes). */
export function osiColour(layer: number): string {
  if (layer >= 5) return "app";
  if (layer === 4) return "transport";
  if (layer === 3) return "network";
  if (layer === 2) return "link";
  return "none";
}

const asList = (v: number | number[]) => (Array.isArray(v) ? v : [v]);

/** A protocol's display name without the parenthesised gloss ("TLS (formerly SSL)" → "TLS"). */
function shortName(key: string): string {
  return (PROTOCOLS[key]?.name ?? key).replace(/\s*\(.*\)$/, "");
}

function range(v: number | number[]): string {
  const list = asList(v);
  return list.length > 1 ? `${list[0]}–${list[list.length - 1]}` : String(list[0]);
}

function chips(keys: string[], stack: Set<string>): HTMLElement {
  return h(
    "span",
    { class: "chips" },
    ...keys.map((k) => h("span", { class: stack.has(k) ? "chip on" : "chip" }, shortName(k))),
  );
}

/** Renders the table for `stack` into `root` (call again after a language change). */
export function renderModels(root: HTMLElement, stack: StackSpec): void {
  const zh = getLang() === "zh";
  const keys = new Set(stack.protocols.map((p) => layerOf(p).protocol));
  const osiHit = new Set<number>();
  const tcpIpHit = new Set<number>();
  for (const key of keys) {
    const place = layerOf(key);
    for (const n of asList(place.osi)) osiHit.add(n);
    for (const n of asList(place.tcpIp)) tcpIpHit.add(n);
  }
  const mark = (on: boolean) =>
    on ? h("span", { class: "hit", title: t("inStack"), "aria-label": t("inStack") }, "●") : null;

  const rows = OSI_LAYERS.map((osi) => {
    const tr = h(
      "tr",
      { class: `osi-row c-${osiColour(osi.number)}${osiHit.has(osi.number) ? " hl" : ""}` },
      h("td", { class: "num" }, String(osi.number)),
      h(
        "td",
        {},
        h("strong", {}, zh ? osi.nameZh : osi.name),
        " ",
        mark(osiHit.has(osi.number)),
        h("div", { class: "role" }, zh ? osi.roleZh : osi.role),
      ),
      h("td", {}, tPdu(osi.pdu)),
      h("td", {}, chips(osi.examples, keys)),
    );
    // The TCP/IP layer starts on the row of the highest OSI layer it covers.
    const tcpIp = TCP_IP_LAYERS.find((l) => Math.max(...tcpIpToOsi(l.number)) === osi.number);
    if (tcpIp) {
      const covers = tcpIpToOsi(tcpIp.number);
      const hit = tcpIpHit.has(tcpIp.number);
      tr.append(
        h("td", { class: `num tcpip${hit ? " hl" : ""}`, rowspan: covers.length }, String(tcpIp.number)),
        h(
          "td",
          { class: `tcpip${hit ? " hl" : ""}`, rowspan: covers.length },
          h("strong", {}, zh ? tcpIp.nameZh : tcpIp.name),
          " ",
          mark(hit),
          h("div", { class: "role" }, zh ? tcpIp.roleZh : tcpIp.role),
        ),
        h("td", { class: `tcpip${hit ? " hl" : ""}`, rowspan: covers.length }, tPdu(tcpIp.pdu)),
        h("td", { class: `tcpip${hit ? " hl" : ""}`, rowspan: covers.length }, chips(tcpIp.examples, keys)),
        h("td", { class: `num tcpip${hit ? " hl" : ""}`, rowspan: covers.length }, covers.join(", ")),
      );
    }
    return tr;
  });

  const placements = [...keys].map((key) => {
    const place = layerOf(key);
    return h(
      "li",
      {},
      h("strong", {}, shortName(key)),
      ` OSI ${range(place.osi)} · TCP/IP ${range(place.tcpIp)}`,
    );
  });

  replace(
    root,
    h(
      "table",
      { class: "data models" },
      h("colgroup", {}, ...[3, 24, 7, 16, 3, 22, 9, 12, 4].map((w) => h("col", { style: `width: ${w}%` }))),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { colspan: 4, scope: "colgroup" }, t("osi")),
          h("th", { colspan: 5, scope: "colgroup", class: "tcpip" }, t("tcpip")),
        ),
        h(
          "tr",
          {},
          h("th", { class: "num", scope: "col" }, t("colNumber")),
          h("th", { scope: "col" }, t("colLayer")),
          h("th", { scope: "col" }, t("colPdu")),
          h("th", { scope: "col" }, t("colExamples")),
          h("th", { class: "num tcpip", scope: "col" }, t("colNumber")),
          h("th", { class: "tcpip", scope: "col" }, t("colLayer")),
          h("th", { class: "tcpip", scope: "col" }, t("colPdu")),
          h("th", { class: "tcpip", scope: "col" }, t("colExamples")),
          h("th", { class: "num tcpip", scope: "col" }, t("colCovers")),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
    h("ul", { class: "placements" }, ...placements),
  );
}
