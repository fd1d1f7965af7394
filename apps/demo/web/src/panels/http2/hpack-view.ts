/**
 * The HPACK playground: edit a header list, and see it encoded twice on one connection: the first
 * request, then the same request again, where most fields shrink to a single indexed byte. All of it
 * runs in the browser on @proto/hpack.
 */
import { field, h, replace } from "../../dom";
import { bindText, onLanguageChange, strings } from "../../i18n";
import { hexView, KIND_CLASS, kindLabel, kindLegend, readingTable, shown } from "./hpack-blocks";
import {
  DEFAULT_HEADERS,
  DEFAULT_OPTIONS,
  type Explained,
  type HpackOptions,
  type Playground,
  parseHeaderList,
  repForField,
  runPlayground,
} from "./hpack-model";
import { dynamicTable, staticTable } from "./hpack-tables";

const t = strings({
  heading: ["HPACK playground", "HPACK 演练场"],
  intro: [
    "HTTP/2 compresses headers with HPACK: both ends keep a static table of common fields and a dynamic table of fields already sent on this connection, and strings may be Huffman-coded. Edit the header list: it is encoded as a first request and then as the same request repeated on the same connection.",
    "HTTP/2 用 HPACK 压缩头部：两端共享一张常见字段的静态表，以及一张记录本连接已发送字段的动态表，字符串还可以用哈夫曼编码。编辑下面的头部列表：它先作为第一个请求编码，再作为同一连接上的重复请求编码。",
  ],
  input: ["Header list: one “name: value” per line", "头部列表：每行一个“名字: 值”"],
  huffman: ["Huffman coding", "哈夫曼编码"],
  hAuto: ["when shorter (default)", "更短时使用（默认）"],
  hAlways: ["always", "总是使用"],
  hNever: ["never", "从不使用"],
  indexing: ["Indexing policy", "索引策略"],
  iAdaptive: ["adaptive (default)", "自适应（默认）"],
  iAll: ["index everything that fits", "能放下的都加入索引"],
  iNone: ["never index", "从不加入索引"],
  tableSize: ["Dynamic table size (bytes)", "动态表大小（字节）"],
  reset: ["Restore the browser GET", "恢复为浏览器 GET 示例"],
  badLines: ["Ignored lines without “name: value”: {lines}", "已忽略不是“名字: 值”格式的行：{lines}"],
  lowercased: [
    "Names were lower-cased: HTTP/2 field names are lowercase (RFC 9113 §8.2.1).",
    "名字已转为小写：HTTP/2 的字段名必须是小写（RFC 9113 §8.2.1）。",
  ],
  badSize: [
    "The table size must be a whole number from 0 to 65536.",
    "动态表大小须为 0 到 65536 之间的整数。",
  ],
  rawTitle: ["Header list", "头部列表"],
  rawSub: ["names + values; {h1} bytes as HTTP/1.1 text", "名字 + 值；作为 HTTP/1.1 文本为 {h1} 字节"],
  firstTitle: ["First request", "第一个请求"],
  firstSub: ["{pct}% of the raw octets", "为原始字节的 {pct}%"],
  repeatTitle: ["Repeated request", "重复的请求"],
  repeatSub: ["{pct}% of the first request", "为第一个请求的 {pct}%"],
  bytesUnit: ["{n} bytes", "{n} 字节"],
  verdict: [
    "In the repeated request {k} of {n} fields cost exactly one byte: an index into a table. The block shrank from {a} to {b} bytes, as the notes say: a header such as user-agent or cookie that repeats costs about one byte after the first request.",
    "重复请求中 {n} 个字段里有 {k} 个只占一个字节：即表中的一个索引。头部块从 {a} 字节缩小到 {b} 字节，正如笔记所说：像 user-agent、cookie 这样重复出现的头部，在第一次请求之后只需约一个字节。",
  ],
  verdictNone: [
    "Nothing shrank: with these options no field reaches the dynamic table, so the repeat costs what the first request did.",
    "没有缩小：在这些选项下没有字段进入动态表，所以重复请求与第一个请求一样大。",
  ],
  inSync: [
    "The decoder (the peer) rebuilt the same list and the same dynamic table from both blocks.",
    "解码端（对端）从两个块中还原出了相同的头部列表和相同的动态表。",
  ],
  outOfSync: ["The decoder disagrees with the encoder!", "解码端与编码端不一致！"],
  fieldsTitle: ["What each field costs", "每个字段的开销"],
  colField: ["Field", "字段"],
  colRaw: ["Raw bytes", "原始字节"],
  colFirst: ["First request", "第一个请求"],
  colRepeat: ["Repeat", "重复请求"],
  colWhy: ["Why", "原因"],
  whyIndexed: ["found in a table: one index", "在表中找到：一个索引"],
  whyStaticFirst: ["in the static table from the start", "一开始就在静态表中"],
  whyNever: ["sensitive: never indexed (§7.1.3)", "敏感字段：永不索引（§7.1.3）"],
  whyLearning: [
    "its value changes between requests, so the encoder indexes it only once it has been seen again: the next repeat is one byte",
    "它的值通常每次请求都会变化，编码器只在同一值再次出现时才加入索引：再下一次重复就只需一个字节",
  ],
  whyWithout: [
    "not indexed (too large for the table, or the policy says no)",
    "未加入索引（对动态表来说太大，或策略不允许）",
  ],
  blocksTitle: ["The two header blocks, byte by byte", "两个头部块，逐字节解读"],
  firstBlock: ["First request: {n} bytes", "第一个请求：{n} 字节"],
  repeatBlock: ["Repeated request: {n} bytes", "重复的请求：{n} 字节"],
  dynTitle: ["The dynamic table", "动态表"],
  dynFirst: ["After the first request", "第一个请求之后"],
  dynRepeat: ["After the repeat", "重复请求之后"],
});

const pct = (a: number, b: number) => (b === 0 ? "0" : ((100 * a) / b).toFixed(0));

function stat(id: string, title: string, bytes: number, sub: string): HTMLElement {
  return h(
    "div",
    { class: "hp-stat" },
    h("div", { class: "hp-stat-title" }, title),
    h("div", { class: "hp-stat-value", id, "data-bytes": bytes }, t("bytesUnit", { n: bytes })),
    h("div", { class: "muted hp-stat-sub" }, sub),
  );
}

function costCell(e: Explained | undefined): HTMLElement {
  if (!e) return h("td");
  return h(
    "td",
    { class: "hp-cost" },
    h("strong", {}, e.rep.bytes),
    " ",
    h("span", { class: `badge ${KIND_CLASS[e.rep.kind]}` }, kindLabel(e.rep.kind)),
  );
}

function why(first: Explained | undefined, repeat: Explained | undefined): string {
  if (!repeat) return "";
  if (repeat.rep.kind === "indexed") {
    return first?.rep.kind === "indexed" && first.rep.table === "static"
      ? t("whyStaticFirst")
      : t("whyIndexed");
  }
  if (repeat.rep.kind === "literal-never-indexed") return t("whyNever");
  if (repeat.rep.kind === "literal-incremental") return t("whyLearning");
  return t("whyWithout");
}

function summary(p: Playground): HTMLElement {
  const a = p.first.block.length;
  const b = p.repeat.block.length;
  const fieldReps = p.fields.map((_, i) => repForField(p.repeat, i));
  const oneByte = fieldReps.filter((e) => e?.rep.kind === "indexed" && e.rep.bytes === 1).length;
  return h(
    "div",
    {},
    h(
      "div",
      { class: "hp-stats" },
      stat("hpack-raw-size", t("rawTitle"), p.rawBytes, t("rawSub", { h1: p.http1Bytes })),
      stat("hpack-first-size", t("firstTitle"), a, t("firstSub", { pct: pct(a, p.rawBytes) })),
      stat("hpack-repeat-size", t("repeatTitle"), b, t("repeatSub", { pct: pct(b, a) })),
    ),
    h(
      "p",
      { id: "hpack-verdict" },
      b < a ? t("verdict", { k: oneByte, n: p.fields.length, a, b }) : t("verdictNone"),
    ),
    h(
      "p",
      { class: p.first.inSync && p.repeat.inSync ? "ok" : "bad" },
      p.first.inSync && p.repeat.inSync ? `✓ ${t("inSync")}` : `✗ ${t("outOfSync")}`,
    ),
  );
}

function fieldTable(p: Playground): HTMLElement {
  const rows = p.fields.map(([name, value], i) => {
    const first = repForField(p.first, i);
    const repeat = repForField(p.repeat, i);
    return h(
      "tr",
      {
        "data-name": name,
        "data-first-bytes": first?.rep.bytes ?? 0,
        "data-repeat-bytes": repeat?.rep.bytes ?? 0,
        "data-repeat-kind": repeat?.rep.kind ?? "",
      },
      h(
        "td",
        { class: "mono hp-field", title: `${shown(name, 200)}: ${shown(value, 400)}` },
        `${shown(name, 24)}: ${shown(value, 36)}`,
      ),
      h("td", { class: "num" }, name.length + value.length),
      costCell(first),
      costCell(repeat),
      h("td", { class: "muted hp-why" }, why(first, repeat)),
    );
  });
  return h(
    "div",
    { class: "scroll" },
    h(
      "table",
      { class: "data", id: "hpack-fields" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("colField")),
          h("th", { class: "num" }, t("colRaw")),
          h("th", {}, t("colFirst")),
          h("th", {}, t("colRepeat")),
          h("th", {}, t("colWhy")),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

export function mountHpack(root: HTMLElement): void {
  const textarea = h("textarea", { id: "hpack-input", rows: 11, wrap: "off", spellcheck: "false" });
  textarea.value = DEFAULT_HEADERS;
  const option = (value: string, key: Parameters<typeof t>[0]) =>
    bindText(h("option", { value }), () => t(key));
  const huffman = h(
    "select",
    { id: "hpack-huffman" },
    option("auto", "hAuto"),
    option("always", "hAlways"),
    option("never", "hNever"),
  );
  const indexing = h(
    "select",
    { id: "hpack-indexing" },
    option("adaptive", "iAdaptive"),
    option("all", "iAll"),
    option("none", "iNone"),
  );
  const tableSize = h("input", {
    type: "number",
    id: "hpack-table-size",
    min: 0,
    max: 65536,
    step: 32,
    value: DEFAULT_OPTIONS.tableSize,
  });
  const reset = bindText(h("button", { type: "button", class: "btn secondary", id: "hpack-reset" }), () =>
    t("reset"),
  );
  const notes = h("div", { class: "hp-notes", "aria-live": "polite" });
  const summaryBox = h("div", { id: "hpack-summary", "aria-live": "polite" });
  const fieldsBox = h("div");
  const blocksBox = h("div", { class: "hp-blocks" });
  const dynBox = h("div", { class: "grid2" });
  const statics = staticTable();

  const render = () => {
    const parsed = parseHeaderList(textarea.value);
    const size = Number(tableSize.value);
    const sizeOk = Number.isInteger(size) && size >= 0 && size <= 65536;
    const options: HpackOptions = {
      huffman: huffman.value as HpackOptions["huffman"],
      indexing: indexing.value as HpackOptions["indexing"],
      tableSize: sizeOk ? size : DEFAULT_OPTIONS.tableSize,
    };
    replace(
      notes,
      parsed.badLines.length > 0 &&
        h("p", { class: "warn" }, t("badLines", { lines: parsed.badLines.join(", ") })),
      parsed.lowercased && h("p", { class: "muted" }, t("lowercased")),
      !sizeOk && h("p", { class: "bad" }, t("badSize")),
    );
    const p = runPlayground(parsed.fields, options);
    replace(summaryBox, summary(p));
    replace(fieldsBox, fieldTable(p));
    replace(
      blocksBox,
      h(
        "div",
        { class: "card", id: "hpack-first" },
        h("h4", {}, t("firstBlock", { n: p.first.block.length })),
        hexView(p.first),
        readingTable(p.first, "hpack-first-reading"),
      ),
      h(
        "div",
        { class: "card", id: "hpack-repeat" },
        h("h4", {}, t("repeatBlock", { n: p.repeat.block.length })),
        hexView(p.repeat),
        readingTable(p.repeat, "hpack-repeat-reading"),
      ),
    );
    replace(
      dynBox,
      h("div", { class: "card" }, h("h4", {}, t("dynFirst")), dynamicTable(p.first.table, "hpack-dyn-first")),
      h(
        "div",
        { class: "card" },
        h("h4", {}, t("dynRepeat")),
        dynamicTable(p.repeat.table, "hpack-dyn-repeat"),
      ),
    );
    const used = new Set<number>();
    for (const e of [...p.first.reps, ...p.repeat.reps]) {
      if (e.rep.table === "static" && e.rep.index) used.add(e.rep.index);
    }
    statics.update(used);
  };

  for (const control of [textarea, tableSize]) control.addEventListener("input", render);
  for (const control of [huffman, indexing]) control.addEventListener("change", render);
  reset.addEventListener("click", () => {
    textarea.value = DEFAULT_HEADERS;
    huffman.value = DEFAULT_OPTIONS.huffman;
    indexing.value = DEFAULT_OPTIONS.indexing;
    tableSize.value = String(DEFAULT_OPTIONS.tableSize);
    render();
  });
  onLanguageChange(render);

  const label = (key: Parameters<typeof t>[0], control: HTMLElement) => field(() => t(key), control);
  root.append(
    bindText(h("h3"), () => t("heading")),
    bindText(h("p", { class: "intro" }), () => t("intro")),
    h(
      "div",
      { class: "hp-top" },
      h(
        "div",
        { class: "card hp-editor" },
        label("input", textarea),
        h(
          "div",
          { class: "row" },
          label("huffman", huffman),
          label("indexing", indexing),
          label("tableSize", tableSize),
          reset,
        ),
        notes,
      ),
      h("div", { class: "card hp-results" }, summaryBox, kindLegend()),
    ),
    h(
      "div",
      { class: "card" },
      bindText(h("h4"), () => t("fieldsTitle")),
      fieldsBox,
    ),
    bindText(h("h3"), () => t("blocksTitle")),
    blocksBox,
    bindText(h("h3"), () => t("dynTitle")),
    dynBox,
    statics.el,
  );
  render();
}
