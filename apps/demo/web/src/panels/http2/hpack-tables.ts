/**
 * The two HPACK tables (RFC 7541 §2.3): the dynamic table as it stands after a block (index 62 is the
 * newest entry; each entry costs name + value + 32 octets, §4.1), and the 61-entry static table
 * (Appendix A), filterable, with the entries a block used marked.
 */
import { STATIC_TABLE } from "@proto/hpack";
import { h, replace } from "../../dom";
import { bindText, strings } from "../../i18n";
import { shown } from "./hpack-blocks";
import type { TableSnapshot } from "./hpack-model";

const t = strings({
  index: ["Index", "索引"],
  name: ["Name", "名字"],
  value: ["Value", "值"],
  size: ["Size", "大小"],
  used: ["Used", "已用"],
  usedMark: ["used", "已引用"],
  emptyTable: ["(empty: nothing has been indexed)", "（空：还没有任何条目被加入）"],
  fill: [
    "{n} entries, {size} of {max} bytes (an entry costs name + value + 32 bytes)",
    "{n} 个条目，占用 {size} / {max} 字节（每个条目 = 名字 + 值 + 32 字节）",
  ],
  staticSummary: [
    "The static table: 61 entries (RFC 7541 Appendix A)",
    "静态表：61 个条目（RFC 7541 附录 A）",
  ],
  filter: ["Filter the static table", "筛选静态表"],
  filterHint: ["name or value", "名字或值"],
  noMatch: ["No entry matches.", "没有匹配的条目。"],
  staticNote: [
    "Both ends know these entries by heart, so a field found here costs one byte from the very first request; a name found here saves sending the name.",
    "两端都内置这张表：完全匹配的字段从第一个请求起就只需一个字节；只匹配名字时可以省去发送名字。",
  ],
});

/** The dynamic table after a block, newest first (index 62 first). */
export function dynamicTable(table: TableSnapshot, id: string): HTMLElement {
  const rows = table.entries.map(([name, value], i) =>
    h(
      "tr",
      {},
      h("td", { class: "num" }, 62 + i),
      h("td", { class: "mono" }, shown(name, 30)),
      h("td", { class: "mono hp-value", title: shown(value, 400) }, shown(value, 50)),
      h("td", { class: "num" }, name.length + value.length + 32),
    ),
  );
  return h(
    "div",
    {},
    h(
      "p",
      { class: "muted hp-fill" },
      t("fill", { n: table.entries.length, size: table.size, max: table.maxSize }),
    ),
    h(
      "div",
      { class: "scroll hp-dyn-wrap" },
      h(
        "table",
        { class: "data", id },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { class: "num" }, t("index")),
            h("th", {}, t("name")),
            h("th", {}, t("value")),
            h("th", { class: "num" }, t("size")),
          ),
        ),
        h(
          "tbody",
          {},
          ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 4, class: "muted" }, t("emptyTable")))]),
        ),
      ),
    ),
  );
}

/** The static table in a <details>, with a filter; `update(used)` marks the indices a block referenced. */
export function staticTable(): { el: HTMLElement; update(used: ReadonlySet<number>): void } {
  let used: ReadonlySet<number> = new Set();
  const input = h("input", { type: "text", id: "hpack-static-filter", autocomplete: "off" });
  bindText(input, () => t("filterHint"), "placeholder");
  const body = h("tbody");
  const head = h("thead");
  const render = () => {
    const q = input.value.trim().toLowerCase();
    const rows = STATIC_TABLE.flatMap(([name, value], i) =>
      q && !name.includes(q) && !value.toLowerCase().includes(q)
        ? []
        : [
            h(
              "tr",
              { class: used.has(i + 1) ? "hp-used" : undefined },
              h("td", { class: "num" }, i + 1),
              h("td", { class: "mono" }, name),
              h("td", { class: "mono" }, value),
              h("td", {}, used.has(i + 1) ? h("span", { class: "badge hp-indexed" }, t("usedMark")) : ""),
            ),
          ],
    );
    replace(
      head,
      h(
        "tr",
        {},
        h("th", { class: "num" }, t("index")),
        h("th", {}, t("name")),
        h("th", {}, t("value")),
        h("th", {}, t("used")),
      ),
    );
    replace(body, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 4 }, t("noMatch")))]));
  };
  input.addEventListener("input", render);
  const el = h(
    "details",
    { class: "card hp-static", id: "hpack-static" },
    bindText(h("summary"), () => t("staticSummary")),
    bindText(h("p", { class: "muted" }), () => t("staticNote")),
    h(
      "label",
      { for: "hpack-static-filter" },
      bindText(h("span"), () => t("filter")),
      input,
    ),
    h("div", { class: "scroll" }, h("table", { class: "data" }, head, body)),
  );
  render();
  return {
    el,
    update(next) {
      used = next;
      render();
    },
  };
}
