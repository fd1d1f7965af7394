/** Cards 2 and 4: the protected packet coloured by field, and the long header read field by field. */
import { h } from "../../dom";
import { type Dissection, type FieldKind, toHex } from "./dissect";
import { card, code, hexGrid, swatch } from "./hex";
import { type Key, t } from "./text";

const LEGEND: Array<[FieldKind, Key]> = [
  ["first", "kFirst"],
  ["version", "kVersion"],
  ["cidlen", "kCidlen"],
  ["dcid", "kDcid"],
  ["token", "kToken"],
  ["length", "kLength"],
  ["pn", "kPn"],
  ["payload", "kPayload"],
  ["tag", "kTag"],
];

export function packetCard(d: Dissection): HTMLElement {
  const kindAt = new Array<string>(d.packet.length).fill("");
  for (const f of d.fields) for (let i = f.start; i < f.end; i++) kindAt[i] = `q-${f.kind}`;
  const sampleEnd = d.sampleOffset + d.sample.length;
  const grid = hexGrid(
    d.packet,
    (i) => `${kindAt[i]}${i >= d.sampleOffset && i < sampleEnd ? " q-sample" : ""}`,
    24,
  );
  grid.id = "quic-packet-hex";
  grid.setAttribute("role", "group");
  grid.setAttribute("aria-label", t("packetLabel"));
  return card(
    "quic-packet",
    t("packetTitle", { n: d.packet.length }),
    t("packetHelp"),
    h(
      "div",
      { class: "legend" },
      ...LEGEND.map(([kind, key]) => swatch(`q-${kind}`, t(key))),
      swatch("q-sample-swatch", t("kSample")),
    ),
    h("div", { class: "scroll packet-scroll" }, grid),
  );
}

const bitsOf = (b: number) => b.toString(2).padStart(8, "0");

export function headerCard(d: Dissection): HTMLElement {
  const first = bitsOf(d.firstUnprotected);
  const f = (start: number, end: number) => toHex(d.packet.subarray(start, end), " ");
  const field = (kind: FieldKind, n = 0) => d.fields.filter((x) => x.kind === kind)[n]!;
  const dcidLen = field("cidlen", 0);
  const scidLen = field("cidlen", 1);
  const lengthValue = Number(d.lengthField.value);
  const rows: Array<[Key, string, Node | string, string]> = [
    ["fForm", "0x80", first.slice(0, 1), t("fFormV")],
    ["fFixed", "0x40", first.slice(1, 2), t("fFixedV")],
    ["fType", "0x30", first.slice(2, 4), t("fTypeV")],
    ["fReserved", "0x0c", first.slice(4, 6), t("fReservedV")],
    ["fPnLen", "0x03", first.slice(6), t("fPnLenV", { bits: first.slice(6), n: d.pnLength })],
    ["fVersion", "1–4", f(1, 5), t("fVersionV")],
    ["fDcidLen", "5", String(d.packet[dcidLen.start]), ""],
    ["fDcid", `${dcidLen.end}–${field("dcid").end - 1}`, code("quic-header-dcid", toHex(d.header.dcid)), ""],
    ["fScidLen", String(scidLen.start), String(d.packet[scidLen.start]), t("fScidV")],
    [
      "fTokenLen",
      String(field("token").start),
      f(field("token").start, field("token").end),
      t("fTokenV", {
        prefix: d.tokenLength.prefix.toString(2).padStart(2, "0"),
        len: d.tokenLength.length,
        value: String(d.tokenLength.value),
      }),
    ],
    [
      "fLength",
      `${field("length").start}–${field("length").end - 1}`,
      code("quic-length-field", toHex(d.lengthField.bytes, " ")),
      t("fLengthV", {
        prefix: d.lengthField.prefix.toString(2).padStart(2, "0"),
        len: d.lengthField.length,
        value: lengthValue,
        pn: d.pnLength,
        payload: lengthValue - d.pnLength - 16,
      }),
    ],
    [
      "fPn",
      `${field("pn").start}–${field("pn").end - 1}`,
      toHex(d.pnUnprotected, " "),
      t("fPnV", { value: d.packetNumber }),
    ],
  ];
  return card(
    "quic-header",
    t("headerTitle"),
    null,
    h(
      "table",
      { class: "data kv", id: "quic-header-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...[t("colField"), t("colBits"), t("colValue"), t("colMeaning")].map((c) =>
            h("th", { scope: "col" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        ...rows.map(([key, where, value, meaning]) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t(key)),
            h("td", { class: "mono" }, where),
            h("td", { class: "mono" }, value),
            h("td", {}, meaning),
          ),
        ),
      ),
    ),
  );
}
