/**
 * One HPACK header block, byte by byte: the hex of every representation coloured by its kind, and a table
 * reading each piece (RFC 7541 §5.1 prefix integers, §5.2 string literals, §6 representations).
 */
import type { RepresentationKind } from "@proto/hpack";
import { h, hex } from "../../dom";
import { bindText, strings } from "../../i18n";
import { type BlockResult, type Explained, fromOctets, type Part } from "./hpack-model";

const t = strings({
  indexed: ["Indexed field", "索引字段"],
  "literal-incremental": ["Literal, incremental indexing", "字面量，增量索引"],
  "literal-without-indexing": ["Literal without indexing", "字面量，不索引"],
  "literal-never-indexed": ["Literal, never indexed", "字面量，永不索引"],
  "size-update": ["Table size update", "动态表大小更新"],
  static: ["static", "静态表"],
  dynamic: ["dynamic", "动态表"],
  offset: ["Offset", "偏移"],
  bytes: ["Bytes", "字节"],
  rep: ["Representation", "表示方式"],
  field: ["Field", "字段"],
  reading: ["How the bytes read", "字节的含义"],
  prefixIndexed: [
    "pattern 1, then a {bits}-bit prefix integer: index {value} ({table} table). The whole field in {n} byte(s).",
    "模式位 1，其后是 {bits} 位前缀整数：索引 {value}（{table}）。整个字段只占 {n} 字节。",
  ],
  prefixLiteral: [
    "pattern {pattern}, then a {bits}-bit prefix integer: name index {value} ({table} table)",
    "模式位 {pattern}，其后是 {bits} 位前缀整数：名字索引 {value}（{table}）",
  ],
  prefixNewName: [
    "pattern {pattern}, then a {bits}-bit prefix of 0: the name follows as a string",
    "模式位 {pattern}，其后 {bits} 位前缀为 0：名字以字符串形式紧随其后",
  ],
  prefixSize: [
    "pattern 001, then a 5-bit prefix integer: new maximum table size {value} bytes",
    "模式位 001，其后是 5 位前缀整数：动态表新的最大值 {value} 字节",
  ],
  continued: [
    " The prefix is all ones, so the integer continues in {more} more byte(s) of 7 bits.",
    " 前缀全为 1，整数在后面 {more} 个字节中继续（每字节 7 位）。",
  ],
  length: ["H={h} ({coding}), 7-bit prefix length {value}", "H={h}（{coding}），7 位前缀长度 {value}"],
  huffman: ["Huffman", "哈夫曼编码"],
  raw: ["raw octets", "原始字节"],
  nameOctets: ["{n} octets of the name: “{text}”", "名字的 {n} 个字节：“{text}”"],
  valueOctets: ["{n} octets of the value: “{text}”", "值的 {n} 个字节：“{text}”"],
  addsEntry: [" Adds the field to the dynamic table.", " 该字段被加入动态表。"],
  neverNote: [
    " Sensitive: no intermediary may index it either (§7.1.3).",
    " 敏感字段：中间节点也不得将其加入索引（§7.1.3）。",
  ],
  empty: ["(empty block)", "（空块）"],
});

export function kindLabel(kind: RepresentationKind): string {
  return t(kind);
}

/** CSS class per representation kind (colours in http2.css). */
export const KIND_CLASS: Record<RepresentationKind, string> = {
  indexed: "hp-indexed",
  "literal-incremental": "hp-incremental",
  "literal-without-indexing": "hp-without",
  "literal-never-indexed": "hp-never",
  "size-update": "hp-size",
};

/** Shortened display of an octet string. */
export function shown(octets: string, max = 60): string {
  const text = fromOctets(octets);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function bits(byte: number, prefixBits: number): string {
  const b = byte.toString(2).padStart(8, "0");
  return `${b.slice(0, 8 - prefixBits)}|${b.slice(8 - prefixBits)}`;
}

/** One line of explanation per part of a representation. */
function readPart(e: Explained, part: Part, block: Uint8Array): string {
  const { rep } = e;
  const first = block[part.start]!;
  const table = rep.table ? t(rep.table) : "";
  switch (part.role) {
    case "prefix": {
      const prefixBits = part.prefixBits!;
      const pattern = bits(first, prefixBits).split("|")[0]!;
      const vars = { bits: prefixBits, value: part.value!, table, pattern, n: rep.bytes };
      let text =
        rep.kind === "indexed"
          ? t("prefixIndexed", vars)
          : rep.kind === "size-update"
            ? t("prefixSize", vars)
            : part.value === 0
              ? t("prefixNewName", vars)
              : t("prefixLiteral", vars);
      const more = part.end - part.start - 1;
      if (more > 0) text += t("continued", { more });
      if (rep.kind === "literal-incremental") text += t("addsEntry");
      if (rep.kind === "literal-never-indexed") text += t("neverNote");
      return `${bits(first, prefixBits)} → ${text}`;
    }
    case "name-length":
    case "value-length":
      return `${bits(first, 7)} → ${t("length", {
        h: part.huffman ? 1 : 0,
        coding: part.huffman ? t("huffman") : t("raw"),
        value: part.value!,
      })}`;
    case "name":
      return t("nameOctets", { n: part.end - part.start, text: shown(rep.name ?? "") });
    case "value":
      return t("valueOctets", { n: part.end - part.start, text: shown(rep.value ?? "") });
  }
}

/** The block's bytes, one coloured group per representation, one span per part. */
export function hexView(result: BlockResult): HTMLElement {
  const view = h("div", { class: "hex hp-hex" });
  if (result.block.length === 0) view.append(t("empty"));
  for (const e of result.reps) {
    const group = h("span", { class: `hp-rep ${KIND_CLASS[e.rep.kind]}`, title: kindLabel(e.rep.kind) });
    e.parts.forEach((part, i) => {
      group.append(
        i > 0 ? " " : "",
        h("span", { class: `hp-part hp-p-${part.role}` }, hex(result.block.subarray(part.start, part.end))),
      );
    });
    view.append(group, " ");
  }
  return view;
}

/** The reading table: one row per representation, one line per part. */
export function readingTable(result: BlockResult, id: string): HTMLElement {
  const rows = result.reps.map((e) =>
    h(
      "tr",
      { "data-kind": e.rep.kind, "data-bytes": e.rep.bytes },
      h("td", { class: "num" }, e.rep.offset),
      h("td", { class: "num" }, e.rep.bytes),
      h("td", {}, h("span", { class: `badge ${KIND_CLASS[e.rep.kind]}` }, kindLabel(e.rep.kind))),
      h(
        "td",
        { class: "mono hp-field" },
        e.rep.kind === "size-update" ? "" : `${shown(e.rep.name ?? "", 24)}: ${shown(e.rep.value ?? "", 40)}`,
      ),
      h(
        "td",
        { class: "hp-reading" },
        ...e.parts.map((p) =>
          h(
            "div",
            {},
            h("code", { class: `hp-part hp-p-${p.role}` }, hex(result.block.subarray(p.start, p.end), 6)),
            " ",
            readPart(e, p, result.block),
          ),
        ),
      ),
    ),
  );
  return h(
    "div",
    { class: "scroll hp-reading-wrap" },
    h(
      "table",
      { class: "data", id },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "num" }, t("offset")),
          h("th", { class: "num" }, t("bytes")),
          h("th", {}, t("rep")),
          h("th", {}, t("field")),
          h("th", {}, t("reading")),
        ),
      ),
      h("tbody", {}, ...rows),
    ),
  );
}

/** The colour legend of the representation kinds. */
export function kindLegend(): HTMLElement {
  const kinds = Object.keys(KIND_CLASS) as RepresentationKind[];
  return h(
    "div",
    { class: "legend" },
    ...kinds.map((k) =>
      h(
        "span",
        {},
        h("span", { class: `swatch ${KIND_CLASS[k]}` }),
        bindText(h("span"), () => kindLabel(k)),
      ),
    ),
  );
}
